import { Op, OP_FACTS, OP_NAMES, instructionLength, isReturnOp, operandAt, stackEffect } from '../../compiler/opcodes';
import type { Runtime } from '../runtime';
import { Tag } from '../value';
import { Kind } from '../kinds';
import { L } from '../layout';
import { ArithOp } from '../arith';
import { Helpers } from './helpers';
import { INVOKE_SITE_SIZE, INVOKE_SITE_REFS, trivialGuess, trivialInline, trivialSource } from './trivial-calls';
import { Registers } from './registers';
import { fieldSlotSource } from '../field-slots';
import { Trivial, trivialKind } from '../trivial';
import { CompiledFn, TIER_COMPILED, TIER_LOOPS, TIER_NEVER, AUTO_HOT } from './state';

/**
 * The second tier: one MufiZ function's bytecode -> the source of one JavaScript function, built
 * with `new Function` (see docs/internals.md).
 *
 * The generated function works on the VM's own value stack: every bytecode stack position has a
 * depth known at compile time, so `tags[base + 3]` replaces the interpreter's push and pop, and
 * the collector still finds every live value where it always does (the generated code saves
 * rt.sp = base + depth before anything that may allocate). Control flow is a `switch` over the
 * bytecode offsets that are jump targets inside `for (;;)`: straight-line code falls through, a
 * jump sets `pc` and continues, and entering at a loop header (on-stack entry from the
 * interpreter) is just a different first `pc`.
 */

/** In --tier=auto, functions longer than this stay interpreted (V8 does not optimise huge functions well). */
const AUTO_MAX_CODE = 6000;

/**
 * Functions up to this long are compiled early: at their first call in --tier=js, at their second
 * in --tier=auto (EARLY_COUNT). The interpreter runs unoptimised by V8 for the first 50-100 ms of
 * a process (and again after each of its deopts), about 2 µs per MufiZ call there, while a small
 * compiled function is optimised by V8 within a few milliseconds of its first calls (method_call:
 * 0.70 -> 0.63 s of wall time, median of 9 runs; with the outlining below 0.51 s).
 * Longer functions stay interpreted in --tier=js, and wait until hot in --tier=auto: compiled
 * whole when called, string_equality's run() (3.5 KB of bytecode, 1024 compares in two loops)
 * once took 32 s of CPU against 1.8 s interpreted, V8 running the 300 KB of generated code
 * unoptimised or optimising it for seconds. Of the golden and corpus programs only hostile/007
 * (105 KB) has a longer function.
 */
const EARLY_MAX_CODE = 2000;

/**
 * --tier=auto compiles such a function once its calls plus back-edges reach this: at its second
 * call (or second loop back-edge), not its first. A function called once (an initialiser, a
 * `main` without a hot loop) is not worth its compilation, about 0.5 ms each: a program of 60
 * small functions called once each started 29 ms later (node + 57 ms against node + 28) when all
 * were compiled at their first call, and as before at their second. The benchmarks showed no
 * difference between the first, second and third call (method_call, zoo, string_build, fib;
 * median of 7).
 */
const EARLY_COUNT = 1;

/**
 * In --tier=auto a function longer than EARLY_MAX_CODE is compiled once its calls plus
 * back-edges reach AUTO_HOT plus this many per byte of bytecode: V8's cost to optimise the
 * generated code grows with its size, so a long function must have run proportionally longer
 * to repay it.
 * Measured: the method_call script (569 bytes, 200k back-edges) lost about 3 s of CPU to
 * compiling when entered after 600 back-edges.
 */
const AUTO_PER_BYTE = 100;

/**
 * In --tier=auto, a function longer than this (bytes of bytecode) has its hot loops compiled
 * one by one (compileLoop) rather than as a whole, once the function's count reaches LOOP_HOT.
 */
export const LOOP_ALONE_BYTES = 200;

/**
 * A loop of such a function is compiled alone once the function's calls plus back-edges reach
 * this: its first hot loop soon after it starts (the function's later loops at their first
 * back-edge, as before). Early, because the interpreter itself runs unoptimised by V8 for the
 * first 50-100 ms of a process (about 2 µs per MufiZ call), while the loop's generated code, in
 * short outlined blocks, is optimised within milliseconds of its first iterations. Measured
 * against the count of 600 plus 50 per byte of the loop that stood here (internal time, median
 * of 3, interleaved): method_call 0.263 -> 0.240 s, invocation 0.190 -> 0.160, properties 0.326
 * -> 0.288, string_equality 0.219 -> 0.202, equality 0.816 -> 0.771, fvec_kernel 0.229 -> 0.221,
 * binary_trees 1.73 -> 1.68; none slower. 2 and 30 measured alike, 150 lost part of the gain.
 * (Lowering only the per-byte part, sessions 6 and 7, changed nothing: the 600 remained.)
 */
const LOOP_HOT = 30;

/**
 * Longer loops stay interpreted: string_equality's 2 KB loop body of locals and compares took
 * 40 s of CPU compiled alone (against 3 s interpreted) — V8 ran the huge one-iteration function
 * unoptimised while optimising it.
 */
const LOOP_MAX_BYTES = 4000;

/** Whether a function's count of `count` makes its loops hot (see LOOP_ALONE_BYTES). */
export function loopHot(count: number): boolean {
  return count >= LOOP_HOT;
}

interface Insn { pc: number; op: number; len: number; }

/**
 * A loop of a function, compiled alone (--tier=auto, long functions such as a script body):
 * bytecode offsets [from, to) are the loop from its first instruction to just after its last
 * back-edge (loopRegion). A jump
 * out of it returns the target offset to the interpreter, which continues the frame there.
 */
export interface Region { from: number; to: number; }

/** Compiles function object `fn` and records the result in its FN_TIER word; returns that word. */
export function compileFunction(rt: Runtime, helpers: Helpers, fn: number, mode: string): number {
  const u32 = rt.u32;
  let word = TIER_NEVER;
  const codeLen = u32[(fn + L.FN_CODE_LEN) >>> 2];
  if (mode === 'auto') {
    const count = u32[(fn + L.FN_TIER) >>> 2];
    if (count >= TIER_LOOPS) return count; // its loops are compiled alone: calls stay interpreted
    // A trivial function (a getter, a constant, an empty body, `return` of a parameter:
    // trivial.ts) waits until hot: method call sites run it without a call, so compiling it
    // early (at their cache misses) would be wasted. (A plain call of one is an interpreted
    // call until it is hot.)
    const early = codeLen <= EARLY_MAX_CODE && trivialKind(rt.u8, u32, fn) === Trivial.NONE;
    if ((early ? count < EARLY_COUNT : count < AUTO_HOT + codeLen * AUTO_PER_BYTE) && count < TIER_NEVER - 1) {
      u32[(fn + L.FN_TIER) >>> 2] = count + 1; // not hot enough for its size yet
      return count + 1;
    }
  }
  if (codeLen <= (mode === 'js' ? EARLY_MAX_CODE : AUTO_MAX_CODE)) {
    const source = generate(rt, fn);
    if (source !== null) {
      const name = rt.formatter.functionName(fn) || 'script';
      if (rt.tier.dumpJs !== null && (rt.tier.dumpJs === name)) console.error(`// --dump-js ${name}\n${source}`);
      rt.tier.fns.push(instantiate(rt, helpers, source));
      word = TIER_COMPILED + rt.tier.fns.length - 1;
    }
  }
  u32[(fn + L.FN_TIER) >>> 2] = word;
  return word;
}

