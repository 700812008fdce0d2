import { Heap, Addr } from './heap';
import {
  HEADER_BYTES, MIN_BLOCK, HEAP_START, FREE_KIND, QUARANTINE_KIND, MARK_BIT, PIN_BIT, LIVE_MAGIC,
  FREE_MAGIC, SMALL_MAX, CLASS_COUNT, blockSizeFor,
} from './block';
import { AllocatorConfig, DEFAULT_ALLOCATOR_CONFIG } from './config';
import { HeapSafetyError } from './errors';
import { MemStats, MemStatsSnapshot, SizeClassRow, LeakRow, HeapWalk, formatMemStats } from './stats';
import { SiteTable } from './sites';

const POISON = 0xde;
/** Eight POISON bytes as a BigInt64Array element (0xdededededededede as a signed 64-bit integer). */
const POISON_WORD64 = BigInt.asIntN(64, BigInt('0xdededededededede'));
/** The same 8 bytes as a double (an ordinary negative number, not a NaN, so no store can change its bits). */
const POISON_DOUBLE = new Float64Array(new BigInt64Array([POISON_WORD64]).buffer)[0];
/** Byte offset, in a free block, of the back link of its free list (the forward link is at HEADER_BYTES). */
const PREV_LINK = HEADER_BYTES + 4;
/**
 * A block size used to judge fragmentation: free blocks smaller than this cannot serve a typical
 * request (an instance with a few fields, a short string), so they count as fragmented.
 */
export const TYPICAL_REQUEST_BLOCK = 64;

/**
 * The allocator: the one funnel every heap byte passes through.
 *
 * - Small blocks (<= SMALL_MAX bytes) come from segregated free lists, one per 8-byte size class
 *   (the seed's "pool allocators for fixed-size objects").
 * - Larger blocks come from a first-fit free list; small requests that find their class empty
 *   carve from the tail of a large free block before touching fresh memory.
 * - Fresh memory comes from the high-water mark `top`.
 * - Adjacent free blocks are coalesced by `sweep()`, which walks the whole heap anyway and
 *   rebuilds every free list; a free run that ends at `top` lowers `top`.
 *
 * Invariants: every byte in [HEAP_START, top) belongs to exactly one block; a block is on a free
 * list iff its kind is FREE_KIND; `stats` equals what a heap walk counts (see `walkTotals`).
 */
export class Allocator {
  readonly heap: Heap;
  readonly config: AllocatorConfig;
  readonly stats = new MemStats();
  /** Names of object kinds, registered by the VM, for reports. */
  kindNames: string[] = [];
  /** First byte past the last block. */
  top = HEAP_START;
  /** Highest value `top` has reached. */
  peakTop = HEAP_START;
  /**
   * Allocation site recorded with each new block when retainMetadata is on: `siteProvider()`
   * when the host set one (it is only called with retainMetadata on), else `currentSite`.
   */
  currentSite = 0;
  siteProvider: (() => number) | null = null;
  /** Block start → site id, with retainMetadata. Entries of freed blocks stay until the block is reused (for double-free reports). */
  readonly sites: Map<number, number> | null;
  /** Interned site labels and per-site totals, with retainMetadata. */
  readonly siteTable: SiteTable | null;

  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  /** For poisoning large blocks: see poison(). */
  private readonly i64: BigInt64Array;
  private readonly f64: Float64Array;
  private readonly smallHeads = new Float64Array(CLASS_COUNT);
  private largeHead = 0;
  private readonly tracking: boolean;
  private readonly safety: boolean;
  private readonly quarantine: boolean;

  constructor(config: Partial<AllocatorConfig> = {}) {
    this.config = { ...DEFAULT_ALLOCATOR_CONFIG, ...config };
    this.heap = new Heap(this.config.heapLimit);
    this.u8 = this.heap.u8;
    this.u16 = this.heap.u16;
    this.u32 = this.heap.u32;
    this.i64 = new BigInt64Array(this.heap.buffer);
    this.f64 = this.heap.f64;
    this.tracking = this.config.enableTracking;
    this.safety = this.config.enableSafety;
    this.quarantine = this.config.neverUnmap;
    this.sites = this.config.retainMetadata ? new Map() : null;
    this.siteTable = this.config.retainMetadata ? new SiteTable() : null;
  }

