/**
 * The bytecode instruction set: the one contract between the compiler and the VM.
 *
 * Encoding: one opcode byte followed by its operands, little-endian.
 *   u8  = 1-byte operand, u16 = 2-byte operand (low byte first).
 * Jump offsets are unsigned u16 distances measured from the byte after the operand
 * (forward for the JUMP family, backward for LOOP), as in clox.
 *
 * Global variables: the operand of GET_GLOBAL/SET_GLOBAL/DEFINE_GLOBAL/DEFINE_CONST_GLOBAL is,
 * as emitted by the compiler, the index of a string constant holding the global's name. The VM
 * loader rewrites it in place into a global slot number before the code runs (globals are
 * late-bound by name but resolved to slots at load time).
 */
export const enum Op {
  /** u16 constant index: push constants[i]. */
  CONSTANT,
  NIL,
  TRUE,
  FALSE,
  POP,
  /** u8 slot (relative to the frame base; slot 0 is the callee / self). */
  GET_LOCAL,
  SET_LOCAL,
  /** u16 (see header): global name constant, rewritten to a slot by the loader. */
  GET_GLOBAL,
  SET_GLOBAL,
  DEFINE_GLOBAL,
  /** Defines a global that later assignments must reject at run time. */
  DEFINE_CONST_GLOBAL,
  /** u8 upvalue index. */
  GET_UPVALUE,
  SET_UPVALUE,
  /** u16 name constant. Pops the instance, pushes the field or bound method. */
  GET_PROPERTY,
  /** u16 name constant. Stack: instance value -> value. */
  SET_PROPERTY,
  /** u16 name constant. Stack: self superclass -> bound method. */
  GET_SUPER,
  EQUAL,
  NOT_EQUAL,
  GREATER,
  GREATER_EQUAL,
  LESS,
  LESS_EQUAL,
  ADD,
  SUBTRACT,
  MULTIPLY,
  DIVIDE,
  MODULO,
  POWER,
  NOT,
  NEGATE,
  PRINT,
  /** u16 forward offset. */
  JUMP,
  /** u16 forward offset; leaves the condition on the stack. */
  JUMP_IF_FALSE,
  /** u16 forward offset; leaves the condition on the stack. */
  JUMP_IF_TRUE,
  /** u16 forward offset; pops the condition. */
  POP_JUMP_IF_FALSE,
  /** u16 backward offset. */
  LOOP,
  /** u8 argument count. */
  CALL,
  /** u16 method name constant, u8 argument count. */
  INVOKE,
  /** u16 method name constant, u8 argument count. Stack: self args... superclass. */
  SUPER_INVOKE,
  /** u16 function constant, then per upvalue: u8 isLocal (1/0), u8 index. */
  CLOSURE,
  CLOSE_UPVALUE,
  RETURN,
  /** u16 name constant: push a new class. */
  CLASS,
  /** Stack: superclass subclass -> superclass (copies methods down; pops subclass). */
  INHERIT,
  /** u16 name constant. Stack: class closure -> class. */
  METHOD,
  /** u8 n: pop n values (used when leaving scopes with break/continue). */
  POPN,

  // Superinstructions: fused by the emitter's peephole (emitter.ts) from the pairs named.
  /** SET_LOCAL; POP */
  SET_LOCAL_POP,
  /** SET_GLOBAL; POP (u16 global operand, rewritten by the loader like SET_GLOBAL) */
  SET_GLOBAL_POP,
  /** SET_PROPERTY; POP */
  SET_PROPERTY_POP,
  /** CONSTANT k; ADD */
  ADD_CONSTANT,
  /** CONSTANT k; SUBTRACT */
  SUBTRACT_CONSTANT,
  /** GET_LOCAL s; GET_PROPERTY n: u8 slot, u16 name */
  GET_LOCAL_PROPERTY,
  /** LESS; POP_JUMP_IF_FALSE (u16 forward offset), and the same for the other comparisons */
  LESS_JUMP_IF_FALSE,
  LESS_EQUAL_JUMP_IF_FALSE,
  GREATER_JUMP_IF_FALSE,
  GREATER_EQUAL_JUMP_IF_FALSE,
  EQUAL_JUMP_IF_FALSE,
  NOT_EQUAL_JUMP_IF_FALSE,

  // Collections and the rest of the language.
  /** u16 n: pop n numbers, push a float vector of them. */
  BUILD_VECTOR,
  /** u16 rows, u16 cols: pop rows x cols numbers (row by row), push a matrix. */
  BUILD_MATRIX,
  /** u16 n: pop n key/value pairs (2n values), push a hash table. */
  BUILD_HASH,
  /** u16 n: pop n values, push the concatenation of their texts (f-strings). */
  BUILD_STRING,
  /** Stack: low high -> range (exclusive / inclusive end). */
  RANGE,
  RANGE_INCLUSIVE,
  /** Stack: key value -> pair. */
  PAIR,
  /** Stack: number -> complex 0 + number i. */
  IMAGINARY,
  /** Stack: object index -> element. */
  INDEX_GET,
  /** Stack: object index value -> value. */
  INDEX_SET,
  /** Stack: object low high -> slice. */
  SLICE,
  /**
   * u8 slot, u16 forward offset. The sequence is in local `slot`, the cursor in `slot + 1`, the
   * last hash-table key yielded in `slot + 2`:
   * pushes the next element and advances the cursor, or jumps when the sequence is exhausted.
   */
  FOREACH_NEXT,
  /** Stack: subject low high -> bool: `subject == low..high` without making the range (switch arms). */
  IN_RANGE,
  IN_RANGE_INCLUSIVE,
  /** The REPL's echo of an expression entry: PRINT, but strings quoted (`"1"`, not `1`). */
  ECHO,
}

