import { Allocator, Arena, Addr, HEAP_START, LIVE_MAGIC, blockSizeFor } from '../memory';
import { GcOptions, DEFAULT_GC_OPTIONS, CollectReason } from './options';
import { OutOfMemoryError, HeapCorruptionError } from './errors';
import { GcStats, CollectionRecord, formatTraceLine, formatTraceJson } from './gc-stats';

/** Marks the children of one object by calling gc.markObject / gc.markValue on each reference. */
export type TraceFn = (addr: Addr, gc: Collector) => void;

/** What the collector needs from its host (the VM): the roots, and weak-table cleanup. */
export interface GcHost {
  /** Marks every root: stack, frames, open upvalues, globals, natives, temporary roots. */
  markRoots(gc: Collector): void;
  /** Called after marking, before the sweep: drop weak references to unmarked objects. */
  removeWeakReferences(gc: Collector): void;
}

const OBJ_TAG = 5; // Tag.OBJ; values are encoded by src/vm/value.ts, the collector only needs this one

/**
 * A precise, non-moving, stop-the-world mark-sweep collector (tri-colour with a gray stack).
 *
 * Colours: white = mark bit clear; gray = marked and on the gray stack (children not yet
 * traced); black = marked and traced. Invariant during marking: no black object points at a
 * white one, because an object's children are marked before it leaves the gray stack. Leaf
 * kinds (no trace function) turn black directly.
 *
 * Phases of `collect`: markRoots → traceReferences → removeWeakReferences (the intern table)
 * → sweep (back into the allocator, which coalesces free blocks) → new threshold.
 *
 * Every allocation of an object goes through `allocate`, the only place a collection starts.
 */
export class Collector {
  readonly allocator: Allocator;
  readonly options: GcOptions;
  readonly stats = new GcStats();
  /** Collect before an allocation that would take live bytes past this. */
  nextGC: number;
  /** Where --gc-trace lines go (the embedder's host sets it; without one they are dropped). */
  traceSink: (line: string) => void = () => undefined;
  /** Told of every collection, after it (the host's live heap view); null: nobody listens. */
  observer: ((record: CollectionRecord) => void) | null = null;

  private readonly u8: Uint8Array;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  private readonly traceTable: (TraceFn | null)[] = new Array(256).fill(null);
  private readonly validKinds = new Uint8Array(256);
  private host: GcHost | null = null;
  private gray = new Float64Array(1024);
  private grayCount = 0;
  private allocCount = 0;
  private readonly startTime = performance.now();
  private collecting = false;
  /** In verify mode markObject checks references instead of marking; this names the owner. */
  private verifyOwner = 0;
  private verifyProblems: string[] | null = null;

  constructor(allocator: Allocator, options: Partial<GcOptions> = {}) {
    this.allocator = allocator;
    this.options = { ...DEFAULT_GC_OPTIONS, ...options };
    this.nextGC = this.options.threshold;
    this.u8 = allocator.heap.u8;
    this.u32 = allocator.heap.u32;
    this.f64 = allocator.heap.f64;
  }

  setHost(host: GcHost): void {
    this.host = host;
  }

  /** Seconds since the collector was created (the time base of trace lines and records). */
  elapsedSeconds(): number {
    return (performance.now() - this.startTime) / 1000;
  }

  /** Registers an object kind; `trace` is null for kinds that hold no references. */
  registerKind(kind: number, name: string, trace: TraceFn | null): void {
    this.traceTable[kind] = trace;
    this.validKinds[kind] = 1;
    this.allocator.kindNames[kind] = name;
  }

  /**
   * The allocation funnel: may collect first (stress mode, or the threshold), and collects once
   * more before giving up with OutOfMemoryError when the heap limit is reached.
   */
  allocate(bytes: number, kind: number): Addr {
    const o = this.options;
    if (!o.disabled && !this.collecting) {
      if (o.stress > 0) {
        if (++this.allocCount >= o.stress) {
          this.allocCount = 0;
          this.collect('stress', bytes);
        }
      } else if (this.allocator.stats.currentBytes + blockSizeFor(bytes) > this.nextGC) {
        this.collect('threshold', bytes);
      }
    }
    let a = this.allocator.alloc(bytes, kind);
    if (a === 0) {
      if (!this.collecting && this.host !== null) this.collect('limit', bytes);
      a = this.allocator.alloc(bytes, kind);
      if (a === 0) throw new OutOfMemoryError(this.allocator.heap.size);
    }
    return a;
  }

  /**
   * An arena whose blocks come through this funnel: taking one may collect first (the arena's
   * blocks are pinned, so that collection keeps them) and throws OutOfMemoryError at the limit.
   */
  newArena(kind: number): Arena {
    return new Arena(this.allocator, kind, (bytes, k) => this.allocate(bytes, k));
  }

