import { Collector } from '../gc';
import { Allocator, Addr } from '../memory';
import { Kind } from './kinds';
import { L } from './layout';
import { fnv1a, FNV_OFFSET } from './hash';

const MIN_CAPACITY = 64;
/** Entries of the concatenation memo (a power of two). */
const MEMO_BITS = 10;
const MEMO_SIZE = 1 << MEMO_BITS;
/** Words per table entry: the string's address, then its hash (so probes compare hashes without reading the strings). */
export const INTERN_ENTRY_WORDS = 2;
const ENTRY = INTERN_ENTRY_WORDS;

/**
 * String objects and the intern table.
 *
 * Every string is interned: two strings with the same bytes are the same object, so string
 * equality is address equality and name tables can compare keys by address.
 *
 * The intern table is an open-addressing (linear probing) set of string addresses, each beside
 * its hash, kept in one heap block (STRING_SET). It is weak: the collector marks the block
 * itself (a leaf) but not the strings in it; `removeWhite` drops the entries of unmarked
 * strings before the sweep by rebuilding the table in place, so it never holds tombstones.
 *
 * GC safety: a string is allocated only after the table has room for it (growing the table
 * may collect), so a new string is never unreachable while an allocation can run.
 */
export class StringStore {
  /** Address of the STRING_SET block, and its capacity (a power of two). */
  tableAddr: Addr = 0;
  capacity = 0;
  /** Entries (every one a live string between collections). */
  used = 0;
  /**
   * Where the last failed lookup would insert (a word index into the heap), -1 when none or when
   * the table changed since (a rehash or a collection's rebuild, which the allocation of the new
   * string between lookup and insert may trigger, resets it).
   */
  private missSlot = -1;

  private readonly u8: Uint8Array;
  private readonly u32: Uint32Array;
  private scratch = new Uint8Array(256);
  /**
   * Concatenation memo, direct-mapped: [a, b, a ++ b] per entry. A loop that builds the same
   * strings again (string_build's phase 1; keys made from the same parts) finds its result
   * without hashing or comparing bytes. Cleared at every collection, the only time a string
   * is freed (and its address can be reused).
   */
  private readonly memo = new Uint32Array(MEMO_SIZE * 3);
  /** removeWhite's list of surviving entries (address, hash) while it rebuilds the table. */
  private keep = new Uint32Array(256);
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(private readonly gc: Collector, private readonly allocator: Allocator) {
    this.u8 = allocator.heap.u8;
    this.u32 = allocator.heap.u32;
    // (No table after release(): leak-check's last collection then leaves any survivor out, as removeWhite does.)
    gc.registerWeakSurvivors(Kind.STRING, (s) => { if (this.capacity !== 0) this.insert(s, this.hashOf(s)); });
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
    return this.internScratch(len);
  }

  /** Interns the first `len` bytes of the scratch buffer (fromJs, fromInt). */
  private internScratch(len: number): Addr {
    const hash = fnv1a(this.scratch, 0, len, FNV_OFFSET);
    const found = this.findBytes(this.scratch, 0, len, hash);
    return found !== 0 ? found : this.addScratch(len, hash);
  }

  /**
   * A new string of the first `len` bytes of the scratch buffer, whose hash is `hash`, entered in
   * the table (the caller found it absent). The bytes are in the scratch buffer, not the heap,
   * because the allocation may run a collection.
   */
  private addScratch(len: number, hash: number): Addr {
    this.ensureRoom();
    const s = this.allocString(len, hash);
    copyIn(this.u8, s + L.STR_BYTES, this.scratch, len);
    this.finish(s, len);
    return s;
  }

  /**
   * Interns the decimal text of an int32, as `str(n)` prints it, without making a JavaScript
   * string first (hash_table's keys `"k" + str(i)`: a million of them per run).
   */
  fromInt(n: number): Addr {
    const bytes = this.scratch; // at least 256 bytes: 11 are enough
    // Digits from the end of a 12-byte window, then the window moves to the front.
    let at = 12;
    let v = n < 0 ? -n : n; // -2147483648 too: its magnitude is exact as a double
    do { bytes[--at] = 48 + (v % 10); v = Math.floor(v / 10); } while (v !== 0);
    if (n < 0) bytes[--at] = 45; // '-'
    const len = 12 - at;
    for (let i = 0; i < len; i++) bytes[i] = bytes[at + i];
    return this.internScratch(len);
  }

