import { HeapStore } from './heap-store';
import { Addr } from '../memory';
import { Kind } from './kinds';
import { L, HT_TOMBSTONE } from './layout';

const MIN_ENTRIES = 8;

/**
 * Hash tables with string keys, iterated in insertion order (LANGUAGE.md).
 *
 * Design (the same idea as CPython's compact dict): entries are appended to a dense array in
 * insertion order; a separate open-addressing index of u32 words maps a key's hash to its
 * entry number. Removing an entry zeroes its key (iteration skips it) and leaves a tombstone in
 * the index; when the entry array fills up it is compacted (or grown) and the index rebuilt.
 * Invariants: index capacity is a power of two and at least twice the entry capacity, so
 * probing always finds an empty word; HT_LIVE counts entries whose key is not 0.
 */
export class HashTables extends HeapStore {
  /** An empty table (its blocks are allocated on the first insertion). */
  make(): Addr {
    return this.zeroed(L.HT_SIZE, Kind.HASH_TABLE);
  }

  count(h: Addr): number {
    return this.u32[(h + L.HT_LIVE) >>> 2];
  }

  /** Entries appended so far, removed ones included: iterate i < used() with entryAt(h, i). */
  used(h: Addr): number {
    return this.u32[(h + L.HT_USED) >>> 2];
  }

  /** Address of entry i (u32 key at +0, 0 when removed; u32 tag at +4; f64 payload at +8). */
  entryAt(h: Addr, i: number): number {
    return this.u32[(h + L.HT_ENTRIES) >>> 2] + i * L.TABLE_ENTRY_SIZE;
  }

  /** Changes whenever entry numbers change (a compaction); see foreach in iteration.ts. */
  compactions(h: Addr): number {
    return this.u32[(h + L.HT_COMPACTIONS) >>> 2];
  }

  /** The entry number of entry address e. */
  entryNumber(h: Addr, e: number): number {
    return (e - this.u32[(h + L.HT_ENTRIES) >>> 2]) / L.TABLE_ENTRY_SIZE;
  }

  entryKey(e: number): Addr {
    return this.u32[e >>> 2];
  }

  entryTag(e: number): number {
    return this.u32[(e + 4) >>> 2];
  }

  entryPayload(e: number): number {
    return this.f64[(e + 8) >>> 3];
  }

  /** The entry holding `key` (an interned string), or 0. */
  find(h: Addr, key: Addr): number {
    const slot = this.indexSlot(h, key);
    if (slot === 0) return 0;
    const word = this.u32[slot >>> 2];
    return word === 0 || word === HT_TOMBSTONE ? 0 : this.entryAt(h, word - 1);
  }

  /**
   * Sets key to (tag, payload), appending a new entry when the key is absent. May allocate:
   * the table, the key and an object value must be rooted by the caller.
   */
  set(h: Addr, key: Addr, tag: number, payload: number): void {
    let e = this.find(h, key);
    if (e === 0) {
      const u32 = this.u32;
      if (u32[(h + L.HT_USED) >>> 2] === u32[(h + L.HT_ENTRY_CAPACITY) >>> 2]) this.makeRoom(h);
      const n = u32[(h + L.HT_USED) >>> 2];
      e = this.entryAt(h, n);
      this.gc.writeEntryKey(u32[(h + L.HT_ENTRIES) >>> 2], e, key);
      u32[this.indexSlot(h, key) >>> 2] = n + 1;
      u32[(h + L.HT_USED) >>> 2] = n + 1;
      u32[(h + L.HT_LIVE) >>> 2]++;
    }
    this.gc.writeEntryValue(this.u32[(h + L.HT_ENTRIES) >>> 2], e, tag, payload);
  }

  /** Removes key; true when it was present. */
  remove(h: Addr, key: Addr): boolean {
    const slot = this.indexSlot(h, key);
    if (slot === 0) return false;
    const word = this.u32[slot >>> 2];
    if (word === 0 || word === HT_TOMBSTONE) return false;
    const e = this.entryAt(h, word - 1);
    this.u32[e >>> 2] = 0;
    this.u32[(e + 4) >>> 2] = 0;
    this.u32[slot >>> 2] = HT_TOMBSTONE;
    this.u32[(h + L.HT_LIVE) >>> 2]--;
    return true;
  }

  /** Removes every entry, keeping the blocks. */
  clear(h: Addr): void {
    const u32 = this.u32;
    const entries = u32[(h + L.HT_ENTRIES) >>> 2];
    if (entries !== 0) this.u8.fill(0, entries, entries + payloadBytes(u32, entries));
    const index = u32[(h + L.HT_INDEX) >>> 2];
    if (index !== 0) this.u8.fill(0, index, index + u32[(h + L.HT_INDEX_CAPACITY) >>> 2] * 4);
    u32[(h + L.HT_USED) >>> 2] = 0;
    u32[(h + L.HT_LIVE) >>> 2] = 0;
  }