function instantiate(rt: Runtime, helpers: Helpers, source: string): CompiledFn {
  const factory = new Function('rt', 'H', 'T', source) as (rt: Runtime, h: Helpers, t: unknown) => CompiledFn;
  return factory(rt, helpers, rt.tier);
}

/**
 * --tier=auto, a back-edge of a long function (a script body, typically): compiles just the
 * loop whose back-edge at `loopPc` jumps to `header`, so V8 optimises a small function whose
 * code has all run (compiling a whole script body cost seconds of V8 optimisation and deopts
 * on its code that had not run yet). The code runs one iteration per call and returns
 * -2 - the loop start's offset (the interpreter calls it again there) or, at a jump out of the
 * loop, the exit's offset (>= 0; -1 when the frame returned): V8 then optimises it as a
 * function called often, not by on-stack replacement of one long call, in which every inline
 * cache's miss path (run once, on the first iteration) looked hot and was inlined, at a cost of
 * seconds of optimisation time for a 30-call loop. Null when the tier cannot compile it.
 */
export function compileLoop(rt: Runtime, helpers: Helpers, fn: number, region: Region): CompiledFn | null {
  const header = region.from;
  if (region.to - region.from > LOOP_MAX_BYTES) return null;
  const source = generate(rt, fn, region);
  if (source === null) return null;
  const name = rt.formatter.functionName(fn) || 'script';
  if (rt.tier.dumpJs !== null && (rt.tier.dumpJs === name)) console.error(`// --dump-js ${name} (loop at ${header})\n${source}`);
  return instantiate(rt, helpers, source);
}

/**
 * The whole loop that the back-edge at `loopPc` (jumping to `header`) belongs to, as a region.
 * A `for` loop has two back-edges: the body's jumps back to the increment, the increment's back
 * to the condition, which lies before it. [header, loopPc] alone held only the increment: every
 * iteration left the compiled code at the condition, and the interpreter ran the condition and
 * the whole body (method_call's loops ran interpreted although "compiled"). So the region grows
 * to a fixed point: a back-edge inside it to an earlier offset moves its start there, and a
 * back-edge after it that jumps into it moves its end past that back-edge.
 */
export function loopRegion(rt: Runtime, fn: number, header: number, loopPc: number): Region {
  const u8 = rt.u8, u32 = rt.u32, f64 = rt.f64;
  const code = u32[(fn + L.FN_CODE) >>> 2];
  const codeLen = u32[(fn + L.FN_CODE_LEN) >>> 2];
  const constants = u32[(fn + L.FN_CONSTANTS) >>> 2];
  const upvalues = (k: number) => u32[((f64[(constants + k * L.VALUE_SLOT + 8) >>> 3] >>> 0) + L.FN_UPVALUES) >>> 2];
  const backEdges: number[] = []; // pairs: the LOOP's offset, its target
  for (let pc = 0; pc < codeLen;) {
    const op = u8[code + pc];
    if (op >= OP_FACTS.length) break;
    if (op === Op.LOOP) backEdges.push(pc, pc + 3 - (u8[code + pc + 1] | (u8[code + pc + 2] << 8)));
    pc += instructionLength(u8, code + pc, upvalues);
  }
  let from = header, to = loopPc + 3;
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < backEdges.length; i += 2) {
      const pc = backEdges[i], target = backEdges[i + 1];
      if (pc >= from && pc < to && target < from) { from = target; changed = true; }
      else if (pc >= to && target >= from && target < to) { to = pc + 3; changed = true; }
    }
  }
  return { from, to };
}

/** Stack depth change when `ins` falls through (for FOREACH_NEXT: when it yields an element), from the opcode facts. */
function stackEffectAt(u8: Uint8Array, code: number, ins: Insn): number {
  const facts = OP_FACTS[ins.op];
  if (typeof facts.stack === 'number') return facts.stack;
  return stackEffect(ins.op, operandAt(u8, code + ins.pc, 0), facts.operands.length > 1 ? operandAt(u8, code + ins.pc, 1) : 0);
}