  /** Allocates a block with room for `bytes` payload bytes. Returns 0 when the heap is full. */
  alloc(bytes: number, kind: number): Addr {
    const size = blockSizeFor(bytes);
    let b: number;
    if (size <= SMALL_MAX) {
      const cls = size >>> 3;
      b = this.smallHeads[cls];
      if (b !== 0) {
        const next = this.u32[(b + HEADER_BYTES) >>> 2];
        this.smallHeads[cls] = next;
        if (next !== 0) this.u32[(next + PREV_LINK) >>> 2] = 0;
      } else {
        b = this.carve(size);
        if (b === 0) return 0;
      }
    } else {
      b = this.allocLarge(size);
      if (b === 0) return 0;
    }
    const blockSize = this.u32[b >>> 2];
    this.u8[b + 4] = kind;
    this.u8[b + 5] = 0;
    this.u16[(b + 6) >>> 1] = LIVE_MAGIC;
    this.recordAlloc(blockSize, kind);
    if (this.sites !== null) this.recordSite(b, blockSize);
    return b + HEADER_BYTES;
  }

  free(addr: Addr): void {
    if (this.safety) this.checkLive(addr, 'free');
    const b = addr - HEADER_BYTES;
    const size = this.u32[b >>> 2];
    const kind = this.u8[b + 4];
    this.recordFree(size, kind);
    this.release(b, size, kind);
  }

  /**
   * free() for a caller that has just checked that the block is live (the collector's young
   * sweep reads its magic first): the same accounting, poisoning and free-list push, without
   * the safety check (its `addr % 8` alone was a tenth of a minor sweep).
   */
  freeLive(addr: Addr): void {
    const b = addr - HEADER_BYTES;
    const size = this.u32[b >>> 2];
    const kind = this.u8[b + 4];
    this.recordFree(size, kind);
    this.release(b, size, kind);
  }

  /** Resizes a block's payload, moving it if needed; the contents up to the smaller size are kept. */
  realloc(addr: Addr, bytes: number): Addr {
    if (this.safety) this.checkLive(addr, 'realloc');
    const oldSize = this.u32[(addr - HEADER_BYTES) >>> 2];
    if (blockSizeFor(bytes) === oldSize) return addr;
    const kind = this.u8[addr - HEADER_BYTES + 4];
    const fresh = this.alloc(bytes, kind);
    if (fresh === 0) return 0;
    const keep = Math.min(oldSize - HEADER_BYTES, bytes);
    this.u8.copyWithin(fresh, addr, addr + keep);
    this.free(addr);
    return fresh;
  }

  /** Payload bytes of a live block (may exceed the request: sizes round up to 8). */
  payloadSize(addr: Addr): number {
    return this.u32[(addr - HEADER_BYTES) >>> 2] - HEADER_BYTES;
  }

  kindOf(addr: Addr): number {
    return this.u8[addr - HEADER_BYTES + 4];
  }

  // --- byte utilities (typed-array bulk operations where the Zig original used SIMD) ---

  copy(dst: Addr, src: Addr, n: number): void {
    this.u8.copyWithin(dst, src, src + n);
  }

  fill(dst: Addr, byte: number, n: number): void {
    this.u8.fill(byte, dst, dst + n);
  }

  /** memcmp: negative, 0 or positive. */
  compare(a: Addr, b: Addr, n: number): number {
    const u8 = this.u8;
    for (let i = 0; i < n; i++) {
      const d = u8[a + i] - u8[b + i];
      if (d !== 0) return d;
    }
    return 0;
  }

  // --- mark bits, used by the collector ---

  isMarked(addr: Addr): boolean {
    return (this.u8[addr - 3] & MARK_BIT) !== 0;
  }

  setMarked(addr: Addr): void {
    this.u8[addr - 3] |= MARK_BIT;
  }

  /** Pins a live block: sweeps keep it although nothing marks it (arena buffers). */
  pin(addr: Addr): void {
    this.u8[addr - 3] |= PIN_BIT;
  }

  isPinned(addr: Addr): boolean {
    return (this.u8[addr - 3] & PIN_BIT) !== 0;
  }

  /**
   * Frees every live block with none of `keepBits` (by default: not marked, not pinned) and sets
   * the survivors' flags to (flags & ~clearBits) | setBits (by default: clears the mark),
   * coalescing adjacent free blocks and rebuilding the free lists. Calls `onFree(addr, kind,
   * bytes)` for each block freed, before its memory is reused. Returns the number of bytes freed.
   * With `onKept`, a survivor with none of `keptMask` is handed to `onKept(addr, flags)` instead,
   * which sets its flags (the generational collector ages its young survivors this way).
   * With `onKind`, every survivor of kind `kind` is also handed to `onKind(addr)` (the intern
   * table is refilled from the surviving strings this way: see Collector.registerWeakSurvivors).
   */
  sweep(
    onFree: ((addr: Addr, kind: number, bytes: number) => void) | null,
    keepBits = MARK_BIT | PIN_BIT, clearBits = MARK_BIT, setBits = 0,
    onKept: ((addr: Addr, flags: number) => void) | null = null, keptMask = 0,
    kind = FREE_KIND, onKind: ((addr: Addr) => void) | null = null,
  ): number {
    this.smallHeads.fill(0);
    this.largeHead = 0;
    const before = this.stats.bytesFreed;
    const runStart = this.sweepBlocks(onFree, keepBits, clearBits, setBits, onKept, keptMask, onKind === null ? FREE_KIND : kind, onKind);
    if (runStart !== 0) this.top = runStart; // the last run touches the top: give it back
    return this.stats.bytesFreed - before;
  }

