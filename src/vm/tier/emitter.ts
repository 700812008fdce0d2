import { Op, OP_NAMES, operandAt } from '../../compiler/opcodes';
import type { Runtime } from '../runtime';
import { Tag } from '../value';
import { Kind } from '../kinds';
import { L } from '../layout';
import { ArithOp } from '../arith';
import { INVOKE_SITE_SIZE, INVOKE_SITE_REFS, trivialGuess, trivialInline } from './trivial-calls';
import { Registers } from './registers';
import { Trivial } from '../trivial';
import { Flow, Insn, Region, capturedSlots, jumpTarget } from './flow';

/**
 * The second tier's code emission (compile.ts runs it): the JavaScript of one function's
 * instructions, one method per instruction family.
 *
 * Invariants kept here (see also registers.ts for the slots held in variables):
 * - Code is emitted on the straight path in bytecode order; a leader (a jump target) starts
 *   with every slot on the stack (R.spill, R.forget), as every jump to it left them.
 * - An instruction without a register method (emitStackOp) runs on the stack: the changed
 *   slots are stored before it (R.spill(d)) and every variable is read again after it.
 * - Before anything that may allocate, throw or run MufiZ code the generated code stores
 *   rt.sp = base + depth and the frame's ip (`save`), so the collector and error reports see
 *   this frame as the interpreter would.
 * - `out` and `R` are the main code's, or an outlined block's while one is open
 *   (openBlock/closeBlock): a block starts and ends with every slot on the stack.
 * - Inline cache numbers are allocated in emission order (site, fnSite): the factory sizes its
 *   arrays from the final counts.
 */

/** The scratch variables every compiled function and outlined block declares. */
export const TEMPORARIES = 'let t = 0, w = 0, o = 0, s = 0, x = 0, y = 0, r = 0, m = 0, c = false, g = H.uncompiled;';

/** How the compiled function dispatches jumps (chosen by compile.ts from the jumps' directions). */
export interface Dispatch {
  /** No jump target but 0: straight-line code. */
  straight: boolean;
  /** Every jump goes forward: labelled blocks `J<t>`, a jump is `break J<t>`. */
  forward: boolean;
}

// Stack slot k of this frame: its address, tag, payload, and the stack top after it. Short
// names on purpose: they appear in most lines of generated code built here.
const S = (k: number) => `(base + ${k})`;
const T = (k: number) => `tags[base + ${k}]`;
const V = (k: number) => `vals[base + ${k}]`;
const SP = (k: number) => `rt.sp = base + ${k};`;
const isNum = (t: string) => `(${t} === ${Tag.INT} || ${t} === ${Tag.DOUBLE})`;

