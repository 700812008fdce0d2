import type { Runtime } from './runtime';
import { Tag } from './value';
import { Kind } from './kinds';
import { L } from './layout';
import { RuntimeError } from './errors';
import { concatenate } from './operators';

/**
 * ADD_CONSTANT / SUBTRACT_CONSTANT (and the fused LOCAL_ forms) when the operand in slot i and the
 * constant (tag tb, payload b) are not two numbers: string + string concatenates, anything else
 * goes through objectArithmetic with the constant pushed above the operand. Shared by the
 * interpreter and the JS tier so both give the same results and errors.
 */
export function constantArithmeticSlow(rt: Runtime, i: number, add: boolean, tb: number, b: number): void {
  const tags = rt.stackTags, vals = rt.stackVals;
  const ta = tags[i], a = vals[i];
  if (add && ta === Tag.OBJ && tb === Tag.OBJ && rt.u8[a - 4] === Kind.STRING && rt.u8[b - 4] === Kind.STRING) {
    vals[i] = rt.strings.concat(a >>> 0, b >>> 0); // the constant is held by its function
  } else {
    tags[i + 1] = tb;
    vals[i + 1] = b;
    rt.sp = i + 2;
    objectArithmetic(rt, add ? ArithOp.ADD : ArithOp.SUB, i);
  }
}

/**
 * Arithmetic when an operand is not a plain number: the interpreter's slow path.
 * Dispatch order (upstream-builtins §3.1): `+` with a string concatenates; then complex,
 * matrix, float vector. Operands are in stack slots i and i+1 (rooted; rt.sp covers them); the
 * result replaces slot i.
 */
export const enum ArithOp { ADD, SUB, MUL, DIV }

export function objectArithmetic(rt: Runtime, op: ArithOp, i: number): void {
  const tags = rt.stackTags;
  const ka = rt.kindAt(i), kb = rt.kindAt(i + 1);
  if (op === ArithOp.ADD && (ka === Kind.STRING || kb === Kind.STRING)) return concatenate(rt, i);
  if (ka === Kind.COMPLEX || kb === Kind.COMPLEX) return complexArithmetic(rt, op, i);
  if (ka === Kind.MATRIX || kb === Kind.MATRIX) {
    if (ka === Kind.FLOAT_VECTOR || kb === Kind.FLOAT_VECTOR) throw new RuntimeError(mixedVectorMatrixMessage(op));
    // The other operand must be a matrix or a number: never read another object as a matrix.
    const aOk = ka === Kind.MATRIX || isNumberTag(tags[i]), bOk = kb === Kind.MATRIX || isNumberTag(tags[i + 1]);
    if (op !== ArithOp.DIV && aOk && bOk) return matrixArithmetic(rt, op, i);
  } else if (ka === Kind.FLOAT_VECTOR || kb === Kind.FLOAT_VECTOR) {
    if (isNumberTag(tags[i]) || isNumberTag(tags[i + 1]) || (ka === kb)) return vectorArithmetic(rt, op, i);
  }
  throw new RuntimeError(op === ArithOp.ADD ? 'Operands must be two numbers or two strings.' : 'Operands must be numbers.');
}


function isNumberTag(t: number): boolean {
  return t === Tag.INT || t === Tag.DOUBLE;
}

function mixedVectorMatrixMessage(op: ArithOp): string {
  if (op === ArithOp.ADD) return 'Operands must be two numbers, two strings, or involve a vector/matrix.';
  if (op === ArithOp.DIV) return 'Operands must be numbers or vectors.';
  return 'Operands must be numbers or vectors/matrices.';
}

// ---------------- complex ----------------

function complexParts(rt: Runtime, i: number, out: Float64Array): void {
  const t = rt.stackTags[i], v = rt.stackVals[i];
  if (t === Tag.INT || t === Tag.DOUBLE) { out[0] = v; out[1] = 0; return; }
  if (t === Tag.OBJ && rt.u8[v - 4] === Kind.COMPLEX) {
    out[0] = rt.f64[(v + L.CPX_RE) >>> 3];
    out[1] = rt.f64[(v + L.CPX_IM) >>> 3];
    return;
  }
  throw new RuntimeError('Operands must be numbers.');
}

const za = new Float64Array(2), zb = new Float64Array(2);

function complexArithmetic(rt: Runtime, op: ArithOp, i: number): void {
  complexParts(rt, i, za);
  complexParts(rt, i + 1, zb);
  const a = za[0], b = za[1], c = zb[0], d = zb[1];
  let re: number, im: number;
  switch (op) {
    case ArithOp.ADD: re = a + c; im = b + d; break;
    case ArithOp.SUB: re = a - c; im = b - d; break;
    case ArithOp.MUL: re = a * c - b * d; im = a * d + b * c; break;
    default: {
      const den = c * c + d * d;
      if (c === 0 && d === 0) throw new RuntimeError('Division by zero.');
      re = (a * c + b * d) / den;
      im = (b * c - a * d) / den;
    }
  }
  rt.stackVals[i] = rt.objects.complex(re, im);
  rt.stackTags[i] = Tag.OBJ;
}