/** Bytecode offset a jump goes to, or -1 when `ins` does not jump. */
function jumpTarget(rt: Runtime, code: number, ins: Insn): number {
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

/** The scratch variables every compiled function and outlined block declares. */
const TEMPORARIES = 'let t = 0, w = 0, o = 0, s = 0, x = 0, y = 0, r = 0, m = 0, c = false, g = H.uncompiled;';

function num(x: number): string {
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

/** The generated factory source for function object `fn`, or null when the tier cannot compile it. */
export function generate(rt: Runtime, fn: number, region: Region | null = null): string | null {
  const u8 = rt.u8, u32 = rt.u32, f64 = rt.f64;
  const code = u32[(fn + L.FN_CODE) >>> 2];
  const codeLen = u32[(fn + L.FN_CODE_LEN) >>> 2];
  const constants = u32[(fn + L.FN_CONSTANTS) >>> 2];

  const cst = (k: number) => constants + k * L.VALUE_SLOT;

  // 1. Decode.
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

  // 2. Stack depth at every reachable instruction (the same on every path, or no compile).
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

  // 3. Emit. Code without jumps (most methods) needs no dispatch loop: V8 compiles (and
  // inlines) a straight-line function faster than a one-case `for (;;) switch`.
  const straight = region === null && leaders.size === 1;
  // Code whose jumps all go forward (no loop: most functions with an `if`) is entered only at 0
  // and needs no dispatch loop either: each jump target t closes a labelled block `J<t>` opened
  // at the top, and a jump to t is `break J<t>`. V8 then optimises it as loop-free code (fib:
  // see docs/performance.md) instead of a `for (;;) switch` it may enter by OSR.
  const forward = region === null && !straight && insns.every((ins, i) => depth[i] < 0 || ins.op !== Op.LOOP);
  const targets = [...leaders].filter((t) => t !== 0).sort((x, y) => y - x);
  let out: string[] = [];
  // Inline caches: numbers (class or closure addresses, field indices, counts) in one
  // Float64Array, compiled functions in one array, so that the miss paths are shared helpers
  // (small generated code: V8's optimisation time grows with it) that refill them.
  // `refs`: the offsets in a site that hold heap addresses (classes, closures), which a
  // collection checks (weakCaches in helpers.ts).
  let icvCount = 0, icfCount = 0;
  const icvRefs: number[] = [];
  const site = (n: number, refs: readonly number[]) => { const j = icvCount; icvCount += n; for (const r of refs) icvRefs.push(j + r); return j; };
  const fnSite = () => icfCount++;
  const name = rt.formatter.functionName(fn) || 'script';
  // The frame slots closures capture (CLOSURE's operand pairs with isLocal set): only code
  // running during a call can write them (open upvalues), and only a frame with some has
  // upvalues to close when it returns.
  const captured = new Set<number>();
  for (const ins of insns) {
    if (ins.op !== Op.CLOSURE) continue;
    for (let at = code + ins.pc + 3; at < code + ins.pc + ins.len; at += 2) if (u8[at] !== 0) captured.add(u8[at + 1]);
  }
  const captures = captured.size > 0;
  let usesClosure = false;
  // Slots live in variables (registers.ts); only code that reads upvalues or makes closures
  // needs the frame's closure (usesClosure).
  const slots = u32[(fn + L.FN_MAX_SLOTS) >>> 2] + 1;
  const mainR = new Registers(slots, out);
  let R: Registers = mainR;
  // Outlined blocks (outlineBlocks): the block of each instruction (-1: none), the open one.
  const blockOf = outlineBlocks(rt, code, insns, depth, leaders, region, OUTLINE);
  const blocks: string[] = [];
  let block = -1, blockStart = 0, blockClosure = false;
  const mainOut = out;
  const closeBlock = (d: number) => {
    R.spill(d);
    const decl = R.declarations();
    blocks.push([`function b${blockStart}(base, fi) {`, blockClosure ? `const closure = frameClosure[fi];` : '',
      TEMPORARIES, decl, ...out, `}`].join('\n'));
    out = mainOut;
    R = mainR;
    mainR.forget();
    block = -1;
  };
  let equals = false; // an EQUAL in registers: the preamble needs equalSource()'s `eq`
  let invokes = false; // an INVOKE site: the preamble needs trivialSource()'s `trivial`
  const str = (a: number) => JSON.stringify(rt.strings.toJs(a));
  for (let i = 0; i < insns.length; i++) {
    const ins = insns[i], d = depth[i];
    if (d < 0) continue;
    if (region !== null && (ins.pc < region.from || ins.pc >= region.to)) continue;
    const { pc, op } = ins;
    const a = code + pc + 1; // operands
    const b1 = u8[a], w1 = u8[a] | (u8[a + 1] << 8);
    if (block >= 0 && blockOf[i] !== block) closeBlock(d);
    // Paths meet at a jump target with every slot on the stack (see registers.ts): the path
    // falling into it stores its changed slots as the jumps did.
    const leader = leaders.has(pc);
    if (leader) R.spill(d);
    if (leader && forward && pc !== 0) out.push(`} // J${pc}`);
    else if (leader && !straight && !forward) out.push(`case ${pc}:`);
    if (leader) R.forget();
    if (blockOf[i] >= 0 && block < 0) {
      // A block: the main code stores its slots and calls it; the block starts from the stack.
      mainR.spill(d);
      out.push(`b${pc}(base, fi);`);
      block = blockOf[i];
      blockStart = pc;
      blockClosure = false;
      out = [];
      R = new Registers(slots, out);
    }
    const S = (k: number) => `(base + ${k})`;
    const T = (k: number) => `tags[base + ${k}]`;
    const V = (k: number) => `vals[base + ${k}]`;
    const IP = `frameIp[fi] = ${code + pc + ins.len};`;
    const SP = (k: number) => `rt.sp = base + ${k};`;
    const save = (k: number) => `${SP(k)} ${IP}`;
    const cacheEntry = (index: number) => u32[(fn + L.FN_CACHE) >>> 2] + operandAt(u8, code + pc, index) * L.IC_ENTRY;
    const nameAt = (o: number) => f64[(cst(u8[a + o] | (u8[a + o + 1] << 8)) + 8) >>> 3] >>> 0;
    const target = jumpTarget(rt, code, ins);
    const isNum = (t: string) => `(${t} === ${Tag.INT} || ${t} === ${Tag.DOUBLE})`;
    const fail = (msg: string) => `{ ${IP} H.fail(${JSON.stringify(msg)}); }`;
    // A jump: inside the compiled code, or (a loop region) out to the interpreter at that offset.
    const go = (to: number) => forward ? `break J${to};` : region === null || (to >= region.from && to < region.to) ? `{ pc = ${to}; continue; }`
      : `{ ${SP(depth[at.get(to) as number])} return ${to}; }`;
    out.push(`// ${pc} ${OP_NAMES[op]} d=${d}`);
    const ret = (tag: string, val: string) => {
      out.push(`t = ${tag}; x = ${val};`);
      if (captures) out.push(`if (rt.openUpvalues !== 0) H.closeUpvalues(base);`);
      out.push(`rt.frameCount = fi; tags[base] = t; vals[base] = x; return -1;`);
    };
    // Slots in variables (registers.ts): the common instructions work on t<k>/v<k>; every other
    // one stores the changed slots first, runs its stack-based code below, and forgets.
    if (registerCase(R)) continue;
    R.spill(d);
    function registerCase(R: Registers): boolean {
      // A runtime error unwinds the frames, closing their open upvalues with what the stack
      // holds (the REPL and a reused Engine go on with the closures): the captured slots are
      // stored first. (Calls and helpers store every slot before they run anyway.)
      const fail = (msg: string) => `{ ${R.spillCode(d, captured)}${IP} H.fail(${JSON.stringify(msg)}); }`;
      /** Assigns slot k (tag and val are computed before: they may name k's old variables). */
      const set = (k: number, tag: string, val: string) => { R.prepareWrite(k); out.push(`t${k} = ${tag}; v${k} = ${val};`); R.wrote(k); };
      const constant = (k: number, c: number) => set(k, `${u32[c >>> 2]}`, num(f64[(c + 8) >>> 3]));
      /** GET_GLOBAL w1 into slot k. */
      const getGlobal = (k: number) => {
        out.push(`t = gTags[${w1}]; if (t === ${Tag.EMPTY}) ${fail(`Undefined variable '${rt.globalNames[w1]}'.`)}`);
        set(k, 't', `gVals[${w1}]`);
      };
      /**
       * After a call on the straight path (slots stored before it): its result is read back into
       * slot `slot`, the captured slots below it too (see detach); what was above it is dead.
       */
      const callResult = (slot: number, call: string) => {
        R.prepareWrite(slot);
        out.push(`${call} ${R.reload(slot)} ${R.reloadCode(slot, captured)}`);
        R.loaded(slot);
      };
      switch (op) {
        case Op.CONSTANT: constant(d, cst(w1)); return true;
        case Op.NIL: set(d, `${Tag.NIL}`, '0'); return true;
        case Op.TRUE: set(d, `${Tag.TRUE}`, '0'); return true;
        case Op.FALSE: set(d, `${Tag.FALSE}`, '0'); return true;
        case Op.POP: case Op.POPN: return true;
        case Op.GET_LOCAL: R.read(b1); R.copy(d, b1); return true;
        case Op.GET_LOCAL_LOCAL: R.read(b1); R.read(u8[a + 1]); R.copy(d, b1); R.copy(d + 1, u8[a + 1]); return true;
        case Op.GET_LOCAL_CONSTANT: R.read(b1); R.copy(d, b1); constant(d + 1, cst(u8[a + 1] | (u8[a + 2] << 8))); return true;
        case Op.SET_LOCAL: case Op.SET_LOCAL_POP: R.read(d - 1); set(b1, R.tag(d - 1), R.val(d - 1)); return true;
        case Op.GET_GLOBAL: getGlobal(d); return true;
        case Op.SET_GLOBAL: case Op.SET_GLOBAL_POP: {
          const gn = rt.globalNames[w1];
          R.read(d - 1);
          out.push(`if (gTags[${w1}] === ${Tag.EMPTY}) ${fail(`Undefined variable '${gn}'.`)}`);
          out.push(`if (gConst[${w1}] !== 0) ${fail(`Cannot assign to constant variable '${gn}'.`)}`);
          out.push(`gTags[${w1}] = ${R.tag(d - 1)}; gVals[${w1}] = ${R.val(d - 1)};`);
          return true;
        }
        case Op.EQUAL: case Op.NOT_EQUAL: case Op.EQUAL_JUMP_IF_FALSE: case Op.NOT_EQUAL_JUMP_IF_FALSE: {
          // Two strings inline (interned: identity); the rest in eq() (equalSource), which
          // compares numbers of one kind and one object twice by identity too. eq() is small enough for V8 to inline, and keeps a long run of
          // compares (string_equality's 512 per iteration) under V8's size limit for optimising.
          R.read(d - 2); R.read(d - 1);
          equals = true;
          // valuesEqual (in eq) may fail on values nested too deeply: captured slots first (see fail).
          if (captures) R.spill(d, captured);
          const tp = R.tag(d - 2), p = R.val(d - 2), tq = R.tag(d - 1), q = R.val(d - 1);
          out.push(`c = ${tp} === ${Tag.OBJ} && ${tq} === ${Tag.OBJ} && u8[${p} - 4] === ${Kind.STRING} && u8[${q} - 4] === ${Kind.STRING} ? ${p} === ${q} : eq(${tp}, ${p}, ${tq}, ${q}, fi, ${code + pc + ins.len});`);
          const neg = op === Op.NOT_EQUAL || op === Op.NOT_EQUAL_JUMP_IF_FALSE;
          if (op === Op.EQUAL || op === Op.NOT_EQUAL) set(d - 2, `c ? ${neg ? Tag.FALSE : Tag.TRUE} : ${neg ? Tag.TRUE : Tag.FALSE}`, '0');
          else { R.spill(d - 2); out.push(`if (${neg ? 'c' : '!c'}) ${go(target)}`); }
          return true;
        }
        case Op.GREATER: case Op.GREATER_EQUAL: case Op.LESS: case Op.LESS_EQUAL:
        case Op.LESS_JUMP_IF_FALSE: case Op.LESS_EQUAL_JUMP_IF_FALSE: case Op.GREATER_JUMP_IF_FALSE: case Op.GREATER_EQUAL_JUMP_IF_FALSE: {
          const rel = op === Op.GREATER || op === Op.GREATER_JUMP_IF_FALSE ? '>' : op === Op.GREATER_EQUAL || op === Op.GREATER_EQUAL_JUMP_IF_FALSE ? '>=' :
            op === Op.LESS || op === Op.LESS_JUMP_IF_FALSE ? '<' : '<=';
          R.read(d - 2); R.read(d - 1);
          out.push(`if (!${isNum(R.tag(d - 2))} || !${isNum(R.tag(d - 1))}) ${fail('Operands must be numbers.')}`);
          const test = `${R.val(d - 2)} ${rel} ${R.val(d - 1)}`;
          if (op <= Op.LESS_EQUAL) set(d - 2, `${test} ? ${Tag.TRUE} : ${Tag.FALSE}`, '0');
          else { out.push(`c = ${test};`); R.spill(d - 2); out.push(`if (!c) ${go(target)}`); }
          return true;
        }
        case Op.ADD: case Op.SUBTRACT: case Op.MULTIPLY: {
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
          out.push(`else { ${spill}${save(d)} ${slow}; ${R.reload(k)} }`);
          R.wrote(k);
          return true;
        }
        case Op.ADD_CONSTANT: case Op.SUBTRACT_CONSTANT: case Op.LOCAL_ADD_CONSTANT: case Op.LOCAL_SUBTRACT_CONSTANT: {
          // LOCAL_*: the local itself is the left operand; the result goes to a new slot d.
          const local = op === Op.LOCAL_ADD_CONSTANT || op === Op.LOCAL_SUBTRACT_CONSTANT;
          const src = local ? b1 : d - 1, k = local ? d : d - 1;
          R.read(src);
          const p = R.val(src), tp = R.tag(src), spill = R.spillCode(d);
          // The slow helper works on slot k of the stack: a LOCAL_* operand is copied there first.
          const operand = local ? `tags[base + ${k}] = ${tp}; vals[base + ${k}] = ${p}; ` : '';
          const c = cst(local ? u8[a + 1] | (u8[a + 2] << 8) : w1), tb = u32[c >>> 2], bv = num(f64[(c + 8) >>> 3]);
          const add = op === Op.ADD_CONSTANT || op === Op.LOCAL_ADD_CONSTANT, js = add ? '+' : '-';
          R.prepareWrite(k);
          out.push(`t = ${tp};`);
          if (tb === Tag.INT) out.push(`if (t === ${Tag.INT}) { t${k} = ${Tag.INT}; v${k} = (${p} ${js} ${bv}) | 0; } else if (t === ${Tag.DOUBLE}) { t${k} = ${Tag.DOUBLE}; v${k} = ${p} ${js} ${bv}; }`);
          else if (tb === Tag.DOUBLE) out.push(`if (${isNum('t')}) { t${k} = ${Tag.DOUBLE}; v${k} = ${p} ${js} ${bv}; }`);
          else out.push(`if (false) {}`);
          out.push(`else { ${spill}${operand}${save(k + 1)} H.constSlow(${S(k)}, ${add}, ${tb}, ${bv}); ${R.reload(k)} }`);
          R.wrote(k);
          return true;
        }
        case Op.DIVIDE: {
          R.read(d - 2); R.read(d - 1);
          const p = R.val(d - 2), q = R.val(d - 1), tp = R.tag(d - 2), tq = R.tag(d - 1), spill = R.spillCode(d), k = d - 2;
          R.prepareWrite(k);
          out.push(`if (!${isNum(tp)} || !${isNum(tq)}) { ${spill}${save(d)} H.arith(${ArithOp.DIV}, ${S(k)}); ${R.reload(k)} }`);
          out.push(`else { t${k} = ${Tag.DOUBLE}; v${k} = ${p} / ${q}; }`);
          R.wrote(k);
          return true;
        }
        case Op.NOT:
          R.read(d - 1);
          set(d - 1, `${R.tag(d - 1)} <= ${Tag.FALSE} ? ${Tag.TRUE} : ${Tag.FALSE}`, R.val(d - 1));
          return true;
        case Op.GET_PROPERTY: case Op.GET_LOCAL_PROPERTY: {
          const local = op === Op.GET_LOCAL_PROPERTY;
          const r = local ? d : d - 1, src = local ? b1 : d - 1;
          const nm = nameAt(local ? 1 : 0), entry = cacheEntry(local ? 2 : 1);
          const j = site(2, [0]);
          R.read(src);
          const ts = R.tag(src), vs = R.val(src), spill = R.spillCode(d);
          // The miss helper works on the stack top: a local receiver is copied there first (the
          // other form's is in slot r, which the stores of `spill` cover).
          const receiver = local ? `tags[base + ${r}] = ${ts}; vals[base + ${r}] = ${vs}; ` : '';
          R.prepareWrite(r);
          out.push(`L${pc}: {`);
          out.push(`  ${fieldRead(ts, vs, j, `t${r} = t; v${r} = f64[(s + 8) >>> 3]; break L${pc};`)}`);
          out.push(`  ${spill}${receiver}${save(r + 1)} H.getMiss(icv, ${j}, ${S(r)}, ${nm}, ${entry}); ${R.reload(r)}`);
          out.push(`}`);
          R.wrote(r);
          return true;
        }
        case Op.SET_PROPERTY: case Op.SET_PROPERTY_POP: {
          const r = d - 2, nm = nameAt(0);
          const j = site(2, [0]);
          R.read(r); R.read(r + 1);
          const tr = R.tag(r), vr = R.val(r), tx = R.tag(r + 1), vx = R.val(r + 1);
          out.push(`L${pc}: {`);
          out.push(`  ${fieldProbe(tr, vr, j, `if (s !== 0) { H.storeField(o, s, ${tx}, ${vx}); break L${pc}; }`)}`);
          out.push(`  ${R.spillCode(d)}${save(d)} H.setMiss(icv, ${j}, ${S(r)}, ${nm}, ${cacheEntry(1)});`);
          out.push(`}`);
          if (op === Op.SET_PROPERTY) set(r, tx, vx);
          return true;
        }
        // Calls. The callee cannot change this frame's slots but for those closures capture
        // (open upvalues): copies of those are detached before the call and they are read back
        // after it; the other variables stay valid across the call.
        case Op.INVOKE: case Op.GLOBAL_INVOKE: {
          // GLOBAL_INVOKE: GET_GLOBAL, then INVOKE with no arguments one slot higher (see below).
          const gi = op === Op.GLOBAL_INVOKE;
          if (gi) getGlobal(d);
          const argc = gi ? 0 : u8[a + 2], slot = gi ? d : d - 1 - argc, nm = nameAt(gi ? 2 : 0), top = gi ? d + 1 : d;
          const j = site(INVOKE_SITE_SIZE, INVOKE_SITE_REFS), k = fnSite();
          invokes = true;
          R.read(slot);
          R.detach(captured);
          const ts = R.tag(slot);
          out.push(`${IP} o = ${R.val(slot)};`);
          const hit = `${ts} === ${Tag.OBJ} && u8[o - 4] === ${Kind.INSTANCE} && u32[o >>> 2] === icv[${j}] && u32[(icv[${j}] + ${L.CLASS_FIELD_COUNT}) >>> 2] === icv[${j + 1}]`;
          const call = `if (${hit}) { if (icv[${j + 3}] === ${Trivial.NONE} || !trivial(${j}, ${S(slot)}, o, fi)) icf[${k}](icv[${j + 2}] | 0, ${S(slot)}, 0); }` +
            ` else { ${SP(top)} H.invokeMiss(icv, ${j}, icf, ${k}, ${S(slot)}, ${argc}, ${nm}); }`;
          const inline = trivialInline(j, S(slot), trivialGuess(rt, cacheEntry(2), argc));
          if (inline === null) {
            // No getter to run in place: the call, on the straight path.
            R.spill(top);
            callResult(slot, call);
          } else {
            // The getter's result stays in variables; the call (stack up to date) reloads it.
            const spill = R.spillCode(top);
            R.prepareWrite(slot);
            out.push(`if (${hit} && ${inline.test}) { t${slot} = ${inline.tag}; v${slot} = ${inline.val}; }`);
            out.push(`else { ${spill}${call} ${R.reload(slot)} ${R.reloadCode(slot, captured)}}`);
            R.wrote(slot);
          }
          R.dead(slot + 1);
          return true;
        }
        case Op.SUPER_INVOKE: {
          // Per-site cache: superclass -> method closure and its compiled code (a class's method
          // table is complete before any of its methods can run, as the interpreter's cache assumes).
          const argc = u8[a + 2], slot = d - 2 - argc;
          const j = site(2, [0, 1]), k = fnSite();
          R.read(d - 1);
          R.detach(captured);
          const superclass = R.val(d - 1);
          R.spill(d);
          callResult(slot, `${IP} if (${superclass} === icv[${j}]) icf[${k}](icv[${j + 1}] | 0, ${S(slot)}, 0);\n` +
            `else { ${SP(d)} H.superMiss(icv, ${j}, icf, ${k}, ${S(d - 1)}, ${argc}, ${nameAt(0)}); }\n`);
          R.dead(slot + 1);
          return true;
        }
        // Upvalues point into other frames' slots, which are on the stack while this frame
        // runs (every frame stores its slots before a call, and reads captured ones back after).
        case Op.GET_UPVALUE:
          usesClosure = blockClosure = true;
          out.push(`o = u32[(closure + ${L.CLOSURE_UPVALUES + b1 * 4}) >>> 2];`);
          R.prepareWrite(d);
          out.push(`if (u32[(o + ${L.UPV_CLOSED}) >>> 2] !== 0) { t${d} = u32[(o + ${L.UPV_SLOT}) >>> 2]; v${d} = f64[(o + ${L.UPV_SLOT + 8}) >>> 3]; }`);
          out.push(`else { s = u32[o >>> 2]; t${d} = tags[s]; v${d} = vals[s]; }`);
          R.wrote(d);
          return true;
        case Op.SET_UPVALUE:
          usesClosure = blockClosure = true;
          R.read(d - 1);
          out.push(`o = u32[(closure + ${L.CLOSURE_UPVALUES + b1 * 4}) >>> 2];`);
          out.push(`if (u32[(o + ${L.UPV_CLOSED}) >>> 2] !== 0) H.storeUpvalue(o, ${R.tag(d - 1)}, ${R.val(d - 1)});`);
          out.push(`else { s = u32[o >>> 2]; tags[s] = ${R.tag(d - 1)}; vals[s] = ${R.val(d - 1)}; }`);
          return true;
        case Op.CALL: {
          // Per-site cache: the callee last seen here (a closure, or a class and its init closure)
          // and the compiled code to run; a hit (after a class's new instance replaces it in its
          // slot, as the interpreter does) calls the compiled function directly, whose prologue
          // makes the interpreter's checks and pushes the frame. Every slot is stored first.
          const argc = b1, slot = d - 1 - argc;
          const j = site(2, [0, 1]), k = fnSite();
          R.read(slot);
          R.detach(captured);
          const ts = R.tag(slot);
          out.push(`${IP} o = ${R.val(slot)};`);
          R.spill(d);
          callResult(slot, `if (o === icv[${j}] && ${ts} === ${Tag.OBJ}) { g = icf[${k}]; if ((m = icv[${j + 1}]) !== 0) { ${SP(d)} H.instance(${S(slot)}, o); } else m = o; g(m | 0, ${S(slot)}, 0); }\n` +
            `else H.callMiss(icv, ${j}, icf, ${k}, ${S(slot)}, ${argc});\n`);
          R.dead(slot + 1);
          return true;
        }
        case Op.INDEX_GET: {
          // A float vector's element inline; the rest in indexGet.
          R.read(d - 2); R.read(d - 1);
          const tv = R.tag(d - 2), vv = R.val(d - 2), ti = R.tag(d - 1), vi = R.val(d - 1), spill = R.spillCode(d), k = d - 2;
          R.prepareWrite(k);
          out.push(`o = ${vv};`);
          out.push(`if (${tv} === ${Tag.OBJ} && u8[o - 4] === ${Kind.FLOAT_VECTOR} && ${ti} === ${Tag.INT} && (x = ${vi}) >= 0 && x < u32[(o + ${L.VEC_COUNT}) >>> 2]) { t${k} = ${Tag.DOUBLE}; v${k} = f64[(u32[(o + ${L.VEC_DATA}) >>> 2] >>> 3) + x]; }`);
          out.push(`else { ${spill}${save(d)} H.indexGet(${S(k)}); ${R.reload(k)} }`);
          R.wrote(k);
          return true;
        }
        case Op.INDEX_SET: {
          // A number into a float vector's element buffer inline (not a reference: no barrier).
          R.read(d - 3); R.read(d - 2); R.read(d - 1);
          const tv = R.tag(d - 3), vv = R.val(d - 3), ti = R.tag(d - 2), vi = R.val(d - 2), tx = R.tag(d - 1), vx = R.val(d - 1);
          const spill = R.spillCode(d), k = d - 3;
          R.prepareWrite(k);
          out.push(`o = ${vv}; t = ${tx};`);
          out.push(`if (${tv} === ${Tag.OBJ} && u8[o - 4] === ${Kind.FLOAT_VECTOR} && ${ti} === ${Tag.INT} && ${isNum('t')} && (x = ${vi}) >= 0 && x < u32[(o + ${L.VEC_COUNT}) >>> 2]) { f64[(u32[(o + ${L.VEC_DATA}) >>> 2] >>> 3) + x] = ${vx}; t${k} = t; v${k} = ${vx}; }`);
          out.push(`else { ${spill}${save(d)} H.indexSet(${S(k)}); ${R.reload(k)} }`);
          R.wrote(k);
          return true;
        }
        case Op.JUMP: R.spill(d); out.push(go(target)); return true;
        case Op.JUMP_IF_FALSE: case Op.JUMP_IF_TRUE:
          R.read(d - 1); R.spill(d);
          out.push(`if (${R.tag(d - 1)} ${op === Op.JUMP_IF_FALSE ? '<=' : '>'} ${Tag.FALSE}) ${go(target)}`);
          return true;
        case Op.POP_JUMP_IF_FALSE: {
          R.read(d - 1);
          const tag = R.tag(d - 1);
          R.spill(d - 1);
          out.push(`if (${tag} <= ${Tag.FALSE}) ${go(target)}`);
          return true;
        }
        // closeUpvalues copies the captured slots from the stack: they are stored first.
        case Op.RETURN: R.read(d - 1); if (captures) R.spill(d); ret(R.tag(d - 1), R.val(d - 1)); return true;
        case Op.RETURN_LOCAL: R.read(b1); if (captures) R.spill(d); ret(R.tag(b1), R.val(b1)); return true;
        case Op.RETURN_NIL: if (captures) R.spill(d); ret(`${Tag.NIL}`, '0'); return true;
        default: return false;
      }
    }
    switch (op) {
      case Op.DEFINE_GLOBAL: case Op.DEFINE_CONST_GLOBAL: {
        const g = w1;
        out.push(`if (gConst[${g}] !== 0) ${fail(`Cannot assign to constant variable '${rt.globalNames[g]}'.`)}`);
        out.push(`gTags[${g}] = ${T(d - 1)}; gVals[${g}] = ${V(d - 1)};${op === Op.DEFINE_CONST_GLOBAL ? ` gConst[${g}] = 1;` : ''}`);
        break;
      }
      case Op.RETURN_LOCAL_PROPERTY: {
        // (GET_PROPERTY and GET_LOCAL_PROPERTY are in registerCase.) The receiver is read from
        // its local slot; only the miss path (whose helper works on the stack top) copies it up.
        const nm = nameAt(1), entry = cacheEntry(2);
        const j = site(2, [0]);
        out.push(`L${pc}: {`);
        out.push(`  ${fieldRead(T(b1), V(b1), j, `${T(d)} = t; ${V(d)} = f64[(s + 8) >>> 3]; break L${pc};`)}`);
        out.push(`  ${T(d)} = ${T(b1)}; ${V(d)} = ${V(b1)}; ${save(d + 1)} H.getMiss(icv, ${j}, ${S(d)}, ${nm}, ${entry});`);
        out.push(`}`);
        ret(T(d), V(d));
        break;
      }
      case Op.GET_SUPER:
        out.push(`${IP} H.getSuper(${S(d - 1)}, ${nameAt(0)});`);
        break;
      case Op.MODULO:
        out.push(`t = ${T(d - 2)}; w = ${T(d - 1)}; x = ${V(d - 2)}; y = ${V(d - 1)};`);
        out.push(`if (t === ${Tag.INT} && w === ${Tag.INT}) { if (y === 0) ${fail('Division by zero.')} r = x % y; if (r !== 0 && (r < 0) !== (y < 0)) r += y; ${V(d - 2)} = r | 0; }`);
        out.push(`else if (${isNum('t')} && ${isNum('w')}) { r = x % y; if (r !== 0 && (r < 0) !== (y < 0)) r += y; ${T(d - 2)} = ${Tag.DOUBLE}; ${V(d - 2)} = r; }`);
        out.push(`else ${fail('Operands must be numbers.')}`);
        break;
      case Op.POWER:
        out.push(`t = ${T(d - 2)}; w = ${T(d - 1)};`);
        out.push(`if (!${isNum('t')} || !${isNum('w')}) ${fail('Operands must be numbers.')}`);
        out.push(`${T(d - 2)} = ${Tag.DOUBLE}; ${V(d - 2)} = Math.pow(${V(d - 2)}, ${V(d - 1)});`);
        break;
      case Op.NEGATE:
        out.push(`t = ${T(d - 1)};`);
        out.push(`if (t === ${Tag.INT}) ${V(d - 1)} = -${V(d - 1)} | 0; else if (t === ${Tag.DOUBLE}) ${V(d - 1)} = -${V(d - 1)};`);
        out.push(`else if (t === ${Tag.OBJ} && u8[${V(d - 1)} - 4] === ${Kind.COMPLEX}) { ${save(d)} H.negateComplex(${S(d - 1)}); }`);
        out.push(`else ${fail('Operand must be a number.')}`);
        break;
      case Op.PRINT:
        out.push(`${IP} H.print(${S(d - 1)});`);
        break;
      case Op.LOOP:
        out.push(`if (interrupt[0] !== 0) { frameIp[fi] = ${code + target}; throw H.interrupted(); }`);
        // A loop compiled alone returns after each iteration (see compileLoop).
        out.push(region !== null && target === region.from ? `{ ${SP(depth[at.get(target) as number])} return ${-2 - target}; }` : go(target));
        break;
      case Op.CLOSURE: {
        usesClosure = blockClosure = true;
        const proto = nameAt(0);
        out.push(`frameIp[fi] = ${code + pc + 3}; H.closure(${S(d)}, ${proto}, ${code + pc + 3}, base, closure);`);
        break;
      }
      case Op.CLOSE_UPVALUE:
        out.push(`H.closeUpvalues(${S(d - 1)});`);
        break;
      case Op.CLASS:
        out.push(`${IP} H.classObject(${S(d)}, ${nameAt(0)});`);
        break;
      case Op.INHERIT:
        out.push(`${IP} H.inherit(${S(d - 2)});`);
        break;
      case Op.METHOD:
        out.push(`${IP} H.method(${S(d - 2)}, ${nameAt(0)});`);
        break;
      case Op.SLICE:
        out.push(`${save(d)} H.slice(${S(d - 3)});`);
        break;
      case Op.FOREACH_NEXT:
        out.push(`${SP(d)} frameIp[fi] = ${code + pc + 1}; if (!H.foreachNext(${S(b1)}, ${S(d)})) ${go(target)}`);
        break;
      case Op.BUILD_VECTOR:
        out.push(`${save(d)} H.buildVector(${S(d - w1)}, ${w1});`);
        break;
      case Op.BUILD_MATRIX: {
        const rows = w1, cols = u8[a + 2] | (u8[a + 3] << 8);
        out.push(`${save(d)} H.buildMatrix(${S(d - rows * cols)}, ${rows}, ${cols});`);
        break;
      }
      case Op.BUILD_HASH:
        out.push(`${save(d)} H.buildHash(${S(d - 2 * w1)}, ${w1});`);
        break;
      case Op.BUILD_STRING:
        out.push(`${save(d)} H.buildString(${S(d - w1)}, ${w1});`);
        break;
      case Op.RANGE: case Op.RANGE_INCLUSIVE:
        out.push(`${save(d)} H.buildRange(${S(d - 2)}, ${op === Op.RANGE_INCLUSIVE});`);
        break;
      case Op.IN_RANGE: case Op.IN_RANGE_INCLUSIVE:
        out.push(`if (${T(d - 2)} !== ${Tag.INT} || ${T(d - 1)} !== ${Tag.INT}) ${fail('Range operands must be integers.')}`);
        out.push(`t = ${T(d - 3)};`);
        out.push(`${T(d - 3)} = ${isNum('t')} && H.inRange(${V(d - 2)}, ${V(d - 1)}, ${op === Op.IN_RANGE_INCLUSIVE}, ${V(d - 3)}) ? ${Tag.TRUE} : ${Tag.FALSE};`);
        break;
      case Op.PAIR:
        out.push(`${save(d)} H.pair(${S(d - 2)});`);
        break;
      case Op.IMAGINARY:
        out.push(`${save(d)} H.imaginary(${S(d - 1)});`);
        break;
      default:
        return null;
    }
    R.forget();
  }

  if (block >= 0) throw new Error('tier: a block runs to the end of the code');
  const fname = `mufi_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const body = out.join('\n');
  return [
    `'use strict';`,
    `// ${name}: compiled from ${codeLen} bytes of bytecode at ${code}`,
    `const tags = rt.stackTags, vals = rt.stackVals, u8 = rt.u8, u32 = rt.u32, f64 = rt.f64;`,
    `const gTags = rt.globalTags, gVals = rt.globalVals, gConst = rt.globalConst;`,
    `const frameClosure = rt.frameClosure, frameIp = rt.frameIp, frameBase = rt.frameBase, interrupt = rt.interrupt;`,
    `/** The address of field slot ix of instance o, or 0 when it has no room for it (field-slots.ts). */`,
    `function field(o, ix) { let n = 0; return ${fieldSlotSource('o', 'ix', 'n')}; }`,
    // maxFrames: the true frame limit, which a trivial method's inline run checks as its call would (trivial-calls.ts).
    `const tierFrames = T.frames, maxFrames = rt.maxFrames, capacity = rt.stackCapacity;`,
    invokes ? trivialSource() : '',
    ...blocks,
    equals ? equalSource() : '',
    `// Inline caches (class or closure address, field index or count, method, compiled code), emptied by a collection that frees one of their objects.`,
    `const icv = new Float64Array(${Math.max(icvCount, 1)}), icf = new Array(${icfCount}).fill(H.uncompiled);`,
    icvCount > 0 ? `const icvRefs = new Int32Array([${icvRefs.join(', ')}]);` : '',
    icvCount > 0 ? `T.caches.push((isLive) => H.weakCaches(icv, icf, icvRefs, isLive));` : '',
    `return function ${fname}(callee, base, pc) {`,
    `let fi = rt.frameCount;`,
    `if (callee !== 0) {`,
    `  // A call (every caller but an on-stack entry at a loop header): the interpreter's checks (arity matched by the caller), then the frame;`,
    `  // in a frame beyond T.frames (the host-stack bound, or --max-frames: then Stack overflow.) callSlow runs the interpreter's call.`,
    `  // (callee is the closure's address | 0, an int32 like the 0 of the other callers: V8 keeps one representation.)`,
    `  if (fi >= tierFrames || interrupt[0] !== 0 || base + ${u32[(fn + L.FN_MAX_SLOTS) >>> 2] + 1} >= capacity) return H.callSlow(callee >>> 0, base);`,
    `  frameClosure[fi] = callee; frameBase[fi] = base; rt.frameCount = fi + 1;`,
    `} else fi--;`,
    usesClosure ? `const closure = frameClosure[fi];` : '',
    TEMPORARIES,
    mainR.declarations(),
    ...(straight ? [body] : forward ? [targets.map((t) => `J${t}: {`).join(' '), body] : [`for (;;) switch (pc) {`, body, `default: throw new Error('tier: no entry at ' + pc);`, `}`]),
    `};`,
  ].join('\n');
}

/**
 * `==` of two values, as the interpreter's EQUAL: identity for numbers of one kind, for interned
 * strings and for one object twice; everything else (mixed int and double, other objects) in
 * valuesEqual, which may fail (values nested too deeply): the frame's ip is saved first.
 */
function equalSource(): string {
  return [
    `function eq(t, p, w, q, fi, ip) {`,
    `  if (t === w && (t === ${Tag.INT} || t === ${Tag.DOUBLE})) return p === q;`,
    `  if (t === ${Tag.OBJ} && w === ${Tag.OBJ} && (p === q || (u8[p - 4] === ${Kind.STRING} && u8[q - 4] === ${Kind.STRING}))) return p === q;`,
    `  frameIp[fi] = ip; return H.valuesEqual(t, p, w, q);`,
    `}`,
  ].join('\n');
}

/**
 * Source of a property site's cache probe: when the value (tag, val) is an instance of the class
 * site j cached, `then` runs with `o` the instance and `s` the address of the cached field's slot
 * (field-slots.ts; 0 when the instance has no room for it).
 */
function fieldProbe(tag: string, val: string, j: number, then: string): string {
  return `if (${tag} === ${Tag.OBJ}) { o = ${val}; if (u8[o - 4] === ${Kind.INSTANCE} && u32[o >>> 2] === icv[${j}]) { s = field(o, icv[${j + 1}]); ${then} } }`;
}

/** fieldProbe for a read: `then` runs when the field is set, with its tag in `t`. */
function fieldRead(tag: string, val: string, j: number, then: string): string {
  return fieldProbe(tag, val, j, `if (s !== 0 && (t = u32[s >>> 2]) !== ${Tag.EMPTY}) { ${then} }`);
}

/**
 * When outlineBlocks splits code: code longer than `above` bytes of bytecode has its straight
 * runs of `min` bytes or more outlined (shorter runs stay inline: the call and the stores around
 * it would cost more than they save), in blocks of at most `bytes` bytes, or of the code's
 * length / `blocks` when that is more.
 */
interface Outlining { above: number; bytes: number; min: number; blocks: number; }

/**
 * Short blocks, but not too many: at least an eighth of the code each, so straight-line code
 * makes at most about eight (code with many jump targets makes more, one or more per straight
 * run between them). V8 optimises a small function soon after its first calls, and its time to
 * optimise grows faster than the function: method_call's loop (180 bytes, twenty method calls)
 * runs in five 40-byte blocks, 0.70 -> 0.48 s of wall time with the first-call
 * compilation above (median of 5 runs; zoo 0.62 -> 0.48, string_build 0.79 -> 0.70, invocation
 * 0.56 -> 0.41, fib and properties unchanged). Without the cap on their number, string_equality's
 * 2.5 KB loop became 60 blocks, each optimised by V8 in turn: 0.50 -> 1.08 s; with blocks of
 * at least 313 bytes (ten blocks) 0.49 s. (Before the registers and first-call compilation: blocks of 512
 * bytes above 1000 bytes of code.) The same blocks in every mode: the differential tests
 * (--tier=js) run the boundaries --tier=auto runs.
 */
const OUTLINE: Outlining = { above: 64, bytes: 40, min: 4, blocks: 8 };

/**
 * Splits long code into blocks. A function whose bytecode passes 60 KB is never optimised by V8
 * (string_equality's 2.5 KB loop), and its time to optimise a function grows faster than the
 * function. Each straight run of instructions (no jump into it but at its first instruction, no
 * jump, return or loop in it) of at most the block size (Outlining) becomes a function `b<pc>(base, fi)`
 * declared beside the compiled function, which calls it in its place: V8 optimises the blocks
 * one by one. A block starts and ends with every slot on the stack (registers.ts: the caller
 * stores its changed slots before the call and reads them again after). Returns each
 * instruction's block number, or -1.
 */
function outlineBlocks(rt: Runtime, code: number, insns: Insn[], depth: Int32Array, leaders: Set<number>, region: Region | null, outlining: Outlining): Int32Array {
  const blockOf = new Int32Array(insns.length).fill(-1);
  let total = 0;
  for (let i = 0; i < insns.length; i++) {
    if (depth[i] >= 0 && (region === null || (insns[i].pc >= region.from && insns[i].pc < region.to))) total += insns[i].len;
  }
  if (total <= outlining.above) return blockOf;
  const most = Math.max(outlining.bytes, Math.ceil(total / outlining.blocks));
  let blocks = 0, run: number[] = [], bytes = 0;
  const flush = () => {
    if (bytes >= outlining.min) { for (const i of run) blockOf[i] = blocks; blocks++; }
    run = [];
    bytes = 0;
  };
  for (let i = 0; i < insns.length; i++) {
    const ins = insns[i];
    if (depth[i] < 0 || (region !== null && (ins.pc < region.from || ins.pc >= region.to))) continue;
    const outlinable = jumpTarget(rt, code, ins) < 0 && !isReturnOp(ins.op) && ins.op !== Op.FOREACH_NEXT;
    if (!outlinable || leaders.has(ins.pc) || bytes + ins.len > most) flush();
    if (!outlinable) continue;
    run.push(i);
    bytes += ins.len;
  }
  flush();
  return blockOf;
}