  /**
   * The address of the index word for `key`: the word holding its entry number + 1 when the key
   * is present, else the empty word where it would go (the first tombstone seen, if any). 0 when
   * the table has no index yet.
   */
  private indexSlot(h: Addr, key: Addr): number {
    const u32 = this.u32;
    const cap = u32[(h + L.HT_INDEX_CAPACITY) >>> 2];
    if (cap === 0) return 0;
    const index = u32[(h + L.HT_INDEX) >>> 2];
    const entries = u32[(h + L.HT_ENTRIES) >>> 2];
    const mask = cap - 1;
    let firstTombstone = 0;
    for (let i = u32[(key + L.STR_HASH) >>> 2] & mask; ; i = (i + 1) & mask) {
      const slot = index + i * 4;
      const word = u32[slot >>> 2];
      if (word === 0) return firstTombstone !== 0 ? firstTombstone : slot;
      if (word === HT_TOMBSTONE) {
        if (firstTombstone === 0) firstTombstone = slot;
      } else if (u32[(entries + (word - 1) * L.TABLE_ENTRY_SIZE) >>> 2] === key) {
        return slot;
      }
    }
  }

  /** Called when the entry array is full: compacts it when many entries were removed, else grows. */
  private makeRoom(h: Addr): void {
    const u32 = this.u32;
    const cap = u32[(h + L.HT_ENTRY_CAPACITY) >>> 2];
    const live = u32[(h + L.HT_LIVE) >>> 2];
    if (cap !== 0 && live <= cap / 2) {
      this.compactInto(h, u32[(h + L.HT_ENTRIES) >>> 2]);
      this.rebuildIndex(h);
      return;
    }
    const newCap = Math.max(MIN_ENTRIES, cap * 2);
    const fresh = this.gc.allocate(newCap * L.TABLE_ENTRY_SIZE, Kind.TABLE_ENTRIES);
    this.u8.fill(0, fresh, fresh + payloadBytes(u32, fresh));
    const old = u32[(h + L.HT_ENTRIES) >>> 2];
    if (old !== 0) this.compactInto(h, fresh);
    this.gc.writeRef(h, h + L.HT_ENTRIES, fresh);
    u32[(h + L.HT_ENTRY_CAPACITY) >>> 2] = newCap;
    if (old !== 0) this.gc.allocator.free(old);
    // The new entries block is reachable from h (rooted) while the index is allocated.
    const indexCap = newCap * 2;
    const index = this.gc.allocate(indexCap * 4, Kind.BYTES);
    const oldIndex = u32[(h + L.HT_INDEX) >>> 2];
    this.gc.writeRef(h, h + L.HT_INDEX, index);
    u32[(h + L.HT_INDEX_CAPACITY) >>> 2] = indexCap;
    if (oldIndex !== 0) this.gc.allocator.free(oldIndex);
    this.rebuildIndex(h);
  }

  /** Copies the live entries of h, in order, to the start of `dest` (which may be h's own block). */
  private compactInto(h: Addr, dest: Addr): void {
    const u32 = this.u32, f64 = this.f64;
    const src = u32[(h + L.HT_ENTRIES) >>> 2];
    const used = u32[(h + L.HT_USED) >>> 2];
    let n = 0;
    for (let i = 0; i < used; i++) {
      const e = src + i * L.TABLE_ENTRY_SIZE;
      const key = u32[e >>> 2];
      if (key === 0) continue;
      const d = dest + n * L.TABLE_ENTRY_SIZE;
      u32[d >>> 2] = key;
      u32[(d + 4) >>> 2] = u32[(e + 4) >>> 2];
      f64[(d + 8) >>> 3] = f64[(e + 8) >>> 3];
      n++;
    }
    if (dest === src) this.u8.fill(0, src + n * L.TABLE_ENTRY_SIZE, src + used * L.TABLE_ENTRY_SIZE);
    this.gc.writeBarrierBack(dest); // entries copied without one barrier each
    if (n !== used) u32[(h + L.HT_COMPACTIONS) >>> 2]++;
    u32[(h + L.HT_USED) >>> 2] = n;
  }

  private rebuildIndex(h: Addr): void {
    const u32 = this.u32;
    const index = u32[(h + L.HT_INDEX) >>> 2];
    const cap = u32[(h + L.HT_INDEX_CAPACITY) >>> 2];
    this.u8.fill(0, index, index + cap * 4);
    const used = u32[(h + L.HT_USED) >>> 2];
    for (let i = 0; i < used; i++) {
      const key = u32[this.entryAt(h, i) >>> 2];
      if (key !== 0) u32[this.indexSlot(h, key) >>> 2] = i + 1;
    }
  }
}

/** The payload size of a block (may exceed the request): zero all of it, since it is traced. */
function payloadBytes(u32: Uint32Array, a: Addr): number {
  return u32[(a - 8) >>> 2] - 8;
}
