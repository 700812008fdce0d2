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

// The 16-byte heap value slot (u32 tag at +0, float64 payload at +8) is L.VALUE_SLOT in layout.ts.
