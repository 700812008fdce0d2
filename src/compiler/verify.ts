/**
 * The bytecode verifier: proves, before a prototype that did not come straight from the
 * compiler (a code-cache entry) reaches the VM, what the VM takes on trust from the compiler.
 * The interpreter reads operands without checks, so a damaged or hostile entry could otherwise
 * index past a constant pool or read a stale stack slot (a dangling heap reference).
 *
 * For every function, nested ones included, it checks:
 *   - every instruction decodes inside the code, and no path runs off its end;
 *   - constant operands are in the pool and of the kind the opcode needs (a name, a function...);
 *   - jumps land on instruction starts;
 *   - stack discipline, by data flow over every reachable path (as the JVM's verifier does): the
 *     depth at an instruction is the same on every path, never drops below the frame's slot 0,
 *     never exceeds maxSlots, and a local slot (also one an upvalue captures) is below the depth;
 *   - upvalue operands are below the function's upvalue count.
 *
 * The opcode table below is keyed by name, so renumbering the opcodes needs no change here; an
 * opcode missing from it makes every function using it fail verification (the program is then
 * compiled afresh instead of read from the cache), and a unit test lists such opcodes.
 */
import { OPERAND_BYTES, OP_NAMES, Op } from './opcodes';
import { Constant, FunctionKind, Prototype } from './prototype';

/**
 * Operand letters, in encoding order: k = u16 value constant (int, double or string),
 * n = u16 name constant, f = u16 function constant (CLOSURE), s = u8 local slot,
 * u = u8 upvalue index, c = u8 count, w = u16 count, j = u16 forward jump, b = u16 backward jump,
 * i = u16 inline-cache site (below the function's cacheSites).
 * `pop`/`push`: fixed stack effect; `flow`: 'jump' (unconditional), 'branch' (either way),
 * 'end' (RETURN), 'next' (falls through only). Variable effects: variablePops.
 */
interface OpSpec { readonly operands: string; readonly pop: number; readonly push: number; readonly flow: 'next' | 'jump' | 'branch' | 'end' }

const spec = (operands: string, pop: number, push: number, flow: OpSpec['flow'] = 'next'): OpSpec => ({ operands, pop, push, flow });

const BINARY = spec('', 2, 1);
const FUSED_JUMP = spec('j', 2, 0, 'branch');

export const OP_SPECS: Readonly<Record<string, OpSpec>> = {
  CONSTANT: spec('k', 0, 1), NIL: spec('', 0, 1), TRUE: spec('', 0, 1), FALSE: spec('', 0, 1), POP: spec('', 1, 0),
  GET_LOCAL: spec('s', 0, 1), SET_LOCAL: spec('s', 1, 1),
  GET_GLOBAL: spec('n', 0, 1), SET_GLOBAL: spec('n', 1, 1), DEFINE_GLOBAL: spec('n', 1, 0), DEFINE_CONST_GLOBAL: spec('n', 1, 0),
  GET_UPVALUE: spec('u', 0, 1), SET_UPVALUE: spec('u', 1, 1),
  GET_PROPERTY: spec('ni', 1, 1), SET_PROPERTY: spec('ni', 2, 1), GET_SUPER: spec('ni', 2, 1),
  EQUAL: BINARY, NOT_EQUAL: BINARY, GREATER: BINARY, GREATER_EQUAL: BINARY, LESS: BINARY, LESS_EQUAL: BINARY,
  ADD: BINARY, SUBTRACT: BINARY, MULTIPLY: BINARY, DIVIDE: BINARY, MODULO: BINARY, POWER: BINARY,
  NOT: spec('', 1, 1), NEGATE: spec('', 1, 1), PRINT: spec('', 1, 0),
  JUMP: spec('j', 0, 0, 'jump'), JUMP_IF_FALSE: spec('j', 1, 1, 'branch'), JUMP_IF_TRUE: spec('j', 1, 1, 'branch'),
  POP_JUMP_IF_FALSE: spec('j', 1, 0, 'branch'), LOOP: spec('b', 0, 0, 'jump'),
  CALL: spec('c', 1, 1), INVOKE: spec('nci', 1, 1), SUPER_INVOKE: spec('nci', 2, 1), // + argc pops (variablePops)
  CLOSURE: spec('f', 0, 1), CLOSE_UPVALUE: spec('', 1, 0), RETURN: spec('', 1, 0, 'end'),
  CLASS: spec('n', 0, 1), INHERIT: spec('', 2, 1), METHOD: spec('n', 2, 1),
  POPN: spec('c', 0, 0), // pops its operand (variablePops)
  SET_LOCAL_POP: spec('s', 1, 0), SET_GLOBAL_POP: spec('n', 1, 0), SET_PROPERTY_POP: spec('ni', 2, 0),
  ADD_CONSTANT: spec('k', 1, 1), SUBTRACT_CONSTANT: spec('k', 1, 1),
  GET_LOCAL_PROPERTY: spec('sni', 0, 1),
  LESS_JUMP_IF_FALSE: FUSED_JUMP, LESS_EQUAL_JUMP_IF_FALSE: FUSED_JUMP, GREATER_JUMP_IF_FALSE: FUSED_JUMP,
  GREATER_EQUAL_JUMP_IF_FALSE: FUSED_JUMP, EQUAL_JUMP_IF_FALSE: FUSED_JUMP, NOT_EQUAL_JUMP_IF_FALSE: FUSED_JUMP,
  BUILD_VECTOR: spec('w', 0, 1), BUILD_MATRIX: spec('ww', 0, 1), // pop their elements (variablePops)
  BUILD_HASH: spec('w', 0, 1), BUILD_STRING: spec('w', 0, 1),
  RANGE: BINARY, RANGE_INCLUSIVE: BINARY, PAIR: BINARY, IMAGINARY: spec('', 1, 1),
  INDEX_GET: BINARY, INDEX_SET: spec('', 3, 1), SLICE: spec('', 3, 1),
  // Sequence, cursor and last key in locals slot..slot+2; pushes the element, or jumps at the end.
  FOREACH_NEXT: spec('sj', 0, 1, 'branch'),
  IN_RANGE: spec('', 3, 1), IN_RANGE_INCLUSIVE: spec('', 3, 1),
  ECHO: spec('', 1, 0),
  GET_LOCAL_CONSTANT: spec('sk', 0, 2), LOCAL_ADD_CONSTANT: spec('sk', 0, 1), LOCAL_SUBTRACT_CONSTANT: spec('sk', 0, 1),
  RETURN_LOCAL: spec('s', 0, 0, 'end'), RETURN_NIL: spec('', 0, 0, 'end'), RETURN_LOCAL_PROPERTY: spec('sni', 0, 0, 'end'),
  GET_LOCAL_LOCAL: spec('ss', 0, 2), GLOBAL_INVOKE: spec('nni', 0, 1),
};

