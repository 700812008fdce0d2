import { CLASS_COUNT } from './block';

/**
 * Allocation accounting. Counters are updated by the allocator on every alloc and free, so they
 * always equal what a heap walk finds (a unit test checks this).
 */
export class MemStats {
  totalAllocations = 0;
  totalFrees = 0;
  currentAllocations = 0;
  peakAllocations = 0;
  bytesAllocated = 0;
  bytesFreed = 0;
  currentBytes = 0;
  peakBytes = 0;
  /** Per kind (index = kind byte): live block count and live bytes, total allocations. */
  readonly liveCountByKind = new Float64Array(256);
  readonly liveBytesByKind = new Float64Array(256);
  readonly allocsByKind = new Float64Array(256);
  /** Per size class (index = block size / 8; large blocks count at index 0). */
  readonly liveCountByClass = new Float64Array(CLASS_COUNT);

  reset(): void {
    this.totalAllocations = this.totalFrees = this.currentAllocations = this.peakAllocations = 0;
    this.bytesAllocated = this.bytesFreed = this.currentBytes = this.peakBytes = 0;
    this.liveCountByKind.fill(0);
    this.liveBytesByKind.fill(0);
    this.allocsByKind.fill(0);
    this.liveCountByClass.fill(0);
  }
}

/** A snapshot of the statistics, as returned by getMemStats(). */
export interface MemStatsSnapshot {
  totalAllocations: number;
  totalFrees: number;
  currentAllocations: number;
  peakAllocations: number;
  bytesAllocated: number;
  bytesFreed: number;
  currentBytes: number;
  peakBytes: number;
  /** High-water mark: bytes of the heap ever handed out from fresh memory. */
  committedBytes: number;
  /** Bytes on free lists (reusable). */
  freeBytes: number;
  /** Free bytes in blocks too small to serve a typical (64-byte) request. */
  fragmentedBytes: number;
  heapLimit: number;
  reservationReduced: boolean;
  byKind: { kind: string; count: number; bytes: number; allocations: number }[];
}

/** The seed's `Memory Statistics:` text layout (upstream-memory.md §1.2). */
export function formatMemStats(s: MemStatsSnapshot): string {
  const lines = [
    'Memory Statistics:',
    `  Allocations: ${s.totalAllocations} total, ${s.currentAllocations} current, ${s.peakAllocations} peak`,
    `  Deallocations: ${s.totalFrees}`,
    `  Bytes: ${s.bytesAllocated} allocated, ${s.bytesFreed} deallocated`,
    `  Current: ${s.currentBytes} bytes, ${s.currentAllocations} allocations`,
    `  Peak: ${s.peakBytes} bytes, ${s.peakAllocations} allocations`,
    `  Heap: ${s.committedBytes} bytes committed, ${s.freeBytes} free (${s.fragmentedBytes} fragmented), limit ${s.heapLimit}${s.reservationReduced ? ' (reservation reduced by the host)' : ''}`,
  ];
  if (s.byKind.length > 0) {
    lines.push('  By kind:');
    for (const k of s.byKind) {
      lines.push(`    ${k.kind.padEnd(14)} ${String(k.count).padStart(10)} live ${String(k.bytes).padStart(12)} bytes ${String(k.allocations).padStart(12)} allocated`);
    }
  }
  return lines.join('\n');
}