  /**
   * sweep()'s walk; returns the start of the free run that ends at the top (0 when none).
   * The loop is alone in its function, with nothing after it but the return: V8 compiles a long
   * loop on-stack (OSR) while it runs, before any code after it has run, and it kept such code
   * with a deoptimisation at the loop's exit (no type feedback there yet) and entered it again in
   * every later sweep, each time deoptimising at the end: hundreds of times in string_build's
   * 250 collections, one run in four (a race with the concurrent compile; docs/performance.md, strings).
   */
  private sweepBlocks(
    onFree: ((addr: Addr, kind: number, bytes: number) => void) | null, keepBits: number, clearBits: number, setBits: number,
    onKept: ((addr: Addr, flags: number) => void) | null, keptMask: number,
    watchKind: number, onKind: ((addr: Addr) => void) | null,
  ): number {
    const u8 = this.u8, u32 = this.u32;
    let runStart = 0; // start of the current run of free blocks, 0 when none
    let b = HEAP_START;
    const end = this.top;
    while (b < end) {
      const size = u32[b >>> 2];
      const kind = u8[b + 4];
      if (kind === FREE_KIND) {
        if (runStart === 0) runStart = b;
      } else if (kind === QUARANTINE_KIND) {
        if (runStart !== 0) { this.pushFree(runStart, b - runStart); runStart = 0; }
      } else if ((u8[b + 5] & keepBits) !== 0) {
        const flags = u8[b + 5];
        if (onKept !== null && (flags & keptMask) === 0) onKept(b + HEADER_BYTES, flags);
        else u8[b + 5] = (flags & ~clearBits) | setBits;
        if (kind === watchKind) (onKind as (addr: Addr) => void)(b + HEADER_BYTES); // (never FREE_KIND here)
        if (runStart !== 0) { this.pushFree(runStart, b - runStart); runStart = 0; }
      } else {
        if (onFree !== null) onFree(b + HEADER_BYTES, kind, size);
        this.recordFree(size, kind);
        if (this.quarantine) {
          this.quarantineBlock(b, size, kind);
          if (runStart !== 0) { this.pushFree(runStart, b - runStart); runStart = 0; }
        } else {
          this.markDeadFree(b, size, kind);
          if (runStart === 0) runStart = b;
        }
      }
      b += size;
    }
    return runStart;
  }

  /**
   * Turns a dead block into a free one in place (poisoned when safety is on), remembering its
   * old kind for use-after-free reports; both sweeps then merge it into the current free run.
   */
  private markDeadFree(b: number, size: number, kind: number): void {
    if (this.safety) this.poison(b, size);
    this.u8[b + 4] = FREE_KIND;
    this.u8[b + 5] = kind;
    this.u16[(b + 6) >>> 1] = FREE_MAGIC;
  }

  /**
   * Fills a block's payload with POISON. Blocks are 8-byte aligned and sized, so a small one is
   * filled by 8-byte stores of a double with the poison bits (half as many stores as 32-bit
   * ones): a sweep (and a minor collection's frees) poisons millions of small dead blocks, and a
   * call of TypedArray.fill costs more than the few stores of a typical 24-80 byte payload. A large one
   * is filled 8 bytes at a time: on the heap's SharedArrayBuffer V8's fill is an element-wise
   * loop, and Uint8Array.fill ran 7 times slower than BigInt64Array.fill (80 MB of dead 40 KB
   * strings: 60 ms against 9 ms; docs/performance.md, strings).
   */
  private poison(b: number, size: number): void {
    if (size > 256) { this.i64.fill(POISON_WORD64, (b + HEADER_BYTES) >>> 3, (b + size) >>> 3); return; }
    const f64 = this.f64;
    for (let w = (b + HEADER_BYTES) >>> 3, end = (b + size) >>> 3; w < end; w++) f64[w] = POISON_DOUBLE;
  }

  // --- the resumable sweep (incremental collection) ---

