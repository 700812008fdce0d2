/**
 * Byte-level emission for one function: code, line table, deduplicated constant pool, jump
 * patching and stack-depth tracking. The code generator drives it; it knows nothing of the AST.
 *
 * Invariant: `depth` is the number of stack slots in use above the frame base at the current
 * point of the straight-line code (slot 0 included). At statement boundaries it equals the
 * number of locals. `maxDepth` is the largest value it reached: the prototype's `maxSlots`.
 */
import { Op, OP_FACTS, Operand, stackEffect } from './opcodes';
import type { Constant } from './prototype';

export const MAX_CONSTANTS = 65536;

export class Emitter {
  readonly code: number[] = [];
  readonly lines: number[] = [];
  readonly constants: Constant[] = [];
  private readonly constantIndex = new Map<string, number>();
  private constantsFull = false;
  depth: number;
  maxDepth: number;
  /** Source line attached to the bytes emitted next. */
  line = 1;
  /** Start of the last instruction emitted, and its opcode (-1: none), for the peephole. */
  private lastStart = -1;
  private lastOp = -1;
  /** No instruction before this offset may be fused: a jump may land here. */
  private barrier = 0;
  /** Inline-cache sites numbered so far (Operand.CACHE): the prototype's `cacheSites`. */
  cacheSites = 0;

  constructor(
    initialDepth: number,
    private readonly error: (message: string) => void,
    private readonly peephole = true,
  ) {
    this.depth = initialDepth;
    this.maxDepth = initialDepth;
  }

  /** The current offset. Reading it marks a possible jump target, which stops fusion across it. */
  get offset(): number {
    this.barrier = this.code.length;
    return this.code.length;
  }

  private byte(b: number): void {
    this.code.push(b & 0xff);
    this.lines.push(this.line);
  }

  private u16(v: number): void {
    this.byte(v & 0xff);
    this.byte((v >> 8) & 0xff);
  }

  adjust(delta: number): void {
    this.depth += delta;
    if (this.depth > this.maxDepth) this.maxDepth = this.depth;
  }

  /** Emits an opcode with no operand or with its one operand; the stack effect is the table's. */
  op(op: Op, operand = 0, effect = stackEffect(op, operand)): void {
    if (this.fuse(op, operand, effect)) return;
    this.lastStart = this.code.length;
    this.lastOp = op;
    this.byte(op);
    for (const kind of OP_FACTS[op].operands) {
      if (kind === Operand.CACHE) this.u16(this.cacheSites++);
      else if (kind === Operand.SLOT || kind === Operand.UPVALUE || kind === Operand.COUNT8) this.byte(operand);
      else this.u16(operand);
    }
    this.adjust(effect);
  }

  /**
   * Whether the previous instruction may be fused with the next one: peephole fusion is on, there
   * is a previous instruction, and no jump can land between the two (the barrier).
   */
  private canFuse(): boolean {
    return this.peephole && this.lastStart >= this.barrier && this.lastStart >= 0;
  }

  /**
   * Peephole: replaces the previous instruction and `op` by one superinstruction (see the end of
   * opcodes.ts) when no jump can land between them. Returns true when it did.
   */
  private fuse(op: Op, operand: number, effect: number): boolean {
    if (!this.canFuse()) return false;
    const prev = this.lastOp;
    let fused = -1;
    if (op === Op.POP && (prev === Op.GET_LOCAL || prev === Op.GET_UPVALUE || prev === Op.CONSTANT || prev === Op.NIL || prev === Op.TRUE || prev === Op.FALSE)) {
      // A value pushed only to be dropped (`a;` as a statement): emit neither instruction.
      this.code.length = this.lastStart;
      this.lines.length = this.lastStart;
      this.lastStart = -1;
      this.lastOp = -1;
      this.adjust(effect);
      return true;
    }
    if (op === Op.POP) {
      if (prev === Op.SET_LOCAL) fused = Op.SET_LOCAL_POP;
      else if (prev === Op.SET_GLOBAL) fused = Op.SET_GLOBAL_POP;
      else if (prev === Op.SET_PROPERTY) fused = Op.SET_PROPERTY_POP;
    } else if (op === Op.ADD && prev === Op.CONSTANT) fused = Op.ADD_CONSTANT;
    else if (op === Op.SUBTRACT && prev === Op.CONSTANT) fused = Op.SUBTRACT_CONSTANT;
    else if (op === Op.POP_JUMP_IF_FALSE) {
      if (prev === Op.LESS) fused = Op.LESS_JUMP_IF_FALSE;
      else if (prev === Op.LESS_EQUAL) fused = Op.LESS_EQUAL_JUMP_IF_FALSE;
      else if (prev === Op.GREATER) fused = Op.GREATER_JUMP_IF_FALSE;
      else if (prev === Op.GREATER_EQUAL) fused = Op.GREATER_EQUAL_JUMP_IF_FALSE;
      else if (prev === Op.EQUAL) fused = Op.EQUAL_JUMP_IF_FALSE;
      else if (prev === Op.NOT_EQUAL) fused = Op.NOT_EQUAL_JUMP_IF_FALSE;
    } else if (op === Op.GET_PROPERTY && prev === Op.GET_LOCAL) fused = Op.GET_LOCAL_PROPERTY;
    // A local with a constant (`n - 1`, `i < 10`), chained: GET_LOCAL; CONSTANT; then ADD or SUBTRACT.
    else if (op === Op.CONSTANT && prev === Op.GET_LOCAL) fused = Op.GET_LOCAL_CONSTANT;
    else if (op === Op.GET_LOCAL && prev === Op.GET_LOCAL) fused = Op.GET_LOCAL_LOCAL;
    else if (op === Op.ADD && prev === Op.GET_LOCAL_CONSTANT) fused = Op.LOCAL_ADD_CONSTANT;
    else if (op === Op.SUBTRACT && prev === Op.GET_LOCAL_CONSTANT) fused = Op.LOCAL_SUBTRACT_CONSTANT;
    else if (op === Op.RETURN) {
      if (prev === Op.GET_LOCAL) fused = Op.RETURN_LOCAL;
      else if (prev === Op.NIL) fused = Op.RETURN_NIL;
      else if (prev === Op.GET_LOCAL_PROPERTY) fused = Op.RETURN_LOCAL_PROPERTY;
    }
    if (fused === -1) return false;
    this.code[this.lastStart] = fused;
    // Operands of `op` that the fused form keeps: the jump offset, the property name or the constant.
    if (op === Op.POP_JUMP_IF_FALSE || op === Op.GET_PROPERTY || op === Op.CONSTANT) this.u16(operand);
    if (op === Op.GET_LOCAL) this.byte(operand);
    if (op === Op.GET_PROPERTY) this.u16(this.cacheSites++);
    this.lastOp = fused;
    this.adjust(effect);
    return true;
  }

