/**
 * Byte offsets of every object kind's fields, relative to the object's address (its payload).
 * The one owner of object layouts: every other module reads objects through these constants.
 * Value slots (16 bytes: u32 tag at +0, float64 payload at +8) are always 8-aligned.
 */

/** string: UTF-8 bytes follow the fixed part. */
export const STR_BYTE_LEN = 0; // u32
export const STR_HASH = 4; // u32, FNV-1a over the bytes
export const STR_CHAR_COUNT = 8; // u32, Unicode code points
export const STR_BYTES = 16;

/** function prototype (loaded from the compiler's Prototype). */
export const FN_ARITY = 0;
export const FN_UPVALUES = 4;
export const FN_CODE = 8; // u32 address of a BYTES block
export const FN_CODE_LEN = 12;
export const FN_LINES = 16; // u32 address of a BYTES block of i32 lines (one per code byte)
export const FN_CONSTANTS = 20; // u32 address of a VALUE_ARRAY
export const FN_CONSTANT_COUNT = 24;
export const FN_NAME = 28; // u32 string address, 0 for the script
export const FN_MAX_SLOTS = 32;
export const FN_KIND = 36;
export const FN_SIZE = 40;

/** closure: the upvalue addresses follow. */
export const CLOSURE_FN = 0;
export const CLOSURE_UPVALUE_COUNT = 4;
export const CLOSURE_UPVALUES = 8;

/** upvalue: open while the variable lives on the stack, closed (own slot) afterwards. */
export const UPV_STACK_INDEX = 0;
export const UPV_NEXT_OPEN = 4;
export const UPV_CLOSED = 8; // u32: 0 open, 1 closed
export const UPV_SLOT = 16; // value slot used once closed
export const UPV_SIZE = 32;

/** native function. */
export const NATIVE_ID = 0;
export const NATIVE_NAME = 4;
export const NATIVE_SIZE = 8;

/**
 * class. Two name tables (see table.ts), each a 3-word header inline in the class:
 * methods (name -> closure) and the field layout (name -> slot index, shared by all instances,
 * the way hidden classes / Wren fields work: instances keep only their slots).
 */
export const CLASS_NAME = 0;
export const CLASS_METHODS = 4; // table header: 12 bytes
export const CLASS_FIELDS = 16; // table header: 12 bytes
export const CLASS_INIT = 28; // u32 closure address of `init`, 0 if none
export const CLASS_FIELD_COUNT = 32; // u32 number of field names in the layout
export const CLASS_SIZE = 40;

/** name table header (inline in its owner). Entries: 16 bytes: u32 key, u32 tag, f64 payload. */
export const TABLE_ENTRIES = 0;
export const TABLE_COUNT = 4;
export const TABLE_CAPACITY = 8;
export const TABLE_ENTRY_SIZE = 16;

/**
 * instance: slots for the fields the class knew when it was made are inline; fields added later
 * go to an overflow VALUE_ARRAY. Slot i is inline when i < INST_INLINE. An absent field is EMPTY.
 */
export const INST_CLASS = 0;
export const INST_INLINE = 4; // u32 inline slot count
export const INST_OVERFLOW = 8; // u32 VALUE_ARRAY address or 0
export const INST_OVERFLOW_CAP = 12; // u32 slots in the overflow array
export const INST_SLOTS = 16;

/** bound method: receiver value slot, then the method closure. */
export const BOUND_RECEIVER = 0;
export const BOUND_METHOD = 16;
export const BOUND_SIZE = 24;
