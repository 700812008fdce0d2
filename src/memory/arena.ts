import { Addr } from './heap';
import { Allocator } from './allocator';

/**
 * A batch allocator over the heap: blocks taken from it are released together by `release()`.
 * Natives use one for temporary buffers (sorting, string building, matrix decomposition) so
 * that an early exit (a runtime error) cannot leak them.
 */
export class Arena {
  private blocks: Addr[] = [];

  constructor(private readonly allocator: Allocator, private readonly kind: number) {}

  /** Returns 0 when the heap is full, like Allocator.alloc. */
  alloc(bytes: number): Addr {
    const a = this.allocator.alloc(bytes, this.kind);
    if (a !== 0) this.blocks.push(a);
    return a;
  }

  get blockCount(): number {
    return this.blocks.length;
  }

  /** Frees every block the arena handed out. */
  release(): void {
    for (const a of this.blocks) this.allocator.free(a);
    this.blocks = [];
  }
}
