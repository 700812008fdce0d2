import { isComplex, complexModulus } from './math-complex';
import type { Runtime } from '../runtime';
import { NativeModule, NativeDef } from './native';
import { Tag } from '../value';
import { RuntimeError } from '../errors';
import { expectArgCount, numberArg, returnInt, returnDouble } from './args';

/**
 * math: upstream's scalar math module (§1.2 of the builtins reference). Every function takes
 * ints or doubles; ln … atan, pow and sqrt return doubles; ceil, floor and round return ints;
 * max and min return doubles always (upstream). `complex`, `phase` and the modulus used by `abs`
 * of a complex are in math-complex.ts; the type-dispatching `rand`/`randn`/`norm` in matrix.ts.
 * `exp` is defined upstream but never registered, so it is absent here too.
 */

const I32_MIN = -2147483648, I32_MAX = 2147483647;

/** A one-argument double → double function. */
function unary(name: string, op: (x: number) => number): NativeDef {
  return {
    name,
    fn(rt, args, argc) {
      expectArgCount(name, argc, 1);
      returnDouble(rt, op(numberArg(rt, name, args)));
    },
  };
}

/** A one-argument double → int function: the result must fit an i32 (NaN and inf do not). */
function toInt(name: string, op: (x: number) => number): NativeDef {
  return {
    name,
    fn(rt, args, argc) {
      expectArgCount(name, argc, 1);
      const x = numberArg(rt, name, args);
      if (rt.stackTags[args] === Tag.INT) return returnInt(rt, x);
      const n = op(x);
      if (!(n >= I32_MIN && n <= I32_MAX)) throw new RuntimeError(`${name}() expects a number within the 32-bit integer range.`);
      returnInt(rt, n);
    },
  };
}

/** A two-argument double function. */
function binary(name: string, op: (a: number, b: number) => number): NativeDef {
  return {
    name,
    fn(rt, args, argc) {
      expectArgCount(name, argc, 2);
      returnDouble(rt, op(numberArg(rt, name, args), numberArg(rt, name, args + 1)));
    },
  };
}

/** Rounds halves away from zero (`round(-2.5)` is -3; JS Math.round gives -2). */
export function roundHalfAwayFromZero(x: number): number {
  const t = Math.trunc(x); // x - t is exact, so no 0.49999999999999994 + 0.5 surprise
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

/**
 * max/min as Zig's @max/@min: a NaN operand yields the other operand (so a NaN only comes out
 * when both are NaN).
 */
function maxOf(a: number, b: number): number {
  if (a !== a) return b;
  if (b !== b) return a;
  return Math.max(a, b);
}

function minOf(a: number, b: number): number {
  if (a !== a) return b;
  if (b !== b) return a;
  return Math.min(a, b);
}

/**
 * abs of an int or a double, leaving the result in rt.resultTag/resultVal; false when the value
 * is not a number (so a caller can try other kinds, e.g. complex, then report). An int stays an
 * int, except abs(-2147483648), whose magnitude has no i32: it is the double 2147483648.
 */
export function absOfNumber(rt: Runtime, tag: number, val: number): boolean {
  if (tag === Tag.INT) {
    if (val === I32_MIN) returnDouble(rt, 2147483648);
    else returnInt(rt, Math.abs(val));
    return true;
  }
  if (tag === Tag.DOUBLE) {
    returnDouble(rt, Math.abs(val));
    return true;
  }
  return false;
}

export const mathNatives: NativeModule = [
  unary('ln', Math.log),
  unary('log2', Math.log2),
  unary('log10', Math.log10),
  {
    name: 'pi',
    fn(rt, _args, argc) {
      expectArgCount('pi', argc, 0);
      returnDouble(rt, Math.PI);
    },
  },
  unary('sin', Math.sin),
  unary('cos', Math.cos),
  unary('tan', Math.tan),
  unary('asin', Math.asin),
  unary('acos', Math.acos),
  unary('atan', Math.atan),
  {
    name: 'abs',
    fn(rt, args, argc) {
      expectArgCount('abs', argc, 1);
      if (absOfNumber(rt, rt.stackTags[args], rt.stackVals[args])) return;
      if (!isComplex(rt, args)) throw new RuntimeError('abs() expects a number or a complex number.');
      returnDouble(rt, complexModulus(rt, args)); // the modulus
    },
  },
  binary('pow', Math.pow), // the same function as the `^` operator
  unary('sqrt', Math.sqrt),
  toInt('ceil', Math.ceil),
  toInt('floor', Math.floor),
  toInt('round', roundHalfAwayFromZero),
  binary('max', maxOf),
  binary('min', minOf),
];
