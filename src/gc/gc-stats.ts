import { CollectReason } from './options';

/** One collection, as recorded for --gc-trace, --gc-stats and --gc-report. */
export interface CollectionRecord {
  index: number;
  reason: CollectReason;
  /** Bytes of the allocation that triggered the collection (0 when none did). */
  requestBytes: number;
  /** Seconds since the collector was created. */
  at: number;
  markMs: number;
  sweepMs: number;
  bytesBefore: number;
  bytesAfter: number;
  nextThreshold: number;
  objectsFreed: number;
  objectsLive: number;
}

/** Collector statistics, kept for the whole run. Records are kept for every collection. */
export class GcStats {
  collections = 0;
  totalPauseMs = 0;
  maxPauseMs = 0;
  bytesFreed = 0;
  objectsFreed = 0;
  readonly records: CollectionRecord[] = [];

  add(r: CollectionRecord): void {
    const pause = r.markMs + r.sweepMs;
    this.collections++;
    this.totalPauseMs += pause;
    if (pause > this.maxPauseMs) this.maxPauseMs = pause;
    this.bytesFreed += r.bytesBefore - r.bytesAfter;
    this.objectsFreed += r.objectsFreed;
    this.records.push(r);
  }

  /** Pause percentile (0..100) in milliseconds, nearest-rank. */
  pausePercentile(p: number): number {
    if (this.records.length === 0) return 0;
    const pauses = this.records.map((r) => r.markMs + r.sweepMs).sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil((p / 100) * pauses.length));
    return pauses[rank - 1];
  }
}

const MIB = 1024 * 1024;

/** `gc 12 @0.184s: mark 0.41ms sweep 0.12ms, 3.20->1.10 MiB (next 2.20 MiB), 18432 freed / 5120 live, reason=threshold` */
export function formatTraceLine(r: CollectionRecord): string {
  return `gc ${r.index} @${r.at.toFixed(3)}s: mark ${r.markMs.toFixed(2)}ms sweep ${r.sweepMs.toFixed(2)}ms, ` +
    `${(r.bytesBefore / MIB).toFixed(2)}->${(r.bytesAfter / MIB).toFixed(2)} MiB (next ${(r.nextThreshold / MIB).toFixed(2)} MiB), ` +
    `${r.objectsFreed} freed / ${r.objectsLive} live, reason=${r.reason}`;
}

export function formatTraceJson(r: CollectionRecord): string {
  return JSON.stringify({
    gc: r.index, at: +r.at.toFixed(6), markMs: +r.markMs.toFixed(4), sweepMs: +r.sweepMs.toFixed(4),
    before: r.bytesBefore, after: r.bytesAfter, next: r.nextThreshold,
    freed: r.objectsFreed, live: r.objectsLive, reason: r.reason,
  });
}