  /** Next block the resumable sweep looks at; 0 when no sweep is under way. */
  sweepCursor = 0;
  /** End of the resumable sweep: the top when it began (blocks above are newer than the marks). */
  sweepEnd = 0;
  /** A free run the last sweep step ended in (it ends at `sweepCursor`), to extend; 0 when none. */
  private sweepRun = 0;

  /** Starts a resumable sweep of every block below the current top. */
  beginSweep(): void {
    this.sweepCursor = HEAP_START;
    this.sweepEnd = this.top;
    this.sweepRun = 0;
  }

  /**
   * Sweeps on from `sweepCursor` until about `budget` bytes of blocks were looked at: frees
   * unmarked blocks, clears the marks of the others, merges each run of free blocks into one
   * (unlinking the free blocks it absorbs, so the lists stay exact) and returns true when the
   * sweep reached its end. The program runs between steps and may allocate: a block handed out
   * ahead of the cursor must be marked by the caller (it is new, not garbage), one behind it not.
   * Returns with every free list complete, so allocation works between steps.
   *
   * The budget is a hard bound (a step's pause): a free run still open when it runs out is put
   * on its list as it is, and the next step takes it off again to extend it, if it is still
   * that free block (the program may have allocated from it meanwhile).
   */
  sweepStep(budget: number): boolean {
    const u8 = this.u8, u32 = this.u32;
    let b = this.sweepCursor;
    const end = this.sweepEnd;
    const stop = b + budget;
    let runStart = 0;
    const carried = this.sweepRun;
    this.sweepRun = 0;
    if (carried !== 0 && u8[carried + 4] === FREE_KIND && u32[carried >>> 2] === b - carried) {
      this.unlinkFree(carried, b - carried);
      runStart = carried;
    }
    while (b < end && b < stop) {
      const size = u32[b >>> 2];
      const kind = u8[b + 4];
      if (kind === FREE_KIND) {
        this.unlinkFree(b, size);
        if (runStart === 0) runStart = b;
      } else if (kind === QUARANTINE_KIND) {
        if (runStart !== 0) { this.pushFree(runStart, b - runStart); runStart = 0; }
      } else if ((u8[b + 5] & (MARK_BIT | PIN_BIT)) !== 0) {
        u8[b + 5] &= ~MARK_BIT;
        if (runStart !== 0) { this.pushFree(runStart, b - runStart); runStart = 0; }
      } else {
        this.recordFree(size, kind);
        if (this.quarantine) {
          this.quarantineBlock(b, size, kind);
          if (runStart !== 0) { this.pushFree(runStart, b - runStart); runStart = 0; }
        } else {
          this.markDeadFree(b, size, kind);
          if (runStart === 0) runStart = b;
        }
      }
      b += size;
    }
    if (runStart !== 0) {
      if (b === this.top) this.top = runStart; // nothing was allocated above: give the run back
      else {
        this.pushFree(runStart, b - runStart);
        if (b < end) this.sweepRun = runStart;
      }
    }
    this.sweepCursor = b;
    if (b < end) return false;
    this.sweepCursor = 0;
    this.sweepEnd = 0;
    return true;
  }

  /** Clears every mark (and the collector's other per-cycle bits, `bits`) without freeing: an abandoned cycle. */
  clearMarks(bits: number): void {
    const u8 = this.u8, u32 = this.u32;
    for (let b = HEAP_START; b < this.top; b += u32[b >>> 2]) {
      const kind = u8[b + 4];
      if (kind !== FREE_KIND && kind !== QUARANTINE_KIND) u8[b + 5] &= ~bits;
    }
  }

  /** Visits every block from the start of the heap to the top. */
  forEachBlock(visit: (block: number, size: number, kind: number, flags: number) => void): void {
    const u8 = this.u8, u32 = this.u32;
    for (let b = HEAP_START; b < this.top; b += u32[b >>> 2]) {
      visit(b, u32[b >>> 2], u8[b + 4], u8[b + 5]);
    }
  }

