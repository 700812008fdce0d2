import { Allocator, Arena, Addr } from '../memory';
// Straight from the module, not through '../memory': its `export *` compiles to getter
// functions, and a getter call per header test was 9 % of a generational run's CPU time.
import {
  HEAP_START, LIVE_MAGIC, MARK_BIT, PIN_BIT, GRAY_BIT, OLD_BIT, REMEMBERED_BIT, SURVIVAL_BIT, TOUCHED_BIT,
  FREE_KIND, QUARANTINE_KIND, blockSizeFor,
} from '../memory/block';
import { Tag, Slot, Entry } from './value';
import { GcOptions, DEFAULT_GC_OPTIONS, CollectReason, CycleKind } from './options';
import { OutOfMemoryError, HeapCorruptionError } from './errors';
import { GcStats, CollectionRecord, PauseKind, formatTraceLine, formatTraceJson } from './gc-stats';

/** Marks the children of one object by calling gc.markObject / gc.markValue on each reference. */
export type TraceFn = (addr: Addr, gc: Collector) => void;
/** Marks the children held by elements [from, to) of an object whose payload is an array of equal elements. */
export type RangeTraceFn = (addr: Addr, from: number, to: number, gc: Collector) => void;

/** What the collector needs from its host (the VM): the roots, and weak-table cleanup. */
export interface GcHost {
  /** Marks every root: stack, frames, open upvalues, globals, natives, temporary roots. */
  markRoots(gc: Collector): void;
  /** Called after marking, before the sweep: drop weak references to unmarked objects. */
  removeWeakReferences(gc: Collector): void;
}

/** Header flags that send a store to the barrier's slow path: a black owner (incremental) or an old one (generational). */
const BARRIER_FLAGS = MARK_BIT | OLD_BIT;

/** The collector's state, as a value (Lua 5.4's lgc.c: GCSpause, GCSpropagate, GCSatomic, GCSswp*). */
export const enum GcState {
  /** No cycle under way: nothing is marked. */
  PAUSE = 0,
  /** Incremental: roots shaded, the gray stack is traced a little at each step. */
  PROPAGATE = 1,
  /** Roots again, the rest of the gray stack, the weak intern table: one pause (never seen by the program). */
  ATOMIC = 2,
  /** Incremental: the allocator's resumable sweep, a little at each step. */
  SWEEP = 3,
}
export const GC_STATE_NAMES = ['pause', 'propagate', 'atomic', 'sweep'];

const enum Mode { STW = 0, INCREMENTAL = 1, GENERATIONAL = 2 }

/** Incremental stress steps do this much work (bytes traced or swept), so cycles pass through every state often. */
const STRESS_STEP_WORK = 2048;
/** Incremental: a gray object bigger than this (with a range tracer) is traced a part at a time, a step's budget each. */
const CHUNKED_TRACE_BYTES = 16 * 1024;
/** A step pays off at most this many step sizes of allocation debt (see payDebt). */
const MAX_STEP_DEBT = 2;
/** Sweeping a byte costs far less than tracing one: a step sweeps this many times its marking budget. */
const SWEEP_WORK_FACTOR = 8;
/** Generational: a minor collection sweeps by walking the heap when the young log holds at least 1/YOUNG_WALK_RATIO of the live blocks (see sweepYoung). */
const YOUNG_WALK_RATIO = 3;
/** What the verifier checks each reference against (see verifyHeap). */
const enum Check { OFF = 0, LIVE = 1, MARKED = 2, OLD = 3 }

/**
 * A precise, non-moving mark-sweep collector (tri-colour with a gray stack) with three modes:
 *
 * - stw: every collection is one pause (markRoots → trace → weak table → sweep).
 * - incremental: the same work cut into steps that allocation pays for (every `stepSize` bytes
 *   allocated, `stepSize × stepMul / 100` bytes traced or swept), through the states of GcState.
 *   Invariant while propagating: no black object points at a white one. Objects made during a
 *   cycle are born black (marked); the write barrier shades a white object stored into a black
 *   one (Dijkstra's forward barrier; bulk copies re-gray their owner). The VM stack, globals
 *   and temporary roots are not barriered: ATOMIC marks them again, as Lua does.
 * - generational (non-moving, as Lua 5.4's): ages in header bits. A new block that survives a
 *   minor collection gets SURVIVAL_BIT; surviving a second one makes it old (OLD_BIT), so what
 *   lives a little longer than one minor period dies young. Minor collections mark only the young
 *   (new and survival) blocks, from the roots and the remembered set (old blocks that may point
 *   at young ones: those the barrier saw receive a young reference, and those just promoted); a
 *   remembered block stays for two minors after its last barrier (TOUCHED_BIT: the second), long
 *   enough for its young children to become old. A major (full) collection, after which every
 *   survivor is old, runs when live bytes have grown by `majorMul` % since the last one.
 *
 * Colours: white = mark bit clear; gray = MARK_BIT and GRAY_BIT (on the gray stack); black =
 * MARK_BIT alone. Every allocation of an object goes through `allocate`, the only place a
 * collection or a step starts.
 */
export class Collector {
  readonly allocator: Allocator;
  readonly options: GcOptions;
  readonly stats = new GcStats();
  /** Collect (or start a cycle) before an allocation that would take live bytes past this. */
  nextGC: number;
  /** Where the collector is in its cycle. */
  state: GcState = GcState.PAUSE;
  /** Where --gc-trace lines go (the embedder's host sets it; without one they are dropped). */
  traceSink: (line: string) => void = () => undefined;
  /** Told of every collection, after it (the host's live heap view); null: nobody listens. */
  observer: ((record: CollectionRecord) => void) | null = null;

