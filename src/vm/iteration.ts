import type { Runtime } from './runtime';
import { Tag } from './value';
import { Kind } from './kinds';
import { L } from './layout';
import { RuntimeError } from './errors';
import { rangeLength } from './operators';

/**
 * One step of `foreach`: the sequence is in stack slot `seq`, the cursor in `seq + 1` (an int
 * position, or for linked lists the current node). Writes the next element into slot `out` and
 * returns true, or returns false when the sequence is exhausted. Lengths are re-read every step,
 * so a loop that grows its vector sees the new elements (upstream). May allocate (hash-table
 * pairs, 1-character strings): rt.sp must cover `seq + 1`.
 */
export function foreachNext(rt: Runtime, seq: number, out: number): boolean {
  const tags = rt.stackTags, vals = rt.stackVals;
  const obj = vals[seq] >>> 0;
  const kind = rt.kindAt(seq);
  if (kind === Kind.LINKED_LIST) return nextListElement(rt, seq, out);
  const k = vals[seq + 1];
  switch (kind) {
    case Kind.FLOAT_VECTOR:
      if (k >= rt.vectors.count(obj)) return false;
      tags[out] = Tag.DOUBLE;
      vals[out] = rt.vectors.get(obj, k);
      break;
    case Kind.RANGE:
      if (k >= rangeLength(rt, obj)) return false;
      tags[out] = Tag.INT;
      vals[out] = rt.i32[(obj + L.RANGE_START) >>> 2] + k;
      break;
    case Kind.STRING:
      if (k >= rt.strings.charCount(obj)) return false;
      vals[out] = rt.strings.substring(obj, k, k + 1);
      tags[out] = Tag.OBJ;
      break;
    case Kind.PAIR: {
      if (k >= 2) return false;
      const slot = obj + (k === 0 ? L.PAIR_KEY : L.PAIR_VALUE);
      tags[out] = rt.u32[slot >>> 2];
      vals[out] = rt.f64[(slot + 8) >>> 3];
      break;
    }
    case Kind.HASH_TABLE:
      return nextHashEntry(rt, seq, out);
    case Kind.MATRIX: {
      const rows = rt.u32[(obj + L.MAT_ROWS) >>> 2], cols = rt.u32[(obj + L.MAT_COLS) >>> 2];
      if (k >= rows * cols) return false;
      const r = Math.floor(k / cols), c = k - r * cols;
      tags[out] = Tag.DOUBLE;
      vals[out] = rt.f64[((obj + L.MAT_DATA) >>> 3) + c * rows + r];
      break;
    }
    default:
      throw new RuntimeError('Operand must be a string or range.'); // upstream's text (numbers, nil, ...)
  }
  vals[seq + 1] = k + 1;
  return true;
}

/**
 * Hash tables yield `key => value` pairs in insertion order. The cursor holds the next entry
 * number plus the table's compaction count times 2^32; the last key yielded is kept in slot
 * seq + 2. When the table was compacted meanwhile (entry numbers changed: many removals, then
 * an insertion), the walk resumes after that key, found again by lookup.
 */
function nextHashEntry(rt: Runtime, seq: number, out: number): boolean {
  const tags = rt.stackTags, vals = rt.stackVals, hashes = rt.hashes;
  const h = vals[seq] >>> 0;
  const compactions = hashes.compactions(h);
  let k = vals[seq + 1] % 0x100000000;
  if (Math.floor(vals[seq + 1] / 0x100000000) !== compactions && tags[seq + 2] === Tag.OBJ) {
    const last = hashes.find(h, vals[seq + 2] >>> 0);
    if (last === 0) throw new RuntimeError('Hash table changed during foreach: the current key was removed and the table reorganized.');
    k = hashes.entryNumber(h, last) + 1;
  }
  while (k < hashes.used(h) && hashes.entryKey(hashes.entryAt(h, k)) === 0) k++;
  if (k >= hashes.used(h)) return false;
  vals[seq + 1] = k + 1 + compactions * 0x100000000;
  const e = hashes.entryAt(h, k);
  tags[seq + 2] = Tag.OBJ;
  vals[seq + 2] = hashes.entryKey(e);
  // The key and value are reachable from the table (rooted in slot seq) while the pair is made.
  vals[out] = rt.objects.pair(Tag.OBJ, hashes.entryKey(e), hashes.entryTag(e), hashes.entryPayload(e));
  tags[out] = Tag.OBJ;
  return true;
}

/** Linked lists: the cursor holds the current node (an object, so it stays alive). */
function nextListElement(rt: Runtime, seq: number, out: number): boolean {
  const tags = rt.stackTags, vals = rt.stackVals, lists = rt.lists;
  const node = tags[seq + 1] === Tag.OBJ ? lists.next(vals[seq + 1] >>> 0) : lists.head(vals[seq] >>> 0);
  if (node === 0) return false;
  tags[seq + 1] = Tag.OBJ;
  vals[seq + 1] = node;
  tags[out] = lists.nodeTag(node);
  vals[out] = lists.nodeValue(node);
  return true;
}
