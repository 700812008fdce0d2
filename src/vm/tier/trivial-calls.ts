import type { Runtime } from '../runtime';
import { Tag } from '../value';
import { L } from '../layout';
import { Kind } from '../kinds';
import { Op } from '../../compiler/opcodes';
import { Trivial, trivialKind } from '../trivial';
import type { CompiledFn } from './state';
import { fieldSlotSource } from '../field-slots';

/**
 * Trivial methods at the compiled code's invoke sites (see src/vm/trivial.ts for what is
 * trivial and why). An INVOKE / GLOBAL_INVOKE site's cache (compile.ts) holds, after the receiver
 * class, its field count and the method closure, what the method's body is:
 *   icv[j + 3]  Trivial kind (NONE: call the compiled code in icf)
 *   icv[j + 4]  GETTER: the field's index in the receiver class; LOCAL: the slot; CONSTANT: the tag
 *   icv[j + 5]  CONSTANT: the payload
 *   icv[j + 6]  stack capacity minus the method's slots minus 1: the frame slot must be below it
 * A hit on a trivial entry runs the body in place (the generated `trivial` below) after the
 * checks the call would make; when one fails, or the getter's field is unset, the site calls
 * icf[k] (the compiled method, or `slowEntry`: the helpers' full call), which raises exactly
 * what a call raises.
 */
export const INVOKE_SITE_SIZE = 7;
/** The offsets in an invoke site that hold heap addresses: the class and the method closure (which holds the constant of a CONSTANT entry). */
export const INVOKE_SITE_REFS: readonly number[] = [0, 2];

/**
 * The generated function's `trivial(j, b, o, fi)`: site j's trivial method for the frame it would
 * have at slot b (receiver o; fi the caller's frame index); true when it ran, its result in b.
 * Emitted once per compiled function, beside `field` (which it uses).
 */
export function trivialSource(): string {
  return [
    `/** An invoke site's trivial method (trivial-calls.ts), run without a frame; false: make the real call. */`,
    `function trivial(j, b, o, fi) {`,
    `  if (interrupt[0] !== 0 || fi + 1 >= maxFrames || b >= icv[j + 6]) return false;`,
    `  const u = rt.openUpvalues; if (u !== 0 && u32[(u + ${L.UPV_STACK_INDEX}) >>> 2] >= b) return false;`,
    `  switch (icv[j + 3]) {`,
    `    case ${Trivial.GETTER}: { const s = field(o, icv[j + 4] | 0); if (s === 0) return false; const t = u32[s >>> 2]; if (t === ${Tag.EMPTY}) return false; tags[b] = t; vals[b] = f64[(s + 8) >>> 3]; return true; }`,
    `    case ${Trivial.EMPTY}: tags[b] = ${Tag.NIL}; vals[b] = 0; return true;`,
    `    case ${Trivial.LOCAL}: { const s = b + icv[j + 4]; tags[b] = tags[s]; vals[b] = vals[s]; return true; }`,
    `    default: tags[b] = icv[j + 4]; vals[b] = icv[j + 5]; return true;`,
    `  }`,
    `}`,
  ].join('\n');
}

/**
 * The trivial method of site j written out at the site, for a getter or an empty method: the
 * test (after the class check, with the receiver in `o`) under which it runs in place of the
 * call (the same checks the call makes), and its result's tag and payload; null for other kinds,
 * which go through `trivial`. `guess` is the kind of the method the interpreter's cache for this
 * site held when the caller was compiled. Written out because V8 does not inline `trivial` at
 * 30 sites of one loop (its inlining budget runs out) and a call costs about 12 ns.
 */