  /**
   * Everything the counters claim, recounted by walking the heap block by block (for checks
   * against the counters: the verifier and the unit tests).
   */
  walkTotals(): HeapWalk {
    let count = 0, bytes = 0, freeBytes = 0, freeBlocks = 0, fragmentedBytes = 0, quarantinedBytes = 0;
    const countByKind = new Map<number, number>(), bytesByKind = new Map<number, number>();
    const liveCountByClass = new Float64Array(CLASS_COUNT), liveBytesByClass = new Float64Array(CLASS_COUNT);
    const freeCountByClass = new Float64Array(CLASS_COUNT), freeBytesByClass = new Float64Array(CLASS_COUNT);
    this.forEachBlock((_b, size, kind) => {
      const cls = size <= SMALL_MAX ? size >>> 3 : 0;
      if (kind === FREE_KIND) {
        freeBytes += size;
        freeBlocks++;
        freeCountByClass[cls]++;
        freeBytesByClass[cls] += size;
        if (size < TYPICAL_REQUEST_BLOCK) fragmentedBytes += size;
        return;
      }
      if (kind === QUARANTINE_KIND) { quarantinedBytes += size; return; }
      count++;
      bytes += size;
      countByKind.set(kind, (countByKind.get(kind) ?? 0) + 1);
      bytesByKind.set(kind, (bytesByKind.get(kind) ?? 0) + size);
      liveCountByClass[cls]++;
      liveBytesByClass[cls] += size;
    });
    return {
      count, bytes, freeBytes, freeBlocks, fragmentedBytes, quarantinedBytes, countByKind, bytesByKind,
      liveCountByClass, liveBytesByClass, freeCountByClass, freeBytesByClass, extent: this.top - HEAP_START,
    };
  }

  /**
   * Checks the heap's structure: block sizes tile [HEAP_START, top), headers carry a valid magic,
   * every free-list entry is a free block, and the counters equal a heap walk.
   * Returns a list of problems (empty when the heap is sound), appended to `problems`.
   * `visitLive` is called with each live block's start, in the same walk, once its header is
   * known sound: the collector's verifier checks references there instead of walking again.
   */
  verify(marksAllowed = false, visitLive: ((b: number) => void) | null = null, problems: string[] = []): string[] {
    const u8 = this.u8, u32 = this.u32, u16 = this.u16;
    let b = HEAP_START, live = 0, liveBytes = 0, freeBlocks = 0;
    const top = this.top;
    while (b < top) {
      const size = u32[b >>> 2];
      if (size < MIN_BLOCK || size % 8 !== 0 || b + size > top) {
        problems.push(`block at ${b} has a bad size ${size}`);
        return problems;
      }
      const kind = u8[b + 4], magic = u16[(b + 6) >>> 1];
      if (kind === FREE_KIND || kind === QUARANTINE_KIND) {
        if (magic !== FREE_MAGIC) problems.push(`free block at ${b} has magic ${magic.toString(16)}`);
        if (kind === FREE_KIND) freeBlocks++;
      } else {
        if (magic !== LIVE_MAGIC) problems.push(`live block at ${b} has magic ${magic.toString(16)}`);
        if (!marksAllowed && (u8[b + 5] & MARK_BIT) !== 0) problems.push(`live block at ${b} is still marked`);
        live++;
        liveBytes += size;
        if (visitLive !== null) visitLive(b);
      }
      b += size;
    }
    // Each list is walked at most as far as the heap has free blocks, so a loop ends the walk;
    // a loop or a block on two lists also breaks a back link (or, for two heads, a size class).
    let listed = 0;
    for (let c = 0; c < CLASS_COUNT && listed >= 0; c++) listed = this.verifyFreeList(problems, this.smallHeads[c], true, c, listed, freeBlocks);
    if (listed >= 0) listed = this.verifyFreeList(problems, this.largeHead, false, 0, listed, freeBlocks);
    if (listed >= 0 && listed !== freeBlocks) problems.push(`${freeBlocks} free blocks in the heap but ${listed} on free lists`);
    if (live !== this.stats.currentAllocations) problems.push(`heap walk finds ${live} live blocks, counters say ${this.stats.currentAllocations}`);
    if (liveBytes !== this.stats.currentBytes) problems.push(`heap walk finds ${liveBytes} live bytes, counters say ${this.stats.currentBytes}`);
    return problems;
  }

  /** One free list (size class `cls`, or the large list) for verify(); returns the entries counted so far, or -1 after a loop. */
  private verifyFreeList(problems: string[], head: number, small: boolean, cls: number, listed: number, freeBlocks: number): number {
    const u8 = this.u8, u32 = this.u32;
    let prev = 0;
    for (let f = head; f !== 0; prev = f, f = u32[(f + HEADER_BYTES) >>> 2]) {
      if (listed === freeBlocks) {
        problems.push(`free list loops at ${f} (the lists hold more entries than the heap's ${freeBlocks} free blocks)`);
        return -1;
      }
      if (u32[(f + PREV_LINK) >>> 2] !== prev) problems.push(`free block at ${f} has back link ${u32[(f + PREV_LINK) >>> 2]}, not ${prev}`);
      listed++;
      if (u8[f + 4] !== FREE_KIND) problems.push(`free list holds a non-free block at ${f}`);
      const size = u32[f >>> 2];
      if (small && size >>> 3 !== cls) problems.push(`block of size ${size} on size class ${cls * 8}`);
      if (!small && size <= SMALL_MAX) problems.push(`small block of size ${size} on the large list`);
    }
    return listed;
  }