/** A number as JavaScript source (NaN, infinities and -0 included). */
function num(x: number): string {
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

/**
 * Source of a property site's cache probe: when the value (tag, val) is an instance of the class
 * site j cached, `then` runs with `o` the instance and `s` the address of the cached field's slot
 * (field-slots.ts; 0 when the instance has no room for it).
 */
function fieldProbe(tag: string, val: string, j: number, then: string): string {
  return `if (${tag} === ${Tag.OBJ}) { o = ${val}; if (u8[o - 4] === ${Kind.INSTANCE} && u32[o >>> 2] === icv[${j}]) { s = field(o, icv[${j + 1}] | 0); ${then} } }`;
}

/** fieldProbe for a read: `then` runs when the field is set, with its tag in `t`. */
function fieldRead(tag: string, val: string, j: number, then: string): string {
  return fieldProbe(tag, val, j, `if (s !== 0 && (t = u32[s >>> 2]) !== ${Tag.EMPTY}) { ${then} }`);
}

export class Emitter {
  private readonly u8: Uint8Array;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  /** Addresses fit in int32 (Heap.int32Addresses): see addr(). */
  private readonly int32Addresses: boolean;
  private readonly code: number;
  private readonly constants: number;
  private readonly slots: number;
  /** The frame slots closures capture (flow.ts capturedSlots). */
  private readonly captured: Set<number>;
  private readonly captures: boolean;

  // Output: the main code's lines and registers, and the outlined blocks.
  private out: string[] = [];
  private readonly mainOut = this.out;
  /** The main code's registers (its variables are declared in the function's prologue). */
  readonly mainR: Registers;
  private R: Registers;
  /** Outlined blocks' source (`function b<pc>(base, fi) {...}`), declared beside the compiled function. */
  readonly blocks: string[] = [];
  private block = -1;
  private blockStart = 0;
  private blockClosure = false;

  // Inline caches: numbers (class or closure addresses, field indices, counts) in one
  // Float64Array, compiled functions in one array, so that the miss paths are shared helpers
  // (small generated code: V8's optimisation time grows with it) that refill them.
  // `icvRefs`: the offsets in icv that hold heap addresses (classes, closures), which a
  // collection checks (weakCaches in helpers.ts).
  icvCount = 0;
  readonly icvRefs: number[] = [];
  icfCount = 0;
  /** Code reads upvalues or makes closures: it needs the frame's closure. */
  usesClosure = false;
  /** An EQUAL in registers: the preamble needs equalSource()'s `eq`. */
  equals = false;
  /** An INVOKE site: the preamble needs trivialSource()'s `trivial`. */
  invokes = false;

  // The current instruction, its stack depth, operands and jump target (-1: none).
  private ins: Insn = { pc: 0, op: 0, len: 0 };
  private d = 0;
  private pc = 0;
  private op = 0;
  /** Address of the operands. */
  private a = 0;
  private b1 = 0;
  private w1 = 0;
  private target = -1;

  constructor(private readonly rt: Runtime, private readonly fn: number, private readonly flow: Flow,
    private readonly region: Region | null, private readonly dispatch: Dispatch, private readonly blockOf: Int32Array) {
    this.u8 = rt.u8; this.u32 = rt.u32; this.f64 = rt.f64;
    this.int32Addresses = rt.allocator.heap.int32Addresses;
    this.code = this.u32[(fn + L.FN_CODE) >>> 2];
    this.constants = this.u32[(fn + L.FN_CONSTANTS) >>> 2];
    this.captured = capturedSlots(this.u8, this.code, flow.insns);
    this.captures = this.captured.size > 0;
    // Slots live in variables (registers.ts); only code that reads upvalues or makes closures
    // needs the frame's closure (usesClosure).
    this.slots = this.u32[(fn + L.FN_MAX_SLOTS) >>> 2] + 1;
    this.mainR = new Registers(this.slots, this.out);
    this.R = this.mainR;
  }

  /** The main code's lines, joined (after emitInstructions). */
  body(): string {
    return this.mainOut.join('\n');
  }

  /** Emits every reachable instruction (of the region, if any); false when one has no JavaScript form. */
  emitInstructions(): boolean {
    const { insns, depth } = this.flow;
    for (let i = 0; i < insns.length; i++) {
      if (!this.emitted(i)) continue;
      this.enter(insns[i], depth[i]);
      if (this.block >= 0 && this.blockOf[i] !== this.block) this.closeBlock(this.d);
      this.startLeader();
      if (this.blockOf[i] >= 0 && this.block < 0) this.openBlock(i);
      this.out.push(`// ${this.pc} ${OP_NAMES[this.op]} d=${this.d}`);
      // Slots in variables (registers.ts): the common instructions work on t<k>/v<k>; every other
      // one stores the changed slots first, runs its stack-based code below, and forgets.
      if (this.emitRegisterOp()) continue;
      this.R.spill(this.d);
      if (!this.emitStackOp()) return false;
      this.R.forget();
    }
    if (this.block >= 0) throw new Error('tier: a block runs to the end of the code');
    return true;
  }

  /** Instruction i is compiled: reachable, and inside the region when a loop is compiled alone. */
  private emitted(i: number): boolean {
    const ins = this.flow.insns[i], region = this.region;
    if (this.flow.depth[i] < 0) return false;
    return !(region !== null && (ins.pc < region.from || ins.pc >= region.to));
  }

  /** Makes `ins` (at stack depth d) the current instruction. */
  private enter(ins: Insn, d: number): void {
    const u8 = this.u8;
    this.ins = ins;
    this.d = d;
    this.pc = ins.pc;
    this.op = ins.op;
    const a = this.a = this.code + ins.pc + 1;
    this.b1 = u8[a];
    this.w1 = u8[a] | (u8[a + 1] << 8);
    this.target = jumpTarget(this.rt, this.code, ins);
  }

  /**
   * Paths meet at a jump target with every slot on the stack (see registers.ts): the path
   * falling into it stores its changed slots as the jumps did.
   */
  private startLeader(): void {
    const pc = this.pc, { straight, forward } = this.dispatch;
    const leader = this.flow.leaders.has(pc);
    if (leader) this.R.spill(this.d);
    if (leader && forward && pc !== 0) this.out.push(`} // J${pc}`);
    else if (leader && !straight && !forward) this.out.push(`case ${pc}:`);
    if (leader) this.R.forget();
  }

  /** A block (outlineBlocks): the main code stores its slots and calls it; the block starts from the stack. */
  private openBlock(i: number): void {
    this.mainR.spill(this.d);
    this.out.push(`b${this.pc}(base, fi);`);
    this.block = this.blockOf[i];
    this.blockStart = this.pc;
    this.blockClosure = false;
    this.out = [];
    this.R = new Registers(this.slots, this.out);
  }

  /** Ends the open block before an instruction at depth d: its slots are stored, the main code reads them again. */
  private closeBlock(d: number): void {
    this.R.spill(d);
    const decl = this.R.declarations();
    this.blocks.push([`function b${this.blockStart}(base, fi) {`, this.blockClosure ? `const closure = frameClosure[fi];` : '',
      TEMPORARIES, decl, ...this.out, `}`].join('\n'));
    this.out = this.mainOut;
    this.R = this.mainR;
    this.mainR.forget();
    this.block = -1;
  }

  // ---- Text of the current instruction's common pieces ----

  /** Allocates n numbers of the inline-cache array icv, of which those at offsets `refs` are heap addresses; returns the first's index. */
  private site(n: number, refs: readonly number[]): number {
    const j = this.icvCount;
    this.icvCount += n;
    for (const r of refs) this.icvRefs.push(j + r);
    return j;
  }
  /** Allocates one compiled-function cache of icf. */
  private fnSite(): number { return this.icfCount++; }
  /** Address of constant k of the function. */
  private cst(k: number): number { return this.constants + k * L.VALUE_SLOT; }
  /** The string (a name) of the constant whose index is the 16-bit operand at operand byte o. */
  private nameAt(o: number): number {
    const a = this.a, u8 = this.u8;
    return this.f64[(this.cst(u8[a + o] | (u8[a + o + 1] << 8)) + 8) >>> 3] >>> 0;
  }
  /** Address of the interpreter's inline-cache entry named by operand `index`. */
  private cacheEntry(index: number): number {
    return this.u32[(this.fn + L.FN_CACHE) >>> 2] + operandAt(this.u8, this.code + this.pc, index) * L.IC_ENTRY;
  }
  /** Stores the frame's ip (just after this instruction), as the interpreter has it before a helper. */
  private ip(): string { return `frameIp[fi] = ${this.code + this.pc + this.ins.len};`; }
  /** rt.sp and the ip stored: before a helper that may allocate or throw. */
  private save(k: number): string { return `${SP(k)} ${this.ip()}`; }

  /**
   * An object's address from the payload variable `v` (a float64, as the stack stores it), for
   * the address arithmetic and heap indexing that follow: as an int32 when every address fits
   * (Heap.int32Addresses), so that V8 computes `o - 4`, `o + 16 + ix * 16`... in integer
   * registers; from a float64 each was a conversion with its checks (method_call's `activate`
   * spent a quarter of its time in them: steady state 1.43 -> 1.17 s at ten times its size;
   * internal time 0.221 -> 0.201 s, zoo 0.174 -> 0.130, trees 1.46 -> 1.36; docs/performance.md).
   */
  private addr(v: string): string { return this.int32Addresses ? `(${v} | 0)` : v; }
  /** A runtime error, once every slot is on the stack (emitStackOp). */
  private failSpilled(msg: string): string { return `{ ${this.ip()} H.fail(${JSON.stringify(msg)}); }`; }
  /**
   * A runtime error from register code. It unwinds the frames, closing their open upvalues with
   * what the stack holds (the REPL and a reused Engine go on with the closures): the captured
   * slots are stored first. (Calls and helpers store every slot before they run anyway.)
   */
  private fail(msg: string): string { return `{ ${this.R.spillCode(this.d, this.captured)}${this.ip()} H.fail(${JSON.stringify(msg)}); }`; }

  /** A jump: inside the compiled code, or (a loop region) out to the interpreter at that offset. */
  private go(to: number): string {
    const region = this.region;
    return this.dispatch.forward ? `break J${to};` : region === null || (to >= region.from && to < region.to) ? `{ pc = ${to}; continue; }`
      : `{ ${SP(this.flow.depth[this.flow.at.get(to) as number])} return ${to}; }`;
  }

  /** Returns (tag, val) from the frame, closing its upvalues if it has any. */
  private returnValue(tag: string, val: string): void {
    this.out.push(`t = ${tag}; x = ${val};`);
    if (this.captures) this.out.push(`if (rt.openUpvalues !== 0) H.closeUpvalues(base);`);
    this.out.push(`rt.frameCount = fi; tags[base] = t; vals[base] = x; return -1;`);
  }

  /** Assigns slot k (tag and val are computed before: they may name k's old variables). */
  private set(k: number, tag: string, val: string): void {
    this.R.prepareWrite(k); this.out.push(`t${k} = ${tag}; v${k} = ${val};`); this.R.wrote(k);
  }

  /** Constant at address c into slot k. */
  private constant(k: number, c: number): void { this.set(k, `${this.u32[c >>> 2]}`, num(this.f64[(c + 8) >>> 3])); }

  /**
   * After a call on the straight path (slots stored before it): its result is read back into
   * slot `slot`, the captured slots below it too (see detach); what was above it is dead.
   */
  private callResult(slot: number, call: string): void {
    const R = this.R;
    R.prepareWrite(slot);
    this.out.push(`${call} ${R.reload(slot)} ${R.reloadCode(slot, this.captured)}`);
    R.loaded(slot);
  }

  // ---- Instructions on slots in variables (registers.ts) ----

  /** Emits the current instruction on slots in variables; false when it has no such form (emitStackOp then). */
  private emitRegisterOp(): boolean {
    const R = this.R, d = this.d, b1 = this.b1, u8 = this.u8, a = this.a;
    switch (this.op) {
      case Op.CONSTANT: this.constant(d, this.cst(this.w1)); return true;
      case Op.NIL: this.set(d, `${Tag.NIL}`, '0'); return true;
      case Op.TRUE: this.set(d, `${Tag.TRUE}`, '0'); return true;
      case Op.FALSE: this.set(d, `${Tag.FALSE}`, '0'); return true;
      case Op.POP: case Op.POPN: return true;
      case Op.GET_LOCAL: R.read(b1); R.copy(d, b1); return true;
      case Op.GET_LOCAL_LOCAL: R.read(b1); R.read(u8[a + 1]); R.copy(d, b1); R.copy(d + 1, u8[a + 1]); return true;
      case Op.GET_LOCAL_CONSTANT: R.read(b1); R.copy(d, b1); this.constant(d + 1, this.cst(u8[a + 1] | (u8[a + 2] << 8))); return true;
      case Op.SET_LOCAL: case Op.SET_LOCAL_POP: R.read(d - 1); this.set(b1, R.tag(d - 1), R.val(d - 1)); return true;
      case Op.GET_GLOBAL: this.getGlobal(d); return true;
      case Op.SET_GLOBAL: case Op.SET_GLOBAL_POP: this.setGlobal(); return true;
      case Op.EQUAL: case Op.NOT_EQUAL: case Op.EQUAL_JUMP_IF_FALSE: case Op.NOT_EQUAL_JUMP_IF_FALSE: this.equality(); return true;
      case Op.GREATER: case Op.GREATER_EQUAL: case Op.LESS: case Op.LESS_EQUAL:
      case Op.LESS_JUMP_IF_FALSE: case Op.LESS_EQUAL_JUMP_IF_FALSE: case Op.GREATER_JUMP_IF_FALSE: case Op.GREATER_EQUAL_JUMP_IF_FALSE:
        this.compare(); return true;
      case Op.ADD: case Op.SUBTRACT: case Op.MULTIPLY: this.arith(); return true;
      case Op.ADD_CONSTANT: case Op.SUBTRACT_CONSTANT: case Op.LOCAL_ADD_CONSTANT: case Op.LOCAL_SUBTRACT_CONSTANT:
        this.arithConstant(); return true;
      case Op.DIVIDE: this.divide(); return true;
      case Op.NOT:
        R.read(d - 1);
        this.set(d - 1, `${R.tag(d - 1)} <= ${Tag.FALSE} ? ${Tag.TRUE} : ${Tag.FALSE}`, R.val(d - 1));
        return true;
      case Op.GET_PROPERTY: case Op.GET_LOCAL_PROPERTY: this.getProperty(); return true;
      case Op.SET_PROPERTY: case Op.SET_PROPERTY_POP: this.setProperty(); return true;
      case Op.INVOKE: case Op.GLOBAL_INVOKE: this.invoke(); return true;
      case Op.SUPER_INVOKE: this.superInvoke(); return true;
      case Op.CALL: this.call(); return true;
      case Op.GET_UPVALUE: this.getUpvalue(); return true;
      case Op.SET_UPVALUE: this.setUpvalue(); return true;
      case Op.INDEX_GET: this.indexGet(); return true;
      case Op.INDEX_SET: this.indexSet(); return true;
      case Op.JUMP: case Op.JUMP_IF_FALSE: case Op.JUMP_IF_TRUE: case Op.POP_JUMP_IF_FALSE: this.jump(); return true;
      case Op.RETURN: case Op.RETURN_LOCAL: case Op.RETURN_NIL: this.returnOp(); return true;
      default: return false;
    }
  }

  // -- Globals --

  /** GET_GLOBAL w1 into slot k. */
  private getGlobal(k: number): void {
    const w1 = this.w1;
    this.out.push(`t = gTags[${w1}]; if (t === ${Tag.EMPTY}) ${this.fail(`Undefined variable '${this.rt.globalNames[w1]}'.`)}`);
    this.set(k, 't', `gVals[${w1}]`);
  }

  private setGlobal(): void {
    const R = this.R, out = this.out, d = this.d, w1 = this.w1;
    const gn = this.rt.globalNames[w1];
    R.read(d - 1);
    out.push(`if (gTags[${w1}] === ${Tag.EMPTY}) ${this.fail(`Undefined variable '${gn}'.`)}`);
    out.push(`if (gConst[${w1}] !== 0) ${this.fail(`Cannot assign to constant variable '${gn}'.`)}`);
    out.push(`gTags[${w1}] = ${R.tag(d - 1)}; gVals[${w1}] = ${R.val(d - 1)};`);
  }

  // -- Compares and arithmetic --

  /** EQUAL, NOT_EQUAL and their fused jumps. */
  private equality(): void {
    const R = this.R, out = this.out, d = this.d, op = this.op;
    // Two strings inline (interned: identity); the rest in eq() (equalSource), which
    // compares numbers of one kind and one object twice by identity too. eq() is small enough for V8 to inline, and keeps a long run of
    // compares (string_equality's 512 per iteration) under V8's size limit for optimising.
    R.read(d - 2); R.read(d - 1);
    this.equals = true;
    // valuesEqual (in eq) may fail on values nested too deeply: captured slots first (see fail).
    if (this.captures) R.spill(d, this.captured);
    const tp = R.tag(d - 2), p = R.val(d - 2), tq = R.tag(d - 1), q = R.val(d - 1);
    out.push(`c = ${tp} === ${Tag.OBJ} && ${tq} === ${Tag.OBJ} && u8[${this.addr(p)} - 4] === ${Kind.STRING} && u8[${this.addr(q)} - 4] === ${Kind.STRING} ? ${p} === ${q} : eq(${tp}, ${p}, ${tq}, ${q}, fi, ${this.code + this.pc + this.ins.len});`);
    const neg = op === Op.NOT_EQUAL || op === Op.NOT_EQUAL_JUMP_IF_FALSE;
    if (op === Op.EQUAL || op === Op.NOT_EQUAL) this.set(d - 2, `c ? ${neg ? Tag.FALSE : Tag.TRUE} : ${neg ? Tag.TRUE : Tag.FALSE}`, '0');
    else { R.spill(d - 2); out.push(`if (${neg ? 'c' : '!c'}) ${this.go(this.target)}`); }
  }

  /** The ordering compares (numbers only) and their fused jumps. */
  private compare(): void {
    const R = this.R, out = this.out, d = this.d, op = this.op;
    const rel = op === Op.GREATER || op === Op.GREATER_JUMP_IF_FALSE ? '>' : op === Op.GREATER_EQUAL || op === Op.GREATER_EQUAL_JUMP_IF_FALSE ? '>=' :
      op === Op.LESS || op === Op.LESS_JUMP_IF_FALSE ? '<' : '<=';
    R.read(d - 2); R.read(d - 1);
    out.push(`if (!${isNum(R.tag(d - 2))} || !${isNum(R.tag(d - 1))}) ${this.fail('Operands must be numbers.')}`);
    const test = `${R.val(d - 2)} ${rel} ${R.val(d - 1)}`;
    if (op <= Op.LESS_EQUAL) this.set(d - 2, `${test} ? ${Tag.TRUE} : ${Tag.FALSE}`, '0');
    else { out.push(`c = ${test};`); R.spill(d - 2); out.push(`if (!c) ${this.go(this.target)}`); }
  }

  /** ADD, SUBTRACT, MULTIPLY: ints and doubles inline, the rest (strings, vectors...) in a helper. */
  private arith(): void {
    const R = this.R, out = this.out, d = this.d, op = this.op;
    const js = op === Op.ADD ? '+' : op === Op.SUBTRACT ? '-' : '*';
    R.read(d - 2); R.read(d - 1);
    const p = R.val(d - 2), q = R.val(d - 1), tp = R.tag(d - 2), tq = R.tag(d - 1), spill = R.spillCode(d);
    const int = op === Op.MULTIPLY ? `Math.imul(${p}, ${q})` : `(${p} ${js} ${q}) | 0`;
    const slow = op === Op.ADD ? `H.addSlow(${S(d - 2)})` : `H.arith(${op === Op.SUBTRACT ? ArithOp.SUB : ArithOp.MUL}, ${S(d - 2)})`;
    const k = d - 2;
    R.prepareWrite(k);
    out.push(`t = ${tp}; w = ${tq};`);
    out.push(`if (t === ${Tag.INT} && w === ${Tag.INT}) { t${k} = ${Tag.INT}; v${k} = ${int}; }`);
    out.push(`else if (${isNum('t')} && ${isNum('w')}) { t${k} = ${Tag.DOUBLE}; v${k} = ${p} ${js} ${q}; }`);
    if (op === Op.ADD) out.push(`else ${this.concatBranch(`w === ${Tag.OBJ} && u8[${this.addr(q)} - 4] === ${Kind.STRING}`, p, q, k, spill, d)}`);
    out.push(`else { ${spill}${this.save(d)} ${slow}; ${R.reload(k)} }`);
    R.wrote(k);
  }

  /**
   * `if (...)` concatenating the string in payload `p` (tag in `t`) with the string `q` (when
   * `qIsString` holds: null if q is a string constant), straight into slot k's variables: both operands are on the stack (rooted)
   * once `spill` has stored the slots, and the stack's top is set to `top` for the collection the
   * allocation may run.
   */
  private concatBranch(qIsString: string | null, p: string, q: string, k: number, spill: string, top: number): string {
    return `if (t === ${Tag.OBJ} && u8[${this.addr(p)} - 4] === ${Kind.STRING}${qIsString === null ? '' : ` && ${qIsString}`}) { ${spill}${this.save(top)} v${k} = H.concat(${p}, ${q}); t${k} = ${Tag.OBJ}; }`;
  }

  /** ADD_CONSTANT, SUBTRACT_CONSTANT and their LOCAL_* forms. */
  private arithConstant(): void {
    const R = this.R, out = this.out, d = this.d, op = this.op, b1 = this.b1, u8 = this.u8, a = this.a;
    // LOCAL_*: the local itself is the left operand; the result goes to a new slot d.
    const local = op === Op.LOCAL_ADD_CONSTANT || op === Op.LOCAL_SUBTRACT_CONSTANT;
    const src = local ? b1 : d - 1, k = local ? d : d - 1;
    R.read(src);
    const p = R.val(src), tp = R.tag(src), spill = R.spillCode(d);
    // The slow helper works on slot k of the stack: a LOCAL_* operand is copied there first.
    const operand = local ? `tags[base + ${k}] = ${tp}; vals[base + ${k}] = ${p}; ` : '';
    const c = this.cst(local ? u8[a + 1] | (u8[a + 2] << 8) : this.w1), tb = this.u32[c >>> 2], b = this.f64[(c + 8) >>> 3], bv = num(b);
    const add = op === Op.ADD_CONSTANT || op === Op.LOCAL_ADD_CONSTANT, js = add ? '+' : '-';
    R.prepareWrite(k);
    out.push(`t = ${tp};`);
    if (tb === Tag.INT) out.push(`if (t === ${Tag.INT}) { t${k} = ${Tag.INT}; v${k} = (${p} ${js} ${bv}) | 0; } else if (t === ${Tag.DOUBLE}) { t${k} = ${Tag.DOUBLE}; v${k} = ${p} ${js} ${bv}; }`);
    else if (tb === Tag.DOUBLE) out.push(`if (${isNum('t')}) { t${k} = ${Tag.DOUBLE}; v${k} = ${p} ${js} ${bv}; }`);
    // A string constant is held by its function; slot k is no root here (for LOCAL_* it lies
    // above the stack's top, not yet written), so the stack's top stays below it.
    else if (tb === Tag.OBJ && add && u8[b - 4] === Kind.STRING) out.push(this.concatBranch(null, p, bv, k, spill, local ? k : k + 1));
    else out.push(`if (false) {}`);
    out.push(`else { ${spill}${operand}${this.save(k + 1)} H.constSlow(${S(k)}, ${add}, ${tb}, ${bv}); ${R.reload(k)} }`);
    R.wrote(k);
  }

  private divide(): void {
    const R = this.R, out = this.out, d = this.d;
    R.read(d - 2); R.read(d - 1);
    const p = R.val(d - 2), q = R.val(d - 1), tp = R.tag(d - 2), tq = R.tag(d - 1), spill = R.spillCode(d), k = d - 2;
    R.prepareWrite(k);
    out.push(`if (!${isNum(tp)} || !${isNum(tq)}) { ${spill}${this.save(d)} H.arith(${ArithOp.DIV}, ${S(k)}); ${R.reload(k)} }`);
    out.push(`else { t${k} = ${Tag.DOUBLE}; v${k} = ${p} / ${q}; }`);
    R.wrote(k);
  }

  // -- Properties (GET_PROPERTY's per-site cache of class and field; RETURN_LOCAL_PROPERTY is in emitStackOp) --

  /** GET_PROPERTY, GET_LOCAL_PROPERTY. */
  private getProperty(): void {
    const R = this.R, out = this.out, d = this.d, pc = this.pc;
    const local = this.op === Op.GET_LOCAL_PROPERTY;
    const r = local ? d : d - 1, src = local ? this.b1 : d - 1;
    const nm = this.nameAt(local ? 1 : 0), entry = this.cacheEntry(local ? 2 : 1);
    const j = this.site(2, [0]);
    R.read(src);
    const ts = R.tag(src), vs = R.val(src), spill = R.spillCode(d);
    // The miss helper works on the stack top: a local receiver is copied there first (the
    // other form's is in slot r, which the stores of `spill` cover).
    const receiver = local ? `tags[base + ${r}] = ${ts}; vals[base + ${r}] = ${vs}; ` : '';
    R.prepareWrite(r);
    out.push(`L${pc}: {`);
    out.push(`  ${fieldRead(ts, this.addr(vs), j, `t${r} = t; v${r} = f64[(s + 8) >>> 3]; break L${pc};`)}`);
    out.push(`  ${spill}${receiver}${this.save(r + 1)} H.getMiss(icv, ${j}, ${S(r)}, ${nm}, ${entry}); ${R.reload(r)}`);
    out.push(`}`);
    R.wrote(r);
  }

  /** SET_PROPERTY, SET_PROPERTY_POP. */
  private setProperty(): void {
    const R = this.R, out = this.out, d = this.d, pc = this.pc;
    const r = d - 2, nm = this.nameAt(0);
    const j = this.site(2, [0]);
    R.read(r); R.read(r + 1);
    const tr = R.tag(r), vr = R.val(r), tx = R.tag(r + 1), vx = R.val(r + 1);
    out.push(`L${pc}: {`);
    out.push(`  ${fieldProbe(tr, this.addr(vr), j, `if (s !== 0) { H.storeField(o, s, ${tx}, ${vx}); break L${pc}; }`)}`);
    out.push(`  ${R.spillCode(d)}${this.save(d)} H.setMiss(icv, ${j}, ${S(r)}, ${nm}, ${this.cacheEntry(1)});`);
    out.push(`}`);
    if (this.op === Op.SET_PROPERTY) this.set(r, tx, vx);
  }

  // -- Calls. The callee cannot change this frame's slots but for those closures capture
  // (open upvalues): copies of those are detached before the call and they are read back
  // after it; the other variables stay valid across the call. --

  /** INVOKE, GLOBAL_INVOKE (GET_GLOBAL, then INVOKE with no arguments one slot higher). */
  private invoke(): void {
    const R = this.R, out = this.out, d = this.d, u8 = this.u8, a = this.a;
    const gi = this.op === Op.GLOBAL_INVOKE;
    if (gi) this.getGlobal(d);
    const argc = gi ? 0 : u8[a + 2], slot = gi ? d : d - 1 - argc, nm = this.nameAt(gi ? 2 : 0), top = gi ? d + 1 : d;
    const j = this.site(INVOKE_SITE_SIZE, INVOKE_SITE_REFS), k = this.fnSite();
    this.invokes = true;
    R.read(slot);
    R.detach(this.captured);
    const ts = R.tag(slot);
    out.push(`${this.ip()} o = ${this.addr(R.val(slot))};`);
    const hit = `${ts} === ${Tag.OBJ} && u8[o - 4] === ${Kind.INSTANCE} && u32[o >>> 2] === icv[${j}] && u32[(icv[${j}] + ${L.CLASS_FIELD_COUNT}) >>> 2] === icv[${j + 1}]`;
    const call = `if (${hit}) { if (icv[${j + 3}] === ${Trivial.NONE} || !trivial(${j}, ${S(slot)}, o, fi)) icf[${k}](icv[${j + 2}] | 0, ${S(slot)}, 0); }` +
      ` else { ${SP(top)} H.invokeMiss(icv, ${j}, icf, ${k}, ${S(slot)}, ${argc}, ${nm}); }`;
    const inline = trivialInline(j, S(slot), trivialGuess(this.rt, this.cacheEntry(2), argc));
    if (inline === null) {
      // No getter to run in place: the call, on the straight path.
      R.spill(top);
      this.callResult(slot, call);
    } else {
      // The getter's result stays in variables; the call (stack up to date) reloads it.
      const spill = R.spillCode(top);
      R.prepareWrite(slot);
      out.push(`if (${hit} && ${inline.test}) { t${slot} = ${inline.tag}; v${slot} = ${inline.val}; }`);
      out.push(`else { ${spill}${call} ${R.reload(slot)} ${R.reloadCode(slot, this.captured)}}`);
      R.wrote(slot);
    }
    R.dead(slot + 1);
  }

  /**
   * SUPER_INVOKE. Per-site cache: superclass -> method closure and its compiled code (a class's
   * method table is complete before any of its methods can run, as the interpreter's cache assumes).
   */
  private superInvoke(): void {
    const R = this.R, d = this.d;
    const argc = this.u8[this.a + 2], slot = d - 2 - argc;
    const j = this.site(2, [0, 1]), k = this.fnSite();
    R.read(d - 1);
    R.detach(this.captured);
    const superclass = R.val(d - 1);
    R.spill(d);
    this.callResult(slot, `${this.ip()} if (${superclass} === icv[${j}]) icf[${k}](icv[${j + 1}] | 0, ${S(slot)}, 0);\n` +
      `else { ${SP(d)} H.superMiss(icv, ${j}, icf, ${k}, ${S(d - 1)}, ${argc}, ${this.nameAt(0)}); }\n`);
    R.dead(slot + 1);
  }

  /**
   * CALL. Per-site cache: the callee last seen here (a closure, or a class and its init closure)
   * and the compiled code to run; a hit (after a class's new instance replaces it in its
   * slot, as the interpreter does) calls the compiled function directly, whose prologue
   * makes the interpreter's checks and pushes the frame. Every slot is stored first.
   */
  private call(): void {
    const R = this.R, d = this.d;
    const argc = this.b1, slot = d - 1 - argc;
    const j = this.site(2, [0, 1]), k = this.fnSite();
    R.read(slot);
    R.detach(this.captured);
    const ts = R.tag(slot);
    this.out.push(`${this.ip()} o = ${R.val(slot)};`);
    R.spill(d);
    this.callResult(slot, `if (o === icv[${j}] && ${ts} === ${Tag.OBJ}) { g = icf[${k}]; if ((m = icv[${j + 1}]) !== 0) { ${SP(d)} H.instance(${S(slot)}, o); } else m = o; g(m | 0, ${S(slot)}, 0); }\n` +
      `else H.callMiss(icv, ${j}, icf, ${k}, ${S(slot)}, ${argc});\n`);
    R.dead(slot + 1);
  }

  // -- Upvalues point into other frames' slots, which are on the stack while this frame
  // runs (every frame stores its slots before a call, and reads captured ones back after). --

  private getUpvalue(): void {
    const R = this.R, out = this.out, d = this.d;
    this.usesClosure = this.blockClosure = true;
    out.push(`o = u32[(closure + ${L.CLOSURE_UPVALUES + this.b1 * 4}) >>> 2];`);
    R.prepareWrite(d);
    out.push(`if (u32[(o + ${L.UPV_CLOSED}) >>> 2] !== 0) { t${d} = u32[(o + ${L.UPV_SLOT}) >>> 2]; v${d} = f64[(o + ${L.UPV_SLOT + 8}) >>> 3]; }`);
    out.push(`else { s = u32[o >>> 2]; t${d} = tags[s]; v${d} = vals[s]; }`);
    R.wrote(d);
  }

  private setUpvalue(): void {
    const R = this.R, out = this.out, d = this.d;
    this.usesClosure = this.blockClosure = true;
    R.read(d - 1);
    out.push(`o = u32[(closure + ${L.CLOSURE_UPVALUES + this.b1 * 4}) >>> 2];`);
    out.push(`if (u32[(o + ${L.UPV_CLOSED}) >>> 2] !== 0) H.storeUpvalue(o, ${R.tag(d - 1)}, ${R.val(d - 1)});`);
    out.push(`else { s = u32[o >>> 2]; tags[s] = ${R.tag(d - 1)}; vals[s] = ${R.val(d - 1)}; }`);
  }

  // -- Indexing --

  /** INDEX_GET: a float vector's element inline; the rest in indexGet. */
  private indexGet(): void {
    const R = this.R, out = this.out, d = this.d;
    R.read(d - 2); R.read(d - 1);
    const tv = R.tag(d - 2), vv = R.val(d - 2), ti = R.tag(d - 1), vi = R.val(d - 1), spill = R.spillCode(d), k = d - 2;
    R.prepareWrite(k);
    out.push(`o = ${this.addr(vv)};`);
    out.push(`if (${tv} === ${Tag.OBJ} && u8[o - 4] === ${Kind.FLOAT_VECTOR} && ${ti} === ${Tag.INT} && (x = ${vi}) >= 0 && x < u32[(o + ${L.VEC_COUNT}) >>> 2]) { t${k} = ${Tag.DOUBLE}; v${k} = f64[(u32[(o + ${L.VEC_DATA}) >>> 2] >>> 3) + x]; }`);
    out.push(`else { ${spill}${this.save(d)} H.indexGet(${S(k)}); ${R.reload(k)} }`);
    R.wrote(k);
  }

  /** INDEX_SET: a number into a float vector's element buffer inline (not a reference: no barrier). */
  private indexSet(): void {
    const R = this.R, out = this.out, d = this.d;
    R.read(d - 3); R.read(d - 2); R.read(d - 1);
    const tv = R.tag(d - 3), vv = R.val(d - 3), ti = R.tag(d - 2), vi = R.val(d - 2), tx = R.tag(d - 1), vx = R.val(d - 1);
    const spill = R.spillCode(d), k = d - 3;
    R.prepareWrite(k);
    out.push(`o = ${this.addr(vv)}; t = ${tx};`);
    out.push(`if (${tv} === ${Tag.OBJ} && u8[o - 4] === ${Kind.FLOAT_VECTOR} && ${ti} === ${Tag.INT} && ${isNum('t')} && (x = ${vi}) >= 0 && x < u32[(o + ${L.VEC_COUNT}) >>> 2]) { f64[(u32[(o + ${L.VEC_DATA}) >>> 2] >>> 3) + x] = ${vx}; t${k} = t; v${k} = ${vx}; }`);
    out.push(`else { ${spill}${this.save(d)} H.indexSet(${S(k)}); ${R.reload(k)} }`);
    R.wrote(k);
  }

  // -- Control flow --

  /** JUMP and the conditional jumps on a truth value (every slot stored before the jump). */
  private jump(): void {
    const R = this.R, out = this.out, d = this.d, op = this.op, target = this.target;
    switch (op) {
      case Op.JUMP: R.spill(d); out.push(this.go(target)); return;
      case Op.JUMP_IF_FALSE: case Op.JUMP_IF_TRUE:
        R.read(d - 1); R.spill(d);
        out.push(`if (${R.tag(d - 1)} ${op === Op.JUMP_IF_FALSE ? '<=' : '>'} ${Tag.FALSE}) ${this.go(target)}`);
        return;
      default: { // POP_JUMP_IF_FALSE
        R.read(d - 1);
        const tag = R.tag(d - 1);
        R.spill(d - 1);
        out.push(`if (${tag} <= ${Tag.FALSE}) ${this.go(target)}`);
      }
    }
  }

  /** RETURN, RETURN_LOCAL, RETURN_NIL. closeUpvalues copies the captured slots from the stack: they are stored first. */
  private returnOp(): void {
    const R = this.R, d = this.d, b1 = this.b1, captures = this.captures;
    switch (this.op) {
      case Op.RETURN: R.read(d - 1); if (captures) R.spill(d); this.returnValue(R.tag(d - 1), R.val(d - 1)); return;
      case Op.RETURN_LOCAL: R.read(b1); if (captures) R.spill(d); this.returnValue(R.tag(b1), R.val(b1)); return;
      default: if (captures) R.spill(d); this.returnValue(`${Tag.NIL}`, '0'); // RETURN_NIL
    }
  }

  // ---- Instructions on the stack (every slot stored before, every variable read again after) ----

  /** Emits the current instruction on the stack; false when the tier cannot compile it. */
  private emitStackOp(): boolean {
    const out = this.out, d = this.d, op = this.op, w1 = this.w1;
    switch (op) {
      case Op.DEFINE_GLOBAL: case Op.DEFINE_CONST_GLOBAL: this.defineGlobal(); break;
      case Op.RETURN_LOCAL_PROPERTY: this.returnLocalProperty(); break;
      case Op.MODULO: case Op.POWER: case Op.NEGATE: this.stackArith(); break;
      case Op.IN_RANGE: case Op.IN_RANGE_INCLUSIVE: this.inRange(); break;
      case Op.LOOP: this.loop(); break;
      case Op.CLOSURE: this.closure(); break;
      case Op.GET_SUPER: case Op.CLASS: case Op.INHERIT: case Op.METHOD: this.classOp(); break;
      case Op.PRINT: out.push(`${this.ip()} H.print(${S(d - 1)});`); break;
      case Op.CLOSE_UPVALUE: out.push(`H.closeUpvalues(${S(d - 1)});`); break;
      case Op.SLICE: out.push(`${this.save(d)} H.slice(${S(d - 3)});`); break;
      case Op.FOREACH_NEXT:
        out.push(`${SP(d)} frameIp[fi] = ${this.code + this.pc + 1}; if (!H.foreachNext(${S(this.b1)}, ${S(d)})) ${this.go(this.target)}`);
        break;
      case Op.BUILD_VECTOR: out.push(`${this.save(d)} H.buildVector(${S(d - w1)}, ${w1});`); break;
      case Op.BUILD_MATRIX: {
        const rows = w1, cols = this.u8[this.a + 2] | (this.u8[this.a + 3] << 8);
        out.push(`${this.save(d)} H.buildMatrix(${S(d - rows * cols)}, ${rows}, ${cols});`);
        break;
      }
      case Op.BUILD_HASH: out.push(`${this.save(d)} H.buildHash(${S(d - 2 * w1)}, ${w1});`); break;
      case Op.BUILD_STRING: out.push(`${this.save(d)} H.buildString(${S(d - w1)}, ${w1});`); break;
      case Op.RANGE: case Op.RANGE_INCLUSIVE: out.push(`${this.save(d)} H.buildRange(${S(d - 2)}, ${op === Op.RANGE_INCLUSIVE});`); break;
      case Op.PAIR: out.push(`${this.save(d)} H.pair(${S(d - 2)});`); break;
      case Op.IMAGINARY: out.push(`${this.save(d)} H.imaginary(${S(d - 1)});`); break;
      default: return false;
    }
    return true;
  }

  /** DEFINE_GLOBAL, DEFINE_CONST_GLOBAL. */
  private defineGlobal(): void {
    const d = this.d, g = this.w1;
    this.out.push(`if (gConst[${g}] !== 0) ${this.failSpilled(`Cannot assign to constant variable '${this.rt.globalNames[g]}'.`)}`);
    this.out.push(`gTags[${g}] = ${T(d - 1)}; gVals[${g}] = ${V(d - 1)};${this.op === Op.DEFINE_CONST_GLOBAL ? ` gConst[${g}] = 1;` : ''}`);
  }

  /**
   * RETURN_LOCAL_PROPERTY (GET_PROPERTY and GET_LOCAL_PROPERTY are register code). The receiver
   * is read from its local slot; only the miss path (whose helper works on the stack top) copies it up.
   */
  private returnLocalProperty(): void {
    const out = this.out, d = this.d, pc = this.pc, b1 = this.b1;
    const nm = this.nameAt(1), entry = this.cacheEntry(2);
    const j = this.site(2, [0]);
    out.push(`L${pc}: {`);
    out.push(`  ${fieldRead(T(b1), this.addr(V(b1)), j, `${T(d)} = t; ${V(d)} = f64[(s + 8) >>> 3]; break L${pc};`)}`);
    out.push(`  ${T(d)} = ${T(b1)}; ${V(d)} = ${V(b1)}; ${this.save(d + 1)} H.getMiss(icv, ${j}, ${S(d)}, ${nm}, ${entry});`);
    out.push(`}`);
    this.returnValue(T(d), V(d));
  }

  /** MODULO, POWER, NEGATE (rarer arithmetic: on the stack). */
  private stackArith(): void {
    const out = this.out, d = this.d;
    switch (this.op) {
      case Op.MODULO:
        out.push(`t = ${T(d - 2)}; w = ${T(d - 1)}; x = ${V(d - 2)}; y = ${V(d - 1)};`);
        out.push(`if (t === ${Tag.INT} && w === ${Tag.INT}) { if (y === 0) ${this.failSpilled('Division by zero.')} r = x % y; if (r !== 0 && (r < 0) !== (y < 0)) r += y; ${V(d - 2)} = r | 0; }`);
        out.push(`else if (${isNum('t')} && ${isNum('w')}) { r = x % y; if (r !== 0 && (r < 0) !== (y < 0)) r += y; ${T(d - 2)} = ${Tag.DOUBLE}; ${V(d - 2)} = r; }`);
        out.push(`else ${this.failSpilled('Operands must be numbers.')}`);
        return;
      case Op.POWER:
        out.push(`t = ${T(d - 2)}; w = ${T(d - 1)};`);
        out.push(`if (!${isNum('t')} || !${isNum('w')}) ${this.failSpilled('Operands must be numbers.')}`);
        out.push(`${T(d - 2)} = ${Tag.DOUBLE}; ${V(d - 2)} = Math.pow(${V(d - 2)}, ${V(d - 1)});`);
        return;
      default: // NEGATE
        out.push(`t = ${T(d - 1)};`);
        out.push(`if (t === ${Tag.INT}) ${V(d - 1)} = -${V(d - 1)} | 0; else if (t === ${Tag.DOUBLE}) ${V(d - 1)} = -${V(d - 1)};`);
        out.push(`else if (t === ${Tag.OBJ} && u8[${V(d - 1)} - 4] === ${Kind.COMPLEX}) { ${this.save(d)} H.negateComplex(${S(d - 1)}); }`);
        out.push(`else ${this.failSpilled('Operand must be a number.')}`);
    }
  }

  /** IN_RANGE, IN_RANGE_INCLUSIVE. */
  private inRange(): void {
    const out = this.out, d = this.d;
    out.push(`if (${T(d - 2)} !== ${Tag.INT} || ${T(d - 1)} !== ${Tag.INT}) ${this.failSpilled('Range operands must be integers.')}`);
    out.push(`t = ${T(d - 3)};`);
    out.push(`${T(d - 3)} = ${isNum('t')} && H.inRange(${V(d - 2)}, ${V(d - 1)}, ${this.op === Op.IN_RANGE_INCLUSIVE}, ${V(d - 3)}) ? ${Tag.TRUE} : ${Tag.FALSE};`);
  }

  /** LOOP: a back-edge checks for an interrupt (Ctrl-C) first, at the LOOP's own ip (as the interpreter: its line). */
  private loop(): void {
    const target = this.target, region = this.region, flow = this.flow;
    this.out.push(`if (interrupt[0] !== 0) { frameIp[fi] = ${this.code + this.pc + 1}; throw H.interrupted(); }`);
    // A loop compiled alone returns after each iteration (see compileLoop).
    this.out.push(region !== null && target === region.from ? `{ ${SP(flow.depth[flow.at.get(target) as number])} return ${-2 - target}; }` : this.go(target));
  }

  private closure(): void {
    this.usesClosure = this.blockClosure = true;
    const proto = this.nameAt(0), after = this.code + this.pc + 3;
    this.out.push(`frameIp[fi] = ${after}; H.closure(${S(this.d)}, ${proto}, ${after}, base, closure);`);
  }

  /** GET_SUPER, CLASS, INHERIT, METHOD: in helpers. */
  private classOp(): void {
    const out = this.out, d = this.d, IP = this.ip();
    switch (this.op) {
      case Op.GET_SUPER: out.push(`${IP} H.getSuper(${S(d - 1)}, ${this.nameAt(0)});`); return;
      case Op.CLASS: out.push(`${IP} H.classObject(${S(d)}, ${this.nameAt(0)});`); return;
      case Op.INHERIT: out.push(`${IP} H.inherit(${S(d - 2)});`); return;
      default: out.push(`${IP} H.method(${S(d - 2)}, ${this.nameAt(0)});`); // METHOD
    }
  }
}