export function trivialInline(j: number, slot: string, guess: Trivial): { test: string; tag: string; val: string } | null {
  if (guess !== Trivial.GETTER && guess !== Trivial.EMPTY) return null;
  const checks = `icv[${j + 3}] === ${guess} && interrupt[0] === 0 && fi + 1 < maxFrames && ${slot} < icv[${j + 6}] && rt.openUpvalues === 0`;
  if (guess === Trivial.EMPTY) return { test: checks, tag: `${Tag.NIL}`, val: '0' };
  // The field's slot (field-slots.ts), set (not EMPTY).
  const field = `(x = icv[${j + 4}] | 0, s = ${fieldSlotSource('o', 'x', 'y')}) !== 0 && (t = u32[s >>> 2]) !== ${Tag.EMPTY}`;
  return { test: `${checks} && ${field}`, tag: 't', val: 'f64[(s + 8) >>> 3]' };
}

/**
 * The kind of the method closure in the interpreter's cache entry `entry` of an invoke site
 * called with argc arguments, as a guess for code generation only (the entry is not traced by the
 * collector: a stale closure address is possible, so everything read is checked, and the
 * generated code tests the site's own kind at run time anyway).
 */
export function trivialGuess(rt: Runtime, entry: number, argc: number): Trivial {
  const u8 = rt.u8, u32 = rt.u32;
  const m = u32[(entry + L.IC_DATA) >>> 2];
  if (u32[(entry + L.IC_CLASS_ID) >>> 2] === 0 || m < 4 || m >= u8.length || u8[m - 4] !== Kind.CLOSURE) return Trivial.NONE;
  const fn = u32[(m + L.CLOSURE_FN) >>> 2];
  if (fn < 4 || fn >= u8.length || u8[fn - 4] !== Kind.FUNCTION || u32[(fn + L.FN_ARITY) >>> 2] !== argc) return Trivial.NONE;
  const code = u32[(fn + L.FN_CODE) >>> 2];
  return code < u8.length ? trivialKind(u8, u32, fn) : Trivial.NONE;
}

/**
 * For INVOKE's miss path: fills icv[j + 3 ..] for method closure `m` of class `klass` called
 * with argc arguments, returns its kind (NONE when it is not trivial, or its arity differs: the
 * call then raises the arity error; or a getter whose field the class does not have yet).
 */
export function fillTrivial(rt: Runtime, icv: Float64Array, j: number, m: number, argc: number, klass: number): Trivial {
  const u8 = rt.u8, u32 = rt.u32, f64 = rt.f64;
  const fn = u32[(m + L.CLOSURE_FN) >>> 2];
  let kind = u32[(fn + L.FN_ARITY) >>> 2] === argc ? trivialKind(u8, u32, fn) : Trivial.NONE;
  const code = u32[(fn + L.FN_CODE) >>> 2];
  const constants = u32[(fn + L.FN_CONSTANTS) >>> 2];
  if (kind === Trivial.GETTER) {
    const name = f64[(constants + (u8[code + 2] | (u8[code + 3] << 8)) * L.VALUE_SLOT + 8) >>> 3] >>> 0;
    const fe = rt.tables.find(klass + L.CLASS_FIELDS, name);
    if (fe === 0) kind = Trivial.NONE;
    else icv[j + 4] = f64[(fe + 8) >>> 3] >>> 0;
  } else if (kind === Trivial.LOCAL) {
    icv[j + 4] = u8[code + 1];
  } else if (kind === Trivial.CONSTANT) {
    const op = u8[code];
    if (op === Op.CONSTANT) {
      const c = constants + (u8[code + 1] | (u8[code + 2] << 8)) * L.VALUE_SLOT;
      icv[j + 4] = u32[c >>> 2];
      icv[j + 5] = f64[(c + 8) >>> 3];
    } else {
      icv[j + 4] = op === Op.TRUE ? Tag.TRUE : Tag.FALSE;
      icv[j + 5] = 0;
    }
  }
  icv[j + 6] = rt.stackCapacity - u32[(fn + L.FN_MAX_SLOTS) >>> 2] - 1;
  icv[j + 3] = kind;
  return kind;
}

/** The call-cache entry of a trivial method that is not compiled: the helpers' full call. */
export function slowEntry(callSlow: (callee: number, slot: number) => void): CompiledFn {
  return (callee: number, base: number) => { callSlow(callee >>> 0, base); return -1; };
}
