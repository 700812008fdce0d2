import type { Runtime } from './runtime';
import { Tag } from './value';
import { Kind } from './kinds';
import { L } from './layout';
import { RuntimeError } from './errors';
import { rangeLength } from './operators';

/**
 * `x[i]`, `x[i] = v` and `x[a:b]` for every indexable kind. Operands sit in stack slots
 * starting at i (rooted; rt.sp covers them); the result replaces slot i.
 * `end` was compiled to -1 and `end - k` to -1 - k, so negative indices count from the end
 * wherever LANGUAGE.md allows them (vectors, strings, lists, matrices).
 */
export function indexGet(rt: Runtime, i: number): void {
  const tags = rt.stackTags, vals = rt.stackVals;
  const obj = vals[i] >>> 0;
  switch (rt.kindAt(i)) {
    case Kind.FLOAT_VECTOR: {
      const k = position(rt, i + 1, rt.vectors.count(obj), 'Index');
      tags[i] = Tag.DOUBLE;
      vals[i] = rt.vectors.get(obj, k);
      return;
    }
    case Kind.STRING: {
      const k = position(rt, i + 1, rt.strings.charCount(obj), 'Index');
      vals[i] = rt.strings.substring(obj, k, k + 1);
      return;
    }
    case Kind.HASH_TABLE: {
      const e = rt.hashes.find(obj, hashKey(rt, i + 1));
      if (e === 0) { tags[i] = Tag.NIL; return; }
      tags[i] = rt.hashes.entryTag(e);
      vals[i] = rt.hashes.entryPayload(e);
      return;
    }
    case Kind.LINKED_LIST: {
      const k = position(rt, i + 1, rt.lists.count(obj), 'Index');
      const node = rt.lists.nodeAt(obj, k);
      tags[i] = rt.lists.nodeTag(node);
      vals[i] = rt.lists.nodeValue(node);
      return;
    }
    case Kind.RANGE: {
      // Upstream: out-of-range (and negative) positions give nil, not an error.
      const k = integer(rt, i + 1, 'Index must be an integer.');
      if (k < 0 || k >= rangeLength(rt, obj)) { tags[i] = Tag.NIL; return; }
      tags[i] = Tag.INT;
      vals[i] = rt.i32[(obj + L.RANGE_START) >>> 2] + k;
      return;
    }
    case Kind.PAIR: {
      const k = integer(rt, i + 1, 'Index must be an integer.');
      if (k !== 0 && k !== 1) throw new RuntimeError('Pair index out of bounds (must be 0 or 1).');
      const slot = obj + (k === 0 ? L.PAIR_KEY : L.PAIR_VALUE);
      tags[i] = rt.u32[slot >>> 2];
      vals[i] = rt.f64[(slot + 8) >>> 3];
      return;
    }
    case Kind.MATRIX: {
      const k = position(rt, i + 1, rt.u32[(obj + L.MAT_ROWS) >>> 2], 'Matrix row index');
      vals[i] = rt.objects.matrixRow(obj, k);
      return;
    }
    case Kind.MATRIX_ROW: {
      const m = rt.u32[(obj + L.ROW_MATRIX) >>> 2];
      const rows = rt.u32[(m + L.MAT_ROWS) >>> 2];
      const c = position(rt, i + 1, rt.u32[(m + L.MAT_COLS) >>> 2], 'Matrix column index');
      tags[i] = Tag.DOUBLE;
      vals[i] = rt.f64[((m + L.MAT_DATA) >>> 3) + c * rows + rt.u32[(obj + L.ROW_INDEX) >>> 2]];
      return;
    }
    default:
      throw new RuntimeError(`Cannot index a value of type ${rt.typeName(tags[i], vals[i])}.`);
  }
}

