import type { Runtime } from './runtime';
import { Tag } from './value';
import { L } from './layout';
import { Kind } from './kinds';
import { RuntimeError } from './errors';
import { utf8Length } from './bytes';

/**
 * Construction of literal values from operands on the stack (they stay there, rooted, until
 * the result is complete). Each writes its result into the first operand's slot.
 */

/** `[a, b, c]`: n numbers from slot `from`. Non-numbers are a runtime error (LANGUAGE.md). */
export function buildVector(rt: Runtime, from: number, n: number): void {
  const tags = rt.stackTags, vals = rt.stackVals;
  checkNumbers(rt, from, n, 'Vector elements must be numbers.');
  const v = rt.vectors.make(n);
  const base = rt.vectors.data(v) >>> 3;
  for (let k = 0; k < n; k++) rt.f64[base + k] = vals[from + k];
  rt.vectors.setCount(v, n);
  tags[from] = Tag.OBJ;
  vals[from] = v;
}

/** `[[…], […]]`: rows x cols numbers, row by row, stored column-major. */
export function buildMatrix(rt: Runtime, from: number, rows: number, cols: number): void {
  const vals = rt.stackVals;
  checkNumbers(rt, from, rows * cols, 'Matrix elements must be numbers.');
  const m = rt.objects.matrix(rows, cols);
  const base = (m + L.MAT_DATA) >>> 3;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) rt.f64[base + c * rows + r] = vals[from + r * cols + c];
  rt.stackTags[from] = Tag.OBJ;
  vals[from] = m;
}

/** `#{k: v, …}`: n key/value pairs; a repeated key keeps its first position and last value. */
export function buildHash(rt: Runtime, from: number, n: number): void {
  const tags = rt.stackTags, vals = rt.stackVals;
  const top = from + 2 * n;
  // The table is kept in the slot above the operands while entries are added (it allocates).
  const h = rt.hashes.make();
  tags[top] = Tag.OBJ;
  vals[top] = h;
  rt.sp = top + 1;
  for (let k = 0; k < n; k++) rt.hashes.set(h, vals[from + 2 * k] >>> 0, tags[from + 2 * k + 1], vals[from + 2 * k + 1]);
  tags[from] = Tag.OBJ;
  vals[from] = h;
  rt.sp = top;
}

const utf8 = new TextEncoder();

/**
 * f-strings: the texts of n values, joined. The bytes are assembled in an arena buffer (string
 * parts are copied heap to heap, other values encoded in place) and interned from there.
 */
export function buildString(rt: Runtime, from: number, n: number): void {
  const vals = rt.stackVals, u8 = rt.u8;
  // Per part: a heap string (copied byte for byte) or the text of any other value (encoded).
  const texts: (string | null)[] = [];
  let total = 0;
  for (let k = 0; k < n; k++) {
    if (rt.kindAt(from + k) === Kind.STRING) {
      texts.push(null);
      total += rt.strings.byteLength(vals[from + k] >>> 0);
    } else {
      const text = rt.text(rt.stackTags[from + k], vals[from + k]);
      texts.push(text);
      total += utf8Length(text);
    }
  }
  const arena = rt.gc.newArena(Kind.ARENA);
  try {
    const buf = total === 0 ? 0 : arena.alloc(total);
    let at = buf;
    for (let k = 0; k < n; k++) {
      const text = texts[k];
      if (text === null) {
        const s = vals[from + k] >>> 0, len = rt.strings.byteLength(s);
        u8.copyWithin(at, s + L.STR_BYTES, s + L.STR_BYTES + len);
        at += len;
      } else {
        at += utf8.encodeInto(text, u8.subarray(at, buf + total)).written;
      }
    }
    vals[from] = rt.strings.fromHeapBytes(buf, total);
  } finally {
    arena.release();
  }
  rt.stackTags[from] = Tag.OBJ;
}

/** `a..b` / `a..=b`: both bounds must be ints. */
export function buildRange(rt: Runtime, from: number, inclusive: boolean): void {
  const tags = rt.stackTags, vals = rt.stackVals;
  if (tags[from] !== Tag.INT || tags[from + 1] !== Tag.INT) throw new RuntimeError('Range operands must be integers.');
  vals[from] = rt.objects.range(vals[from], vals[from + 1], inclusive);
  tags[from] = Tag.OBJ;
}

function checkNumbers(rt: Runtime, from: number, n: number, message: string): void {
  const tags = rt.stackTags;
  for (let k = 0; k < n; k++) {
    const t = tags[from + k];
    if (t !== Tag.INT && t !== Tag.DOUBLE) throw new RuntimeError(message);
  }
}