const OPERAND_SIZE: Readonly<Record<string, number>> = { k: 2, n: 2, f: 2, s: 1, u: 1, c: 1, w: 2, j: 2, b: 2, i: 2 };

/** The spec of each opcode number, or null when the table does not describe it (or sizes disagree). */
const BY_OPCODE: (OpSpec | null)[] = OP_NAMES.map((name, op) => {
  const s = OP_SPECS[name];
  if (s === undefined) return null;
  let size = 0;
  for (const letter of s.operands) size += OPERAND_SIZE[letter];
  return size === OPERAND_BYTES[op] ? s : null;
});

/** Opcode names the verifier cannot check (the cache then never serves code that uses them). */
export function unverifiableOpcodes(): string[] {
  return OP_NAMES.filter((_, op) => BY_OPCODE[op] === null);
}

/** A reason the prototype is not safe to run, or null when it verifies. */
export function verifyScript(script: Prototype): string | null {
  if (script.kind !== FunctionKind.Script || script.arity !== 0 || script.upvalueCount !== 0) return 'not a script';
  return verifyFunction(script);
}

function verifyFunction(p: Prototype): string | null {
  const code = p.code;
  const n = code.length;
  if (p.lines.length !== n) return 'line table length';
  if (n === 0) return 'empty code';
  if (1 + p.arity > p.maxSlots) return 'maxSlots below the parameters';
  // Instruction starts (decoding straight through), so jumps can be checked to land on one.
  const start = new Uint8Array(n + 1);
  for (let i = 0; i < n;) {
    start[i] = 1;
    const s = BY_OPCODE[code[i]];
    if (s === undefined || s === null) return `unknown opcode ${code[i]} at ${i}`;
    let len = 1 + OPERAND_BYTES[code[i]];
    if (code[i] === Op.CLOSURE) {
      const c = constantAt(p, code, i + 1);
      if (c === undefined || c.kind !== 'function') return `CLOSURE without a function constant at ${i}`;
      len += 2 * c.proto.upvalueCount;
    }
    if (i + len > n) return `instruction runs past the end at ${i}`;
    i += len;
  }
  // Stack depth at each instruction start (-1: not reached yet), by a worklist over the paths.
  const depthAt = new Int32Array(n).fill(-1);
  const work: number[] = [0];
  depthAt[0] = 1 + p.arity;
  while (work.length > 0) {
    const i = work.pop() as number;
    const depth = depthAt[i];
    const op = code[i];
    const s = BY_OPCODE[op] as OpSpec;
    let at = i + 1;
    let jumpTarget = -1;
    const operands: number[] = [];
    for (const letter of s.operands) {
      const v = OPERAND_SIZE[letter] === 2 ? code[at] | (code[at + 1] << 8) : code[at];
      // GET_LOCAL_LOCAL's second read comes after its first push (`var a = b; a`: slot 2 is then live).
      const live = op === Op.GET_LOCAL_LOCAL && operands.length === 1 ? depth + 1 : depth;
      const problem = checkOperand(p, letter, v, live);
      if (problem !== null) return `${OP_NAMES[op]} at ${i}: ${problem}`;
      at += OPERAND_SIZE[letter];
      operands.push(v);
      if (letter === 'j') jumpTarget = at + v;
      else if (letter === 'b') jumpTarget = at - v;
    }
    const pop = s.pop + variablePops(op, operands);
    if (op === Op.FOREACH_NEXT && operands[0] + 2 >= depth) return `FOREACH_NEXT at ${i}: loop slots not live`;
    if (op === Op.CLOSURE) {
      const fn = (constantAt(p, code, i + 1) as { proto: Prototype }).proto;
      for (let u = 0; u < fn.upvalueCount; u++, at += 2) {
        const isLocal = code[at], index = code[at + 1];
        if (isLocal > 1) return `CLOSURE at ${i}: bad capture flag`;
        // The closure is pushed before its captures are made, so it may capture itself (a local
        // recursive function): local slots up to `depth` inclusive are live.
        if (isLocal === 1 ? index > depth : index >= p.upvalueCount) return `CLOSURE at ${i}: capture out of range`;
      }
    }
    if (pop > depth - 1) return `${OP_NAMES[op]} at ${i}: pops below the frame`;
    const after = depth - pop + s.push;
    if (after > p.maxSlots) return `${OP_NAMES[op]} at ${i}: stack deeper than maxSlots`;
    if (s.flow === 'end') continue;
    if (s.flow === 'jump' || s.flow === 'branch') {
      // A taken branch has the same effect as falling through, except FOREACH_NEXT's (it pushes
      // the element only when it falls through).
      const taken = op === Op.FOREACH_NEXT ? depth : after;
      const problem = flowTo(jumpTarget, taken, n, start, depthAt, work);
      if (problem !== null) return `${OP_NAMES[op]} at ${i}: ${problem}`;
    }
    if (s.flow !== 'jump') {
      const problem = flowTo(at, after, n, start, depthAt, work);
      if (problem !== null) return `${OP_NAMES[op]} at ${i}: ${problem}`;
    }
  }
  for (const c of p.constants) {
    if (c.kind !== 'function') continue;
    if (c.proto.kind === FunctionKind.Script) return 'nested script';
    const problem = verifyFunction(c.proto);
    if (problem !== null) return `in ${c.proto.name || '<fn>'}: ${problem}`;
  }
  return null;
}

