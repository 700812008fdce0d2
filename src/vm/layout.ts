/**
 * Byte offsets of every object kind's fields, relative to the object's address (its payload).
 * The one owner of object layouts: every other module reads objects through these constants.
 * Value slots (16 bytes: u32 tag at +0, float64 payload at +8) are always 8-aligned.
 */
// A const enum, so every offset is inlined as a number literal in the compiled JavaScript
// (a plain exported const would be a property load on every use in the interpreter loop).
export const enum L {
  /** Bytes of one value slot (u32 tag at +0, float64 payload at +8). */
  VALUE_SLOT = 16,
  /** string: UTF-8 bytes follow the fixed part. */
  STR_BYTE_LEN = 0, // u32
  STR_HASH = 4, // u32, FNV-1a over the bytes (low 30 bits: see hash.ts)
  STR_CHAR_COUNT = 8, // u32, Unicode code points
  STR_BYTES = 16,

  /** function prototype (loaded from the compiler's Prototype). */
  FN_ARITY = 0,
  FN_UPVALUES = 4,
  FN_CODE = 8, // u32 address of a BYTES block
  FN_CODE_LEN = 12,
  FN_LINES = 16, // u32 address of a BYTES block of i32 lines (one per code byte)
  FN_CONSTANTS = 20, // u32 address of a VALUE_ARRAY
  FN_CONSTANT_COUNT = 24,
  FN_NAME = 28, // u32 string address, 0 for the script
  FN_MAX_SLOTS = 32,
  FN_KIND = 36,
  FN_CACHE = 40, // u32 address of a BYTES block of inline-cache entries (IC_ENTRY bytes per site)
  /** u32 second-tier state (tier/state.ts): a call/back-edge count, NEVER, or COMPILED + index. */
  FN_TIER = 44,
  FN_SIZE = 48,

  /**
   * inline-cache entry, one per cache site of a function (see inline-cache.ts): the class id
   * the entry is valid for (0: empty), and what the lookup found for it.
   */
  IC_CLASS_ID = 0, // u32
  IC_DATA = 4, // u32: field index, or method closure address
  IC_ENTRY = 8,

  /** closure: the upvalue addresses follow. */
  CLOSURE_FN = 0,
  CLOSURE_UPVALUE_COUNT = 4,
  CLOSURE_UPVALUES = 8,

  /** upvalue: open while the variable lives on the stack, closed (own slot) afterwards. */
  UPV_STACK_INDEX = 0,
  UPV_NEXT_OPEN = 4,
  UPV_CLOSED = 8, // u32: 0 open, 1 closed
  UPV_SLOT = 16, // value slot used once closed
  UPV_SIZE = 32,

  /** native function. */
  NATIVE_ID = 0,
  NATIVE_NAME = 4,
  NATIVE_SIZE = 8,

  /**
   * class. Two name tables (see table.ts), each a 3-word header inline in the class:
   * methods (name -> closure) and the field layout (name -> slot index, shared by all instances,
   * the way hidden classes / Wren fields work: instances keep only their slots).
   */
  CLASS_NAME = 0,
  CLASS_METHODS = 4, // table header: 12 bytes
  CLASS_FIELDS = 16, // table header: 12 bytes
  CLASS_INIT = 28, // u32 closure address of `init`, 0 if none
  CLASS_FIELD_COUNT = 32, // u32 number of field names in the layout
  CLASS_ID = 36, // u32, never reused: what inline caches key on (a freed class's address may be)
  CLASS_SIZE = 40,

  /** name table header (inline in its owner). Entries: 16 bytes: u32 key, u32 tag, f64 payload. */
  TABLE_ENTRIES = 0,
  TABLE_COUNT = 4,
  TABLE_CAPACITY = 8,
  TABLE_ENTRY_SIZE = 16,

  /**
   * instance: slots for the fields the class knew when it was made are inline; fields added later
   * go to an overflow VALUE_ARRAY. Slot i is inline when i < INST_INLINE. An absent field is EMPTY.
   */
  INST_CLASS = 0,
  INST_INLINE = 4, // u32 inline slot count
  INST_OVERFLOW = 8, // u32 VALUE_ARRAY address or 0
  INST_OVERFLOW_CAP = 12, // u32 slots in the overflow array
  INST_SLOTS = 16,

  /** bound method: receiver value slot, then the method closure. */
  BOUND_RECEIVER = 0,
  BOUND_METHOD = 16,
  BOUND_SIZE = 24,

  /** float vector: f64 elements in a separate BYTES block (growable). */
  VEC_COUNT = 0,
  VEC_CAPACITY = 4,
  VEC_DATA = 8, // u32 address of a BYTES block of capacity f64s
  VEC_POS = 12, // iterator position (next/has_next/reset/skip)
  VEC_SIZE = 16,

  /**
   * hash table: insertion-ordered. Entries (TABLE_ENTRIES block, 16 bytes each: u32 key string,
   * u32 tag, f64 payload; key 0 = removed) are appended in insertion order; an open-addressing
   * index (BYTES block of u32: 0 empty, HT_TOMBSTONE removed, else entry number + 1) finds them.
   */
  HT_ENTRIES = 0,
  HT_USED = 4, // entries appended so far (removed ones included)
  HT_LIVE = 8,
  HT_ENTRY_CAPACITY = 12,
  HT_INDEX = 16,
  HT_INDEX_CAPACITY = 20, // a power of two, at least 2 x HT_ENTRY_CAPACITY
  HT_COMPACTIONS = 24, // times the entries were compacted (entry numbers changed): foreach re-finds its place
  HT_SIZE = 32,

  /** linked list (doubly linked nodes). */
  LIST_HEAD = 0,
  LIST_TAIL = 4,
  LIST_COUNT = 8,
  LIST_SIZE = 16,
  NODE_VALUE = 0, // value slot
  NODE_NEXT = 16,
  NODE_PREV = 20,
  NODE_SIZE = 24,

  /** range: i32 bounds. */
  RANGE_START = 0,
  RANGE_END = 4,
  RANGE_INCLUSIVE = 8,
  RANGE_SIZE = 16,

  /** pair: two value slots. */
  PAIR_KEY = 0,
  PAIR_VALUE = 16,
  PAIR_SIZE = 32,

  /** matrix: fixed size, f64 elements inline in column-major order (element (r, c) at c*rows + r). */
  MAT_ROWS = 0,
  MAT_COLS = 4,
  MAT_DATA = 8,

  /** matrix row: a live view of one row of a matrix. */
  ROW_MATRIX = 0,
  ROW_INDEX = 4,
  ROW_SIZE = 8,

  /** complex number (immutable). */
  CPX_RE = 0,
  CPX_IM = 8,
  CPX_SIZE = 16,
}

/** Index word of a removed hash-table entry (keeps probe chains intact). */
export const HT_TOMBSTONE = 0xffffffff;
