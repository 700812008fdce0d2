import { Collector } from '../gc';
import { Allocator, Addr } from '../memory';
import { Kind } from './kinds';
import { L } from './layout';
import { fnv1a, FNV_OFFSET } from './hash';

const TOMBSTONE = 1;
const MIN_CAPACITY = 64;

/**
 * String objects and the intern table.
 *
 * Every string is interned: two strings with the same bytes are the same object, so string
 * equality is address equality and name tables can compare keys by address.
 *
 * The intern table is an open-addressing set of string addresses kept in one heap block
 * (STRING_SET). It is weak: the collector marks the block itself (a leaf) but not the strings
 * in it; `removeWhite` turns entries of unmarked strings into tombstones before the sweep.
 *
 * GC safety: a string is allocated only after the table has room for it (growing the table
 * may collect), so a new string is never unreachable while an allocation can run.
 */
export class StringStore {
  /** Address of the STRING_SET block, and its capacity (a power of two). */
  tableAddr: Addr = 0;
  capacity = 0;
  /** Live entries plus tombstones. */
  used = 0;

  private readonly u8: Uint8Array;
  private readonly u32: Uint32Array;
  private scratch = new Uint8Array(256);
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(private readonly gc: Collector, private readonly allocator: Allocator) {
    this.u8 = allocator.heap.u8;
    this.u32 = allocator.heap.u32;
  }

  byteLength(s: Addr): number {
    return this.u32[(s + L.STR_BYTE_LEN) >>> 2];
  }

  hashOf(s: Addr): number {
    return this.u32[(s + L.STR_HASH) >>> 2];
  }

  charCount(s: Addr): number {
    return this.u32[(s + L.STR_CHAR_COUNT) >>> 2];
  }

  /** The JS text of a heap string (allocates a JS string: not for hot paths). */
  toJs(s: Addr): string {
    const start = s + L.STR_BYTES;
    const len = this.byteLength(s);
    const u8 = this.u8;
    let ascii = true;
    for (let i = 0; i < len; i++) if (u8[start + i] >= 0x80) { ascii = false; break; }
    if (ascii && len < 64) {
      let out = '';
      for (let i = 0; i < len; i++) out += String.fromCharCode(u8[start + i]);
      return out;
    }
    return this.decoder.decode(u8.subarray(start, start + len));
  }