function constantAt(p: Prototype, code: Uint8Array, at: number): Constant | undefined {
  return p.constants[code[at] | (code[at + 1] << 8)];
}

/** Pops that depend on an operand: the arguments of a call, the elements of a literal, POPN's count. */
function variablePops(op: number, operands: readonly number[]): number {
  switch (op) {
    case Op.CALL: return operands[0];
    case Op.INVOKE: case Op.SUPER_INVOKE: return operands[1];
    case Op.POPN: case Op.BUILD_VECTOR: case Op.BUILD_STRING: return operands[0];
    case Op.BUILD_HASH: return 2 * operands[0];
    case Op.BUILD_MATRIX: return operands[0] * operands[1];
    default: return 0;
  }
}

function checkOperand(p: Prototype, letter: string, v: number, depth: number): string | null {
  switch (letter) {
    case 'k': {
      const c = p.constants[v];
      return c === undefined || c.kind === 'function' ? 'bad value constant' : null;
    }
    case 'n': return p.constants[v]?.kind === 'string' ? null : 'bad name constant';
    case 'f': return p.constants[v]?.kind === 'function' ? null : 'bad function constant';
    case 's': return v < depth ? null : `local slot ${v} not live (depth ${depth})`;
    case 'u': return v < p.upvalueCount ? null : 'upvalue out of range';
    case 'i': return v < p.cacheSites ? null : 'cache site out of range';
    default: return null;
  }
}

/** Records that execution continues at `target` with `depth`, checking it is consistent. */
function flowTo(target: number, depth: number, n: number, start: Uint8Array, depthAt: Int32Array, work: number[]): string | null {
  if (target < 0 || target >= n || start[target] !== 1) return `jump or fall-through to ${target} is not an instruction`;
  if (depthAt[target] === -1) {
    depthAt[target] = depth;
    work.push(target);
    return null;
  }
  return depthAt[target] === depth ? null : `stack depth ${depth} differs from ${depthAt[target]} on another path`;
}
