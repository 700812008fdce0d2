/**
 * Dense linear algebra for the matrix natives, on plain row-major Float64Arrays (element (r, c)
 * of an m x n matrix at r * n + c). Pure functions: the natives give them working copies (in
 * arena buffers of the heap, see matrix.ts), run one, and allocate the result matrix last.
 */

/** A pivot smaller than this in absolute value means a singular matrix (upstream's LU test). */
const SINGULAR_PIVOT = 1e-14;
/** rref: entries smaller than this count as zero (upstream's pivot search and rank test). */
const RREF_ZERO = 1e-10;

/** Row-major copy of column-major data (into `out` when given). */
export function rowMajor(columnMajor: ArrayLike<number>, rows: number, cols: number, out: Float64Array = new Float64Array(rows * cols)): Float64Array {
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) out[r * cols + c] = columnMajor[c * rows + r];
  }
  return out;
}

function swapRows(a: Float64Array, cols: number, i: number, j: number): void {
  for (let c = 0; c < cols; c++) {
    const t = a[i * cols + c];
    a[i * cols + c] = a[j * cols + c];
    a[j * cols + c] = t;
  }
}

/** The row i >= k with the strictly largest |a[i][k]| (ties keep the earlier row). */
function largestPivotRow(a: Float64Array, n: number, k: number): number {
  let p = k, best = Math.abs(a[k * n + k]);
  for (let i = k + 1; i < n; i++) {
    const x = Math.abs(a[i * n + k]);
    if (x > best) { best = x; p = i; }
  }
  return p;
}

/**
 * Determinant of the n x n matrix `a` (overwritten) by upstream's LU elimination with partial
 * pivoting: the product of U's diagonal in order, negated for an odd number of row swaps, and
 * 0 when a pivot is below SINGULAR_PIVOT. Same operation order as upstream, so the same rounding.
 */
export function luDeterminant(a: Float64Array, n: number): number {
  let swaps = 0;
  for (let k = 0; k < n; k++) {
    const p = largestPivotRow(a, n, k);
    if (p !== k) { swapRows(a, n, k, p); swaps++; }
    const pivot = a[k * n + k];
    if (Math.abs(pivot) < SINGULAR_PIVOT) return 0; // a NaN pivot goes on, so NaN propagates
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k] / pivot;
      for (let j = k; j < n; j++) a[i * n + j] -= f * a[k * n + j];
    }
  }
  let det = 1;
  for (let k = 0; k < n; k++) det *= a[k * n + k];
  return swaps % 2 === 1 ? -det : det;
}

/**
 * Inverse of the n x n matrix `a` (overwritten) by Gauss-Jordan elimination with partial pivoting
 * (the largest absolute pivot in the column), written into `inv` (n x n) and returned; null when
 * a pivot is below SINGULAR_PIVOT.
 * Upstream's LU solve forgot the row permutation (wrong inverses whenever rows were swapped);
 * this is the intended result.
 */
export function gaussJordanInverse(a: Float64Array, n: number, inv: Float64Array = new Float64Array(n * n)): Float64Array | null {
  inv.fill(0);
  for (let k = 0; k < n; k++) inv[k * n + k] = 1;
  for (let k = 0; k < n; k++) {
    const p = largestPivotRow(a, n, k);
    if (p !== k) { swapRows(a, n, k, p); swapRows(inv, n, k, p); }
    const pivot = a[k * n + k];
    if (Math.abs(pivot) < SINGULAR_PIVOT) return null;
    for (let j = 0; j < n; j++) { a[k * n + j] /= pivot; inv[k * n + j] /= pivot; }
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const f = a[i * n + k];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) { a[i * n + j] -= f * a[k * n + j]; inv[i * n + j] -= f * inv[k * n + j]; }
      a[i * n + k] = 0;
    }
  }
  return inv;
}

/**
 * Reduced row echelon form of the rows x cols matrix `a` (overwritten and returned), as upstream
 * computes it: for each column, the pivot is the first remaining row with |x| >= 1e-10, swapped
 * up whole, divided by the pivot, and the column is eliminated in every other row. Entries left
 * below 1e-10 in absolute value (rounding residue, and -0) are then set to 0, so that rref prints
 * clean zeros and agrees with rank.
 */
export function reducedRowEchelon(a: Float64Array, rows: number, cols: number): Float64Array {
  let r = 0;
  for (let c = 0; c < cols && r < rows; c++) {
    let p = r;
    while (p < rows && !(Math.abs(a[p * cols + c]) >= RREF_ZERO)) p++;
    if (p === rows) continue;
    if (p !== r) swapRows(a, cols, r, p);
    const pivot = a[r * cols + c];
    for (let j = 0; j < cols; j++) a[r * cols + j] /= pivot;
    for (let i = 0; i < rows; i++) {
      if (i === r) continue;
      const f = a[i * cols + c];
      for (let j = 0; j < cols; j++) a[i * cols + j] -= f * a[r * cols + j];
    }
    r++;
  }
  for (let k = 0; k < a.length; k++) if (Math.abs(a[k]) < RREF_ZERO) a[k] = 0;
  return a;
}

/** Whether row i of a row-major matrix has an entry with |x| > 1e-10 (rank's test). */
export function isNonZeroRow(a: Float64Array, i: number, cols: number): boolean {
  for (let j = 0; j < cols; j++) if (Math.abs(a[i * cols + j]) > RREF_ZERO) return true;
  return false;
}
