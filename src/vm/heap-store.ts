import { Collector } from '../gc';
import { Addr } from '../memory';

/**
 * Base of the stores that own one object kind's layout (vectors, hash tables, lists): the heap
 * views they read and write, and the collector they allocate through.
 */
export abstract class HeapStore {
  protected readonly u8: Uint8Array;
  protected readonly u32: Uint32Array;
  protected readonly f64: Float64Array;

  constructor(protected readonly gc: Collector) {
    const heap = gc.allocator.heap;
    this.u8 = heap.u8;
    this.u32 = heap.u32;
    this.f64 = heap.f64;
  }

  /** A new object of `size` bytes, all zero (a valid empty state for every store's layout). May collect. */
  protected zeroed(size: number, kind: number): Addr {
    const a = this.gc.allocate(size, kind);
    this.u8.fill(0, a, a + size);
    return a;
  }
}
