import { Addr } from './heap';
import { Allocator } from './allocator';

/**
 * A batch allocator over the heap: blocks taken from it are released together by `release()`.
 * Natives use one for temporary buffers (sorting, string building, matrix decomposition) so
 * that an early exit (a runtime error) cannot leak them: release it in a `finally`.
 *
 * Arena blocks are pinned: no object references them, yet a collection that runs while the
 * native still uses them (it may allocate its result) must not sweep them.
 */
export class Arena {
  private blocks: Addr[] = [];
  private bytes = 0;

  /**
   * `allocate` defaults to the bare allocator (returns 0 when the heap is full); the collector
   * passes its own funnel (Collector.newArena), which may collect first and throws at the limit.
   */
  constructor(
    private readonly allocator: Allocator,
    private readonly kind: number,
    private readonly allocate: (bytes: number, kind: number) => Addr = (n, k) => allocator.alloc(n, k),
  ) {}

  /** A pinned block of at least `bytes` bytes, or 0 when the heap is full (with the bare allocator). */
  alloc(bytes: number): Addr {
    const a = this.allocate(bytes, this.kind);
    if (a !== 0) {
      this.allocator.pin(a);
      this.blocks.push(a);
      this.bytes += this.allocator.payloadSize(a);
    }
    return a;
  }

  get blockCount(): number {
    return this.blocks.length;
  }

  /** Payload bytes currently held. */
  get byteCount(): number {
    return this.bytes;
  }

  /** Frees every block the arena handed out; the arena can be used again afterwards. */
  release(): void {
    for (const a of this.blocks) this.allocator.free(a);
    this.blocks = [];
    this.bytes = 0;
  }
}
