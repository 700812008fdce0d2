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
 *
 * Property and method instructions carry an inline-cache site operand (Operand.CACHE): the
 * interpreter remembers there what the last lookup at that instruction found (vm/inline-cache.ts).
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
  /** u16 name constant, u16 cache site. Pops the instance, pushes the field or bound method. */
  GET_PROPERTY,
  /** u16 name constant, u16 cache site. Stack: instance value -> value. */
  SET_PROPERTY,
  /** u16 name constant, u16 cache site. Stack: self superclass -> bound method. */
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
  /** u16 method name constant, u8 argument count, u16 cache site. */
  INVOKE,
  /** u16 method name constant, u8 argument count, u16 cache site. Stack: self args... superclass. */
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
  /** GET_LOCAL s; GET_PROPERTY n: u8 slot, u16 name, u16 cache site */
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

  // More superinstructions (emitter.ts), after the rest so that the numbers above stay put.
  /** GET_LOCAL s; CONSTANT k: u8 slot, u16 constant (pushes both) */
  GET_LOCAL_CONSTANT,
  /** GET_LOCAL s; ADD_CONSTANT k (from GET_LOCAL_CONSTANT; ADD): u8 slot, u16 constant */
  LOCAL_ADD_CONSTANT,
  /** GET_LOCAL s; SUBTRACT_CONSTANT k: u8 slot, u16 constant */
  LOCAL_SUBTRACT_CONSTANT,
  /** GET_LOCAL s; RETURN */
  RETURN_LOCAL,
  /** NIL; RETURN */
  RETURN_NIL,
  /** GET_LOCAL_PROPERTY s n; RETURN (a getter): u8 slot, u16 name, u16 cache site */
  RETURN_LOCAL_PROPERTY,
  /** GET_LOCAL a; GET_LOCAL b: u8 slot, u8 slot */
  GET_LOCAL_LOCAL,
  /** GET_GLOBAL g; INVOKE name 0 (`g.m()`): u16 global (rewritten by the loader), u16 name, u16 cache site */
  GLOBAL_INVOKE,
}

/**
 * What an operand means, which fixes its width and how tools read it. A new operand kind needs
 * a width in OPERAND_WIDTH (and, if it is not a plain number, a case in the disassembler).
 */
export const enum Operand {
  /** u8 local slot, relative to the frame base. */
  SLOT,
  /** u8 upvalue index of the running closure. */
  UPVALUE,
  /** u8 count: arguments passed, values popped. */
  COUNT8,
  /** u16 count: elements of a literal. */
  COUNT16,
  /** u16 index into the function's constants. */
  CONSTANT,
  /** u16 global: a name constant as compiled, a global slot once the loader rewrote it. */
  GLOBAL,
  /** u16 forward distance from the end of the instruction. */
  JUMP,
  /** u16 backward distance from the end of the instruction. */
  LOOP,
  /**
   * u16 inline-cache site: the index of this instruction's entry in its function's cache
   * (the emitter numbers the sites of a function 0, 1, ...; Prototype.cacheSites counts them).
   */
  CACHE,
}

/** Width in bytes of each operand kind, indexed by Operand. */
export const OPERAND_WIDTH: readonly number[] = [1, 1, 1, 2, 2, 2, 2, 2, 2];

/**
 * Net change of the stack depth by one instruction on its fall-through path: a number, or a
 * function of the instruction's decoded operands (in order) where it depends on them.
 */
export type StackEffect = number | ((a: number, b: number) => number);

/** The facts about one instruction that every reader of bytecode shares. */
export interface OpFacts {
  readonly name: string;
  /** The fixed operands, in encoding order. CLOSURE is followed by two bytes per upvalue as well. */
  readonly operands: readonly Operand[];
  readonly stack: StackEffect;
  /**
   * The instruction may allocate in the heap (and so may collect). The interpreter saves ip and
   * sp before doing so; --track-sites names such instructions as allocation sites.
   */
  readonly allocates: boolean;
}