  private readonly mode: Mode;
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  private readonly traceTable: (TraceFn | null)[] = new Array(256).fill(null);
  private readonly validKinds = new Uint8Array(256);
  private readonly rangeTraceTable: (RangeTraceFn | null)[] = new Array(256).fill(null);
  private readonly elementBytes = new Uint32Array(256);
  /**
   * Incremental: the big object being traced a part at a time (0: none) and its next element.
   * It is black meanwhile (GRAY_BIT clear), so the forward barrier shades what is stored into
   * the part already traced; the verifier does not hold its untraced part to the invariant.
   */
  private partial = 0;
  private partialNext = 0;
  private host: GcHost | null = null;
  /** The kind whose survivors a full cycle's sweep reports, and to what (registerWeakSurvivors); null: none. */
  private weakKind = 0;
  private onWeakSurvivor: ((a: Addr) => void) | null = null;
  /**
   * True while a full cycle's weak cleanup and sweep run, when a survivor callback is registered:
   * removeWeakReferences may then empty its table of that kind and let the sweep refill it.
   */
  sweepReportsWeak = false;
  private gray = new Float64Array(1024);
  private grayCount = 0;
  private allocCount = 0;
  private readonly startTime = performance.now();
  private collecting = false;
  /** markObject returns at once for blocks with one of these bits: MARK_BIT, and OLD_BIT during a minor collection. */
  private skipBits = MARK_BIT;
  /** Incremental: bytes allocated since the last step. */
  private debt = 0;
  /** Generational: old blocks that may point at young ones (each has REMEMBERED_BIT; see `generational`). */
  private remembered = new Float64Array(256);
  private rememberedCount = 0;
  /** Generational: live bytes after the last major collection, and whether the next collection is major. */
  private oldBase = 0;
  private majorDue = false;
  /** Generational: the young generation for the minor sweep: the survival blocks, then every block allocated since the last collection. */
  private young = new Float64Array(1024);
  private youngCount = 0;
  // The cycle under way (or the last one): what its record will say.
  private cycReason: CollectReason = 'threshold';
  private cycKind: CycleKind = 'full';
  // The time fields start at -0, a double: V8 then gives them a double representation from the
  // start. From 0 (a small integer) the first collection's times changed their representation,
  // which replaced the Collector's hidden class and deoptimised every optimised function that
  // had checked it (the string store's concat with allocate inlined, isMarked, the sweep...).
  private cycAt = -0;
  /** allocator.stats.bytesAllocated when the cycle began: what was allocated during it is not in the live estimate. */
  private cycAllocStart = 0;
  private cycRequest = 0;
  private cycBytesBefore = 0;
  private cycMarkMs = -0;
  private cycSweepMs = -0;
  private cycSteps = 0;
  private cycMaxPause = -0;
  private cycFreedBytes = 0;
  private cycFreedObjects = 0;
  /** In verify mode markObject checks references instead of marking; this names the owner. */
  private verifyOwner = 0;
  private verifyCheck: Check = Check.OFF;
  private verifyMarking = false;
  private verifyProblems: string[] | null = null;