  /** INVOKE / SUPER_INVOKE: u16 name, u8 argc, u16 cache site. */
  invoke(op: Op.INVOKE | Op.SUPER_INVOKE, name: number, argc: number): void {
    if (op === Op.INVOKE && argc === 0 && this.lastOp === Op.GET_GLOBAL && this.canFuse()) {
      // `g.m()`: GET_GLOBAL g; INVOKE m 0 -> GLOBAL_INVOKE g m (u16 global, u16 name, u16 cache site).
      this.code[this.lastStart] = Op.GLOBAL_INVOKE;
      this.lastOp = Op.GLOBAL_INVOKE;
      this.u16(name);
      this.u16(this.cacheSites++);
      this.adjust(stackEffect(op, name, argc));
      return;
    }
    this.lastStart = this.code.length;
    this.lastOp = op;
    this.byte(op);
    this.u16(name);
    this.byte(argc);
    this.u16(this.cacheSites++);
    this.adjust(stackEffect(op, name, argc));
  }

  closure(fn: number, upvalues: readonly { isLocal: boolean; index: number }[]): void {
    this.lastStart = this.code.length;
    this.lastOp = Op.CLOSURE;
    this.byte(Op.CLOSURE);
    this.u16(fn);
    for (const u of upvalues) {
      this.byte(u.isLocal ? 1 : 0);
      this.byte(u.index);
    }
    this.adjust(stackEffect(Op.CLOSURE));
  }

  /** Emits an opcode with explicit operand bytes (multi-part operands) and its stack effect. */
  raw(op: Op, operands: readonly number[], effect: number): void {
    this.lastStart = this.code.length;
    this.lastOp = op;
    this.byte(op);
    for (const b of operands) this.byte(b);
    this.adjust(effect);
  }

  /**
   * FOREACH_NEXT slot with a placeholder exit offset; returns the operand position for `patch`.
   * The depth counts the element it pushes on the path that stays in the loop.
   */
  foreachNext(slot: number): number {
    this.raw(Op.FOREACH_NEXT, [slot, 0xff, 0xff], stackEffect(Op.FOREACH_NEXT));
    return this.code.length - 2;
  }

  /** Emits a forward jump with a placeholder offset; returns the operand position for `patch`. */
  jump(op: Op.JUMP | Op.JUMP_IF_FALSE | Op.JUMP_IF_TRUE | Op.POP_JUMP_IF_FALSE): number {
    this.op(op, 0xffff);
    return this.code.length - 2;
  }

  patch(at: number): void {
    this.barrier = this.code.length; // the jump lands here
    const distance = this.code.length - at - 2;
    if (distance > 0xffff) {
      this.error('Too much code to jump over (maximum 65535 bytes)');
      return;
    }
    this.code[at] = distance & 0xff;
    this.code[at + 1] = (distance >> 8) & 0xff;
  }

  loop(target: number): void {
    const distance = this.code.length + 3 - target;
    if (distance > 0xffff) this.error('Loop body too large (maximum 65535 bytes)');
    this.op(Op.LOOP, distance > 0xffff ? 0 : distance);
  }

  /** Index of a constant, reusing an equal one (same kind and value; functions are never shared). */
  constant(c: Constant): number {
    let key: string | null = null;
    if (c.kind === 'int') key = 'i' + c.value;
    else if (c.kind === 'double') key = 'd' + (Object.is(c.value, -0) ? '-0' : String(c.value));
    else if (c.kind === 'string') key = 's' + c.value;
    if (key !== null) {
      const found = this.constantIndex.get(key);
      if (found !== undefined) return found;
    }
    if (this.constants.length >= MAX_CONSTANTS) {
      // Once per chunk: every later constant would repeat it.
      if (!this.constantsFull) this.error(`Too many constants in one chunk (maximum ${MAX_CONSTANTS})`);
      this.constantsFull = true;
      return 0;
    }
    const index = this.constants.length;
    this.constants.push(c);
    if (key !== null) this.constantIndex.set(key, index);
    return index;
  }
}
