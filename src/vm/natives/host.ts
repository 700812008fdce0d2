import type { Runtime } from '../runtime';
import { RuntimeError } from '../errors';

/**
 * What blocking natives (input, sleep, the http_* requests) need from the host (src/vm/host.ts):
 * flushing buffered program output before they block, and a wait that an interrupt (the REPL's
 * Ctrl-C, the playground's Stop) can cut short.
 */

export function flushOutput(rt: Runtime): void {
  rt.host.flush();
}

/** Longest single wait: how often a wait looks at the interrupt flag. */
const SLICE_MS = 50;
/**
 * Atomics.wait needs shared memory, which a browser gives only to cross-origin isolated pages;
 * without it a wait polls the clock instead (only in such a page).
 */
const canBlock = typeof SharedArrayBuffer !== 'undefined';
const never = new Int32Array(canBlock ? new SharedArrayBuffer(4) : new ArrayBuffer(4));

/**
 * Blocks the VM thread until flag[0] becomes non-zero (true) or `ms` milliseconds pass (false).
 * Without a flag it simply sleeps. When the runtime's interrupt flag is raised meanwhile (REPL
 * Ctrl-C) the wait ends with the runtime error `Interrupted.`, as a running loop would.
 */
export function waitFor(rt: Runtime, ms: number, flag: Int32Array = never): boolean {
  const now = rt.host.now;
  const end = now() + ms;
  const block = canBlock && flag.buffer instanceof SharedArrayBuffer;
  for (;;) {
    if (Atomics.load(flag, 0) !== 0) return true;
    if (Atomics.load(rt.interrupt, 0) !== 0) {
      Atomics.store(rt.interrupt, 0, 0);
      throw new RuntimeError('Interrupted.');
    }
    const left = end - now();
    if (left <= 0) return false;
    if (block) Atomics.wait(flag, 0, 0, Math.min(left, SLICE_MS));
  }
}