  /** Runs a full collection (`requestBytes`: the allocation that asked for it). Returns bytes freed. */
  collect(reason: CollectReason, requestBytes = 0): number {
    if (this.host === null || this.collecting) return 0;
    this.collecting = true;
    try {
      const stats = this.allocator.stats;
      const bytesBefore = stats.currentBytes;
      const objectsBefore = stats.currentAllocations;
      const t0 = performance.now();
      this.host.markRoots(this);
      this.traceReferences();
      this.host.removeWeakReferences(this);
      const t1 = performance.now();
      this.allocator.sweep(null);
      const t2 = performance.now();
      const live = stats.currentBytes;
      this.nextGC = Math.max(this.options.threshold, live * this.options.growth);
      const record: CollectionRecord = {
        index: this.stats.collections + 1, reason, requestBytes, at: (t2 - this.startTime) / 1000,
        markMs: t1 - t0, sweepMs: t2 - t1, bytesBefore, bytesAfter: live,
        nextThreshold: this.nextGC, objectsFreed: objectsBefore - stats.currentAllocations,
        objectsLive: stats.currentAllocations,
      };
      this.stats.add(record);
      if (this.options.trace !== null) {
        this.traceSink(this.options.trace === 'json' ? formatTraceJson(record) : formatTraceLine(record));
      }
      if (this.observer !== null) this.observer(record);
      if (this.options.verify) this.verifyHeap();
      return bytesBefore - live;
    } finally {
      this.collecting = false;
    }
  }

  // --- marking (called by the host's root marking and by trace functions) ---

  markObject(a: Addr): void {
    if (a === 0) return;
    if (this.verifyProblems !== null) { this.checkReference(a); return; }
    const u8 = this.u8;
    if ((u8[a - 3] & 1) !== 0) return;
    u8[a - 3] |= 1;
    if (this.traceTable[u8[a - 4]] === null) return; // a leaf: black at once
    if (this.grayCount === this.gray.length) {
      const bigger = new Float64Array(this.gray.length * 2);
      bigger.set(this.gray);
      this.gray = bigger;
    }
    this.gray[this.grayCount++] = a;
  }

  markValue(tag: number, payload: number): void {
    if (tag === OBJ_TAG) this.markObject(payload);
  }

  /** Marks the value in a 16-byte heap slot. */
  markSlot(slot: number): void {
    if (this.u32[slot >>> 2] === OBJ_TAG) this.markObject(this.f64[(slot + 8) >>> 3]);
  }

  isMarked(a: Addr): boolean {
    return (this.u8[a - 3] & 1) !== 0;
  }

  private traceReferences(): void {
    const u8 = this.u8, table = this.traceTable;
    while (this.grayCount > 0) {
      const a = this.gray[--this.grayCount];
      (table[u8[a - 4]] as TraceFn)(a, this);
    }
  }

  // --- verification ---

  /**
   * Checks the heap after a collection: the allocator's structure and counters, and that every
   * reference from every live block points at a live block of a registered kind.
   */
  verifyHeap(): void {
    const problems = this.allocator.verify();
    this.verifyProblems = problems;
    try {
      const u8 = this.u8, u32 = this.u32, table = this.traceTable;
      for (let b = HEAP_START; b < this.allocator.top; b += u32[b >>> 2]) {
        const kind = u8[b + 4];
        const trace = table[kind];
        if (trace === null || this.validKinds[kind] === 0) continue;
        this.verifyOwner = b + 8;
        trace(b + 8, this);
      }
    } finally {
      this.verifyProblems = null;
    }
    if (problems.length > 0) throw new HeapCorruptionError(problems);
  }

  private checkReference(a: Addr): void {
    const problems = this.verifyProblems as string[];
    const owner = this.verifyOwner;
    const ownerKind = this.allocator.kindNames[this.u8[owner - 4]] ?? '?';
    if (a % 8 !== 0 || a < HEAP_START + 8 || a >= this.allocator.top) {
      problems.push(`${ownerKind} at ${owner} refers to ${a}, outside the heap`);
      return;
    }
    const magic = this.u8[a - 2] | (this.u8[a - 1] << 8);
    if (magic !== LIVE_MAGIC) {
      problems.push(`${ownerKind} at ${owner} refers to ${a}, which is not a live block (freed or interior)`);
      return;
    }
    if (this.validKinds[this.u8[a - 4]] === 0) {
      problems.push(`${ownerKind} at ${owner} refers to ${a} of unknown kind ${this.u8[a - 4]}`);
    }
  }
}