/** `x[k] = v`: object in slot i, index in i+1, value in i+2; the value is the result. */
export function indexSet(rt: Runtime, i: number): void {
  const tags = rt.stackTags, vals = rt.stackVals;
  const obj = vals[i] >>> 0;
  const vt = tags[i + 2], v = vals[i + 2];
  switch (rt.kindAt(i)) {
    case Kind.FLOAT_VECTOR: {
      const k = position(rt, i + 1, rt.vectors.count(obj), 'Index');
      if (vt !== Tag.INT && vt !== Tag.DOUBLE) throw new RuntimeError('Value must be a number.');
      rt.vectors.set(obj, k, v);
      break;
    }
    case Kind.HASH_TABLE:
      rt.hashes.set(obj, hashKey(rt, i + 1), vt, v);
      break;
    case Kind.LINKED_LIST: {
      const k = position(rt, i + 1, rt.lists.count(obj), 'Index');
      const node = rt.lists.nodeAt(obj, k);
      rt.gc.writeSlot(node, node + L.NODE_VALUE, vt, v);
      break;
    }
    case Kind.MATRIX_ROW: {
      const m = rt.u32[(obj + L.ROW_MATRIX) >>> 2];
      const rows = rt.u32[(m + L.MAT_ROWS) >>> 2];
      const c = position(rt, i + 1, rt.u32[(m + L.MAT_COLS) >>> 2], 'Matrix column index');
      if (vt !== Tag.INT && vt !== Tag.DOUBLE) throw new RuntimeError('Matrix elements must be numbers.');
      rt.f64[((m + L.MAT_DATA) >>> 3) + c * rows + rt.u32[(obj + L.ROW_INDEX) >>> 2]] = v;
      break;
    }
    default:
      throw new RuntimeError('Object does not support index assignment.');
  }
  tags[i] = vt;
  vals[i] = v;
}

/**
 * `x[a:b]`: object in slot i, bounds in i+1 and i+2. Negative bounds count from the end.
 * Vectors include b (upstream), strings exclude it (upstream); both per LANGUAGE.md.
 */
export function slice(rt: Runtime, i: number): void {
  const tags = rt.stackTags, vals = rt.stackVals;
  const obj = vals[i] >>> 0;
  const kind = rt.kindAt(i);
  if (kind !== Kind.FLOAT_VECTOR && kind !== Kind.STRING) throw new RuntimeError('Operand must be a string or vector.');
  let a = integer(rt, i + 1, 'Slice indices must be integers.');
  let b = integer(rt, i + 2, 'Slice indices must be integers.');
  if (kind === Kind.FLOAT_VECTOR) {
    const n = rt.vectors.count(obj);
    if (a < 0) a += n;
    if (b < 0) b += n;
    if (a < 0 || b >= n || a > b) throw new RuntimeError('Invalid slice indices.');
    vals[i] = rt.vectors.copyRange(obj, a, b + 1);
    return;
  }
  // Strings: negative bounds count from the end and stop at the start (Python's rule, so
  // `""[0:end]` is ""); a bound past the end is still an error (upstream).
  const n = rt.strings.charCount(obj);
  if (a < 0) a = Math.max(0, a + n);
  if (b < 0) b = Math.max(0, b + n);
  if (b > n || a > b) throw new RuntimeError('Invalid slice indices.');
  vals[i] = rt.strings.substring(obj, a, b);
}

/** An integer operand (a double index is an error, as upstream). */
function integer(rt: Runtime, slot: number, message: string): number {
  if (rt.stackTags[slot] !== Tag.INT) throw new RuntimeError(message);
  return rt.stackVals[slot];
}

/** An index into a sequence of n elements, negative counting from the end. */
function position(rt: Runtime, slot: number, n: number, what: 'Index' | 'Matrix row index' | 'Matrix column index'): number {
  let k = integer(rt, slot, `${what} must be an integer.`);
  if (k < 0) k += n;
  if (k < 0 || k >= n) throw new RuntimeError(`${what} out of bounds.`);
  return k;
}

function hashKey(rt: Runtime, slot: number): number {
  const v = rt.stackVals[slot];
  if (rt.stackTags[slot] !== Tag.OBJ || rt.u8[v - 4] !== Kind.STRING) throw new RuntimeError('Hash table key must be a string.');
  return v >>> 0;
}
