/**
 * The managed heap: one non-resizable ArrayBuffer reserved up front, with typed-array views
 * made once. Every object of a running MufiZ program lives in here, addressed by byte offset.
 *
 * Invariants:
 *  - Views never change after construction, so no stale view can exist.
 *  - Addresses are byte offsets, 8-byte aligned, and may exceed 2^31: never `| 0` or `>>` an
 *    address; use `>>> 0` or division (unless `int32Addresses` says the heap is small enough).
 *    Offset 0 is never a valid address.
 */

/** A byte offset into the heap that points at a block's payload. 0 means "no object". */
export type Addr = number;

export const MIB = 1024 * 1024;
export const DEFAULT_HEAP_LIMIT = 2048 * MIB;
export const MAX_HEAP_LIMIT = 4096 * MIB;
/** When a reservation fails, halve it, but never below this. */
export const MIN_RESERVATION = 64 * MIB;

/**
 * Under Node the reservation is a SharedArrayBuffer (never shared with another thread: only
 * its allocation differs). V8 counts a plain ArrayBuffer's gigabytes as external memory and
 * answers with two full garbage collections of the JS heap at engine creation (5-10 ms of every
 * start, more on a busy machine); a SharedArrayBuffer's reservation is not counted. Access
 * through the views runs at the same speed (binary_trees, string_build measured equal).
 * Browsers keep an ArrayBuffer: there TextDecoder refuses shared memory and a
 * SharedArrayBuffer needs a cross-origin isolated page.
 */
const SHARED_BACKING = typeof SharedArrayBuffer === 'function' && typeof process !== 'undefined' &&
  typeof process.versions === 'object' && typeof process.versions.node === 'string';

/**
 * Reservations given back by released heaps (Heap.release), for the next heap asking for the same
 * size in this thread: a process that runs engine after engine (a test runner, a server) then
 * holds as many reservations as it has live engines, not as many as V8 has yet to collect. Each
 * entry keeps the size its heap asked for (a host that refused it gave a smaller buffer, which
 * the next heap asking for that size takes as it is) and how many leading bytes may be non-zero,
 * which the next heap clears.
 */
const pool: { buffer: ArrayBuffer | SharedArrayBuffer; asked: number; dirtyBytes: number }[] = [];
/** At most this many reservations wait in the pool; a release beyond it leaves the oldest to V8. */
const POOL_MAX = 4;
/**
 * A heap that wrote more than this is not pooled: its pages stay resident while pooled (V8 cannot
 * give them back), and clearing them costs about 5 ms per 100 MiB.
 */
const POOL_MAX_DIRTY = 64 * 1024 * 1024;

export class Heap {
  /**
   * Called before each reservation (null: nothing happens). V8 does not count a
   * SharedArrayBuffer's reservation (above), so a thread that makes engine after engine keeps the
   * dropped engines' reservations until V8 happens to collect; Linux merges adjacent ones into one
   * mapping, and once one is larger than RAM and swap together, fork fails with ENOMEM (the
   * heuristic overcommit check: a test process that had made fourteen engines held one 28 GiB
   * mapping on a 24 GiB machine, and its next spawnSync failed). A process that makes many
   * engines and starts processes collects here every few heaps (the unit tests' processes:
   * scripts/cases/ts-register.js).
   */
  static beforeReserve: (() => void) | null = null;

  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  /** Bytes actually reserved (may be less than requested if the host refused). */
  readonly size: number;
  /** The limit the user asked for. */
  readonly requested: number;
  /** True when the reservation had to be reduced. */
  readonly reduced: boolean;

  /** Set by release(): the buffer may belong to another heap now, so these views must not be used. */
  private released = false;
  /** The size asked of the host (the limit, clamped and rounded): the pool's key. */
  private readonly asked: number;

  constructor(requestedBytes: number) {
    const asked = roundDown8(Math.min(requestedBytes, MAX_HEAP_LIMIT));
    let size = asked;
    let buffer = takeFromPool(asked);
    if (buffer === null) Heap.beforeReserve?.();
    else size = buffer.byteLength;
    while (buffer === null) {
      try {
        buffer = SHARED_BACKING ? new SharedArrayBuffer(size) : new ArrayBuffer(size);
      } catch (e) {
        // Some hosts cannot reserve gigabytes of address space; halve until it fits.
        if (size <= MIN_RESERVATION) throw e;
        size = Math.max(MIN_RESERVATION, roundDown8(size / 2));
      }
    }
    this.buffer = buffer;
    this.size = size;
    this.requested = requestedBytes;
    this.asked = asked;
    this.reduced = size < asked;
    this.u8 = new Uint8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }

  /**
   * Every address is below 2^31 (the heap is at most 2 GiB, the default limit), so `a | 0` is
   * `a`: the tier's generated code then turns an address read from a float64 payload into an
   * int32 once, and V8 computes the addresses derived from it in integer registers.
   */
  get int32Addresses(): boolean {
    return this.size <= 2 ** 31;
  }

  /**
   * Gives the reservation back for the next heap of the same size in this thread (see `pool`).
   * `dirtyBytes`: the leading bytes this heap may have written (the allocator's high-water mark);
   * the next owner clears them. Afterwards this heap and every view of it must not be used (the
   * owner, Engine.dispose, makes its engine refuse further calls). A second call does nothing.
   */
  release(dirtyBytes: number): void {
    if (this.released) return;
    this.released = true;
    const dirty = Math.min(this.size, roundUp8(dirtyBytes));
    if (dirty > POOL_MAX_DIRTY) return;
    if (pool.length === POOL_MAX) pool.shift();
    pool.push({ buffer: this.buffer, asked: this.asked, dirtyBytes: dirty });
  }
}

/** A pooled reservation given back by a heap that asked for `asked` bytes, cleared as a fresh one is, or null. */
function takeFromPool(asked: number): ArrayBuffer | SharedArrayBuffer | null {
  for (let i = pool.length - 1; i >= 0; i--) {
    const entry = pool[i];
    if (entry.asked !== asked) continue;
    pool.splice(i, 1);
    // By 64-bit words: several times faster than bytes on a SharedArrayBuffer (see Allocator.poison).
    new BigInt64Array(entry.buffer, 0, entry.dirtyBytes / 8).fill(0n);
    return entry.buffer;
  }
  return null;
}

function roundUp8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function roundDown8(n: number): number {
  return Math.floor(n / 8) * 8;
}
