/**
 * The shared Int32Array between the main thread (which runs the program) and the signal watcher
 * thread (signal-watcher.ts). One small module, loaded by both, so the slots cannot disagree.
 */
/** The VM's interrupt flag (polled at backward jumps, calls and in waits): `subarray(INTERRUPT, INTERRUPT + 1)`. */
export const INTERRUPT = 0;
/** The first signal's number (0: none yet). */
export const SIGNAL = 1;
/** 1 once the watcher catches signals: until then a signal has its default action. */
export const READY = 2;
/** 1 once the main thread is past the program (it answered the interrupt, or ran to the end). */
export const DONE = 3;
export const SLOTS = 4;

/** SIGHUP, SIGINT, SIGTERM. */
export const WATCHED_SIGNALS: readonly number[] = [1, 2, 15];

/** After the first signal, how long the program has to stop before the process is ended anyway. */
export const GRACE_MS = 2000;