const SLOT = Operand.SLOT, UPVALUE = Operand.UPVALUE, COUNT8 = Operand.COUNT8, COUNT16 = Operand.COUNT16;
const CONSTANT = Operand.CONSTANT, GLOBAL = Operand.GLOBAL, JUMP = Operand.JUMP, LOOP = Operand.LOOP, CACHE = Operand.CACHE;

interface Entry extends Omit<OpFacts, 'name'> {
  readonly op: Op;
}

function f(op: Op, operands: readonly Operand[], stack: StackEffect, allocates = false): Entry {
  return { op, operands, stack, allocates };
}
const ALLOCATES = true;

/**
 * The instruction table, one entry per opcode, keyed by the opcode's name (repeated as `op`,
 * because a const enum has no name lookup in TypeScript): the type makes the compiler reject a
 * missing entry, OP_FACTS below rejects a repeated or missing number, and
 * tests/opcodes.test.ts checks at run time that every name sits at its own number.
 * Stack effects of superinstructions are the sums of the pairs they fuse.
 */
const FACTS: { readonly [K in keyof typeof Op]: Entry } = {
  CONSTANT: f(Op.CONSTANT, [CONSTANT], 1),
  NIL: f(Op.NIL, [], 1),
  TRUE: f(Op.TRUE, [], 1),
  FALSE: f(Op.FALSE, [], 1),
  POP: f(Op.POP, [], -1),
  GET_LOCAL: f(Op.GET_LOCAL, [SLOT], 1),
  SET_LOCAL: f(Op.SET_LOCAL, [SLOT], 0),
  GET_GLOBAL: f(Op.GET_GLOBAL, [GLOBAL], 1),
  SET_GLOBAL: f(Op.SET_GLOBAL, [GLOBAL], 0),
  DEFINE_GLOBAL: f(Op.DEFINE_GLOBAL, [GLOBAL], -1),
  DEFINE_CONST_GLOBAL: f(Op.DEFINE_CONST_GLOBAL, [GLOBAL], -1),
  GET_UPVALUE: f(Op.GET_UPVALUE, [UPVALUE], 1),
  SET_UPVALUE: f(Op.SET_UPVALUE, [UPVALUE], 0),
  GET_PROPERTY: f(Op.GET_PROPERTY, [CONSTANT, CACHE], 0, ALLOCATES), // a bound method
  SET_PROPERTY: f(Op.SET_PROPERTY, [CONSTANT, CACHE], -1, ALLOCATES), // a new field grows the layout or the overflow slots
  GET_SUPER: f(Op.GET_SUPER, [CONSTANT, CACHE], -1, ALLOCATES),
  EQUAL: f(Op.EQUAL, [], -1),
  NOT_EQUAL: f(Op.NOT_EQUAL, [], -1),
  GREATER: f(Op.GREATER, [], -1),
  GREATER_EQUAL: f(Op.GREATER_EQUAL, [], -1),
  LESS: f(Op.LESS, [], -1),
  LESS_EQUAL: f(Op.LESS_EQUAL, [], -1),
  ADD: f(Op.ADD, [], -1, ALLOCATES), // strings, complex numbers, vectors, matrices
  SUBTRACT: f(Op.SUBTRACT, [], -1, ALLOCATES),
  MULTIPLY: f(Op.MULTIPLY, [], -1, ALLOCATES),
  DIVIDE: f(Op.DIVIDE, [], -1, ALLOCATES),
  MODULO: f(Op.MODULO, [], -1),
  POWER: f(Op.POWER, [], -1),
  NOT: f(Op.NOT, [], 0),
  NEGATE: f(Op.NEGATE, [], 0, ALLOCATES), // complex numbers
  PRINT: f(Op.PRINT, [], -1),
  JUMP: f(Op.JUMP, [JUMP], 0),
  JUMP_IF_FALSE: f(Op.JUMP_IF_FALSE, [JUMP], 0),
  JUMP_IF_TRUE: f(Op.JUMP_IF_TRUE, [JUMP], 0),
  POP_JUMP_IF_FALSE: f(Op.POP_JUMP_IF_FALSE, [JUMP], -1),
  LOOP: f(Op.LOOP, [LOOP], 0),
  CALL: f(Op.CALL, [COUNT8], (argc) => -argc, ALLOCATES), // instances, natives
  INVOKE: f(Op.INVOKE, [CONSTANT, COUNT8, CACHE], (_name, argc) => -argc, ALLOCATES),
  SUPER_INVOKE: f(Op.SUPER_INVOKE, [CONSTANT, COUNT8, CACHE], (_name, argc) => -argc - 1, ALLOCATES),
  CLOSURE: f(Op.CLOSURE, [CONSTANT], 1, ALLOCATES),
  CLOSE_UPVALUE: f(Op.CLOSE_UPVALUE, [], -1),
  RETURN: f(Op.RETURN, [], -1),
  CLASS: f(Op.CLASS, [CONSTANT], 1, ALLOCATES),
  INHERIT: f(Op.INHERIT, [], -1, ALLOCATES),
  METHOD: f(Op.METHOD, [CONSTANT], -1, ALLOCATES),
  POPN: f(Op.POPN, [COUNT8], (n) => -n),
  SET_LOCAL_POP: f(Op.SET_LOCAL_POP, [SLOT], -1),
  SET_GLOBAL_POP: f(Op.SET_GLOBAL_POP, [GLOBAL], -1),
  SET_PROPERTY_POP: f(Op.SET_PROPERTY_POP, [CONSTANT, CACHE], -2, ALLOCATES),
  ADD_CONSTANT: f(Op.ADD_CONSTANT, [CONSTANT], 0, ALLOCATES),
  SUBTRACT_CONSTANT: f(Op.SUBTRACT_CONSTANT, [CONSTANT], 0, ALLOCATES),
  GET_LOCAL_PROPERTY: f(Op.GET_LOCAL_PROPERTY, [SLOT, CONSTANT, CACHE], 1, ALLOCATES),
  LESS_JUMP_IF_FALSE: f(Op.LESS_JUMP_IF_FALSE, [JUMP], -2),
  LESS_EQUAL_JUMP_IF_FALSE: f(Op.LESS_EQUAL_JUMP_IF_FALSE, [JUMP], -2),
  GREATER_JUMP_IF_FALSE: f(Op.GREATER_JUMP_IF_FALSE, [JUMP], -2),
  GREATER_EQUAL_JUMP_IF_FALSE: f(Op.GREATER_EQUAL_JUMP_IF_FALSE, [JUMP], -2),
  EQUAL_JUMP_IF_FALSE: f(Op.EQUAL_JUMP_IF_FALSE, [JUMP], -2),
  NOT_EQUAL_JUMP_IF_FALSE: f(Op.NOT_EQUAL_JUMP_IF_FALSE, [JUMP], -2),
  BUILD_VECTOR: f(Op.BUILD_VECTOR, [COUNT16], (n) => 1 - n, ALLOCATES),
  BUILD_MATRIX: f(Op.BUILD_MATRIX, [COUNT16, COUNT16], (rows, cols) => 1 - rows * cols, ALLOCATES),
  BUILD_HASH: f(Op.BUILD_HASH, [COUNT16], (n) => 1 - 2 * n, ALLOCATES),
  BUILD_STRING: f(Op.BUILD_STRING, [COUNT16], (n) => 1 - n, ALLOCATES),
  RANGE: f(Op.RANGE, [], -1, ALLOCATES),
  RANGE_INCLUSIVE: f(Op.RANGE_INCLUSIVE, [], -1, ALLOCATES),
  PAIR: f(Op.PAIR, [], -1, ALLOCATES),
  IMAGINARY: f(Op.IMAGINARY, [], 0, ALLOCATES),
  INDEX_GET: f(Op.INDEX_GET, [], -1, ALLOCATES), // a character, a slice, a matrix row
  INDEX_SET: f(Op.INDEX_SET, [], -2, ALLOCATES),
  SLICE: f(Op.SLICE, [], -2, ALLOCATES),
  // Pushes the element when it stays in the loop; the exit jump leaves the depth unchanged.
  FOREACH_NEXT: f(Op.FOREACH_NEXT, [SLOT, JUMP], 1, ALLOCATES),
  IN_RANGE: f(Op.IN_RANGE, [], -2),
  IN_RANGE_INCLUSIVE: f(Op.IN_RANGE_INCLUSIVE, [], -2),
  ECHO: f(Op.ECHO, [], -1),
  GET_LOCAL_CONSTANT: f(Op.GET_LOCAL_CONSTANT, [SLOT, CONSTANT], 2),
  LOCAL_ADD_CONSTANT: f(Op.LOCAL_ADD_CONSTANT, [SLOT, CONSTANT], 1, ALLOCATES),
  LOCAL_SUBTRACT_CONSTANT: f(Op.LOCAL_SUBTRACT_CONSTANT, [SLOT, CONSTANT], 1, ALLOCATES),
  // The returns leave the function: their stack effect is that of the pair (the frame goes).
  RETURN_LOCAL: f(Op.RETURN_LOCAL, [SLOT], 0),
  RETURN_NIL: f(Op.RETURN_NIL, [], 0),
  RETURN_LOCAL_PROPERTY: f(Op.RETURN_LOCAL_PROPERTY, [SLOT, CONSTANT, CACHE], 0, ALLOCATES),
  GET_LOCAL_LOCAL: f(Op.GET_LOCAL_LOCAL, [SLOT, SLOT], 2),
  GLOBAL_INVOKE: f(Op.GLOBAL_INVOKE, [GLOBAL, CONSTANT, CACHE], 1, ALLOCATES),
};