  /**
   * Interns the concatenation of two heap strings (both must stay reachable: callers root them).
   * The hash continues from a's (FNV-1a is incremental), so only b's bytes are hashed; a miss
   * remembers where the new string goes in the table, so it is not probed for twice.
   */
  concat(a: Addr, b: Addr): Addr {
    const u8 = this.u8;
    const lenA = this.byteLength(a), lenB = this.byteLength(b);
    if (lenB === 0) return a;
    if (lenA === 0) return b;
    const memo = this.memo;
    const m = (Math.imul(a ^ (b << 7), 0x9e3779b1) >>> (32 - MEMO_BITS)) * 3;
    if (memo[m] === a && memo[m + 1] === b) return memo[m + 2];
    const hash = fnv1a(u8, b + L.STR_BYTES, lenB, this.hashOf(a));
    let s = this.findConcat(a, lenA, b, lenB, hash);
    if (s === 0) {
      this.ensureRoom();
      s = this.allocString(lenA + lenB, hash);
      copyAligned(u8, this.u32, s + L.STR_BYTES, a + L.STR_BYTES, lenA);
      copyBytes(u8, s + L.STR_BYTES + lenA, b + L.STR_BYTES, lenB);
      this.finish(s, lenA + lenB, this.charCount(a) + this.charCount(b)); // both are rooted, unchanged
    }
    // (Set after any collection the allocation ran: a, b and s are all live.)
    memo[m] = a;
    memo[m + 1] = b;
    memo[m + 2] = s;
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
    return this.addScratch(len, hash);
  }

  /**
   * Weak-table cleanup, called by the collector between marking and sweeping. Before a full
   * sweep the table is emptied and the sweep refills it; otherwise (an incremental cycle's or a
   * minor collection's sweep, which runs later or only over young blocks), when any entry's
   * string is unmarked, the table is rebuilt in place from the survivors. Tombstones (what it
   * did before) piled up in a program that makes many short-lived strings: string_build's
   * lookups walked 35 of them on average before reaching an empty slot.
   */
  removeWhite(gc: Collector): void {
    this.memo.fill(0);
    this.missSlot = -1;
    if (this.capacity === 0) return;
    if (gc.sweepReportsWeak) {
      // A full sweep follows and enters every surviving string again (registerWeakSurvivors in
      // the constructor): no entry is checked here. (The table keeps its capacity, so it has
      // room for them all.)
      const base = this.tableAddr >>> 2;
      this.u32.fill(0, base, base + this.capacity * ENTRY);
      this.used = 0;
      return;
    }
    if (this.keep.length < this.used * ENTRY) this.keep = new Uint32Array(this.used * ENTRY * 2);
    const words = this.survivors(gc);
    if (words === this.used * ENTRY) return; // nothing died
    this.used = words / ENTRY;
    this.refill(words);
  }

  /**
   * Copies the entries of marked strings to `keep`; returns the number of words copied. (Each
   * of these loops is alone in its function: see Allocator.sweepBlocks for what V8 did with
   * code after a long loop.)
   */
  private survivors(gc: Collector): number {
    const u32 = this.u32, keep = this.keep;
    let n = 0;
    for (let w = this.tableAddr >>> 2, end = w + this.capacity * ENTRY; w < end; w += ENTRY) {
      const s = u32[w];
      if (s !== 0 && gc.isMarked(s)) { keep[n] = s; keep[n + 1] = u32[w + 1]; n += ENTRY; }
    }
    return n;
  }

  /** Empties the table and enters the first `words` words of `keep` again. */
  private refill(words: number): void {
    const u32 = this.u32, keep = this.keep;
    const base = this.tableAddr >>> 2, mask = this.capacity - 1;
    u32.fill(0, base, base + this.capacity * ENTRY);
    for (let n = 0; n < words; n += ENTRY) {
      const hash = keep[n + 1];
      let i = hash & mask;
      while (u32[base + i * ENTRY] !== 0) i = (i + 1) & mask;
      u32[base + i * ENTRY] = keep[n];
      u32[base + i * ENTRY + 1] = hash;
    }
  }

  /** Marks the table block itself (not its entries: they are weak). */
  markTable(gc: Collector): void {
    if (this.tableAddr !== 0) gc.markObject(this.tableAddr);
  }

