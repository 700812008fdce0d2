import { Op, OP_FACTS, instructionLength, isReturnOp, operandAt, stackEffect } from '../../compiler/opcodes';
import type { Runtime } from '../runtime';
import { L } from '../layout';

/**
 * What the second tier's generator (compile.ts) knows about a function's bytecode before it
 * emits any code: its instructions, the stack depth at each, and where jumps land.
 *
 * Invariant the generator relies on: every reachable instruction has one stack depth, the same
 * on every path into it (the compiler's bytecode always has; otherwise the function is not
 * compiled), so a stack position is a constant `base + k` in the generated code.
 */

/** One decoded instruction: its offset in the code, opcode and length in bytes. */
export interface Insn { pc: number; op: number; len: number; }

/**
 * A loop of a function, compiled alone (--tier=auto, long functions such as a script body):
 * bytecode offsets [from, to) are the loop from its first instruction to just after its last
 * back-edge (loopRegion). A jump
 * out of it returns the target offset to the interpreter, which continues the frame there.
 */
export interface Region { from: number; to: number; }

/** A function's instructions and their control flow. */
export interface Flow {
  insns: Insn[];
  /** pc -> instruction index. */
  at: Map<number, number>;
  /** Stack depth at each instruction, -1 where unreachable. */
  depth: Int32Array;
  /** Offsets where control can arrive other than by falling through: 0 and every jump target. */
  leaders: Set<number>;
}

/** The instructions of function `fn`, with their depths and jump targets; null when they have no single depth. */
export function analyse(rt: Runtime, fn: number): Flow | null {
  const decoded = decode(rt, fn);
  if (decoded === null) return null;
  return stackDepths(rt, fn, decoded.insns, decoded.at);
}

/** Decodes every instruction of `fn`'s code; null at an unknown opcode. */
function decode(rt: Runtime, fn: number): { insns: Insn[]; at: Map<number, number> } | null {
  const u8 = rt.u8, u32 = rt.u32, f64 = rt.f64;
  const code = u32[(fn + L.FN_CODE) >>> 2];
  const codeLen = u32[(fn + L.FN_CODE_LEN) >>> 2];
  const constants = u32[(fn + L.FN_CONSTANTS) >>> 2];
  const cst = (k: number) => constants + k * L.VALUE_SLOT;
  const insns: Insn[] = [];
  const at = new Map<number, number>(); // pc -> instruction index
  for (let pc = 0; pc < codeLen;) {
    const op = u8[code + pc];
    if (op >= OP_FACTS.length) return null;
    const len = instructionLength(u8, code + pc, (k) => u32[((f64[(cst(k) + 8) >>> 3] >>> 0) + L.FN_UPVALUES) >>> 2]);
    at.set(pc, insns.length);
    insns.push({ pc, op, len });
    pc += len;
  }
  return { insns, at };
}

/** Stack depth at every reachable instruction (the same on every path, or null: no compile), and the leaders. */
function stackDepths(rt: Runtime, fn: number, insns: Insn[], at: Map<number, number>): Flow | null {
  const u8 = rt.u8, u32 = rt.u32;
  const code = u32[(fn + L.FN_CODE) >>> 2];
  const codeLen = u32[(fn + L.FN_CODE_LEN) >>> 2];
  const depth = new Int32Array(insns.length).fill(-1);
  const leaders = new Set<number>([0]);
  const work: number[] = [0];
  depth[0] = 1 + u32[(fn + L.FN_ARITY) >>> 2]; // slot 0 is the callee, then the parameters
  const flow = (pc: number, d: number): boolean => {
    const i = at.get(pc);
    if (i === undefined || d < 0) return false;
    if (depth[i] === -1) { depth[i] = d; work.push(i); return true; }
    return depth[i] === d;
  };
  while (work.length > 0) {
    const i = work.pop() as number;
    const ins = insns[i], d = depth[i];
    if (isReturnOp(ins.op)) continue;
    const next = d + stackEffectAt(u8, code, ins);
    const t = jumpTarget(rt, code, ins);
    if (t >= 0) {
      leaders.add(t);
      if (!flow(t, jumpDepth(ins, d, next))) return null;
    }
    if (ins.op !== Op.JUMP && ins.op !== Op.LOOP) {
      if (ins.pc + ins.len >= codeLen) return null;
      if (!flow(ins.pc + ins.len, next)) return null;
    }
  }
  return { insns, at, depth, leaders };
}

/** Stack depth change when `ins` falls through (for FOREACH_NEXT: when it yields an element), from the opcode facts. */
function stackEffectAt(u8: Uint8Array, code: number, ins: Insn): number {
  const facts = OP_FACTS[ins.op];
  if (typeof facts.stack === 'number') return facts.stack;
  return stackEffect(ins.op, operandAt(u8, code + ins.pc, 0), facts.operands.length > 1 ? operandAt(u8, code + ins.pc, 1) : 0);
}

/** Bytecode offset a jump goes to, or -1 when `ins` does not jump. */
export function jumpTarget(rt: Runtime, code: number, ins: Insn): number {
  const u8 = rt.u8, at = code + ins.pc + 1;
  switch (ins.op) {
    case Op.JUMP: case Op.JUMP_IF_FALSE: case Op.JUMP_IF_TRUE: case Op.POP_JUMP_IF_FALSE:
    case Op.LESS_JUMP_IF_FALSE: case Op.LESS_EQUAL_JUMP_IF_FALSE: case Op.GREATER_JUMP_IF_FALSE:
    case Op.GREATER_EQUAL_JUMP_IF_FALSE: case Op.EQUAL_JUMP_IF_FALSE: case Op.NOT_EQUAL_JUMP_IF_FALSE:
      return ins.pc + 3 + (u8[at] | (u8[at + 1] << 8));
    case Op.FOREACH_NEXT:
      return ins.pc + 4 + (u8[at + 1] | (u8[at + 2] << 8));
    case Op.LOOP:
      return ins.pc + 3 - (u8[at] | (u8[at + 1] << 8));
    default:
      return -1;
  }
}

/** Depth on the jump edge of `ins` (differs from the fall-through one for FOREACH_NEXT and the fused compare-jumps: none). */
function jumpDepth(ins: Insn, depth: number, fallDepth: number): number {
  return ins.op === Op.FOREACH_NEXT ? depth : fallDepth;
}

/**
 * The frame slots closures capture (CLOSURE's operand pairs with isLocal set): only code
 * running during a call can write them (open upvalues), and only a frame with some has
 * upvalues to close when it returns.
 */
export function capturedSlots(u8: Uint8Array, code: number, insns: Insn[]): Set<number> {
  const captured = new Set<number>();
  for (const ins of insns) {
    if (ins.op !== Op.CLOSURE) continue;
    for (let at = code + ins.pc + 3; at < code + ins.pc + ins.len; at += 2) if (u8[at] !== 0) captured.add(u8[at + 1]);
  }
  return captured;
}