/** Instructions that leave the function (no fall-through). */
export function isReturnOp(op: number): boolean {
  return op === Op.RETURN || op === Op.RETURN_LOCAL || op === Op.RETURN_NIL || op === Op.RETURN_LOCAL_PROPERTY;
}

/** Every opcode's facts, indexed by opcode number. */
export const OP_FACTS: readonly OpFacts[] = (() => {
  const table: OpFacts[] = [];
  for (const [name, e] of Object.entries(FACTS)) {
    if (table[e.op] !== undefined) throw new Error(`opcode ${e.op} has two entries: ${table[e.op].name} and ${name}`);
    table[e.op] = { name, operands: e.operands, stack: e.stack, allocates: e.allocates };
  }
  for (let i = 0; i < table.length; i++) if (table[i] === undefined) throw new Error(`opcode ${i} has no entry`);
  return table;
})();

/** Opcode names, indexed by opcode number. */
export const OP_NAMES: readonly string[] = OP_FACTS.map((x) => x.name);

/** Bytes of fixed operands per opcode (CLOSURE also has two bytes per upvalue). */
export const OPERAND_BYTES: readonly number[] = OP_FACTS.map((x) => x.operands.reduce((n, k) => n + OPERAND_WIDTH[k], 0));

/**
 * Length in bytes of the instruction at `code[at]`, operands included. `upvalueCount` gives the
 * number of upvalues of the function constant a CLOSURE names (its extra operand pairs).
 * Unknown opcodes count as one byte.
 */
