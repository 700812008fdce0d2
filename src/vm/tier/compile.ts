import { Op, OP_FACTS, instructionLength, isReturnOp } from '../../compiler/opcodes';
import type { Runtime } from '../runtime';
import { Tag } from '../value';
import { Kind } from '../kinds';
import { L } from '../layout';
import { Helpers } from './helpers';
import { trivialSource } from './trivial-calls';
import { fieldSlotSource } from '../field-slots';
import { Trivial, trivialKind } from '../trivial';
import { CompiledFn, TIER_COMPILED, TIER_LOOPS, TIER_NEVER, AUTO_HOT } from './state';
import { Flow, Insn, Region, analyse, jumpTarget } from './flow';
import { Dispatch, Emitter, TEMPORARIES } from './emitter';

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

/**
 * The generated factory source for function object `fn` (or for its loop `region`), or null
 * when the tier cannot compile it. The phases: the bytecode's control flow (flow.ts), how jumps
 * dispatch, which straight runs are outlined, the code of each instruction (emitter.ts), then
 * the factory around it.
 */
export function generate(rt: Runtime, fn: number, region: Region | null = null): string | null {
  const flow = analyse(rt, fn);
  if (flow === null) return null;
  const dispatch = dispatchOf(flow, region);
  const code = rt.u32[(fn + L.FN_CODE) >>> 2];
  const blockOf = outlineBlocks(rt, code, flow.insns, flow.depth, flow.leaders, region, OUTLINE);
  const emitter = new Emitter(rt, fn, flow, region, dispatch, blockOf);
  if (!emitter.emitInstructions()) return null;
  return factorySource(rt, fn, flow, dispatch, emitter);
}

/**
 * Code without jumps (most methods) needs no dispatch loop: V8 compiles (and inlines) a
 * straight-line function faster than a one-case `for (;;) switch`.
 * Code whose jumps all go forward (no loop: most functions with an `if`) is entered only at 0
 * and needs no dispatch loop either: each jump target t closes a labelled block `J<t>` opened
 * at the top, and a jump to t is `break J<t>`. V8 then optimises it as loop-free code (fib:
 * see docs/performance.md) instead of a `for (;;) switch` it may enter by OSR.
 */
function dispatchOf(flow: Flow, region: Region | null): Dispatch {
  const { insns, depth, leaders } = flow;
  const straight = region === null && leaders.size === 1;
  const forward = region === null && !straight && insns.every((ins, i) => depth[i] < 0 || ins.op !== Op.LOOP);
  return { straight, forward };
}

/**
 * The factory's source (run by instantiate): the constants the code reads, the helpers it
 * needs, the outlined blocks and the inline caches, then the compiled function: its entry
 * (a call pushes the frame), its variables, and the emitted body in its dispatch.
 */
function factorySource(rt: Runtime, fn: number, flow: Flow, dispatch: Dispatch, e: Emitter): string {
  const u32 = rt.u32;
  const code = u32[(fn + L.FN_CODE) >>> 2];
  const codeLen = u32[(fn + L.FN_CODE_LEN) >>> 2];
  const name = rt.formatter.functionName(fn) || 'script';
  const fname = `mufi_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
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
    e.invokes ? trivialSource() : '',
    ...e.blocks,
    e.equals ? equalSource() : '',
    `// Inline caches (class or closure address, field index or count, method, compiled code), emptied by a collection that frees one of their objects.`,
    `const icv = new Float64Array(${Math.max(e.icvCount, 1)}), icf = new Array(${e.icfCount}).fill(H.uncompiled);`,
    e.icvCount > 0 ? `const icvRefs = new Int32Array([${e.icvRefs.join(', ')}]);` : '',
    e.icvCount > 0 ? `T.caches.push((isLive) => H.weakCaches(icv, icf, icvRefs, isLive));` : '',
    `return function ${fname}(callee, base, pc) {`,
    `let fi = rt.frameCount;`,
    `if (callee !== 0) {`,
    `  // A call (every caller but an on-stack entry at a loop header): the interpreter's checks (arity matched by the caller), then the frame;`,
    `  // in a frame beyond T.frames (the host-stack bound, or --max-frames: then Stack overflow.) callSlow runs the interpreter's call.`,
    `  // (callee is the closure's address | 0, an int32 like the 0 of the other callers: V8 keeps one representation.)`,
    `  if (fi >= tierFrames || interrupt[0] !== 0 || base + ${u32[(fn + L.FN_MAX_SLOTS) >>> 2] + 1} >= capacity) return H.callSlow(callee >>> 0, base);`,
    `  frameClosure[fi] = callee; frameBase[fi] = base; rt.frameCount = fi + 1;`,
    `} else fi--;`,
    e.usesClosure ? `const closure = frameClosure[fi];` : '',
    TEMPORARIES,
    e.mainR.declarations(),
    ...dispatchBody(flow, dispatch, e.body()),
    `};`,
  ].join('\n');
}

/** The emitted body inside its dispatch (dispatchOf): as is, in labelled blocks `J<t>`, or in `for (;;) switch (pc)`. */
function dispatchBody(flow: Flow, dispatch: Dispatch, body: string): string[] {
  if (dispatch.straight) return [body];
  const targets = [...flow.leaders].filter((t) => t !== 0).sort((x, y) => y - x);
  if (dispatch.forward) return [targets.map((t) => `J${t}: {`).join(' '), body];
  return [`for (;;) switch (pc) {`, body, `default: throw new Error('tier: no entry at ' + pc);`, `}`];
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
