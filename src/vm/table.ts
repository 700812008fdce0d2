import { Collector } from '../gc';
import { Addr } from '../memory';
import { Kind } from './kinds';
import { L } from './layout';

/**
 * Name tables: open-addressing maps from an interned string (compared by address) to a value,
 * used for class method tables and class field layouts. The 12-byte header lives inline in its
 * owner object; the entries are a separate L.TABLE_ENTRIES block (key u32, tag u32, payload f64).
 * Entries are never removed, so there are no tombstones. Key 0 marks an empty entry.
 */
export class NameTables {
  private readonly u8: Uint8Array;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;

  constructor(private readonly gc: Collector) {
    this.u8 = gc.allocator.heap.u8;
    this.u32 = gc.allocator.heap.u32;
    this.f64 = gc.allocator.heap.f64;
  }

  init(header: number): void {
    const u32 = this.u32;
    u32[(header + L.TABLE_ENTRIES) >>> 2] = 0;
    u32[(header + L.TABLE_COUNT) >>> 2] = 0;
    u32[(header + L.TABLE_CAPACITY) >>> 2] = 0;
  }

  count(header: number): number {
    return this.u32[(header + L.TABLE_COUNT) >>> 2];
  }

  /** The entry address holding `key`, or 0 when absent. */
  find(header: number, key: Addr): number {
    const u32 = this.u32;
    const cap = u32[(header + L.TABLE_CAPACITY) >>> 2];
    if (cap === 0) return 0;
    const entries = u32[(header + L.TABLE_ENTRIES) >>> 2];
    const mask = cap - 1;
    for (let i = u32[(key + L.STR_HASH) >>> 2] & mask; ; i = (i + 1) & mask) {
      const e = entries + i * L.TABLE_ENTRY_SIZE;
      const k = u32[e >>> 2];
      if (k === key) return e;
      if (k === 0) return 0;
    }
  }

  entryTag(e: number): number {
    return this.u32[(e + 4) >>> 2];
  }

  entryPayload(e: number): number {
    return this.f64[(e + 8) >>> 3];
  }

  /**
   * Sets key to (tag, payload). May allocate: the owner (whose header this is), the key and an
   * object value must be reachable from a root. Note: `header` is an address inside `owner`
   * (the object, for the write barrier), which does not move.
   */
  set(owner: Addr, header: number, key: Addr, tag: number, payload: number): void {
    let e = this.find(header, key);
    const u32 = this.u32;
    if (e === 0) {
      const count = u32[(header + L.TABLE_COUNT) >>> 2];
      if ((count + 1) * 4 > u32[(header + L.TABLE_CAPACITY) >>> 2] * 3) this.grow(owner, header);
      e = this.emptyEntryFor(header, key);
      this.gc.writeEntryKey(u32[(header + L.TABLE_ENTRIES) >>> 2], e, key);
      u32[(header + L.TABLE_COUNT) >>> 2] = count + 1;
    }
    this.gc.writeEntryValue(u32[(header + L.TABLE_ENTRIES) >>> 2], e, tag, payload);
  }

  /** Copies every entry of `from` into `to` (inheritance copies methods down). */
  copyAll(from: number, toOwner: Addr, to: number): void {
    const u32 = this.u32;
    const cap = u32[(from + L.TABLE_CAPACITY) >>> 2];
    for (let i = 0; i < cap; i++) {
      // Re-read entries each time: set() may grow `to` (never `from`, which is another object).
      const e = u32[(from + L.TABLE_ENTRIES) >>> 2] + i * L.TABLE_ENTRY_SIZE;
      const key = u32[e >>> 2];
      if (key !== 0) this.set(toOwner, to, key, u32[(e + 4) >>> 2], this.f64[(e + 8) >>> 3]);
    }
  }

  /** Marks the entries block (its trace marks keys and values). */
  mark(header: number, gc: Collector): void {
    gc.markObject(this.u32[(header + L.TABLE_ENTRIES) >>> 2]);
  }

  private emptyEntryFor(header: number, key: Addr): number {
    const u32 = this.u32;
    const cap = u32[(header + L.TABLE_CAPACITY) >>> 2];
    const entries = u32[(header + L.TABLE_ENTRIES) >>> 2];
    const mask = cap - 1;
    for (let i = u32[(key + L.STR_HASH) >>> 2] & mask; ; i = (i + 1) & mask) {
      const e = entries + i * L.TABLE_ENTRY_SIZE;
      if (u32[e >>> 2] === 0) return e;
    }
  }

  private grow(owner: Addr, header: number): void {
    const u32 = this.u32;
    const oldCap = u32[(header + L.TABLE_CAPACITY) >>> 2];
    const oldEntries = u32[(header + L.TABLE_ENTRIES) >>> 2];
    const cap = oldCap === 0 ? 8 : oldCap * 2;
    const fresh = this.gc.allocate(cap * L.TABLE_ENTRY_SIZE, Kind.TABLE_ENTRIES);
    this.u8.fill(0, fresh, fresh + cap * L.TABLE_ENTRY_SIZE);
    this.gc.writeRef(owner, header + L.TABLE_ENTRIES, fresh);
    u32[(header + L.TABLE_CAPACITY) >>> 2] = cap;
    for (let i = 0; i < oldCap; i++) {
      const e = oldEntries + i * L.TABLE_ENTRY_SIZE;
      const key = u32[e >>> 2];
      if (key === 0) continue;
      const ne = this.emptyEntryFor(header, key);
      u32[ne >>> 2] = key;
      u32[(ne + 4) >>> 2] = u32[(e + 4) >>> 2];
      this.f64[(ne + 8) >>> 3] = this.f64[(e + 8) >>> 3];
    }
    this.gc.writeBarrierBack(fresh); // every entry copied at once
    if (oldEntries !== 0) this.gc.allocator.free(oldEntries);
  }
}