export function instructionLength(code: ArrayLike<number>, at: number, upvalueCount: (constant: number) => number): number {
  const op = code[at];
  const n = 1 + (OPERAND_BYTES[op] ?? 0);
  if (op === Op.CLOSURE) return n + 2 * upvalueCount(code[at + 1] | (code[at + 2] << 8));
  return n;
}

/** The value of operand number `index` of the instruction at `code[at]` (operands little-endian). */
export function operandAt(code: ArrayLike<number>, at: number, index: number): number {
  const kinds = OP_FACTS[code[at]].operands;
  let p = at + 1;
  for (let i = 0; i < index; i++) p += OPERAND_WIDTH[kinds[i]];
  return OPERAND_WIDTH[kinds[index]] === 1 ? code[p] : code[p] | (code[p + 1] << 8);
}

/** Stack effect of `op` given its first two operands (ignored when the effect is fixed). */
export function stackEffect(op: Op, a = 0, b = 0): number {
  const s = OP_FACTS[op].stack;
  return typeof s === 'number' ? s : s(a, b);
}

/** Opcodes whose first operand (a u16) names a global (the loader rewrites it into a slot). */
export function isGlobalOp(op: number): boolean {
  const x = OP_FACTS[op];
  return x !== undefined && x.operands.length >= 1 && x.operands[0] === Operand.GLOBAL;
}