/** Unary minus of a complex number in slot i. */
export function negateComplex(rt: Runtime, i: number): void {
  const z = rt.stackVals[i];
  rt.stackVals[i] = rt.objects.complex(-rt.f64[(z + L.CPX_RE) >>> 3], -rt.f64[(z + L.CPX_IM) >>> 3]);
}

// ---------------- float vectors ----------------

/** Element-wise over the shorter length; a scalar operand is broadcast. */
function vectorArithmetic(rt: Runtime, op: ArithOp, i: number): void {
  const tags = rt.stackTags, vals = rt.stackVals, f64 = rt.f64, vectors = rt.vectors;
  const aVec = rt.kindAt(i) === Kind.FLOAT_VECTOR, bVec = rt.kindAt(i + 1) === Kind.FLOAT_VECTOR;
  const a = vals[i] >>> 0, b = vals[i + 1] >>> 0;
  const n = aVec && bVec ? Math.min(vectors.count(a), vectors.count(b)) : vectors.count(aVec ? a : b);
  const out = vectors.make(n);
  vectors.setCount(out, n);
  const o = vectors.data(out) >>> 3;
  const pa = aVec ? vectors.data(a) >>> 3 : 0, pb = bVec ? vectors.data(b) >>> 3 : 0;
  const sa = aVec ? 0 : vals[i], sb = bVec ? 0 : vals[i + 1];
  for (let k = 0; k < n; k++) {
    const x = aVec ? f64[pa + k] : sa;
    const y = bVec ? f64[pb + k] : sb;
    f64[o + k] = op === ArithOp.ADD ? x + y : op === ArithOp.SUB ? x - y : op === ArithOp.MUL ? x * y : x / y;
  }
  vals[i] = out;
  tags[i] = Tag.OBJ;
}

// ---------------- matrices ----------------

function matrixArithmetic(rt: Runtime, op: ArithOp, i: number): void {
  const tags = rt.stackTags, vals = rt.stackVals, u32 = rt.u32, f64 = rt.f64;
  const aMat = rt.kindAt(i) === Kind.MATRIX, bMat = rt.kindAt(i + 1) === Kind.MATRIX;
  if ((!aMat && !isNumberTag(tags[i])) || (!bMat && !isNumberTag(tags[i + 1]))) throw new RuntimeError('Operands must be numbers.');
  const a = vals[i] >>> 0, b = vals[i + 1] >>> 0;
  if (aMat && bMat && op === ArithOp.MUL) return matrixProduct(rt, i, a, b);
  const m = aMat ? a : b;
  const rows = u32[(m + L.MAT_ROWS) >>> 2], cols = u32[(m + L.MAT_COLS) >>> 2];
  if (aMat && bMat && (u32[(b + L.MAT_ROWS) >>> 2] !== rows || u32[(b + L.MAT_COLS) >>> 2] !== cols)) {
    throw new RuntimeError(`Matrix dimension mismatch for ${op === ArithOp.ADD ? 'addition' : 'subtraction'}.`);
  }
  const out = rt.objects.matrix(rows, cols);
  const o = (out + L.MAT_DATA) >>> 3;
  const pa = (a + L.MAT_DATA) >>> 3, pb = (b + L.MAT_DATA) >>> 3;
  const sa = aMat ? 0 : vals[i], sb = bMat ? 0 : vals[i + 1];
  for (let k = 0; k < rows * cols; k++) {
    const x = aMat ? f64[pa + k] : sa;
    const y = bMat ? f64[pb + k] : sb;
    f64[o + k] = op === ArithOp.ADD ? x + y : op === ArithOp.SUB ? x - y : x * y;
  }
  vals[i] = out;
  tags[i] = Tag.OBJ;
}

function matrixProduct(rt: Runtime, i: number, a: number, b: number): void {
  const u32 = rt.u32, f64 = rt.f64;
  const n = u32[(a + L.MAT_ROWS) >>> 2], inner = u32[(a + L.MAT_COLS) >>> 2];
  if (u32[(b + L.MAT_ROWS) >>> 2] !== inner) throw new RuntimeError('Matrix dimension mismatch for multiplication.');
  const m = u32[(b + L.MAT_COLS) >>> 2];
  const out = rt.objects.matrix(n, m);
  const o = (out + L.MAT_DATA) >>> 3, pa = (a + L.MAT_DATA) >>> 3, pb = (b + L.MAT_DATA) >>> 3;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < m; c++) {
      let sum = 0;
      for (let k = 0; k < inner; k++) sum += f64[pa + k * n + r] * f64[pb + c * inner + k];
      f64[o + c * n + r] = sum;
    }
  }
  rt.stackVals[i] = out;
  rt.stackTags[i] = Tag.OBJ;
}
