/**
 * The value encoding, owned here so the collector (which must tell references from numbers)
 * and the VM share one definition; src/vm/value.ts re-exports it. Modelled on Wren's
 * wren_value.h: the encoding and its small accessors in one place a reader can learn it from.
 *
 * A value is a tag and a float64 payload: the int (an i32 stored exactly in the float64), the
 * double, or the object address. On the VM stack tags and payloads live in two parallel typed
 * arrays. In the heap two encodings hold values:
 *
 *   value slot (16 bytes, 8-aligned)      table entry (16 bytes, 8-aligned)
 *   +0  u32 tag                           +0  u32 key (a string address; 0 = empty/removed)
 *   +4  (unused)                          +4  u32 tag of the value
 *   +8  f64 payload                       +8  f64 payload of the value
 *
 * Reads use the accessors below; every store of a reference into a heap object goes through
 * the collector's write barrier (Collector.writeSlot / writeEntry / writeRef, or a raw store
 * followed by Collector.writeBarrier / writeBarrierBack; see collector.ts).
 */
// A const enum: every use compiles to a number literal (preserveConstEnums keeps the object for
// transpile-only tests).
export const enum Tag {
  NIL = 0,
  FALSE = 1,
  TRUE = 2,
  INT = 3,
  DOUBLE = 4,
  OBJ = 5,
  /** Not a language value: marks an absent global or field. Never reaches user code. */
  EMPTY = 6,
}

export const enum Slot {
  TAG = 0,
  PAYLOAD = 8,
  BYTES = 16,
}

export const enum Entry {
  KEY = 0,
  TAG = 4,
  PAYLOAD = 8,
  BYTES = 16,
}

/** Tag of the value slot at heap byte address `slot`. */
export function slotTag(u32: Uint32Array, slot: number): number {
  return u32[slot >>> 2];
}

/** Payload of the value slot at heap byte address `slot`. */
export function slotPayload(f64: Float64Array, slot: number): number {
  return f64[(slot + Slot.PAYLOAD) >>> 3];
}

export function entryKey(u32: Uint32Array, e: number): number {
  return u32[e >>> 2];
}

export function entryTag(u32: Uint32Array, e: number): number {
  return u32[(e + Entry.TAG) >>> 2];
}

export function entryPayload(f64: Float64Array, e: number): number {
  return f64[(e + Entry.PAYLOAD) >>> 3];
}