  constructor(allocator: Allocator, options: Partial<GcOptions> = {}) {
    this.allocator = allocator;
    this.options = { ...DEFAULT_GC_OPTIONS, ...options };
    this.mode = this.options.mode === 'incremental' ? Mode.INCREMENTAL : this.options.mode === 'generational' ? Mode.GENERATIONAL : Mode.STW;
    this.nextGC = this.options.threshold;
    this.u8 = allocator.heap.u8;
    this.u16 = allocator.heap.u16;
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

  /**
   * For a kind whose payload is an array of `elementBytes`-byte elements (registered already):
   * how to trace a range of them, so that incremental steps can trace a big one in parts.
   */
  registerRangeTrace(kind: number, elementBytes: number, trace: RangeTraceFn): void {
    this.rangeTraceTable[kind] = trace;
    this.elementBytes[kind] = elementBytes;
  }

  /**
   * Makes every full cycle's sweep hand each surviving block of `kind` to `fn`, after the host's
   * removeWeakReferences ran with sweepReportsWeak set. The intern table is refilled so: the
   * sweep reads every block's header anyway, in address order, where checking each table entry
   * for a mark read the strings' headers in hash order, mostly cache misses (string_build).
   */
  registerWeakSurvivors(kind: number, fn: (a: Addr) => void): void {
    this.weakKind = kind;
    this.onWeakSurvivor = fn;
  }

  /** Registers an object kind; `trace` is null for kinds that hold no references. */
  registerKind(kind: number, name: string, trace: TraceFn | null): void {
    this.traceTable[kind] = trace;
    this.validKinds[kind] = 1;
    this.allocator.kindNames[kind] = name;
  }

  /**
   * The allocation funnel: may collect or take a collector step first (stress mode, the
   * threshold, the incremental debt), and collects fully once more before giving up with
   * OutOfMemoryError when the heap limit is reached.
   */
  allocate(bytes: number, kind: number): Addr {
    const o = this.options;
    if (!o.disabled && !this.collecting) {
      if (o.stress > 0) {
        if (this.state !== GcState.PAUSE) this.debt += blockSizeFor(bytes);
        if (++this.allocCount >= o.stress) {
          this.allocCount = 0;
          this.stressCollect(bytes);
        }
      } else if (this.mode === Mode.INCREMENTAL && this.state !== GcState.PAUSE) {
        this.debt += blockSizeFor(bytes);
        if (this.debt >= o.stepSize) this.step('threshold', bytes, this.payDebt());
      } else if (this.allocator.stats.currentBytes + blockSizeFor(bytes) > this.nextGC) {
        if (this.mode === Mode.STW) this.collect('threshold', bytes);
        else if (this.mode === Mode.INCREMENTAL) this.step('threshold', bytes, this.stepWork());
        else this.generational('threshold', bytes);
      }
    }
    let a = this.allocator.alloc(bytes, kind);
    if (a === 0) {
      if (!this.collecting && this.host !== null) this.collect('limit', bytes);
      a = this.allocator.alloc(bytes, kind);
      if (a === 0) throw new OutOfMemoryError(this.allocator.heap.size);
    }
    if (this.state !== GcState.PAUSE) this.colourNew(a);
    else if (this.mode === Mode.GENERATIONAL) this.logYoung(a);
    return a;
  }

  /**
   * An arena whose blocks come through this funnel: taking one may collect first (the arena's
   * blocks are pinned, so that collection keeps them) and throws OutOfMemoryError at the limit.
   */
  newArena(kind: number): Arena {
    return new Arena(this.allocator, kind, (bytes, k) => this.allocate(bytes, k));
  }

  /** The mode's name, for reports. */
  get modeName(): string {
    return this.options.mode;
  }

  /**
   * A full collection now (`requestBytes`: the allocation that asked for it); returns the bytes
   * it freed. An incremental cycle under way is finished (sweeping) or abandoned (marking: the
   * marks are cleared, so what became garbage since it began is freed too); in generational
   * mode a full collection is a major one.
   */
  collect(reason: CollectReason, requestBytes = 0): number {
    if (this.host === null || this.collecting) return 0;
    const early = this.state !== GcState.PAUSE ? this.endCycleEarly() : 0;
    return early + this.fullCycle(reason, requestBytes, this.mode === Mode.GENERATIONAL ? 'major' : 'full');
  }

  /**
   * The collector's smallest unit of work, now: an incremental step (of `work` bytes), a minor
   * (or due major) collection, or a full stw collection. For tests and tools that drive the
   * collector through its states.
   */
  runStep(work = this.stepWork()): void {
    if (this.mode === Mode.INCREMENTAL) this.step('explicit', 0, work);
    else if (this.mode === Mode.GENERATIONAL) this.generational('explicit', 0);
    else this.collect('explicit');
  }

  private stressCollect(bytes: number): void {
    // A small step, but never less than the allocation since the last one pays for: the cycle must end.
    if (this.mode === Mode.INCREMENTAL) {
      const work = Math.max(STRESS_STEP_WORK, (this.debt * this.options.stepMul) / 100);
      this.debt = 0;
      this.step('stress', bytes, work);
    }
    else if (this.mode === Mode.GENERATIONAL) this.generational('stress', bytes);
    else this.collect('stress', bytes);
  }

  private stepWork(): number {
    return Math.max(1024, (this.options.stepSize * this.options.stepMul) / 100);
  }

  /**
   * The work of the step that the allocation debt calls for (stepMul % of it), paying off at
   * most MAX_STEP_DEBT step sizes of it: one large allocation does not make one long step, the
   * rest is paid by the steps of the next allocations (each finds the debt still due).
   */
  private payDebt(): number {
    const paid = Math.min(this.debt, MAX_STEP_DEBT * this.options.stepSize);
    this.debt -= paid;
    return Math.max(1024, (paid * this.options.stepMul) / 100);
  }

  /** A block allocated during a cycle: born black while marking; while sweeping, marked only if the sweep has yet to reach it. */
  private colourNew(a: Addr): void {
    if (a === this.partial) this.partial = 0; // the big object being traced was freed, and its block reused
    if (this.state !== GcState.SWEEP) {
      this.u8[a - 3] |= MARK_BIT;
    } else {
      const b = a - 8, al = this.allocator;
      if (b >= al.sweepCursor && b < al.sweepEnd) this.u8[a - 3] |= MARK_BIT;
    }
  }

  // --- one stop-the-world cycle ---

  private fullCycle(reason: CollectReason, requestBytes: number, kind: CycleKind): number {
    const host = this.host as GcHost;
    this.collecting = true;
    try {
      if (this.options.verify && this.mode === Mode.GENERATIONAL) this.verifyHeap();
      const stats = this.allocator.stats;
      this.beginCycle(reason, requestBytes, kind);
      const t0 = performance.now();
      host.markRoots(this);
      this.traceReferences();
      this.sweepReportsWeak = this.onWeakSurvivor !== null;
      host.removeWeakReferences(this);
      const t1 = performance.now();
      const frees = stats.totalFrees;
      const major = kind === 'major';
      const freed = this.allocator.sweep(null, MARK_BIT | PIN_BIT,
        major ? MARK_BIT | GRAY_BIT | REMEMBERED_BIT | SURVIVAL_BIT | TOUCHED_BIT : MARK_BIT | GRAY_BIT, major ? OLD_BIT : 0,
        null, 0, this.weakKind, this.onWeakSurvivor);
      const t2 = performance.now();
      if (major) {
        this.youngCount = 0;
        this.rememberedCount = 0;
        this.oldBase = stats.currentBytes;
        this.majorDue = false;
      }
      this.cycMarkMs = t1 - t0;
      this.cycSweepMs = t2 - t1;
      this.cycFreedBytes = freed;
      this.cycFreedObjects = stats.totalFrees - frees;
      this.pause(t0, t2 - t0, major ? PauseKind.MAJOR : PauseKind.FULL);
      this.endCycle();
      if (this.options.verify) this.verifyHeap();
      return freed;
    } finally {
      this.collecting = false;
      this.sweepReportsWeak = false; // (set only for the weak cleanup and sweep above)
    }
  }

  // --- incremental ---

  /**
   * One incremental step: about `work` bytes of tracing (or SWEEP_WORK_FACTOR times as much
   * sweeping), moving through the states as each one runs out of work, as lgc.c's singlestep.
   * The atomic state ends its step, so its pause stands alone in the reports.
   */
  private step(reason: CollectReason, requestBytes: number, work: number): void {
    if (this.host === null || this.collecting) return;
    const host = this.host;
    this.collecting = true;
    try {
      if (this.options.verify) this.verifyHeap();
      const t0 = performance.now();
      let kind = PauseKind.STEP;
      let budget = work;
      while (budget > 0) {
        switch (this.state) {
          case GcState.PAUSE:
            this.beginCycle(reason, requestBytes, 'incremental');
            host.markRoots(this);
            this.state = GcState.PROPAGATE;
            break;
          case GcState.PROPAGATE: {
            const t = performance.now();
            budget -= this.propagate(budget);
            this.cycMarkMs += performance.now() - t;
            if (this.grayCount === 0 && this.partial === 0) this.state = GcState.ATOMIC;
            break;
          }
          case GcState.ATOMIC: {
            const t = performance.now();
            host.markRoots(this);
            if (this.partial !== 0) this.traceRange(Infinity);
            this.traceReferences();
            host.removeWeakReferences(this);
            this.allocator.beginSweep();
            this.cycMarkMs += performance.now() - t;
            this.state = GcState.SWEEP;
            kind = PauseKind.ATOMIC;
            budget = 0;
            break;
          }
          case GcState.SWEEP: {
            this.sweepSome(budget * SWEEP_WORK_FACTOR);
            budget = 0;
            break;
          }
        }
      }
      const t1 = performance.now();
      this.pause(t0, t1 - t0, kind);
      if (this.state === GcState.SWEEP && this.allocator.sweepCursor === 0) {
        this.state = GcState.PAUSE;
        this.debt = 0;
        this.endCycle();
      }
      if (this.options.verify) this.verifyHeap();
    } finally {
      this.collecting = false;
    }
  }

  /** Sweeps about `budget` bytes of blocks (everything left when Infinity). */
  private sweepSome(budget: number): void {
    const stats = this.allocator.stats;
    const t = performance.now();
    const bytes = stats.bytesFreed, frees = stats.totalFrees;
    this.allocator.sweepStep(budget);
    this.cycFreedBytes += stats.bytesFreed - bytes;
    this.cycFreedObjects += stats.totalFrees - frees;
    this.cycSweepMs += performance.now() - t;
  }

  /**
   * Traces gray objects until about `budget` bytes were traced or none is left; returns the
   * bytes traced. A big object with a range tracer is traced a budget's worth at a time.
   */
  private propagate(budget: number): number {
    const u8 = this.u8, u32 = this.u32, table = this.traceTable;
    let done = 0;
    if (this.partial !== 0) done += this.traceRange(budget);
    while (this.grayCount > 0 && done < budget) {
      const a = this.gray[--this.grayCount];
      if (!this.isGrayBlock(a)) continue;
      u8[a - 3] &= ~GRAY_BIT;
      const size = u32[(a - 8) >>> 2];
      if (size > CHUNKED_TRACE_BYTES && this.rangeTraceTable[u8[a - 4]] !== null) {
        this.partial = a;
        this.partialNext = 0;
        done += this.traceRange(budget - done);
        continue;
      }
      (table[u8[a - 4]] as TraceFn)(a, this);
      done += size;
    }
    return done;
  }

  /** Traces about `budget` bytes more of the big object in progress (all of it for Infinity); returns the bytes traced. */
  private traceRange(budget: number): number {
    const a = this.partial;
    // Freed since by the runtime (a grown table's old entries): nothing left to trace. (A reuse of its block clears `partial`.)
    if (this.u16[(a - 2) >>> 1] !== LIVE_MAGIC) { this.partial = 0; return 0; }
    const kind = this.u8[a - 4], elem = this.elementBytes[kind];
    const count = Math.floor((this.u32[(a - 8) >>> 2] - 8) / elem);
    const from = this.partialNext;
    const to = Math.min(count, from + Math.max(1, Math.ceil(budget / elem)));
    (this.rangeTraceTable[kind] as RangeTraceFn)(a, from, to, this);
    if (to >= count) this.partial = 0;
    else this.partialNext = to;
    return (to - from) * elem;
  }

  /**
   * Is the block at `a` still gray? The runtime frees side buffers explicitly (a grown
   * vector's or table's old block) and a freed block can be on the gray stack: its magic then
   * says free, or, reused, its GRAY_BIT is clear (a new block is born black).
   */
  private isGrayBlock(a: Addr): boolean {
    return this.u16[(a - 2) >>> 1] === LIVE_MAGIC && (this.u8[a - 3] & GRAY_BIT) !== 0;
  }

  /** An explicit full collection during an incremental cycle: a sweep under way is finished; marking is abandoned. */
  private endCycleEarly(): number {
    const pending = this.state;
    this.collecting = true;
    try {
      if (pending === GcState.SWEEP) {
        const t0 = performance.now();
        const before = this.allocator.stats.bytesFreed;
        this.sweepSome(Infinity);
        const freed = this.allocator.stats.bytesFreed - before;
        this.pause(t0, performance.now() - t0, PauseKind.STEP);
        this.state = GcState.PAUSE;
        this.endCycle();
        return freed;
      }
      this.allocator.clearMarks(MARK_BIT | GRAY_BIT);
      this.grayCount = 0;
      this.partial = 0;
      this.state = GcState.PAUSE;
      return 0;
    } finally {
      this.collecting = false;
    }
  }

  // --- generational ---

  /**
   * A minor collection (or a major one when due): marks the young blocks reachable from the
   * roots and the remembered set, frees the other young blocks and ages the survivors (new →
   * survival → old).
   *
   * The remembered set holds every old block that may point at a young one (the invariant
   * --heap-verify checks). A block enters it by a barrier (a young reference stored into it) or
   * by promotion (its children were young a moment ago). Tracing it here ages its young children
   * one step, so after two minors without a store into it (TOUCHED_BIT marks the first) they are
   * all old and it leaves; a barrier on a touched block clears TOUCHED_BIT (Lua's G_TOUCHED1/2).
   */
  private generational(reason: CollectReason, requestBytes: number): void {
    if (this.host === null || this.collecting) return;
    if (this.majorDue) { this.fullCycle(reason, requestBytes, 'major'); return; }
    const host = this.host;
    this.collecting = true;
    try {
      if (this.options.verify) this.verifyHeap();
      const stats = this.allocator.stats;
      this.beginCycle(reason, requestBytes, 'minor');
      const t0 = performance.now();
      this.skipBits = MARK_BIT | OLD_BIT;
      host.markRoots(this);
      const u8 = this.u8, u16 = this.u16, table = this.traceTable, rem = this.remembered;
      let kept = 0;
      for (let i = 0; i < this.rememberedCount; i++) {
        const a = rem[i];
        // Skipped: a remembered block freed since (a side buffer: its magic says free or, reused,
        // it is not remembered), or one listed twice (the first visit set MARK_BIT, which a
        // minor collection never sets on an old block otherwise).
        if (u16[(a - 2) >>> 1] !== LIVE_MAGIC || (u8[a - 3] & (REMEMBERED_BIT | MARK_BIT)) !== REMEMBERED_BIT) continue;
        (table[u8[a - 4]] as TraceFn)(a, this);
        const flags = u8[a - 3];
        if ((flags & TOUCHED_BIT) !== 0) {
          u8[a - 3] = flags & ~(REMEMBERED_BIT | TOUCHED_BIT);
        } else {
          u8[a - 3] = flags | TOUCHED_BIT | MARK_BIT;
          rem[kept++] = a;
        }
      }
      for (let i = 0; i < kept; i++) u8[rem[i] - 3] &= ~MARK_BIT;
      this.rememberedCount = kept;
      this.traceReferences();
      host.removeWeakReferences(this);
      const t1 = performance.now();
      const frees = stats.totalFrees;
      const freed = this.sweepYoung();
      this.skipBits = MARK_BIT;
      const t2 = performance.now();
      if (stats.currentBytes > this.oldBase * (1 + this.options.majorMul / 100)) this.majorDue = true;
      this.cycMarkMs = t1 - t0;
      this.cycSweepMs = t2 - t1;
      this.cycFreedBytes = freed;
      this.cycFreedObjects = stats.totalFrees - frees;
      this.pause(t0, t2 - t0, PauseKind.MINOR);
      this.endCycle();
      if (this.options.verify) this.verifyHeap();
    } finally {
      this.skipBits = MARK_BIT;
      this.collecting = false;
    }
  }

  /** Generational: every block allocated since the last collection, so a minor sweep visits only the young. */
  private logYoung(a: Addr): void {
    if (this.youngCount === this.young.length) {
      const bigger = new Float64Array(this.young.length * 2);
      bigger.set(this.young);
      this.young = bigger;
    }
    this.young[this.youngCount++] = a;
  }

  /**
   * The minor sweep, by the young log or (when the young are many) by a walk over the heap:
   * unmarked young blocks are freed, survivors aged.
   *
   * By the log: only the blocks in the young log. Unmarked (and unpinned) ones are freed
   * onto the free lists (merging free neighbours waits for the next major sweep, which walks
   * the heap); marked new ones become survival blocks and stay in the log, compacted to its
   * front; marked survival ones become old and, if they hold references, remembered (see
   * `generational`). A log entry may be stale (a side buffer freed explicitly, its block free or
   * reused, so the block may be listed twice): free blocks and old ones are skipped, and a new
   * survivor carries GRAY_BIT (never set outside marking) until the end so that a second entry
   * for it is skipped too. Returns the bytes freed.
   */
  private sweepYoung(): number {
    // Per block, the walk is several times cheaper than the log (sequential, no free-list push
    // per block: runs of free blocks are merged, which also undoes fragmentation): it wins when
    // the young are a large part of the heap.
    if (this.youngCount * YOUNG_WALK_RATIO >= this.allocator.stats.currentAllocations) return this.sweepYoungByWalk();
    return this.sweepYoungByLog();
  }

  /** The minor sweep as a walk over the whole heap: frees unmarked young blocks, keeps every old one, ages the young survivors (ageSurvivor) and rebuilds the young log. */
  private sweepYoungByWalk(): number {
    this.youngCount = 0;
    return this.allocator.sweep(null, MARK_BIT | PIN_BIT | OLD_BIT, MARK_BIT, 0, this.ageSurvivor, OLD_BIT);
  }

  /** A young block that survived a minor collection: new → survival (logged again), survival → old (remembered if it holds references). */
  private readonly ageSurvivor = (a: Addr, flags: number): void => {
    const u8 = this.u8;
    if ((flags & SURVIVAL_BIT) === 0) {
      u8[a - 3] = (flags & ~MARK_BIT) | SURVIVAL_BIT;
      this.logYoung(a);
    } else if (this.traceTable[u8[a - 4]] === null) {
      u8[a - 3] = (flags & ~(MARK_BIT | SURVIVAL_BIT)) | OLD_BIT;
    } else {
      u8[a - 3] = (flags & ~(MARK_BIT | SURVIVAL_BIT)) | OLD_BIT | REMEMBERED_BIT | TOUCHED_BIT;
      this.pushRemembered(a);
    }
  };

  private sweepYoungByLog(): number {
    const u8 = this.u8, u16 = this.u16, u32 = this.u32, al = this.allocator, log = this.young, table = this.traceTable;
    let freed = 0, kept = 0;
    for (let i = 0; i < this.youngCount; i++) {
      const a = log[i];
      if (u16[(a - 2) >>> 1] !== LIVE_MAGIC) continue;
      const flags = u8[a - 3];
      if ((flags & (OLD_BIT | GRAY_BIT)) !== 0) continue;
      if ((flags & (MARK_BIT | PIN_BIT)) === 0) {
        freed += u32[(a - 8) >>> 2];
        al.freeLive(a);
      } else if ((flags & SURVIVAL_BIT) === 0) {
        u8[a - 3] = (flags & ~MARK_BIT) | SURVIVAL_BIT | GRAY_BIT;
        log[kept++] = a;
      } else if (table[u8[a - 4]] === null) {
        u8[a - 3] = (flags & ~(MARK_BIT | SURVIVAL_BIT)) | OLD_BIT;
      } else {
        u8[a - 3] = (flags & ~(MARK_BIT | SURVIVAL_BIT)) | OLD_BIT | REMEMBERED_BIT | TOUCHED_BIT;
        this.pushRemembered(a);
      }
    }
    for (let i = 0; i < kept; i++) u8[log[i] - 3] &= ~GRAY_BIT;
    this.youngCount = kept;
    return freed;
  }

  private remember(owner: Addr): void {
    this.u8[owner - 3] |= REMEMBERED_BIT;
    this.pushRemembered(owner);
  }

  private pushRemembered(owner: Addr): void {
    if (this.rememberedCount === this.remembered.length) {
      const bigger = new Float64Array(this.remembered.length * 2);
      bigger.set(this.remembered);
      this.remembered = bigger;
    }
    this.remembered[this.rememberedCount++] = owner;
  }

  // --- cycle records ---

  private beginCycle(reason: CollectReason, requestBytes: number, kind: CycleKind): void {
    this.cycReason = reason;
    this.cycKind = kind;
    this.cycRequest = requestBytes;
    this.cycAt = this.elapsedSeconds();
    this.cycAllocStart = this.allocator.stats.bytesAllocated;
    this.cycBytesBefore = this.allocator.stats.currentBytes;
    this.cycMarkMs = 0;
    this.cycSweepMs = 0;
    this.cycSteps = 0;
    this.cycMaxPause = 0;
    this.cycFreedBytes = 0;
    this.cycFreedObjects = 0;
  }

  /**
   * The live bytes the next cycle's start is measured from. An incremental cycle keeps what was
   * allocated during it (born black, or behind the sweep), garbage or not: counting it would
   * start each cycle later and grow the heap cycle after cycle, so only the survivors of the
   * cycle's own marking count (Lua's estimate similarly leaves out what the sweep frees).
   */
  private liveEstimate(live: number): number {
    if (this.cycKind !== 'incremental') return live;
    return Math.max(0, live - (this.allocator.stats.bytesAllocated - this.cycAllocStart));
  }

  private pause(t0: number, ms: number, kind: PauseKind): void {
    this.stats.addPause((t0 - this.startTime) / 1000, ms, kind, this.allocator.stats.currentBytes);
    this.cycSteps++;
    if (ms > this.cycMaxPause) this.cycMaxPause = ms;
  }

  private endCycle(): void {
    const stats = this.allocator.stats;
    const live = stats.currentBytes;
    const o = this.options;
    this.nextGC = this.mode === Mode.GENERATIONAL
      ? Math.max(o.threshold, live * (1 + o.minorMul / 100))
      : Math.max(o.threshold, this.liveEstimate(live) * o.growth);
    const record: CollectionRecord = {
      index: this.stats.collections + 1, reason: this.cycReason, kind: this.cycKind, requestBytes: this.cycRequest,
      at: this.cycAt, endAt: this.elapsedSeconds(), markMs: this.cycMarkMs, sweepMs: this.cycSweepMs,
      steps: this.cycSteps, maxPauseMs: this.cycMaxPause, bytesBefore: this.cycBytesBefore, bytesAfter: live,
      bytesFreed: this.cycFreedBytes, nextThreshold: this.nextGC, objectsFreed: this.cycFreedObjects,
      objectsLive: stats.currentAllocations,
    };
    this.stats.add(record);
    if (o.trace !== null) this.traceSink(o.trace === 'json' ? formatTraceJson(record) : formatTraceLine(record));
    if (this.observer !== null) this.observer(record);
  }

  // --- the store seam: every store of a reference into a heap object comes through here ---

  /**
   * THE write barrier. Call it after storing reference `ref` (0 or an object address) into heap
   * object `owner` (the payload address of the block that holds the field). Stores of
   * non-references, and stores of 0 that clear a reference, need no barrier.
   *
   * Fast path: one header byte test. Outside a collection cycle no block is marked, and old
   * blocks exist only in generational mode, so in stop-the-world mode the test is always false.
   */
  writeBarrier(owner: Addr, ref: Addr): void {
    if ((this.u8[owner - 3] & BARRIER_FLAGS) !== 0) this.barrierSlow(owner, ref);
  }

  /**
   * The backward form, for bulk copies of many references into `owner` at once (copyWithin of
   * value slots or entries): the owner is traced again instead of each reference shaded.
   */
  writeBarrierBack(owner: Addr): void {
    if ((this.u8[owner - 3] & BARRIER_FLAGS) !== 0) this.barrierBackSlow(owner);
  }

  /** Stores a value into the 16-byte value slot at `slot` inside object `owner`. */
  writeSlot(owner: Addr, slot: number, tag: number, payload: number): void {
    this.u32[slot >>> 2] = tag;
    this.f64[(slot + Slot.PAYLOAD) >>> 3] = payload;
    if (tag === Tag.OBJ && (this.u8[owner - 3] & BARRIER_FLAGS) !== 0) this.barrierSlow(owner, payload);
  }

  /** Stores a value into the table entry at `e` (key unchanged) inside the entries block `owner`. */
  writeEntryValue(owner: Addr, e: number, tag: number, payload: number): void {
    this.u32[(e + Entry.TAG) >>> 2] = tag;
    this.f64[(e + Entry.PAYLOAD) >>> 3] = payload;
    if (tag === Tag.OBJ && (this.u8[owner - 3] & BARRIER_FLAGS) !== 0) this.barrierSlow(owner, payload);
  }

  /** Stores the key (a string address, or 0 for removed) of the table entry at `e` inside `owner`. */
  writeEntryKey(owner: Addr, e: number, key: Addr): void {
    this.u32[(e + Entry.KEY) >>> 2] = key;
    if (key !== 0 && (this.u8[owner - 3] & BARRIER_FLAGS) !== 0) this.barrierSlow(owner, key);
  }

  /** Stores an object address (or 0) into the u32 reference field at byte address `field` of `owner`. */
  writeRef(owner: Addr, field: number, ref: Addr): void {
    this.u32[field >>> 2] = ref;
    if (ref !== 0 && (this.u8[owner - 3] & BARRIER_FLAGS) !== 0) this.barrierSlow(owner, ref);
  }

  /** The owner is marked or old. Stop-the-world mode never gets here (see writeBarrier). */
  private barrierSlow(owner: Addr, ref: Addr): void {
    const u8 = this.u8;
    if (this.mode === Mode.INCREMENTAL) {
      // A black owner must not point at a white object: shade the object (a gray owner will be traced anyway).
      if (this.state === GcState.PROPAGATE && (u8[owner - 3] & GRAY_BIT) === 0 && (u8[ref - 3] & MARK_BIT) === 0) this.markObject(ref);
    } else if (this.mode === Mode.GENERATIONAL) {
      const flags = u8[owner - 3];
      if ((u8[ref - 3] & OLD_BIT) !== 0) return;
      // Not remembered: remember it; remembered but touched: it must stay for two more minors.
      if ((flags & REMEMBERED_BIT) === 0) this.remember(owner);
      else if ((flags & TOUCHED_BIT) !== 0) u8[owner - 3] = flags & ~TOUCHED_BIT;
    }
  }

  private barrierBackSlow(owner: Addr): void {
    const u8 = this.u8;
    if (this.mode === Mode.INCREMENTAL) {
      if (this.state === GcState.PROPAGATE && (u8[owner - 3] & GRAY_BIT) === 0 && this.traceTable[u8[owner - 4]] !== null) {
        u8[owner - 3] |= GRAY_BIT;
        this.pushGray(owner);
      }
    } else if (this.mode === Mode.GENERATIONAL) {
      const flags = u8[owner - 3];
      if ((flags & REMEMBERED_BIT) === 0) this.remember(owner);
      else if ((flags & TOUCHED_BIT) !== 0) u8[owner - 3] = flags & ~TOUCHED_BIT;
    }
  }

  // --- marking (called by the host's root marking and by trace functions) ---

  markObject(a: Addr): void {
    if (a === 0) return;
    if (this.verifyProblems !== null) { this.checkReference(a); return; }
    const u8 = this.u8;
    if ((u8[a - 3] & this.skipBits) !== 0) return;
    if (this.traceTable[u8[a - 4]] === null) { u8[a - 3] |= MARK_BIT; return; } // a leaf: black at once
    u8[a - 3] |= MARK_BIT | GRAY_BIT;
    this.pushGray(a);
  }

  private pushGray(a: Addr): void {
    if (this.grayCount === this.gray.length) {
      const bigger = new Float64Array(this.gray.length * 2);
      bigger.set(this.gray);
      this.gray = bigger;
    }
    this.gray[this.grayCount++] = a;
  }

  markValue(tag: number, payload: number): void {
    if (tag === Tag.OBJ) this.markObject(payload);
  }

  /** Marks the value in a 16-byte heap slot. */
  markSlot(slot: number): void {
    if (this.u32[slot >>> 2] === Tag.OBJ) this.markObject(this.f64[(slot + Slot.PAYLOAD) >>> 3]);
  }

  /** Will the block survive this collection? (Old blocks do, in a minor one.) For weak tables. */
  isMarked(a: Addr): boolean {
    return (this.u8[a - 3] & this.skipBits) !== 0;
  }

  private traceReferences(): void {
    const u8 = this.u8, table = this.traceTable;
    while (this.grayCount > 0) {
      const a = this.gray[--this.grayCount];
      if (!this.isGrayBlock(a)) continue;
      u8[a - 3] &= ~GRAY_BIT;
      (table[u8[a - 4]] as TraceFn)(a, this);
    }
  }

  // --- verification ---

  /**
   * Checks the heap: the allocator's structure and counters, that every reference from every
   * live block points at a live block of a registered kind, and the mode's invariant:
   * incremental, while propagating: no black object points at a white one; generational: no
   * old object outside the remembered set points at a young one. Between collections in stw
   * mode and after every collection or step in verify mode. Throws HeapCorruptionError.
   */
  verifyHeap(): void {
    const marking = this.state === GcState.PROPAGATE || this.state === GcState.ATOMIC;
    const problems: string[] = [];
    this.verifyProblems = problems;
    this.verifyMarking = marking;
    try {
      // One walk: the allocator checks each block's header and calls verifyBlock on the live ones.
      this.allocator.verify(marking || this.state === GcState.SWEEP, this.verifyBlock, problems);
    } finally {
      this.verifyProblems = null;
      this.verifyCheck = Check.OFF;
    }
    if (problems.length > 0) throw new HeapCorruptionError(problems);
  }

  /** verifyHeap's check of the live block at `b`: each of its references, against the mode's invariant. */
  private readonly verifyBlock = (b: number): void => {
    const u8 = this.u8;
    const kind = u8[b + 4];
    const trace = this.traceTable[kind];
    if (trace === null || this.validKinds[kind] === 0) return;
    const flags = u8[b + 5];
    // While sweeping, an unmarked block the sweep has not reached is garbage: its references may be dangling.
    if (this.state === GcState.SWEEP && b >= this.allocator.sweepCursor && (flags & (MARK_BIT | PIN_BIT)) === 0) return;
    let check = Check.LIVE;
    // The big object being traced a range at a time (traceRange) is black with an untraced rest.
    if (this.verifyMarking && (flags & (MARK_BIT | GRAY_BIT)) === MARK_BIT && b + 8 !== this.partial) check = Check.MARKED;
    else if (this.mode === Mode.GENERATIONAL && (flags & (OLD_BIT | REMEMBERED_BIT)) === OLD_BIT) check = Check.OLD;
    this.verifyOwner = b + 8;
    this.verifyCheck = check;
    trace(b + 8, this);
  };

  /**
   * One reference seen by the verifier. Called for every reference of every live block after
   * every collection under --gc-stress --heap-verify, so the sound case is a few header loads
   * and the messages are built in reportReference, only for a problem.
   */
  private checkReference(a: Addr): void {
    if (a % 8 !== 0 || a < HEAP_START + 8 || a >= this.allocator.top) { this.reportReference(a, 'outside'); return; }
    if (this.u16[(a - 2) >>> 1] !== LIVE_MAGIC) { this.reportReference(a, 'dead'); return; }
    const u8 = this.u8;
    if (this.validKinds[u8[a - 4]] === 0) this.reportReference(a, 'kind');
    else if (this.verifyCheck === Check.MARKED) { if ((u8[a - 3] & MARK_BIT) === 0) this.reportReference(a, 'white'); }
    else if (this.verifyCheck === Check.OLD) { if ((u8[a - 3] & OLD_BIT) === 0) this.reportReference(a, 'young'); }
  }

  private reportReference(a: Addr, what: 'outside' | 'dead' | 'kind' | 'white' | 'young'): void {
    const owner = this.verifyOwner;
    const ownerKind = this.allocator.kindNames[this.u8[owner - 4]] ?? '?';
    const problems = this.verifyProblems as string[];
    if (what === 'outside') problems.push(`${ownerKind} at ${owner} refers to ${a}, outside the heap`);
    else if (what === 'dead') problems.push(`${ownerKind} at ${owner} refers to ${a}, which is not a live block (freed or interior)`);
    else if (what === 'kind') problems.push(`${ownerKind} at ${owner} refers to ${a} of unknown kind ${this.u8[a - 4]}`);
    else {
      const kind = this.allocator.kindNames[this.u8[a - 4]];
      if (what === 'white') problems.push(`black ${ownerKind} at ${owner} points at white ${kind} at ${a} (a store missed the write barrier)`);
      else problems.push(`old ${ownerKind} at ${owner} points at young ${kind} at ${a} outside the remembered set (a store missed the write barrier)`);
    }
  }
}