  /** Drops the table (for --leak-check's final collection). */
  release(): void {
    if (this.tableAddr !== 0) this.allocator.free(this.tableAddr);
    this.memo.fill(0);
    this.missSlot = -1;
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

  /**
   * Enters s (not in the table) at the empty slot the failed lookup just before ended at, unless
   * the table changed since (a rehash, or a collection's rebuild): then it probes again.
   */
  private insert(s: Addr, hash: number): void {
    const u32 = this.u32;
    let w = this.missSlot;
    if (w < 0) {
      const base = this.tableAddr >>> 2, mask = this.capacity - 1;
      let i = hash & mask;
      while (u32[base + i * ENTRY] !== 0) i = (i + 1) & mask;
      w = base + i * ENTRY;
    }
    this.missSlot = -1;
    this.used++;
    u32[w] = s;
    u32[w + 1] = hash;
  }

  /** Makes room for one more entry; may allocate (and so collect) before the new string exists. */
  private ensureRoom(): void {
    if ((this.used + 1) * 4 <= this.capacity * 3) return;
    const u32 = this.u32;
    let cap = Math.max(MIN_CAPACITY, this.capacity);
    while ((this.used + 1) * 2 > cap) cap *= 2;
    const oldAddr = this.tableAddr, oldCap = this.capacity;
    const fresh = this.gc.allocate(cap * ENTRY * 4, Kind.STRING_SET);
    // The collection that allocation may have run only dropped entries of the old table.
    this.u8.fill(0, fresh, fresh + cap * ENTRY * 4);
    this.tableAddr = fresh;
    this.capacity = cap;
    this.used = 0;
    this.missSlot = -1;
    for (let i = 0; i < oldCap; i++) {
      const w = (oldAddr >>> 2) + i * ENTRY;
      if (u32[w] !== 0) this.insert(u32[w], u32[w + 1]);
    }
    if (oldAddr !== 0) this.allocator.free(oldAddr);
  }

  /** The interned string equal to `len` bytes of `src` starting at `start`, or 0 (remembering where it would go). */
  private findBytes(src: Uint8Array, start: number, len: number, hash: number): Addr {
    if (this.capacity === 0) { this.missSlot = -1; return 0; }
    const u32 = this.u32, u8 = this.u8;
    const base = this.tableAddr >>> 2, mask = this.capacity - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const w = base + i * ENTRY;
      const s = u32[w];
      if (s === 0) { this.missSlot = w; return 0; }
      if (u32[w + 1] !== hash || u32[(s + L.STR_BYTE_LEN) >>> 2] !== len) continue;
      let j = 0;
      const p = s + L.STR_BYTES;
      while (j < len && u8[p + j] === src[start + j]) j++;
      if (j === len) return s;
    }
  }

  private findConcat(a: Addr, lenA: number, b: Addr, lenB: number, hash: number): Addr {
    if (this.capacity === 0) { this.missSlot = -1; return 0; }
    const u32 = this.u32, u8 = this.u8;
    const base = this.tableAddr >>> 2, mask = this.capacity - 1;
    const pa = a + L.STR_BYTES, pb = b + L.STR_BYTES, len = lenA + lenB;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const w = base + i * ENTRY;
      const s = u32[w];
      if (s === 0) { this.missSlot = w; return 0; }
      if (u32[w + 1] !== hash || u32[(s + L.STR_BYTE_LEN) >>> 2] !== len) continue;
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

/**
 * Copies len bytes within the heap from and to 4-aligned addresses (the bytes of a string: blocks
 * and STR_BYTES are multiples of 8). Up to 128 bytes by 32-bit words (about a third of a call of
 * copyWithin for 8-64 bytes on the heap's SharedArrayBuffer, which costs 30-35 ns whatever the
 * length); longer by copyWithin.
 */
function copyAligned(u8: Uint8Array, u32: Uint32Array, dst: number, src: number, len: number): void {
  if (len > 128) { u8.copyWithin(dst, src, src + len); return; }
  const words = len >>> 2, dw = dst >>> 2, sw = src >>> 2;
  for (let j = 0; j < words; j++) u32[dw + j] = u32[sw + j];
  for (let j = words << 2; j < len; j++) u8[dst + j] = u8[src + j];
}

/**
 * Copies len bytes of `src` (a JS buffer) into the heap at `dst`: short strings by a loop (a call
 * of set() costs more than the few stores of an int's digits or a short name), longer by set().
 */
function copyIn(u8: Uint8Array, dst: number, src: Uint8Array, len: number): void {
  if (len > 24) { u8.set(src.subarray(0, len), dst); return; }
  for (let j = 0; j < len; j++) u8[dst + j] = src[j];
}

/**
 * Copies len bytes within the heap. Short strings are copied by a loop: a call of copyWithin
 * costs about 25 ns whatever the length (more on the heap's SharedArrayBuffer when the
 * destination is not 8-byte aligned), several times a short loop.
 */
function copyBytes(u8: Uint8Array, dst: number, src: number, len: number): void {
  if (len > 24) { u8.copyWithin(dst, src, src + len); return; }
  for (let j = 0; j < len; j++) u8[dst + j] = u8[src + j];
}
