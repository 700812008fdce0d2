/**
 * Values: the one owner of the value encoding.
 *
 * A value is a tag (one of the constants below) and a float64 payload: the int (an i32 stored
 * exactly in the float64), the double, or the object address. On the VM stack, tags and payloads
 * live in two parallel typed arrays; in the heap a value slot is 16 bytes: the tag as a u32 at
 * +0 and the payload as a float64 at +8. No JS object is ever made per value.
 */
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

/** Bytes of one value slot in the heap. */
export const VALUE_SLOT = 16;

/** Only nil and false are falsy. */
export function isFalsey(tag: number): boolean {
  return tag <= Tag.FALSE;
}

export function boolTag(b: boolean): Tag {
  return b ? Tag.TRUE : Tag.FALSE;
}

export function isNumberTag(tag: number): boolean {
  return tag === Tag.INT || tag === Tag.DOUBLE;
}

/** Reads a heap value slot's tag (slot address must be 8-aligned). */
export function slotTag(u32: Uint32Array, slot: number): number {
  return u32[slot >>> 2];
}

export function slotPayload(f64: Float64Array, slot: number): number {
  return f64[(slot + 8) >>> 3];
}

export function writeSlot(u32: Uint32Array, f64: Float64Array, slot: number, tag: number, payload: number): void {
  u32[slot >>> 2] = tag;
  f64[(slot + 8) >>> 3] = payload;
}
