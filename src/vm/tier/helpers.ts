import type { Runtime } from '../runtime';
import { Tag } from '../value';
import { Kind } from '../kinds';
import { L } from '../layout';
import { RuntimeError } from '../errors';
import { execute, getProperty, setProperty, interrupted } from '../interpreter';
import { captureUpvalue, closeUpvalues } from '../upvalues';
import { valuesEqual, inRange } from '../operators';
import { objectArithmetic, negateComplex, ArithOp, constantArithmeticSlow } from '../arith';
import { indexGet, indexSet, slice } from '../indexing';
import { foreachNext } from '../iteration';
import { buildVector, buildMatrix, buildHash, buildString, buildRange } from '../literals';
import { TIER_COMPILED, CompiledFn, enterCompiled } from './state';
import { storeField, storeUpvalue } from './stores';
import { fillTrivial, slowEntry } from './trivial-calls';
import { Trivial } from '../trivial';

/**
 * The runtime side of compiled code: what is too long or too rare to inline. Each helper does
 * exactly what the interpreter's case for the same opcode does (same checks in the same order,
 * same error texts), on absolute stack slots. The generated code has already saved rt.sp and the
 * frame's ip wherever a helper may allocate or throw.
 */
export function makeHelpers(rt: Runtime) {
  const tags = rt.stackTags, vals = rt.stackVals, u8 = rt.u8, u32 = rt.u32, f64 = rt.f64;
  const frameClosure = rt.frameClosure, frameIp = rt.frameIp, frameBase = rt.frameBase;
  const tables = rt.tables, objects = rt.objects, tier = rt.tier, interrupt = rt.interrupt;

  /** A closure call: the interpreter's arity, interrupt and depth checks, then a new frame. */
  function callClosure(callee: number, slot: number, argc: number): void {
    const fn = u32[(callee + L.CLOSURE_FN) >>> 2];
    const arity = u32[(fn + L.FN_ARITY) >>> 2];
    if (argc !== arity) throw new RuntimeError(`Expected ${arity} arguments but got ${argc}.`);
    const fc = rt.frameCount;
    if (interrupt[0] !== 0) throw interrupted(interrupt);
    if (fc >= rt.maxFrames || slot + u32[(fn + L.FN_MAX_SLOTS) >>> 2] + 1 >= rt.stackCapacity) {
      throw new RuntimeError('Stack overflow.');
    }
    rt.sp = slot + argc + 1; // an interpreted callee starts from rt.sp
    const code = tier.codeForCall(fn, u32[(fn + L.FN_TIER) >>> 2], fc);
    // Compiled code pushes its frame in its prologue (every call enters compiled code one way).
    if (code !== null) { enterCompiled(code, callee | 0, slot, 0); return; }
    frameClosure[fc] = callee;
    frameBase[fc] = slot;
    rt.frameCount = fc + 1;
    frameIp[fc] = u32[(fn + L.FN_CODE) >>> 2];
    execute(rt, fc);
  }

  /** Calls the object `callee` with the callee slot `slot` and argc arguments above it. */
  function dispatch(callee: number, slot: number, argc: number): void {
    let kind = u8[callee - 4];
    if (kind === Kind.BOUND_METHOD) {
      tags[slot] = u32[(callee + L.BOUND_RECEIVER) >>> 2];
      vals[slot] = f64[(callee + L.BOUND_RECEIVER + 8) >>> 3];
      callee = u32[(callee + L.BOUND_METHOD) >>> 2];
      kind = Kind.CLOSURE;
    } else if (kind === Kind.CLASS) {
      rt.sp = slot + argc + 1;
      const inst = objects.instance(callee);
      tags[slot] = Tag.OBJ;
      vals[slot] = inst;
      const init = u32[(callee + L.CLASS_INIT) >>> 2];
      if (init === 0) {
        if (argc !== 0) throw new RuntimeError(`Expected 0 arguments but got ${argc}.`);
        return;
      }
      callee = init;
      kind = Kind.CLOSURE;
    }
    if (kind === Kind.CLOSURE) return callClosure(callee, slot, argc);
    if (kind === Kind.NATIVE) {
      rt.sp = slot + argc + 1;
      rt.resultTag = Tag.NIL;
      rt.natives[u32[(callee + L.NATIVE_ID) >>> 2]](rt, slot + 1, argc);
      tags[slot] = rt.resultTag;
      vals[slot] = rt.resultVal;
      return;
    }
    throw new RuntimeError('Can only call functions and classes.');
  }

  /** CALL */
  function call(slot: number, argc: number): void {
    if (tags[slot] !== Tag.OBJ) throw new RuntimeError('Can only call functions and classes.');
    dispatch(vals[slot] >>> 0, slot, argc);
  }

  /** INVOKE: a field holding a callable wins over a method of the same name. */
  function invoke(slot: number, argc: number, name: number): void {
    if (tags[slot] !== Tag.OBJ || u8[vals[slot] - 4] !== Kind.INSTANCE) throw new RuntimeError('Only instances have methods.');
    const inst = vals[slot] >>> 0;
    const klass = u32[(inst + L.INST_CLASS) >>> 2];
    const fe = tables.find(klass + L.CLASS_FIELDS, name);
    const fs = fe === 0 ? 0 : objects.fieldSlotForRead(inst, f64[(fe + 8) >>> 3] >>> 0);
    let callee: number;
    if (fs !== 0 && u32[fs >>> 2] !== Tag.EMPTY) {
      tags[slot] = u32[fs >>> 2];
      vals[slot] = f64[(fs + 8) >>> 3];
      if (tags[slot] !== Tag.OBJ) throw new RuntimeError('Can only call functions and classes.');
      callee = vals[slot] >>> 0;
    } else {
      const me = tables.find(klass + L.CLASS_METHODS, name);
      if (me === 0) throw new RuntimeError(`Undefined method '${rt.strings.toJs(name)}'.`);
      callee = f64[(me + 8) >>> 3] >>> 0;
    }
    dispatch(callee, slot, argc);
  }

  /**
   * For an invoke cache: the method closure `name` of the instance in `slot` when its class has
   * no field of that name (so the method is what a call finds), else 0.
   */
  function methodFor(slot: number, name: number): number {
    if (tags[slot] !== Tag.OBJ || u8[vals[slot] - 4] !== Kind.INSTANCE) return 0;
    const klass = u32[(vals[slot] + L.INST_CLASS) >>> 2];
    if (tables.find(klass + L.CLASS_FIELDS, name) !== 0) return 0;
    const me = tables.find(klass + L.CLASS_METHODS, name);
    return me === 0 ? 0 : f64[(me + 8) >>> 3] >>> 0;
  }

  /** SUPER_INVOKE: the superclass is in slot `top`, the receiver and arguments below it. */
  function superInvoke(top: number, argc: number, name: number): void {
    const superclass = vals[top] >>> 0;
    const me = tables.find(superclass + L.CLASS_METHODS, name);
    if (me === 0) throw new RuntimeError(`Undefined method '${rt.strings.toJs(name)}'.`);
    dispatch(f64[(me + 8) >>> 3] >>> 0, top - argc - 1, argc);
  }

  /** For property caches: the layout index of field `name` in the class of the instance in `slot`, or -1. */
  function fieldIndex(slot: number, name: number): number {
    if (tags[slot] !== Tag.OBJ || u8[vals[slot] - 4] !== Kind.INSTANCE) return -1;
    const fe = tables.find(u32[(vals[slot] + L.INST_CLASS) >>> 2] + L.CLASS_FIELDS, name);
    return fe === 0 ? -1 : f64[(fe + 8) >>> 3] >>> 0;
  }

  /** GET_SUPER: the superclass in slot `top`, the receiver below it. */
  function getSuper(top: number, name: number): void {
    const superclass = vals[top] >>> 0;
    const me = tables.find(superclass + L.CLASS_METHODS, name);
    if (me === 0) throw new RuntimeError(`Undefined property '${rt.strings.toJs(name)}'.`);
    rt.sp = top;
    const bound = objects.boundMethod(tags[top - 1], vals[top - 1], f64[(me + 8) >>> 3] >>> 0);
    tags[top - 1] = Tag.OBJ;
    vals[top - 1] = bound;
  }

  /** `a + b` of two strings (both rooted by the caller): the interned concatenation. */
  function concat(a: number, b: number): number {
    return rt.strings.concat(a >>> 0, b >>> 0);
  }

  /** ADD when the operands in slots i, i+1 are not two numbers. */
  function addSlow(i: number): void {
    if (tags[i] === Tag.OBJ && tags[i + 1] === Tag.OBJ && u8[vals[i] - 4] === Kind.STRING && u8[vals[i + 1] - 4] === Kind.STRING) {
      vals[i] = concat(vals[i], vals[i + 1]);
    } else {
      objectArithmetic(rt, ArithOp.ADD, i);
    }
  }

  /** ADD_CONSTANT / SUBTRACT_CONSTANT when the operand in slot i and the constant are not two numbers. */
  function constSlow(i: number, add: boolean, tb: number, b: number): void {
    constantArithmeticSlow(rt, i, add, tb, b);
  }

  function arith(op: number, i: number): void {
    objectArithmetic(rt, op as ArithOp, i);
  }

  function fail(message: string): never {
    throw new RuntimeError(message);
  }

  /** CLOSURE: operands at `ip` (the bytes after the function constant); the new closure goes to slot `top`. */
  function closure(top: number, proto: number, ip: number, base: number, enclosing: number): void {
    rt.sp = top;
    const c = objects.closure(proto);
    tags[top] = Tag.OBJ;
    vals[top] = c;
    rt.sp = top + 1; // the new closure is rooted while its upvalues are captured
    const n = u32[(proto + L.FN_UPVALUES) >>> 2];
    for (let i = 0; i < n; i++) {
      const isLocal = u8[ip++];
      const index = u8[ip++];
      const upv = isLocal !== 0 ? captureUpvalue(rt, base + index) : u32[(enclosing + L.CLOSURE_UPVALUES + index * 4) >>> 2];
      rt.gc.writeRef(c, c + L.CLOSURE_UPVALUES + i * 4, upv); // as the interpreter does
    }
  }

  function classObject(top: number, name: number): void {
    rt.sp = top;
    const k = objects.classObject(name);
    tags[top] = Tag.OBJ;
    vals[top] = k;
  }

  /** INHERIT: superclass in slot i, subclass in i + 1. */
  function inherit(i: number): void {
    const superclass = vals[i] >>> 0;
    if (tags[i] !== Tag.OBJ || u8[superclass - 4] !== Kind.CLASS) throw new RuntimeError('Superclass must be a class.');
    const sub = vals[i + 1] >>> 0;
    rt.sp = i + 2;
    tables.copyAll(superclass + L.CLASS_METHODS, sub, sub + L.CLASS_METHODS);
    rt.gc.writeRef(sub, sub + L.CLASS_INIT, u32[(superclass + L.CLASS_INIT) >>> 2]);
  }

  /** METHOD: class in slot i, closure in i + 1. */
  function method(i: number, name: number): void {
    const klass = vals[i] >>> 0;
    const m = vals[i + 1];
    rt.sp = i + 2;
    tables.set(klass, klass + L.CLASS_METHODS, name, Tag.OBJ, m);
    if (name === rt.initString) rt.gc.writeRef(klass, klass + L.CLASS_INIT, m);
  }

  function print(i: number): void {
    rt.write(rt.formatter.text(tags[i], vals[i]) + '\n');
  }

  function pair(i: number): void {
    const p = objects.pair(tags[i], vals[i], tags[i + 1], vals[i + 1]);
    tags[i] = Tag.OBJ;
    vals[i] = p;
  }

  function imaginary(i: number): void {
    const t = tags[i];
    if (t !== Tag.INT && t !== Tag.DOUBLE) throw new RuntimeError('Operand must be a number.');
    vals[i] = objects.complex(0, vals[i]);
    tags[i] = Tag.OBJ;
  }

  /** For call caches: the compiled code of closure `c` when it is compiled and takes argc arguments, else null. */
  function compiledFor(c: number, argc: number): CompiledFn | null {
    if (u8[c - 4] !== Kind.CLOSURE) return null;
    const fn = u32[(c + L.CLOSURE_FN) >>> 2];
    const w = u32[(fn + L.FN_TIER) >>> 2];
    if (w < TIER_COMPILED || u32[(fn + L.FN_ARITY) >>> 2] !== argc) return null;
    return tier.fns[w - TIER_COMPILED];
  }

  /**
   * A cached call whose compiled callee's entry checks failed: the full call (interrupt,
   * stack overflow, or too deep on the host stack: then the callee is interpreted).
   */
  function callSlow(callee: number, slot: number): void {
    callClosure(callee, slot, u32[(u32[(callee + L.CLOSURE_FN) >>> 2] + L.FN_ARITY) >>> 2]);
  }

  /** The call-cache entry of a trivial method that is not compiled (trivial-calls.ts). */
  const slowCall = slowEntry(callSlow);

  // --- Miss paths of the generated code's inline caches (see compile.ts): each refills the
  // site's entries in `icv` (numbers) / `icf` (compiled functions), then does the slow work.

  /** GET_PROPERTY miss: icv[j] = class, icv[j+1] = field index. */
  function getMiss(icv: Float64Array, j: number, r: number, name: number, entry: number): void {
    const x = fieldIndex(r, name);
    if (x >= 0) { icv[j] = u32[vals[r] >>> 2]; icv[j + 1] = x; }
    getProperty(rt, r, name, entry);
  }

  /** SET_PROPERTY miss: the store first (it may create the field), then the cache. */
  function setMiss(icv: Float64Array, j: number, r: number, name: number, entry: number): void {
    setProperty(rt, r, name, entry);
    const x = fieldIndex(r, name);
    if (x >= 0) { icv[j] = u32[vals[r] >>> 2]; icv[j + 1] = x; }
  }

  /**
   * CALL miss: icv[j] = the callee, icv[j+1] = 0 for a closure or the init closure of a class,
   * icf[k] = the compiled code of the closure (or init) to run (cached only once compiled).
   */
  function callMiss(icv: Float64Array, j: number, icf: CompiledFn[], k: number, slot: number, argc: number): void {
    if (tags[slot] === Tag.OBJ) {
      const o = vals[slot] >>> 0;
      const init = u8[o - 4] === Kind.CLASS ? u32[(o + L.CLASS_INIT) >>> 2] : 0;
      const f = init !== 0 ? compiledFor(init, argc) : compiledFor(o, argc);
      if (f !== null) { icv[j] = o; icv[j + 1] = init; icf[k] = f; }
    }
    call(slot, argc);
  }

  /** A cached call of class `klass` (slot = the callee slot, rt.sp above the arguments): its new instance replaces it, as in dispatch. */
  function instance(slot: number, klass: number): void {
    const inst = objects.instance(klass >>> 0);
    tags[slot] = Tag.OBJ;
    vals[slot] = inst;
  }

  /**
   * INVOKE miss: icv[j] = receiver class, icv[j+1] = its field count, icv[j+2] = method closure,
   * icf[k] = its code (filled once the method is compiled, or at once for a trivial method:
   * then icv[j+3..] say what it does, see trivial-calls.ts, and icf[k] is its full call until compiled).
   */
  function invokeMiss(icv: Float64Array, j: number, icf: CompiledFn[], k: number, slot: number, argc: number, name: number): void {
    const m = methodFor(slot, name);
    if (m === 0) return invoke(slot, argc, name);
    const f = compiledFor(m, argc);
    const klass = u32[vals[slot] >>> 2];
    if (fillTrivial(rt, icv, j, m, argc, klass) !== Trivial.NONE || f !== null) {
      icv[j] = klass; icv[j + 1] = u32[(klass + L.CLASS_FIELD_COUNT) >>> 2]; icv[j + 2] = m; icf[k] = f !== null ? f : slowCall;
    }
    callClosure(m, slot, argc);
  }

  /** SUPER_INVOKE miss: icv[j] = superclass, icv[j+1] = method closure, icf[k] = its code (once compiled). */
  function superMiss(icv: Float64Array, j: number, icf: CompiledFn[], k: number, top: number, argc: number, name: number): void {
    const superclass = vals[top] >>> 0;
    const me = tables.find(superclass + L.CLASS_METHODS, name);
    if (me !== 0) {
      const m = f64[(me + 8) >>> 3] >>> 0;
      const f = compiledFor(m, argc);
      if (f !== null) { icv[j] = superclass; icv[j + 1] = m; icf[k] = f; }
    }
    superInvoke(top, argc, name);
  }

  /** What an empty call-cache entry holds (never called: its key matches no object). */
  /**
   * A compiled function's caches at a collection: emptied when one of the objects they hold (at
   * the offsets `refs`) is garbage, kept otherwise. Every other entry of a site (field indices,
   * counts, a trivial method's constant) belongs to an object at one of those offsets, and a
   * live object's address is not reused, so kept entries stay right.
   */
  function weakCaches(icv: Float64Array, icf: CompiledFn[], refs: Int32Array, isLive: (a: number) => boolean): void {
    for (let i = 0; i < refs.length; i++) {
      const a = icv[refs[i]];
      if (a !== 0 && !isLive(a)) { icv.fill(0); (icf as unknown[]).fill(uncompiled); return; }
    }
  }

  function uncompiled(): void {
    throw new Error('tier: empty call cache entry');
  }

  return {
    RuntimeError, compiledFor, getMiss, setMiss, callMiss, instance, invokeMiss, superMiss, uncompiled, weakCaches, callSlow, interrupted: () => interrupted(interrupt), fail,
    call, invoke, methodFor, superInvoke, callClosure, getSuper, fieldIndex,
    getProperty: (r: number, name: number, entry: number) => getProperty(rt, r, name, entry),
    setProperty: (r: number, name: number, entry: number) => setProperty(rt, r, name, entry),
    storeField: (o: number, slot: number, t: number, v: number) => storeField(rt, o, slot, t, v),
    storeUpvalue: (u: number, t: number, v: number) => storeUpvalue(rt, u, t, v),
    closeUpvalues: (last: number) => closeUpvalues(rt, last),
    valuesEqual: (ta: number, a: number, tb: number, b: number) => valuesEqual(rt, ta, a, tb, b),
    addSlow, concat, constSlow, arith, inRange,
    negateComplex: (i: number) => negateComplex(rt, i),
    indexGet: (i: number) => indexGet(rt, i),
    indexSet: (i: number) => indexSet(rt, i),
    slice: (i: number) => slice(rt, i),
    foreachNext: (seq: number, out: number) => foreachNext(rt, seq, out),
    buildVector: (i: number, n: number) => buildVector(rt, i, n),
    buildMatrix: (i: number, r: number, c: number) => buildMatrix(rt, i, r, c),
    buildHash: (i: number, n: number) => buildHash(rt, i, n),
    buildString: (i: number, n: number) => buildString(rt, i, n),
    buildRange: (i: number, inclusive: boolean) => buildRange(rt, i, inclusive),
    closure, classObject, inherit, method, print, pair, imaginary,
  };
}

export type Helpers = ReturnType<typeof makeHelpers>;
