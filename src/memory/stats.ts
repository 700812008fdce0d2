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
  /** Per size class (index = block size / 8; large blocks count at index 0): live and ever allocated. */
  readonly liveCountByClass = new Float64Array(CLASS_COUNT);
  readonly liveBytesByClass = new Float64Array(CLASS_COUNT);
  readonly allocsByClass = new Float64Array(CLASS_COUNT);

  reset(): void {
    this.totalAllocations = this.totalFrees = this.currentAllocations = this.peakAllocations = 0;
    this.bytesAllocated = this.bytesFreed = this.currentBytes = this.peakBytes = 0;
    this.liveCountByKind.fill(0);
    this.liveBytesByKind.fill(0);
    this.allocsByKind.fill(0);
    this.liveCountByClass.fill(0);
    this.liveBytesByClass.fill(0);
    this.allocsByClass.fill(0);
  }
}

/** One size class in getMemStats(): block size in bytes ('large' for the first-fit list). */
export interface SizeClassRow {
  blockSize: number | 'large';
  liveCount: number;
  liveBytes: number;
  freeCount: number;
  freeBytes: number;
  allocations: number;
}

/** One group of checkForLeaks(): blocks of one kind from one allocation site ('' without retainMetadata). */
export interface LeakRow {
  kind: string;
  site: string;
  count: number;
  bytes: number;
}

/** What a walk of the heap counts (Allocator.walkTotals), to check the counters against. */
export interface HeapWalk {
  count: number;
  bytes: number;
  freeBytes: number;
  freeBlocks: number;
  fragmentedBytes: number;
  quarantinedBytes: number;
  countByKind: Map<number, number>;
  bytesByKind: Map<number, number>;
  liveCountByClass: Float64Array;
  liveBytesByClass: Float64Array;
  freeCountByClass: Float64Array;
  freeBytesByClass: Float64Array;
  /** Bytes from the heap start to the current top (live + free + quarantined). */
  extent: number;
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
  /** High-water mark: the most bytes of the heap ever in use by blocks (live or free). */
  committedBytes: number;
  /** Bytes from the heap start to the current top: live + free + quarantined. */
  extentBytes: number;
  /** Bytes on free lists (reusable), and how many blocks. */
  freeBytes: number;
  freeBlocks: number;
  /** Free bytes in blocks too small to serve a typical request (TYPICAL_REQUEST_BLOCK). */
  fragmentedBytes: number;
  /** Freed blocks held back by neverUnmap (never reused). */
  quarantinedBytes: number;
  heapLimit: number;
  requestedLimit: number;
  reservationReduced: boolean;
  /** False with enableTracking off: byKind and bySizeClass are then empty. */
  tracking: boolean;
  byKind: { kind: string; count: number; bytes: number; allocations: number }[];
  bySizeClass: SizeClassRow[];
}

const pad = (v: number | string, n: number): string => String(v).padStart(n);

/** The seed's `Memory Statistics:` text layout (upstream-memory.md §1.2), then our additions. */
export function formatMemStats(s: MemStatsSnapshot): string {
  const lines = [
    'Memory Statistics:',
    `  Allocations: ${s.totalAllocations} total, ${s.currentAllocations} current, ${s.peakAllocations} peak`,
    `  Deallocations: ${s.totalFrees}`,
    `  Bytes: ${s.bytesAllocated} allocated, ${s.bytesFreed} deallocated`,
    `  Current: ${s.currentBytes} bytes, ${s.currentAllocations} allocations`,
    `  Peak: ${s.peakBytes} bytes, ${s.peakAllocations} allocations`,
    `  Heap: ${s.extentBytes} bytes in blocks (high-water mark ${s.committedBytes}), limit ${s.heapLimit}` +
      (s.reservationReduced ? ` (reduced by the host from ${s.requestedLimit})` : ''),
    `  Free: ${s.freeBytes} bytes in ${s.freeBlocks} blocks, ${s.fragmentedBytes} fragmented (in blocks under 64 bytes)` +
      (s.quarantinedBytes > 0 ? `, ${s.quarantinedBytes} quarantined` : ''),
  ];
  if (!s.tracking) {
    lines.push('  (per-kind and per-size-class figures are off: --no-tracking)');
    return lines.join('\n');
  }
  if (s.byKind.length > 0) {
    lines.push('  By kind:', `    ${'kind'.padEnd(14)} ${pad('live', 10)} ${pad('live bytes', 12)} ${pad('allocated', 12)}`);
    for (const k of s.byKind) lines.push(`    ${k.kind.padEnd(14)} ${pad(k.count, 10)} ${pad(k.bytes, 12)} ${pad(k.allocations, 12)}`);
  }
  if (s.bySizeClass.length > 0) {
    lines.push('  By size class:', `    ${'block'.padEnd(6)} ${pad('live', 10)} ${pad('live bytes', 12)} ${pad('free', 8)} ${pad('free bytes', 12)} ${pad('allocated', 12)}`);
    for (const c of s.bySizeClass) {
      lines.push(`    ${String(c.blockSize).padEnd(6)} ${pad(c.liveCount, 10)} ${pad(c.liveBytes, 12)} ${pad(c.freeCount, 8)} ${pad(c.freeBytes, 12)} ${pad(c.allocations, 12)}`);
    }
  }
  return lines.join('\n');
}
