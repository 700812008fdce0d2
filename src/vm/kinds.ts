/**
 * Object kinds: the byte stored in every heap block's header. The VM registers a name and a
 * trace function per kind with the collector (see trace.ts).
 */
export const enum Kind {
  STRING = 1,
  FUNCTION = 2,
  CLOSURE = 3,
  UPVALUE = 4,
  NATIVE = 5,
  CLASS = 6,
  INSTANCE = 7,
  BOUND_METHOD = 8,
  FLOAT_VECTOR = 9,
  HASH_TABLE = 10,
  LINKED_LIST = 11,
  LIST_NODE = 12,
  RANGE = 13,
  PAIR = 14,
  MATRIX = 15,
  MATRIX_ROW = 16,
  COMPLEX = 17,
  /** Side buffers owned by one object: value slots (traced), plain bytes (not traced), tables. */
  VALUE_ARRAY = 20,
  BYTES = 21,
  TABLE_ENTRIES = 22,
  STRING_SET = 23,
  ARENA = 24,
}

export const KIND_NAMES: string[] = [];
KIND_NAMES[Kind.STRING] = 'string';
KIND_NAMES[Kind.FUNCTION] = 'function';
KIND_NAMES[Kind.CLOSURE] = 'closure';
KIND_NAMES[Kind.UPVALUE] = 'upvalue';
KIND_NAMES[Kind.NATIVE] = 'native';
KIND_NAMES[Kind.CLASS] = 'class';
KIND_NAMES[Kind.INSTANCE] = 'instance';
KIND_NAMES[Kind.BOUND_METHOD] = 'bound method';
KIND_NAMES[Kind.FLOAT_VECTOR] = 'float vector';
KIND_NAMES[Kind.HASH_TABLE] = 'hash table';
KIND_NAMES[Kind.LINKED_LIST] = 'linked list';
KIND_NAMES[Kind.LIST_NODE] = 'list node';
KIND_NAMES[Kind.RANGE] = 'range';
KIND_NAMES[Kind.PAIR] = 'pair';
KIND_NAMES[Kind.MATRIX] = 'matrix';
KIND_NAMES[Kind.MATRIX_ROW] = 'matrix row';
KIND_NAMES[Kind.COMPLEX] = 'complex';
KIND_NAMES[Kind.VALUE_ARRAY] = 'value array';
KIND_NAMES[Kind.BYTES] = 'bytes';
KIND_NAMES[Kind.TABLE_ENTRIES] = 'table entries';
KIND_NAMES[Kind.STRING_SET] = 'intern table';
KIND_NAMES[Kind.ARENA] = 'arena buffer';
