/**
 * Block layout: the one owner of the header encoding.
 *
 *   block start b (8-aligned)      payload address a = b + 8
 *   +0  u32  block size in bytes (header included; a multiple of 8, at least 16)
 *   +4  u8   kind (FREE_KIND for a free block, QUARANTINE_KIND for a quarantined one)
 *   +5  u8   live block: flags (MARK_BIT: reached by the current collection; PIN_BIT: kept by
 *            every sweep, for arena buffers that no object references; GRAY_BIT: on the gray
 *            stack; OLD_BIT, SURVIVAL_BIT, REMEMBERED_BIT and TOUCHED_BIT: generational ages, see src/gc);
 *            free or quarantined block: the kind it had while live (for safety reports)
 *   +6  u16  magic: LIVE_MAGIC on allocated blocks, FREE_MAGIC otherwise (catches invalid frees)
 *   +8  payload; for a free block the first u32 is the next-free link
 *
 * Every block, live or free, has this header, so the heap can be walked from HEAP_START to the
 * high-water mark by adding sizes: the sweeper and the verifier need no object list.
 */

export const HEADER_BYTES = 8;
export const MIN_BLOCK = 16;
/** The first block starts here, so no payload address is ever 0 (or 8). */
export const HEAP_START = 8;

export const FREE_KIND = 0;
export const QUARANTINE_KIND = 255;

export const MARK_BIT = 1;
/** A pinned block survives sweeps without being marked (arena buffers, held by the host). */
export const PIN_BIT = 2;
/** Marked and waiting on the collector's gray stack (children not traced yet). */
export const GRAY_BIT = 4;
/** Generational mode: the block survived a collection (it is old); see src/gc/collector.ts. */
export const OLD_BIT = 8;
/** Generational mode: an old block that a barrier put on the remembered set. */
export const REMEMBERED_BIT = 16;
/** Generational mode: a young block that survived one minor collection (Lua 5.4's G_SURVIVAL); surviving the next makes it old. */
export const SURVIVAL_BIT = 32;
/** Generational mode: a remembered block that the last minor collection traced and nothing was stored into since (Lua's G_TOUCHED2): it leaves the remembered set after the next one. */
export const TOUCHED_BIT = 64;

/** Header accessors by payload address `a` (small, so V8 inlines them at every use). */
export function blockKind(u8: Uint8Array, a: number): number {
  return u8[a - 4];
}

export function blockFlags(u8: Uint8Array, a: number): number {
  return u8[a - 3];
}

export function blockSize(u32: Uint32Array, a: number): number {
  return u32[(a - 8) >>> 2];
}

export const LIVE_MAGIC = 0xb10c;
export const FREE_MAGIC = 0xf4ee;

/** Largest block size served by the size-class pools. */
export const SMALL_MAX = 512;
/** Number of size classes: block sizes 16, 24, ..., SMALL_MAX, indexed by size / 8. */
export const CLASS_COUNT = SMALL_MAX / 8 + 1;

/** Block size for a payload of `bytes` bytes: header added, rounded up to 8, at least MIN_BLOCK. */
export function blockSizeFor(bytes: number): number {
  const size = Math.ceil((bytes + HEADER_BYTES) / 8) * 8;
  return size < MIN_BLOCK ? MIN_BLOCK : size;
}
