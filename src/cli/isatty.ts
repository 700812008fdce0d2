/**
 * isatty(fd) without loading node's `tty` module: `tty` pulls in `net` and the stream machinery
 * (a few ms of a start-up that only wants one bit), and `process.stdout.isTTY` /
 * `process.stderr.isTTY` build the stream objects themselves. The internal binding that `tty`
 * calls is asked directly (its deprecation warning silenced for the call); where it is missing
 * the public function is used.
 */
let isTTY: ((fd: number) => boolean) | null = null;

function find(): (fd: number) => boolean {
  const p = process as unknown as { binding?: (name: string) => { isTTY?: unknown }; noDeprecation?: boolean };
  if (typeof p.binding === 'function') {
    const quiet = p.noDeprecation;
    p.noDeprecation = true;
    try {
      const binding = p.binding('tty_wrap');
      if (typeof binding.isTTY === 'function') {
        const check = binding.isTTY as (fd: number) => boolean;
        return (fd) => check(fd) === true;
      }
    } catch {
      // not there: the public function below
    } finally {
      p.noDeprecation = quiet;
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (require('tty') as typeof import('tty')).isatty;
}

/** Whether `fd` is a terminal (as tty.isatty). */
export function isatty(fd: number): boolean {
  if (isTTY === null) isTTY = find();
  return isTTY(fd);
}
