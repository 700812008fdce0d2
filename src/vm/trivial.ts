import { Op } from '../compiler/opcodes';
import type { Runtime } from './runtime';
import { Tag } from './value';
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
 * The interpreter's invoke, for the trivial kinds its loop does not run itself (`return self;` or
 * an argument, a constant; the loop runs getters and empty methods): writes the result to slot
 * `base` exactly as the body's RETURN would. The caller has made the call's checks, and the one
 * a trivial run adds (no open upvalue to close). Returns false, having changed nothing, when
 * `fn` is of neither kind: the real call runs instead.
 */
export function runTrivial(rt: Runtime, fn: number, base: number): boolean {
  const u8 = rt.u8, u32 = rt.u32, tags = rt.stackTags, vals = rt.stackVals;
  const code = u32[(fn + L.FN_CODE) >>> 2];
  switch (trivialKind(u8, u32, fn)) {
    case Trivial.LOCAL: {
      const s = base + u8[code + 1];
      tags[base] = tags[s];
      vals[base] = vals[s];
      return true;
    }
    case Trivial.CONSTANT: {
      const op = u8[code];
      if (op === Op.CONSTANT) {
        const c = u32[(fn + L.FN_CONSTANTS) >>> 2] + (u8[code + 1] | (u8[code + 2] << 8)) * L.VALUE_SLOT;
        tags[base] = u32[c >>> 2];
        vals[base] = rt.f64[(c + 8) >>> 3];
      } else {
        tags[base] = op === Op.TRUE ? Tag.TRUE : Tag.FALSE;
      }
      return true;
    }
    default:
      return false;
  }
}
