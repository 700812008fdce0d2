/**
 * isatty(fd) without loading node's `tty` module: `tty` pulls in `net` and the stream machinery
 * (a few ms of a start-up that only wants one bit), and `process.stdout.isTTY` /
 * `process.stderr.isTTY` build the stream objects themselves. The internal binding that `tty`
 * calls is asked directly (its deprecation warning silenced for the call); where it is missing
 * the public function is used.
 */
import { nodeBinding } from './node-binding';

let isTTY: ((fd: number) => boolean) | null = null;

function find(): (fd: number) => boolean {
  const check = nodeBinding('tty_wrap')?.isTTY;
  if (typeof check === 'function') return (fd) => check(fd) === true;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (require('tty') as typeof import('tty')).isatty;
}

/** Whether `fd` is a terminal (as tty.isatty). */
export function isatty(fd: number): boolean {
  if (isTTY === null) isTTY = find();
  return isTTY(fd);
}
