import type { Runtime } from '../runtime';
import { NativeModule } from './native';
import { Tag } from '../value';
import { Kind } from '../kinds';
import { L } from '../layout';
import { RuntimeError } from '../errors';
import { expectArgCount, returnInt, returnDouble } from './args';
import { returnObject } from './collection-args';
import { rowMajor, luDeterminant, gaussJordanInverse, reducedRowEchelon, isNonZeroRow } from './matrix-algebra';

/**
 * matrix: upstream's matrix module (eye, zeros, det, inv, rref, ...), plus the scalar rand() and
 * randn() of upstream's math module, which share their names (LANGUAGE.md: clashing names
 * dispatch on their arguments), and norm() of a float vector, which shares its name with the
 * Frobenius norm.
 *
 * Matrices hold f64 elements inline in COLUMN-major order (layout.ts). GC discipline: arguments
 * on the VM stack are rooted; every native here allocates at most one heap object, its result,
 * and does so after it has read its arguments (temporaries are JS Float64Arrays, so an early
 * runtime error leaks nothing). Constructors whose size comes from the caller allocate the heap
 * matrix first and fill it in place, so a huge size fails as the heap's out-of-memory error and
 * never as a host RangeError.
 */

// ---------------- argument helpers ----------------

/** The matrix at stack slot i, or the error `name() expects a matrix.` */
function matrixArg(rt: Runtime, name: string, i: number): number {
  if (rt.kindAt(i) !== Kind.MATRIX) throw new RuntimeError(`${name}() expects a matrix.`);
  return rt.stackVals[i];
}

function rowsOf(rt: Runtime, m: number): number {
  return rt.u32[(m + L.MAT_ROWS) >>> 2];
}

function colsOf(rt: Runtime, m: number): number {
  return rt.u32[(m + L.MAT_COLS) >>> 2];
}

/** f64 index of element (0, 0); element (r, c) is at base + c * rows + r. */
function base(m: number): number {
  return (m + L.MAT_DATA) >>> 3;
}

function squareArg(rt: Runtime, name: string, i: number): number {
  const m = matrixArg(rt, name, i);
  if (rowsOf(rt, m) !== colsOf(rt, m)) throw new RuntimeError(`${name}() expects a square matrix.`);
  return m;
}

/** Both dimensions must be at least 1 (upstream's message, which exits there). */
function checkDimensions(rows: number, cols: number): void {
  if (rows < 1 || cols < 1) throw new RuntimeError('Matrix dimensions must be positive.');
}

/**
 * The shape given to eye/ones/zeros/rand/randn: `n` (n x n) or `m, n`, as ints (upstream refuses
 * doubles, even 2.0). Returns [rows, cols].
 */
function shapeArgs(rt: Runtime, name: string, args: number, argc: number, usage: string): [number, number] {
  if (argc < 1 || argc > 2) throw new RuntimeError(`${name}() expects ${usage}.`);
  for (let k = 0; k < argc; k++) {
    if (rt.stackTags[args + k] !== Tag.INT) throw new RuntimeError(`${name}() expects ${usage}.`);
  }
  const rows = rt.stackVals[args];
  const cols = argc === 2 ? rt.stackVals[args + 1] : rows;
  checkDimensions(rows, cols);
  return [rows, cols];
}

const SHAPE_USAGE = '1 or 2 positive integer arguments';
const RANDOM_USAGE = 'no arguments, or 1 or 2 positive integer arguments';

// ---------------- results ----------------

/** Allocates the result matrix and copies `data` (column-major) into it. */
function returnMatrix(rt: Runtime, rows: number, cols: number, data: ArrayLike<number>): void {
  const m = rt.objects.matrix(rows, cols);
  rt.f64.set(data, base(m));
  returnObject(rt, m);
}

/** Allocates the result matrix from a row-major array. */
function returnRowMajor(rt: Runtime, rows: number, cols: number, a: Float64Array): void {
  const m = rt.objects.matrix(rows, cols);
  const o = base(m), f64 = rt.f64;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) f64[o + c * rows + r] = a[r * cols + c];
  }
  returnObject(rt, m);
}

/** A row-major JS copy of a matrix argument. */
function readRowMajor(rt: Runtime, m: number): Float64Array {
  const rows = rowsOf(rt, m), cols = colsOf(rt, m);
  return rowMajor(rt.f64.subarray(base(m), base(m) + rows * cols), rows, cols);
}

/**
 * Runs a decomposition on working copies in an arena (issue: temporary buffers of natives live
 * in the heap, counted by its statistics, and are released together even when `work` throws).
 * `scratch(n)` hands out more zeroed buffers of n doubles from the same arena. The arena's
 * blocks are pinned, so allocating the result inside `work` cannot sweep them.
 */
