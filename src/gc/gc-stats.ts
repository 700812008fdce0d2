import { CollectReason, CycleKind } from './options';

/** One collection cycle, as recorded for --gc-trace, --gc-stats and --gc-report. */
export interface CollectionRecord {
  index: number;
  reason: CollectReason;
  /** full (stop-the-world), incremental (in steps), minor or major (generational). */
  kind: CycleKind;
  /** Bytes of the allocation that triggered the collection (0 when none did). */
  requestBytes: number;
  /** Seconds since the collector was created, when the cycle started. */
  at: number;
  /** Seconds since the collector was created, when the cycle ended. */
  endAt: number;
  /** Time spent marking (all steps of the cycle) and sweeping. */
  markMs: number;
  sweepMs: number;
  /** Pauses the cycle took (1 for a stop-the-world cycle) and the longest of them. */
  steps: number;
  maxPauseMs: number;
  bytesBefore: number;
  bytesAfter: number;
  /** Bytes the cycle's sweep gave back (with incremental cycles, the program allocates meanwhile). */
  bytesFreed: number;
  nextThreshold: number;
  objectsFreed: number;
  objectsLive: number;
}

/** Pause kinds, as kept per pause (PauseLog.kinds). */
export const enum PauseKind {
  FULL = 0,
  STEP = 1,
  ATOMIC = 2,
  MINOR = 3,
  MAJOR = 4,
}
export const PAUSE_KIND_NAMES = ['full', 'step', 'atomic', 'minor', 'major'];

/**
 * Collector statistics, kept for the whole run. A record per cycle and, in typed arrays (no JS
 * object per pause), every pause: a stop-the-world collection is one pause, an incremental cycle
 * many. Percentiles are over pauses, since pauses are what a program feels.
 */
export class GcStats {
  collections = 0;
  // -0: a double from the start (see Collector.cycAt).
  totalPauseMs = -0;
  maxPauseMs = -0;
  /** Bytes given back by sweeps (explicit frees by the runtime, such as a vector's old buffer, are not counted). */
  bytesFreed = 0;
  objectsFreed = 0;
  readonly records: CollectionRecord[] = [];
  pauseCount = 0;
  /** Per pause: start (seconds since the collector was created), length (ms) and PauseKind. */
  pauseAt = new Float64Array(256);
  pauseMs = new Float64Array(256);
  pauseKinds = new Uint8Array(256);
  /** Live bytes when each pause ended. */
  pauseHeap = new Float64Array(256);

  add(r: CollectionRecord): void {
    this.collections++;
    this.bytesFreed += r.bytesFreed;
    this.objectsFreed += r.objectsFreed;
    this.records.push(r);
  }

  addPause(at: number, ms: number, kind: PauseKind, heapBytes: number): void {
    if (this.pauseCount === this.pauseMs.length) {
      const n = this.pauseCount * 2;
      const at2 = new Float64Array(n), ms2 = new Float64Array(n), k2 = new Uint8Array(n), h2 = new Float64Array(n);
      at2.set(this.pauseAt); ms2.set(this.pauseMs); k2.set(this.pauseKinds); h2.set(this.pauseHeap);
      this.pauseAt = at2; this.pauseMs = ms2; this.pauseKinds = k2; this.pauseHeap = h2;
    }
    this.pauseHeap[this.pauseCount] = heapBytes;
    this.pauseAt[this.pauseCount] = at;
    this.pauseMs[this.pauseCount] = ms;
    this.pauseKinds[this.pauseCount++] = kind;
    this.totalPauseMs += ms;
    if (ms > this.maxPauseMs) this.maxPauseMs = ms;
  }

  /** Pause percentile (0..100) in milliseconds, nearest-rank, over every pause. */
  pausePercentile(p: number): number {
    if (this.pauseCount === 0) return 0;
    const pauses = this.pauseMs.slice(0, this.pauseCount).sort();
    const rank = Math.max(1, Math.ceil((p / 100) * pauses.length));
    return pauses[rank - 1];
  }
}

const MIB = 1024 * 1024;

/**
 * `gc 12 @0.184s: mark 0.41ms sweep 0.12ms, 3.20->1.10 MiB (next 2.20 MiB), 18432 freed / 5120 live, reason=threshold`
 * then, for cycles other than full stop-the-world ones, ` kind=incremental steps=41 max-pause=0.52ms`.
 */
export function formatTraceLine(r: CollectionRecord): string {
  return `gc ${r.index} @${r.at.toFixed(3)}s: mark ${r.markMs.toFixed(2)}ms sweep ${r.sweepMs.toFixed(2)}ms, ` +
    `${(r.bytesBefore / MIB).toFixed(2)}->${(r.bytesAfter / MIB).toFixed(2)} MiB (next ${(r.nextThreshold / MIB).toFixed(2)} MiB), ` +
    `${r.objectsFreed} freed / ${r.objectsLive} live, reason=${r.reason}` +
    (r.kind === 'full' ? '' : ` kind=${r.kind} steps=${r.steps} max-pause=${r.maxPauseMs.toFixed(2)}ms`);
}

export function formatTraceJson(r: CollectionRecord): string {
  return JSON.stringify({
    gc: r.index, at: +r.at.toFixed(6), markMs: +r.markMs.toFixed(4), sweepMs: +r.sweepMs.toFixed(4),
    before: r.bytesBefore, after: r.bytesAfter, next: r.nextThreshold,
    freed: r.objectsFreed, live: r.objectsLive, reason: r.reason,
    kind: r.kind, steps: r.steps, maxPauseMs: +r.maxPauseMs.toFixed(4), freedBytes: r.bytesFreed,
  });
}
