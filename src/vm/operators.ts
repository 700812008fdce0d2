import { Runtime } from './runtime';
import { Tag } from './value';
import { Kind } from './kinds';
import { RuntimeError } from './errors';
import { L } from './layout';

/**
 * `==` as LANGUAGE.md decides: numbers by value across int and double (NaN unequal to all);
 * strings by content, which for interned strings is identity; vectors, lists, pairs, ranges and
 * complex numbers by content; instances, classes, functions, hash tables and matrices by
 * identity. A range and a number: membership of the (truncated) number in the range.
 */
export function valuesEqual(rt: Runtime, ta: number, a: number, tb: number, b: number): boolean {
  if (ta === tb) {
    if (ta === Tag.INT || ta === Tag.DOUBLE) return a === b;
    // Distinct strings are unequal (all strings are interned): no call for the commonest case.
    if (ta === Tag.OBJ) return a === b || (rt.u8[a - 4] !== Kind.STRING && objectsEqual(rt, a >>> 0, b >>> 0, 0));
    return true; // nil, true, false: the tag is the value
  }
  const aNum = ta === Tag.INT || ta === Tag.DOUBLE, bNum = tb === Tag.INT || tb === Tag.DOUBLE;
  if (aNum && bNum) return a === b;
  if (aNum && tb === Tag.OBJ && rt.u8[b - 4] === Kind.RANGE) return rangeContains(rt, b, a);
  if (bNum && ta === Tag.OBJ && rt.u8[a - 4] === Kind.RANGE) return rangeContains(rt, a, b);
  return false;
}

/** Containers nested deeper than this (or containing themselves) cannot be compared. */
const MAX_COMPARE_DEPTH = 2000;

/** Content equality of two distinct objects (identity was already checked). */
function objectsEqual(rt: Runtime, a: number, b: number, depth: number): boolean {
  const u8 = rt.u8, u32 = rt.u32, f64 = rt.f64;
  const kind = u8[a - 4];
  if (kind !== u8[b - 4]) return false;
  if (depth > MAX_COMPARE_DEPTH) throw new RuntimeError('Values nested too deeply to compare.');
  switch (kind) {
    case Kind.FLOAT_VECTOR: {
      const n = rt.vectors.count(a);
      if (n !== rt.vectors.count(b)) return false;
      const pa = rt.vectors.data(a) >>> 3, pb = rt.vectors.data(b) >>> 3;
      for (let i = 0; i < n; i++) if (f64[pa + i] !== f64[pb + i]) return false;
      return true;
    }
    case Kind.LINKED_LIST: {
      if (rt.lists.count(a) !== rt.lists.count(b)) return false;
      for (let x = rt.lists.head(a), y = rt.lists.head(b); x !== 0; x = rt.lists.next(x), y = rt.lists.next(y)) {
        if (!slotsEqual(rt, x + L.NODE_VALUE, y + L.NODE_VALUE, depth)) return false;
      }
      return true;
    }
    case Kind.PAIR:
      return slotsEqual(rt, a + L.PAIR_KEY, b + L.PAIR_KEY, depth) && slotsEqual(rt, a + L.PAIR_VALUE, b + L.PAIR_VALUE, depth);
    case Kind.RANGE:
      return rt.i32[(a + L.RANGE_START) >>> 2] === rt.i32[(b + L.RANGE_START) >>> 2] &&
        rt.i32[(a + L.RANGE_END) >>> 2] === rt.i32[(b + L.RANGE_END) >>> 2] &&
        u32[(a + L.RANGE_INCLUSIVE) >>> 2] === u32[(b + L.RANGE_INCLUSIVE) >>> 2];
    case Kind.COMPLEX:
      return f64[(a + L.CPX_RE) >>> 3] === f64[(b + L.CPX_RE) >>> 3] && f64[(a + L.CPX_IM) >>> 3] === f64[(b + L.CPX_IM) >>> 3];
    default:
      return false; // strings are interned; everything else compares by identity
  }
}

function slotsEqual(rt: Runtime, x: number, y: number, depth: number): boolean {
  const ta = rt.u32[x >>> 2], a = rt.f64[(x + 8) >>> 3], tb = rt.u32[y >>> 2], b = rt.f64[(y + 8) >>> 3];
  if (ta === Tag.OBJ && tb === Tag.OBJ && a !== b) return objectsEqual(rt, a >>> 0, b >>> 0, depth + 1);
  return valuesEqual(rt, ta, a, tb, b);
}

/** The range's element count (ascending only; a descending range is empty). */
export function rangeLength(rt: Runtime, r: number): number {
  const start = rt.i32[(r + L.RANGE_START) >>> 2];
  const last = rt.i32[(r + L.RANGE_END) >>> 2] - (rt.u32[(r + L.RANGE_INCLUSIVE) >>> 2] !== 0 ? 0 : 1);
  return last < start ? 0 : last - start + 1;
}

function rangeContains(rt: Runtime, r: number, x: number): boolean {
  return inRange(rt.i32[(r + L.RANGE_START) >>> 2], rt.i32[(r + L.RANGE_END) >>> 2], rt.u32[(r + L.RANGE_INCLUSIVE) >>> 2] !== 0, x);
}

/**
 * Range membership, `x == start..end`: x truncated toward zero lies in the range (ascending
 * only; NaN is in no range). Also the test of a switch range arm (IN_RANGE), without the range object.
 */
export function inRange(start: number, end: number, inclusive: boolean, x: number): boolean {
  if (x !== x) return false;
  const n = Math.trunc(x);
  return n >= start && (inclusive ? n <= end : n < end);
}

/**
 * `+` when the operands are not both numbers: concatenation when either is a string, else the
 * upstream error. Operands are at stack slots i and i+1 (rooted); the result replaces slot i.
 */
export function concatenate(rt: Runtime, i: number): void {
  const tags = rt.stackTags, vals = rt.stackVals, u8 = rt.u8;
  const ta = tags[i], tb = tags[i + 1];
  const aIsString = ta === Tag.OBJ && u8[vals[i] - 4] === Kind.STRING;
  const bIsString = tb === Tag.OBJ && u8[vals[i + 1] - 4] === Kind.STRING;
  if (!aIsString && !bIsString) throw new RuntimeError('Operands must be two numbers or two strings.');
  // Convert a non-string operand to a heap string in place (its slot keeps it rooted).
  if (!aIsString) { vals[i] = rt.strings.fromJs(rt.text(ta, vals[i])); tags[i] = Tag.OBJ; }
  if (!bIsString) { vals[i + 1] = rt.strings.fromJs(rt.text(tb, vals[i + 1])); tags[i + 1] = Tag.OBJ; }
  vals[i] = rt.strings.concat(vals[i], vals[i + 1]);
  tags[i] = Tag.OBJ;
}