  /** Is `addr` the payload address of a live block? (Exact, by walking: for verification only.) */
  isLiveBlockSlow(addr: Addr): boolean {
    const target = addr - HEADER_BYTES;
    for (let b = HEAP_START; b < this.top; b += this.u32[b >>> 2]) {
      if (b === target) return this.u8[b + 4] !== FREE_KIND && this.u8[b + 4] !== QUARANTINE_KIND;
      if (b > target) return false;
    }
    return false;
  }

  /**
   * The statistics. Counters are kept on every alloc and free; free-list figures are counted
   * from the free lists (not the heap), so a test can compare both with `walkTotals()`.
   */
  getMemStats(): MemStatsSnapshot {
    const s = this.stats;
    let freeBytes = 0, freeBlocks = 0, fragmentedBytes = 0;
    const freeCountByClass = new Float64Array(CLASS_COUNT), freeBytesByClass = new Float64Array(CLASS_COUNT);
    const u32 = this.u32;
    const countList = (head: number) => {
      for (let f = head; f !== 0; f = u32[(f + HEADER_BYTES) >>> 2]) {
        const size = u32[f >>> 2];
        const cls = size <= SMALL_MAX ? size >>> 3 : 0;
        freeBytes += size;
        freeBlocks++;
        freeCountByClass[cls]++;
        freeBytesByClass[cls] += size;
        if (size < TYPICAL_REQUEST_BLOCK) fragmentedBytes += size;
      }
    };
    for (let c = 0; c < CLASS_COUNT; c++) countList(this.smallHeads[c]);
    countList(this.largeHead);
    const byKind: MemStatsSnapshot['byKind'] = [];
    for (let k = 1; k < 255; k++) {
      if (s.allocsByKind[k] === 0) continue;
      byKind.push({ kind: this.kindName(k), count: s.liveCountByKind[k], bytes: s.liveBytesByKind[k], allocations: s.allocsByKind[k] });
    }
    const bySizeClass: SizeClassRow[] = [];
    for (let c = 0; c < CLASS_COUNT; c++) {
      if (s.liveCountByClass[c] === 0 && freeCountByClass[c] === 0 && s.allocsByClass[c] === 0) continue;
      bySizeClass.push({
        blockSize: c === 0 ? 'large' : c * 8, liveCount: s.liveCountByClass[c], liveBytes: s.liveBytesByClass[c],
        freeCount: freeCountByClass[c], freeBytes: freeBytesByClass[c], allocations: s.allocsByClass[c],
      });
    }
    const extent = this.top - HEAP_START;
    return {
      totalAllocations: s.totalAllocations, totalFrees: s.totalFrees,
      currentAllocations: s.currentAllocations, peakAllocations: s.peakAllocations,
      bytesAllocated: s.bytesAllocated, bytesFreed: s.bytesFreed,
      currentBytes: s.currentBytes, peakBytes: s.peakBytes,
      committedBytes: this.peakTop - HEAP_START, extentBytes: extent, freeBytes, freeBlocks, fragmentedBytes,
      quarantinedBytes: extent - s.currentBytes - freeBytes,
      heapLimit: this.heap.size, reservationReduced: this.heap.reduced, requestedLimit: this.heap.requested,
      tracking: this.tracking, byKind, bySizeClass,
    };
  }

  /** printMemStats(): the statistics in the seed's `Memory Statistics:` layout, to `write` (stderr, through console.error, by default). */
  printMemStats(write: (text: string) => void = (t) => console.error(t.replace(/\n$/, ''))): void {
    write(formatMemStats(this.getMemStats()) + '\n');
  }

  /**
   * checkForLeaks(): every live block, grouped by kind and (with retainMetadata) allocation
   * site, largest first. Called after the host dropped its roots and collected, so whatever is
   * listed is a leak; an empty list means none.
   */
  checkForLeaks(): LeakRow[] {
    const groups = new Map<string, LeakRow>();
    const sites = this.sites, table = this.siteTable;
    this.forEachBlock((b, size, kind) => {
      if (kind === FREE_KIND || kind === QUARANTINE_KIND) return;
      const site = sites !== null && table !== null ? table.label(sites.get(b) ?? 0) : '';
      const key = `${kind}\u0000${site}`;
      let row = groups.get(key);
      if (row === undefined) {
        row = { kind: this.kindName(kind), site, count: 0, bytes: 0 };
        groups.set(key, row);
      }
      row.count++;
      row.bytes += size;
    });
    return [...groups.values()].sort((x, y) => y.bytes - x.bytes || (x.kind + x.site < y.kind + y.site ? -1 : 1));
  }