/** Operand byte counts per opcode (CLOSURE has extra variable-length operands). */
export const OPERAND_BYTES: readonly number[] = [
  2, 0, 0, 0, 0, // CONSTANT NIL TRUE FALSE POP
  1, 1, // GET_LOCAL SET_LOCAL
  2, 2, 2, 2, // GET_GLOBAL SET_GLOBAL DEFINE_GLOBAL DEFINE_CONST_GLOBAL
  1, 1, // GET_UPVALUE SET_UPVALUE
  2, 2, 2, // GET_PROPERTY SET_PROPERTY GET_SUPER
  0, 0, 0, 0, 0, 0, // EQUAL NOT_EQUAL GREATER GREATER_EQUAL LESS LESS_EQUAL
  0, 0, 0, 0, 0, 0, 0, 0, // ADD SUBTRACT MULTIPLY DIVIDE MODULO POWER NOT NEGATE
  0, // PRINT
  2, 2, 2, 2, 2, // JUMP JUMP_IF_FALSE JUMP_IF_TRUE POP_JUMP_IF_FALSE LOOP
  1, // CALL
  3, 3, // INVOKE SUPER_INVOKE
  2, // CLOSURE (+ 2 bytes per upvalue)
  0, 0, // CLOSE_UPVALUE RETURN
  2, 0, 2, // CLASS INHERIT METHOD
  1, // POPN
  1, 2, 2, // SET_LOCAL_POP SET_GLOBAL_POP SET_PROPERTY_POP
  2, 2, // ADD_CONSTANT SUBTRACT_CONSTANT
  3, // GET_LOCAL_PROPERTY
  2, 2, 2, 2, 2, 2, // the fused comparison jumps
  2, 4, 2, 2, // BUILD_VECTOR BUILD_MATRIX BUILD_HASH BUILD_STRING
  0, 0, 0, 0, // RANGE RANGE_INCLUSIVE PAIR IMAGINARY
  0, 0, 0, // INDEX_GET INDEX_SET SLICE
  3, // FOREACH_NEXT
  0, 0, // IN_RANGE IN_RANGE_INCLUSIVE
  0, // ECHO
];

export const OP_NAMES: readonly string[] = [
  'CONSTANT', 'NIL', 'TRUE', 'FALSE', 'POP',
  'GET_LOCAL', 'SET_LOCAL',
  'GET_GLOBAL', 'SET_GLOBAL', 'DEFINE_GLOBAL', 'DEFINE_CONST_GLOBAL',
  'GET_UPVALUE', 'SET_UPVALUE',
  'GET_PROPERTY', 'SET_PROPERTY', 'GET_SUPER',
  'EQUAL', 'NOT_EQUAL', 'GREATER', 'GREATER_EQUAL', 'LESS', 'LESS_EQUAL',
  'ADD', 'SUBTRACT', 'MULTIPLY', 'DIVIDE', 'MODULO', 'POWER', 'NOT', 'NEGATE',
  'PRINT',
  'JUMP', 'JUMP_IF_FALSE', 'JUMP_IF_TRUE', 'POP_JUMP_IF_FALSE', 'LOOP',
  'CALL', 'INVOKE', 'SUPER_INVOKE',
  'CLOSURE', 'CLOSE_UPVALUE', 'RETURN',
  'CLASS', 'INHERIT', 'METHOD',
  'POPN',
  'SET_LOCAL_POP', 'SET_GLOBAL_POP', 'SET_PROPERTY_POP',
  'ADD_CONSTANT', 'SUBTRACT_CONSTANT',
  'GET_LOCAL_PROPERTY',
  'LESS_JUMP_IF_FALSE', 'LESS_EQUAL_JUMP_IF_FALSE', 'GREATER_JUMP_IF_FALSE', 'GREATER_EQUAL_JUMP_IF_FALSE',
  'EQUAL_JUMP_IF_FALSE', 'NOT_EQUAL_JUMP_IF_FALSE',
  'BUILD_VECTOR', 'BUILD_MATRIX', 'BUILD_HASH', 'BUILD_STRING',
  'RANGE', 'RANGE_INCLUSIVE', 'PAIR', 'IMAGINARY',
  'INDEX_GET', 'INDEX_SET', 'SLICE',
  'FOREACH_NEXT',
  'IN_RANGE', 'IN_RANGE_INCLUSIVE',
  'ECHO',
];

/** Opcodes whose u16 operand names a global (the loader rewrites them into slots). */
export function isGlobalOp(op: number): boolean {
  return op === Op.GET_GLOBAL || op === Op.SET_GLOBAL || op === Op.DEFINE_GLOBAL ||
    op === Op.DEFINE_CONST_GLOBAL || op === Op.SET_GLOBAL_POP;
}
