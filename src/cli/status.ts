/** Process exit statuses (sysexits.h), shared by every command. */
export const EXIT_OK = 0;
export const EXIT_USAGE = 64;
export const EXIT_COMPILE = 65;
export const EXIT_RUNTIME = 70;
export const EXIT_NO_INPUT = 74;

export const VERSION = '0.1.0';
export const VERSION_LINE = `mufiz ${VERSION} (MufiZ language, TypeScript VM)`;