function withWorkingCopy<T>(rt: Runtime, m: number, work: (a: Float64Array, scratch: (n: number) => Float64Array) => T): T {
  const arena = rt.gc.newArena(Kind.ARENA);
  const scratch = (n: number): Float64Array => {
    const b = arena.alloc(Math.max(8, n * 8)) >>> 3;
    return rt.f64.subarray(b, b + n).fill(0);
  };
  try {
    const rows = rowsOf(rt, m), cols = colsOf(rt, m);
    const a = rowMajor(rt.f64.subarray(base(m), base(m) + rows * cols), rows, cols, scratch(rows * cols));
    return work(a, scratch);
  } finally {
    arena.release();
  }
}

// ---------------- random numbers ----------------

/** One standard normal sample pair by Box-Muller (upstream's formula); u1 is in (0, 1]. */
function normalPair(): [number, number] {
  const u1 = 1 - Math.random(), u2 = Math.random();
  const r = Math.sqrt(-2 * Math.log(u1));
  return [r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2)];
}

// ---------------- natives ----------------

export const matrixNatives: NativeModule = [
  {
    name: 'eye',
    fn(rt, args, argc) {
      const [rows, cols] = shapeArgs(rt, 'eye', args, argc, SHAPE_USAGE);
      const m = rt.objects.matrix(rows, cols);
      const o = base(m);
      for (let k = 0; k < Math.min(rows, cols); k++) rt.f64[o + k * rows + k] = 1;
      returnObject(rt, m);
    },
  },
  {
    name: 'ones',
    fn(rt, args, argc) {
      const [rows, cols] = shapeArgs(rt, 'ones', args, argc, SHAPE_USAGE);
      const m = rt.objects.matrix(rows, cols);
      rt.f64.fill(1, base(m), base(m) + rows * cols);
      returnObject(rt, m);
    },
  },
  {
    name: 'zeros',
    fn(rt, args, argc) {
      const [rows, cols] = shapeArgs(rt, 'zeros', args, argc, SHAPE_USAGE);
      returnObject(rt, rt.objects.matrix(rows, cols));
    },
  },
  {
    // rand(): a uniform double in [0, 1); rand(n) / rand(m, n): a matrix of them (Math.random,
    // so not reproducible between runs; upstream seeds its generator with the time in seconds).
    name: 'rand',
    fn(rt, args, argc) {
      if (argc === 0) return returnDouble(rt, Math.random());
      const [rows, cols] = shapeArgs(rt, 'rand', args, argc, RANDOM_USAGE);
      const m = rt.objects.matrix(rows, cols);
      const o = base(m), f64 = rt.f64;
      for (let k = 0; k < rows * cols; k++) f64[o + k] = Math.random();
      returnObject(rt, m);
    },
  },
  {
    // randn(): a standard normal double; randn(n) / randn(m, n): a matrix of them, filled pair by
    // pair in storage (column-major) order as upstream does.
    name: 'randn',
    fn(rt, args, argc) {
      if (argc === 0) return returnDouble(rt, normalPair()[0]);
      const [rows, cols] = shapeArgs(rt, 'randn', args, argc, RANDOM_USAGE);
      const m = rt.objects.matrix(rows, cols);
      const o = base(m), f64 = rt.f64, n = rows * cols;
      for (let k = 0; k < n; k += 2) {
        const [z0, z1] = normalPair();
        f64[o + k] = z0;
        if (k + 1 < n) f64[o + k + 1] = z1;
      }
      returnObject(rt, m);
    },
  },
  {
    name: 'transpose',
    fn(rt, args, argc) {
      expectArgCount('transpose', argc, 1);
      const a = matrixArg(rt, 'transpose', args);
      const rows = rowsOf(rt, a), cols = colsOf(rt, a);
      // The column-major data of A, read row by row, is the column-major data of A's transpose.
      returnMatrix(rt, cols, rows, readRowMajor(rt, a));
    },
  },
  {
    // 1x1: the element; 2x2: a*d - b*c; larger: LU with partial pivoting (upstream's algorithm,
    // for identical rounding). A singular matrix gives 0.
    name: 'det',
    fn(rt, args, argc) {
      expectArgCount('det', argc, 1);
      const a = squareArg(rt, 'det', args);
      const n = rowsOf(rt, a), o = base(a), f64 = rt.f64;
      if (n === 1) return returnDouble(rt, f64[o]);
      if (n === 2) return returnDouble(rt, f64[o] * f64[o + 3] - f64[o + 2] * f64[o + 1]);
      returnDouble(rt, withWorkingCopy(rt, a, (w) => luDeterminant(w, n)));
    },
  },
  {
    name: 'inv',
    fn(rt, args, argc) {
      expectArgCount('inv', argc, 1);
      const a = squareArg(rt, 'inv', args);
      const n = rowsOf(rt, a);
      withWorkingCopy(rt, a, (w, scratch) => {
        const inverse = gaussJordanInverse(w, n, scratch(n * n));
        if (inverse === null) throw new RuntimeError('inv() of a singular matrix.');
        returnRowMajor(rt, n, n, inverse); // allocates the result while the buffers are pinned
      });
    },
  },
  {
    name: 'trace',
    fn(rt, args, argc) {
      expectArgCount('trace', argc, 1);
      const a = matrixArg(rt, 'trace', args);
      const rows = rowsOf(rt, a), o = base(a);
      let sum = 0;
      for (let k = 0; k < Math.min(rows, colsOf(rt, a)); k++) sum += rt.f64[o + k * rows + k];
      returnDouble(rt, sum);
    },
  },
  {
    // A 1x2 matrix [rows, cols] (upstream).
    name: 'size',
    fn(rt, args, argc) {
      expectArgCount('size', argc, 1);
      const a = matrixArg(rt, 'size', args);
      returnMatrix(rt, 1, 2, [rowsOf(rt, a), colsOf(rt, a)]);
    },
  },
  {
    // norm(matrix): the Frobenius norm; norm(float vector): the Euclidean length.
    name: 'norm',
    fn(rt, args, argc) {
      expectArgCount('norm', argc, 1);
      let from: number, to: number;
      if (rt.kindAt(args) === Kind.MATRIX) {
        const a = rt.stackVals[args];
        from = base(a);
        to = from + rowsOf(rt, a) * colsOf(rt, a);
      } else if (rt.kindAt(args) === Kind.FLOAT_VECTOR) {
        const v = rt.stackVals[args];
        from = rt.vectors.data(v) >>> 3;
        to = from + rt.vectors.count(v);
      } else {
        throw new RuntimeError('norm() expects a matrix or a float vector.');
      }
      let sum = 0;
      for (let k = from; k < to; k++) sum += rt.f64[k] * rt.f64[k];
      returnDouble(rt, Math.sqrt(sum));
    },
  },
  {
    // [A B]: in column-major order, A's data followed by B's.
    name: 'horzcat',
    fn(rt, args, argc) {
      expectArgCount('horzcat', argc, 2);
      if (rt.kindAt(args) !== Kind.MATRIX || rt.kindAt(args + 1) !== Kind.MATRIX) throw new RuntimeError('horzcat() expects two matrices.');
      const a = rt.stackVals[args], b = rt.stackVals[args + 1];
      const rows = rowsOf(rt, a), ca = colsOf(rt, a), cb = colsOf(rt, b);
      if (rowsOf(rt, b) !== rows) throw new RuntimeError('horzcat() expects matrices with the same number of rows.');
      const m = rt.objects.matrix(rows, ca + cb);
      rt.f64.copyWithin(base(m), base(a), base(a) + rows * ca);
      rt.f64.copyWithin(base(m) + rows * ca, base(b), base(b) + rows * cb);
      returnObject(rt, m);
    },
  },
  {
    // [A; B]: each column of the result is A's column followed by B's.
    name: 'vertcat',
    fn(rt, args, argc) {
      expectArgCount('vertcat', argc, 2);
      if (rt.kindAt(args) !== Kind.MATRIX || rt.kindAt(args + 1) !== Kind.MATRIX) throw new RuntimeError('vertcat() expects two matrices.');
      const a = rt.stackVals[args], b = rt.stackVals[args + 1];
      const cols = colsOf(rt, a), ra = rowsOf(rt, a), rb = rowsOf(rt, b);
      if (colsOf(rt, b) !== cols) throw new RuntimeError('vertcat() expects matrices with the same number of columns.');
      const m = rt.objects.matrix(ra + rb, cols);
      const o = base(m), pa = base(a), pb = base(b), f64 = rt.f64;
      for (let c = 0; c < cols; c++) {
        f64.copyWithin(o + c * (ra + rb), pa + c * ra, pa + (c + 1) * ra);
        f64.copyWithin(o + c * (ra + rb) + ra, pb + c * rb, pb + (c + 1) * rb);
      }
      returnObject(rt, m);
    },
  },
  {
    // matrix(vector, rows, cols): fills column by column (matrix([1,2,3,4], 2, 2) is [[1,3],[2,4]]).
    name: 'matrix',
    fn(rt, args, argc) {
      expectArgCount('matrix', argc, 3);
      if (rt.kindAt(args) !== Kind.FLOAT_VECTOR || rt.stackTags[args + 1] !== Tag.INT || rt.stackTags[args + 2] !== Tag.INT) {
        throw new RuntimeError('matrix() expects a float vector and two integer dimensions.');
      }
      const v = rt.stackVals[args], rows = rt.stackVals[args + 1], cols = rt.stackVals[args + 2];
      checkDimensions(rows, cols);
      if (rt.vectors.count(v) !== rows * cols) throw new RuntimeError('matrix() expects a vector of rows * cols elements.');
      const m = rt.objects.matrix(rows, cols);
      const from = rt.vectors.data(v) >>> 3; // read after allocating: the collector does not move blocks
      rt.f64.copyWithin(base(m), from, from + rows * cols);
      returnObject(rt, m);
    },
  },
  {
    // reshape(A, m, n): the same elements in column-major (Octave) order.
    name: 'reshape',
    fn(rt, args, argc) {
      expectArgCount('reshape', argc, 3);
      if (rt.kindAt(args) !== Kind.MATRIX || rt.stackTags[args + 1] !== Tag.INT || rt.stackTags[args + 2] !== Tag.INT) {
        throw new RuntimeError('reshape() expects a matrix and two integer dimensions.');
      }
      const a = rt.stackVals[args], rows = rt.stackVals[args + 1], cols = rt.stackVals[args + 2];
      checkDimensions(rows, cols);
      const n = rowsOf(rt, a) * colsOf(rt, a);
      if (rows * cols !== n) throw new RuntimeError('reshape() must keep the number of elements.');
      const m = rt.objects.matrix(rows, cols);
      rt.f64.copyWithin(base(m), base(a), base(a) + n);
      returnObject(rt, m);
    },
  },
  {
    name: 'rref',
    fn(rt, args, argc) {
      expectArgCount('rref', argc, 1);
      const a = matrixArg(rt, 'rref', args);
      const rows = rowsOf(rt, a), cols = colsOf(rt, a);
      withWorkingCopy(rt, a, (w) => returnRowMajor(rt, rows, cols, reducedRowEchelon(w, rows, cols)));
    },
  },
  {
    // The number of non-zero rows of rref(A) (an int).
    name: 'rank',
    fn(rt, args, argc) {
      expectArgCount('rank', argc, 1);
      const a = matrixArg(rt, 'rank', args);
      const rows = rowsOf(rt, a), cols = colsOf(rt, a);
      const rank = withWorkingCopy(rt, a, (w) => {
        const r = reducedRowEchelon(w, rows, cols);
        let count = 0;
        for (let i = 0; i < rows; i++) if (isNonZeroRow(r, i, cols)) count++;
        return count;
      });
      returnInt(rt, rank);
    },
  },
  {
    name: 'matrix_get',
    fn(rt, args, argc) {
      expectArgCount('matrix_get', argc, 3);
      if (rt.kindAt(args) !== Kind.MATRIX || rt.stackTags[args + 1] !== Tag.INT || rt.stackTags[args + 2] !== Tag.INT) {
        throw new RuntimeError('matrix_get() expects a matrix and two integer indices.');
      }
      const a = rt.stackVals[args], r = rt.stackVals[args + 1], c = rt.stackVals[args + 2];
      const rows = rowsOf(rt, a);
      if (r < 0 || r >= rows || c < 0 || c >= colsOf(rt, a)) throw new RuntimeError('matrix_get() index out of bounds.');
      returnDouble(rt, rt.f64[base(a) + c * rows + r]);
    },
  },
  {
    // Writes in place and returns the matrix (upstream).
    name: 'matrix_set',
    fn(rt, args, argc) {
      expectArgCount('matrix_set', argc, 4);
      const valueTag = rt.stackTags[args + 3];
      if (rt.kindAt(args) !== Kind.MATRIX || rt.stackTags[args + 1] !== Tag.INT || rt.stackTags[args + 2] !== Tag.INT ||
          (valueTag !== Tag.INT && valueTag !== Tag.DOUBLE)) {
        throw new RuntimeError('matrix_set() expects a matrix, two integer indices and a number.');
      }
      const a = rt.stackVals[args], r = rt.stackVals[args + 1], c = rt.stackVals[args + 2];
      const rows = rowsOf(rt, a);
      if (r < 0 || r >= rows || c < 0 || c >= colsOf(rt, a)) throw new RuntimeError('matrix_set() index out of bounds.');
      rt.f64[base(a) + c * rows + r] = rt.stackVals[args + 3];
      returnObject(rt, a);
    },
  },
  {
    // The elements row by row, as a float vector.
    name: 'flatten',
    fn(rt, args, argc) {
      expectArgCount('flatten', argc, 1);
      const a = matrixArg(rt, 'flatten', args);
      returnObject(rt, rt.vectors.fromArray(readRowMajor(rt, a)));
    },
  },
];