  /** Interns a JS string. */
  fromJs(text: string): Addr {
    let len = text.length;
    let bytes = this.scratch;
    let ascii = true;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) { ascii = false; break; }
    if (ascii) {
      if (bytes.length < len) bytes = this.scratch = new Uint8Array(len * 2);
      for (let i = 0; i < len; i++) bytes[i] = text.charCodeAt(i);
    } else {
      if (bytes.length < text.length * 3) bytes = this.scratch = new Uint8Array(text.length * 3 + 16);
      len = this.encoder.encodeInto(text, bytes).written;
    }
    const hash = fnv1a(bytes, 0, len, FNV_OFFSET);
    const found = this.findBytes(bytes, 0, len, hash);
    if (found !== 0) return found;
    this.ensureRoom();
    const s = this.allocString(len, hash);
    this.u8.set(bytes.subarray(0, len), s + L.STR_BYTES);
    this.finish(s, len);
    return s;
  }

  /** Interns the concatenation of two heap strings (both must stay reachable: callers root them). */
  concat(a: Addr, b: Addr): Addr {
    const u8 = this.u8;
    const lenA = this.byteLength(a), lenB = this.byteLength(b);
    if (lenB === 0) return a;
    if (lenA === 0) return b;
    const hash = fnv1a(u8, b + L.STR_BYTES, lenB, this.hashOf(a));
    const found = this.findConcat(a, lenA, b, lenB, hash);
    if (found !== 0) return found;
    this.ensureRoom();
    const s = this.allocString(lenA + lenB, hash);
    u8.copyWithin(s + L.STR_BYTES, a + L.STR_BYTES, a + L.STR_BYTES + lenA);
    u8.copyWithin(s + L.STR_BYTES + lenA, b + L.STR_BYTES, b + L.STR_BYTES + lenB);
    this.finish(s, lenA + lenB, this.charCount(a) + this.charCount(b)); // both are rooted, unchanged
    return s;
  }

  /** Code points [from, to) of s as an interned string (indexes count code points). */
  substring(s: Addr, from: number, to: number): Addr {
    if (this.byteLength(s) === this.charCount(s)) return this.fromHeapBytes(s + L.STR_BYTES + from, to - from);
    return this.fromJs(Array.from(this.toJs(s)).slice(from, to).join(''));
  }

  /** Interns `len` bytes that start at heap address `src` (e.g. a slice of another string). */
  fromHeapBytes(src: number, len: number): Addr {
    const hash = fnv1a(this.u8, src, len, FNV_OFFSET);
    const found = this.findBytes(this.u8, src, len, hash);
    if (found !== 0) return found;
    // The source may be freed by a collection during allocation: copy it out first.
    if (this.scratch.length < len) this.scratch = new Uint8Array(len * 2);
    this.scratch.set(this.u8.subarray(src, src + len));
    this.ensureRoom();
    const s = this.allocString(len, hash);
    this.u8.set(this.scratch.subarray(0, len), s + L.STR_BYTES);
    this.finish(s, len);
    return s;
  }

  /** Weak-table cleanup, called by the collector between marking and sweeping. */
  removeWhite(gc: Collector): void {
    const u32 = this.u32;
    const base = this.tableAddr >>> 2;
    for (let i = 0; i < this.capacity; i++) {
      const s = u32[base + i];
      if (s > TOMBSTONE && !gc.isMarked(s)) u32[base + i] = TOMBSTONE;
    }
  }

  /** Marks the table block itself (not its entries: they are weak). */
  markTable(gc: Collector): void {
    if (this.tableAddr !== 0) gc.markObject(this.tableAddr);
  }

  /** Drops the table (for --leak-check's final collection). */
  release(): void {
    if (this.tableAddr !== 0) this.allocator.free(this.tableAddr);
    this.tableAddr = 0;
    this.capacity = 0;
    this.used = 0;
  }

  // --- internals ---

  private allocString(len: number, hash: number): Addr {
    const s = this.gc.allocate(L.STR_BYTES + len, Kind.STRING);
    const u32 = this.u32;
    u32[(s + L.STR_BYTE_LEN) >>> 2] = len;
    u32[(s + L.STR_HASH) >>> 2] = hash;
    return s;
  }

  /** Records the code-point count (counted when not given) and enters the new string into the table. */
  private finish(s: Addr, len: number, knownChars = -1): void {
    const u8 = this.u8;
    let chars = knownChars;
    if (chars < 0) {
      chars = 0;
      for (let i = s + L.STR_BYTES, end = i + len; i < end; i++) if ((u8[i] & 0xc0) !== 0x80) chars++;
    }
    this.u32[(s + L.STR_CHAR_COUNT) >>> 2] = chars;
    this.insert(s, this.hashOf(s));
  }

  private insert(s: Addr, hash: number): void {
    const u32 = this.u32;
    const base = this.tableAddr >>> 2;
    const mask = this.capacity - 1;
    let i = hash & mask;
    for (;;) {
      const e = u32[base + i];
      if (e === 0) { this.used++; break; }
      if (e === TOMBSTONE) break;
      i = (i + 1) & mask;
    }
    u32[base + i] = s;
  }

  /** Makes room for one more entry; may allocate (and so collect) before the new string exists. */
  private ensureRoom(): void {
    if ((this.used + 1) * 4 <= this.capacity * 3) return;
    // Count live entries: if tombstones are most of the load, rehash at the same size.
    const u32 = this.u32;
    let live = 0;
    for (let i = 0; i < this.capacity; i++) if (u32[(this.tableAddr >>> 2) + i] > TOMBSTONE) live++;
    let cap = Math.max(MIN_CAPACITY, this.capacity);
    while ((live + 1) * 2 > cap) cap *= 2;
    const oldAddr = this.tableAddr, oldCap = this.capacity;
    const fresh = this.gc.allocate(cap * 4, Kind.STRING_SET);
    // The collection that allocation may have run only tombstoned entries of the old table.
    this.u8.fill(0, fresh, fresh + cap * 4);
    this.tableAddr = fresh;
    this.capacity = cap;
    this.used = 0;
    for (let i = 0; i < oldCap; i++) {
      const s = u32[(oldAddr >>> 2) + i];
      if (s > TOMBSTONE) this.insert(s, this.hashOf(s));
    }
    if (oldAddr !== 0) this.allocator.free(oldAddr);
  }

  /** The interned string equal to `len` bytes of `src` starting at `start`, or 0. */
  private findBytes(src: Uint8Array, start: number, len: number, hash: number): Addr {
    if (this.capacity === 0) return 0;
    const u32 = this.u32, u8 = this.u8;
    const base = this.tableAddr >>> 2, mask = this.capacity - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const s = u32[base + i];
      if (s === 0) return 0;
      if (s === TOMBSTONE || u32[(s + L.STR_HASH) >>> 2] !== hash || u32[(s + L.STR_BYTE_LEN) >>> 2] !== len) continue;
      let j = 0;
      const p = s + L.STR_BYTES;
      while (j < len && u8[p + j] === src[start + j]) j++;
      if (j === len) return s;
    }
  }

  private findConcat(a: Addr, lenA: number, b: Addr, lenB: number, hash: number): Addr {
    if (this.capacity === 0) return 0;
    const u32 = this.u32, u8 = this.u8;
    const base = this.tableAddr >>> 2, mask = this.capacity - 1;
    const pa = a + L.STR_BYTES, pb = b + L.STR_BYTES, len = lenA + lenB;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const s = u32[base + i];
      if (s === 0) return 0;
      if (s === TOMBSTONE || u32[(s + L.STR_HASH) >>> 2] !== hash || u32[(s + L.STR_BYTE_LEN) >>> 2] !== len) continue;
      const p = s + L.STR_BYTES;
      let j = 0;
      while (j < lenA && u8[p + j] === u8[pa + j]) j++;
      if (j < lenA) continue;
      let k = 0;
      while (k < lenB && u8[p + lenA + k] === u8[pb + k]) k++;
      if (k === lenB) return s;
    }
  }
}