  /**
   * deinit(): the end of the allocator's life. Returns the leaks (when enableLeakDetection is
   * on; otherwise an empty list) and then empties the heap, so the allocator starts over.
   */
  deinit(): LeakRow[] {
    const leaks = this.config.enableLeakDetection ? this.checkForLeaks() : [];
    this.top = HEAP_START;
    this.sweepCursor = 0;
    this.sweepEnd = 0;
    this.sweepRun = 0;
    this.smallHeads.fill(0);
    this.largeHead = 0;
    this.stats.reset();
    if (this.sites !== null) this.sites.clear();
    return leaks;
  }

  /** The allocation site label of a block (payload address), or '' without retainMetadata. */
  siteOf(addr: Addr): string {
    if (this.sites === null || this.siteTable === null) return '';
    return this.siteTable.label(this.sites.get(addr - HEADER_BYTES) ?? 0);
  }

  kindName(kind: number): string {
    return this.kindNames[kind] ?? `kind ${kind}`;
  }

  // --- internals ---

  private recordSite(b: number, size: number): void {
    const id = this.siteProvider !== null ? this.siteProvider() : this.currentSite;
    (this.sites as Map<number, number>).set(b, id);
    (this.siteTable as SiteTable).record(id, size);
  }

  private recordAlloc(size: number, kind: number): void {
    const s = this.stats;
    s.totalAllocations++;
    s.bytesAllocated += size;
    if (++s.currentAllocations > s.peakAllocations) s.peakAllocations = s.currentAllocations;
    if ((s.currentBytes += size) > s.peakBytes) s.peakBytes = s.currentBytes;
    if (this.tracking) {
      s.liveCountByKind[kind]++;
      s.liveBytesByKind[kind] += size;
      s.allocsByKind[kind]++;
      const cls = size <= SMALL_MAX ? size >>> 3 : 0;
      s.liveCountByClass[cls]++;
      s.liveBytesByClass[cls] += size;
      s.allocsByClass[cls]++;
    }
  }

  private recordFree(size: number, kind: number): void {
    const s = this.stats;
    s.totalFrees++;
    s.bytesFreed += size;
    s.currentAllocations--;
    s.currentBytes -= size;
    if (this.tracking) {
      s.liveCountByKind[kind]--;
      s.liveBytesByKind[kind] -= size;
      const cls = size <= SMALL_MAX ? size >>> 3 : 0;
      s.liveCountByClass[cls]--;
      s.liveBytesByClass[cls] -= size;
    }
  }

  /** Throws HeapSafetyError unless `addr` is the payload address of a live block. */
  private checkLive(addr: Addr, what: string): void {
    const b = addr - HEADER_BYTES;
    if (addr % 8 !== 0 || b < HEAP_START || addr >= this.top) {
      throw new HeapSafetyError(`invalid ${what} of address ${addr}: not a heap block${this.describeContaining(addr)}`);
    }
    const magic = this.u16[(b + 6) >>> 1];
    if (magic === FREE_MAGIC) {
      const state = this.u8[b + 4] === QUARANTINE_KIND ? 'quarantined' : 'free';
      throw new HeapSafetyError(`double ${what} of address ${addr}: the block is already ${state} (${this.describeBlock(b, this.u8[b + 5])})`);
    }
    if (magic !== LIVE_MAGIC) {
      throw new HeapSafetyError(`invalid ${what} of address ${addr}: no block starts there${this.describeContaining(addr)}`);
    }
  }

  /** "a string block of 32 bytes at 4096, allocated at main.mufi:3 in f()" (the site only with retainMetadata). */
  private describeBlock(b: number, kind: number): string {
    const id = this.sites !== null ? this.sites.get(b) ?? 0 : 0;
    const site = id !== 0 && this.siteTable !== null ? `, allocated at ${this.siteTable.label(id)}` : '';
    const what = kind === 0 ? 'block' : `${this.kindName(kind)} block`;
    return `${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what} of ${this.u32[b >>> 2]} bytes at ${b + HEADER_BYTES}${site}`;
  }

