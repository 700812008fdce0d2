import { Op } from '../compiler/opcodes';
import type { Runtime } from './runtime';
import { Tag } from './value';
import { Kind } from './kinds';
import { L } from './layout';

/**
 * Trivial methods: a method whose whole body is its first instruction (or a constant and
 * RETURN) does no work worth a frame, yet a call of it pays the whole call protocol (frame push
 * and pop, interrupt, depth and capacity checks, the callee's dispatch, the return). Getters
 * (`value() { return self.state; }`) and empty methods are what the properties, zoo, invocation
 * and method_call benchmarks call in their loops. Like HotSpot's "fast accessor methods", both
 * tiers run such a body at the invoke site, without a frame, once the call's own checks passed.
 *
 * The kind is read from the first instruction each time (two loads, no state to keep in step
 * with the bytecode): a function that starts with a return does exactly that instruction.
 */
export const enum Trivial {
  /** Not trivial: a real call. */
  NONE = 0,
  /** `m() {}`: RETURN_NIL. */
  EMPTY = 1,
  /** `m() { return self; }` or an argument: RETURN_LOCAL n. */
  LOCAL = 2,
  /** `m() { return self.f; }`: RETURN_LOCAL_PROPERTY 0. */
  GETTER = 3,
  /** `m() { return 3; }` / `return true;`: CONSTANT k (TRUE, FALSE), then RETURN. */
  CONSTANT = 4,
}

/**
 * 1 for the opcodes a trivial body starts with: the interpreter's call tests this first, so a
 * call of anything else costs two loads more than before, not a function call.
 */
export const TRIVIAL_START = new Uint8Array(256);
for (const op of [Op.RETURN_NIL, Op.RETURN_LOCAL, Op.RETURN_LOCAL_PROPERTY, Op.CONSTANT, Op.TRUE, Op.FALSE]) TRIVIAL_START[op] = 1;

/** The trivial kind of function object `fn` (its body's first instructions). */
export function trivialKind(u8: Uint8Array, u32: Uint32Array, fn: number): Trivial {
  const code = u32[(fn + L.FN_CODE) >>> 2];
  switch (u8[code]) {
    case Op.RETURN_NIL: return Trivial.EMPTY;
    case Op.RETURN_LOCAL: return Trivial.LOCAL;
    case Op.RETURN_LOCAL_PROPERTY: return u8[code + 1] === 0 ? Trivial.GETTER : Trivial.NONE;
    case Op.CONSTANT: return u8[code + 3] === Op.RETURN ? Trivial.CONSTANT : Trivial.NONE;
    case Op.TRUE: case Op.FALSE: return u8[code + 1] === Op.RETURN ? Trivial.CONSTANT : Trivial.NONE;
    default: return Trivial.NONE;
  }
}

/**
 * Whether returning from a frame at `base` would close no upvalue (the RETURN closes every open
 * upvalue at or above its base; the list is sorted from the highest slot down).
 */
export function noUpvaluesFrom(rt: Runtime, base: number): boolean {
  const head = rt.openUpvalues;
  return head === 0 || rt.u32[(head + L.UPV_STACK_INDEX) >>> 2] < base;
}

/**
 * The interpreter's invoke: runs the body of `fn` (arity, interrupt and stack checks already
 * passed) for the frame it would have had at `base` (receiver, then the arguments), leaving the
 * result in slot `base` exactly as its RETURN would. Returns false, having changed nothing,
 * when the real call must run instead: not trivial, an upvalue to close, or a getter whose own
 * inline cache misses (a missing field, a bound method, the error and its trace all come from
 * the real call, which also refills that cache).
 */
export function runTrivial(rt: Runtime, fn: number, base: number): boolean {
  const u8 = rt.u8, u32 = rt.u32, f64 = rt.f64, tags = rt.stackTags, vals = rt.stackVals;
  const code = u32[(fn + L.FN_CODE) >>> 2];
  const op = u8[code];
  if (op === Op.RETURN_LOCAL_PROPERTY) {
    // As the interpreter's cachedField probe, through the getter's own cache entry.
    if (u8[code + 1] !== 0 || tags[base] !== Tag.OBJ || !noUpvaluesFrom(rt, base)) return false;
    const inst = vals[base] >>> 0;
    if (u8[inst - 4] !== Kind.INSTANCE) return false;
    const entry = u32[(fn + L.FN_CACHE) >>> 2] + (u8[code + 4] | (u8[code + 5] << 8)) * L.IC_ENTRY;
    if (u32[(u32[(inst + L.INST_CLASS) >>> 2] + L.CLASS_ID) >>> 2] !== u32[(entry + L.IC_CLASS_ID) >>> 2]) return false;
    const slot = rt.objects.fieldSlotForRead(inst, u32[(entry + L.IC_DATA) >>> 2]);
    if (slot === 0 || u32[slot >>> 2] === Tag.EMPTY) return false;
    tags[base] = u32[slot >>> 2];
    vals[base] = f64[(slot + 8) >>> 3];
    return true;
  }
  if (op === Op.RETURN_NIL) {
    if (!noUpvaluesFrom(rt, base)) return false;
    tags[base] = Tag.NIL;
    vals[base] = 0;
    return true;
  }
  if (op === Op.RETURN_LOCAL) {
    if (!noUpvaluesFrom(rt, base)) return false;
    const s = base + u8[code + 1];
    tags[base] = tags[s];
    vals[base] = vals[s];
    return true;
  }
  if (op === Op.CONSTANT && u8[code + 3] === Op.RETURN) {
    if (!noUpvaluesFrom(rt, base)) return false;
    const c = u32[(fn + L.FN_CONSTANTS) >>> 2] + (u8[code + 1] | (u8[code + 2] << 8)) * L.VALUE_SLOT;
    tags[base] = u32[c >>> 2];
    vals[base] = f64[(c + 8) >>> 3];
    return true;
  }
  if ((op === Op.TRUE || op === Op.FALSE) && u8[code + 1] === Op.RETURN) {
    if (!noUpvaluesFrom(rt, base)) return false;
    tags[base] = op === Op.TRUE ? Tag.TRUE : Tag.FALSE;
    return true;
  }
  return false;
}
