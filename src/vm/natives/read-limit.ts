/**
 * Bounds on what a native reads from outside (files, stdin, http bodies): the bytes are held in
 * host memory until they become a string in the heap, so a read that the heap could never hold
 * must stop early, with the heap's own out-of-memory error, instead of growing the process
 * (read_file("/dev/zero") once reached 6 GB under --heap-limit=1M).
 */
import { OutOfMemoryError } from '../../gc';
import type { Runtime } from '../runtime';

/**
 * The longest string the host can build (V8's limit, in UTF-16 units; UTF-8 bytes are at least
 * as many). Asked of Node's buffer module on first use: the engine core imports no Node module
 * at load time (it must load in a browser, where only the natives that never read run).
 */
let maxStringBytes = 0;

function maxString(): number {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  if (maxStringBytes === 0) maxStringBytes = (require('buffer') as typeof import('buffer')).constants.MAX_STRING_LENGTH;
  return maxStringBytes;
}

/** Bytes a read may still gather: what the heap has free now (never above the host's string limit). */
export function readAllowance(rt: Runtime): number {
  return Math.min(maxString(), rt.allocator.heap.size - rt.allocator.stats.currentBytes);
}

/**
 * Called when a read has gathered `bytes`: fine while the heap can hold them; otherwise one
 * collection is tried (garbage may be what fills it) before the out-of-memory error.
 */
export function checkReadSize(rt: Runtime, bytes: number): void {
  if (bytes <= readAllowance(rt)) return;
  rt.gc.collect('limit');
  if (bytes > readAllowance(rt)) throw new OutOfMemoryError(rt.allocator.heap.size);
}