  /** For an address inside some block: ", inside <that block>" (found by a walk: error path only). */
  private describeContaining(addr: Addr): string {
    if (addr < HEAP_START || addr >= this.top) return '';
    for (let b = HEAP_START; b < this.top; b += this.u32[b >>> 2]) {
      const size = this.u32[b >>> 2];
      if (size < MIN_BLOCK) return '';
      if (addr < b + size) {
        const kind = this.u8[b + 4];
        const live = kind !== FREE_KIND && kind !== QUARANTINE_KIND;
        return `, inside ${live ? '' : 'a freed block: '}${this.describeBlock(b, live ? kind : this.u8[b + 5])}`;
      }
    }
    return '';
  }

  /** Puts a block that was live back on a free list (or into quarantine), remembering its kind. */
  private release(b: number, size: number, kind: number): void {
    if (this.quarantine) { this.quarantineBlock(b, size, kind); return; }
    if (this.safety) this.poison(b, size);
    this.pushFree(b, size);
    this.u8[b + 5] = kind;
  }

  private quarantineBlock(b: number, size: number, kind: number): void {
    this.poison(b, size);
    this.u8[b + 4] = QUARANTINE_KIND;
    this.u8[b + 5] = kind;
    this.u16[(b + 6) >>> 1] = FREE_MAGIC;
  }

  /**
   * Byte 5 (the former kind) is left as it is: the callers that know it set it. The lists are
   * doubly linked (next at +8, previous at +12 of the block) so the resumable sweep can take a
   * free block out of the middle of its list when it merges it with a neighbour.
   */
  private pushFree(b: number, size: number): void {
    const u32 = this.u32;
    u32[b >>> 2] = size;
    this.u8[b + 4] = FREE_KIND;
    this.u16[(b + 6) >>> 1] = FREE_MAGIC;
    let head: number;
    if (size <= SMALL_MAX) {
      const cls = size >>> 3;
      head = this.smallHeads[cls];
      this.smallHeads[cls] = b;
    } else {
      head = this.largeHead;
      this.largeHead = b;
    }
    u32[(b + HEADER_BYTES) >>> 2] = head;
    u32[(b + PREV_LINK) >>> 2] = 0;
    if (head !== 0) u32[(head + PREV_LINK) >>> 2] = b;
  }

  /** Takes free block b (of `size` bytes) off its list. */
  private unlinkFree(b: number, size: number): void {
    const u32 = this.u32;
    const next = u32[(b + HEADER_BYTES) >>> 2], prev = u32[(b + PREV_LINK) >>> 2];
    if (prev !== 0) u32[(prev + HEADER_BYTES) >>> 2] = next;
    else if (size <= SMALL_MAX) this.smallHeads[size >>> 3] = next;
    else this.largeHead = next;
    if (next !== 0) u32[(next + PREV_LINK) >>> 2] = prev;
  }

  /** A small block when its size class is empty: the tail of a large free block, else fresh memory. */
  private carve(size: number): number {
    const head = this.largeHead;
    if (head !== 0) {
      const u32 = this.u32;
      const headSize = u32[head >>> 2];
      const rest = headSize - size;
      // The large list only holds blocks above SMALL_MAX, so the head always fits a small request.
      if (rest >= MIN_BLOCK) {
        const b = head + rest;
        u32[b >>> 2] = size;
        if (rest <= SMALL_MAX) {
          this.unlinkFree(head, headSize);
          this.pushFree(head, rest);
        } else {
          u32[head >>> 2] = rest;
        }
        return b;
      }
    }
    return this.bump(size);
  }

  private allocLarge(size: number): number {
    const u32 = this.u32;
    for (let f = this.largeHead; f !== 0; f = u32[(f + HEADER_BYTES) >>> 2]) {
      const fSize = u32[f >>> 2];
      if (fSize < size) continue;
      const rest = fSize - size;
      if (rest >= MIN_BLOCK) {
        // Take the tail; the head stays where it is, or moves to a size class if it got small.
        const b = f + rest;
        u32[b >>> 2] = size;
        if (rest <= SMALL_MAX) {
          this.unlinkFree(f, fSize);
          this.pushFree(f, rest);
        } else {
          u32[f >>> 2] = rest;
        }
        return b;
      }
      // Too little left to split: hand out the whole block.
      this.unlinkFree(f, fSize);
      return f;
    }
    return this.bump(size);
  }

  /**
   * Gives the heap's reservation back for the next allocator of this thread (Heap.release): every
   * byte written lies below `peakTop`. The allocator and its heap must not be used afterwards.
   */
  giveBackHeap(): void {
    this.heap.release(this.peakTop);
  }

  private bump(size: number): number {
    const b = this.top;
    if (b + size > this.heap.size) return 0;
    this.top = b + size;
    if (this.top > this.peakTop) this.peakTop = this.top;
    this.u32[b >>> 2] = size;
    return b;
  }
}
