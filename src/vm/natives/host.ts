import type { Runtime } from '../runtime';
import { RuntimeError } from '../errors';

/**
 * What blocking natives (input, sleep, the http_* requests) need from the host, without a
 * change to Runtime: flushing buffered program output before they block, and a wait that the
 * REPL's Ctrl-C can cut short.
 */

/**
 * The runtime's `write` may carry a `flush()` (the CLI's BufferedOutput attaches one): a prompt
 * or the output printed before a sleep must reach the terminal before the VM blocks.
 */
export type FlushableWrite = ((text: string) => void) & { flush?: () => void };

export function flushOutput(rt: Runtime): void {
  (rt.write as FlushableWrite).flush?.();
}

/** Longest single Atomics.wait: how often a wait looks at the interrupt flag. */
const SLICE_MS = 50;
const never = new Int32Array(new SharedArrayBuffer(4));

/**
 * Blocks the VM thread until flag[0] becomes non-zero (true) or `ms` milliseconds pass (false).
 * Without a flag it simply sleeps. When the runtime's interrupt flag is raised meanwhile (REPL
 * Ctrl-C) the wait ends with the runtime error `Interrupted.`, as a running loop would.
 */
export function waitFor(rt: Runtime, ms: number, flag: Int32Array = never): boolean {
  const end = performance.now() + ms;
  for (;;) {
    if (Atomics.load(flag, 0) !== 0) return true;
    if (Atomics.load(rt.interrupt, 0) !== 0) {
      Atomics.store(rt.interrupt, 0, 0);
      throw new RuntimeError('Interrupted.');
    }
    const left = end - performance.now();
    if (left <= 0) return false;
    Atomics.wait(flag, 0, 0, Math.min(left, SLICE_MS));
  }
}
