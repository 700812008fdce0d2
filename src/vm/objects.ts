import { Collector } from '../gc';
import { Addr } from '../memory';
import { Kind } from './kinds';
import { Tag } from './value';
import { NameTables } from './table';
import { L } from './layout';
import { fieldSlot } from './field-slots';

/**
 * Constructors for the VM's object kinds. Each writes every field before it can be traced.
 * GC discipline: an allocation may collect, so any object a constructor's arguments refer to
 * must already be reachable from a root (the VM stack or the temporary roots).
 */
export class Objects {
  private readonly u8: Uint8Array;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  /** The id the next class gets (L.CLASS_ID); 0 is never used, so a zeroed cache entry is empty. */
  private nextClassId = 1;

  constructor(private readonly gc: Collector, private readonly tables: NameTables) {
    const heap = gc.allocator.heap;
    this.u8 = heap.u8;
    this.u32 = heap.u32;
    this.f64 = heap.f64;
  }

  /** A VALUE_ARRAY of `count` slots, all EMPTY. */
  valueArray(count: number): Addr {
    const a = this.gc.allocate(count * L.VALUE_SLOT, Kind.VALUE_ARRAY);
    this.clearSlots(a, count);
    return a;
  }

  clearSlots(a: Addr, count: number): void {
    const u32 = this.u32;
    for (let i = 0; i < count; i++) u32[(a + i * L.VALUE_SLOT) >>> 2] = Tag.EMPTY;
  }

  bytes(length: number): Addr {
    return this.gc.allocate(length, Kind.BYTES);
  }

  /** A function object with every reference field 0 (the loader fills them in). */
  functionObject(): Addr {
    const a = this.gc.allocate(L.FN_SIZE, Kind.FUNCTION);
    this.u8.fill(0, a, a + L.FN_SIZE);
    return a;
  }

  closure(fn: Addr): Addr {
    const n = this.u32[(fn + L.FN_UPVALUES) >>> 2];
    const a = this.gc.allocate(L.CLOSURE_UPVALUES + n * 4, Kind.CLOSURE);
    const u32 = this.u32;
    this.gc.writeRef(a, a + L.CLOSURE_FN, fn);
    u32[(a + L.CLOSURE_UPVALUE_COUNT) >>> 2] = n;
    for (let i = 0; i < n; i++) u32[(a + L.CLOSURE_UPVALUES + i * 4) >>> 2] = 0;
    return a;
  }

  openUpvalue(stackIndex: number, next: Addr): Addr {
    const a = this.gc.allocate(L.UPV_SIZE, Kind.UPVALUE);
    const u32 = this.u32;
    u32[(a + L.UPV_STACK_INDEX) >>> 2] = stackIndex;
    this.gc.writeRef(a, a + L.UPV_NEXT_OPEN, next);
    u32[(a + L.UPV_CLOSED) >>> 2] = 0;
    u32[(a + L.UPV_SLOT) >>> 2] = Tag.NIL;
    return a;
  }

  native(id: number, name: Addr): Addr {
    const a = this.gc.allocate(L.NATIVE_SIZE, Kind.NATIVE);
    this.u32[(a + L.NATIVE_ID) >>> 2] = id;
    this.gc.writeRef(a, a + L.NATIVE_NAME, name);
    return a;
  }

  classObject(name: Addr): Addr {
    const a = this.gc.allocate(L.CLASS_SIZE, Kind.CLASS);
    this.u8.fill(0, a, a + L.CLASS_SIZE);
    this.gc.writeRef(a, a + L.CLASS_NAME, name);
    this.u32[(a + L.CLASS_ID) >>> 2] = this.freshClassId();
    this.tables.init(a + L.CLASS_METHODS);
    this.tables.init(a + L.CLASS_FIELDS);
    return a;
  }

  /** An instance with inline room for every field its class has seen so far. */
  instance(klass: Addr): Addr {
    const inline = this.u32[(klass + L.CLASS_FIELD_COUNT) >>> 2];
    const a = this.gc.allocate(L.INST_SLOTS + inline * L.VALUE_SLOT, Kind.INSTANCE);
    const u32 = this.u32;
    u32[(a + L.INST_INLINE) >>> 2] = inline;
    u32[(a + L.INST_OVERFLOW) >>> 2] = 0;
    u32[(a + L.INST_OVERFLOW_CAP) >>> 2] = 0;
    this.clearSlots(a + L.INST_SLOTS, inline);
    this.gc.writeRef(a, a + L.INST_CLASS, klass);
    return a;
  }

  boundMethod(receiverTag: number, receiver: number, method: Addr): Addr {
    const a = this.gc.allocate(L.BOUND_SIZE, Kind.BOUND_METHOD);
    this.gc.writeSlot(a, a + L.BOUND_RECEIVER, receiverTag, receiver);
    this.gc.writeRef(a, a + L.BOUND_METHOD, method);
    return a;
  }

  /**
   * The heap address of field slot `index` of an instance, growing the overflow array when the
   * index is beyond its room (may allocate: the instance must be rooted).
   */
  fieldSlotForWrite(inst: Addr, index: number): number {
    const u32 = this.u32;
    const inline = u32[(inst + L.INST_INLINE) >>> 2];
    if (index < inline) return inst + L.INST_SLOTS + index * L.VALUE_SLOT;
    const over = index - inline;
    let arr = u32[(inst + L.INST_OVERFLOW) >>> 2];
    const cap = u32[(inst + L.INST_OVERFLOW_CAP) >>> 2];
    if (over >= cap) {
      const newCap = Math.max(4, cap * 2, over + 1);
      const fresh = this.valueArray(newCap);
      arr = u32[(inst + L.INST_OVERFLOW) >>> 2]; // unchanged by a collection (non-moving), reread for clarity
      if (arr !== 0) {
        this.u8.copyWithin(fresh, arr, arr + cap * L.VALUE_SLOT);
        this.gc.writeBarrierBack(fresh);
        this.gc.allocator.free(arr);
      }
      this.gc.writeRef(inst, inst + L.INST_OVERFLOW, fresh);
      u32[(inst + L.INST_OVERFLOW_CAP) >>> 2] = newCap;
      arr = fresh;
    }
    return arr + over * L.VALUE_SLOT;
  }

  /**
   * Stores field `index` of an instance (growing the overflow array if needed: may allocate, the
   * instance and an object value must be rooted). The store goes through the write barrier with
   * the block that holds the slot (the instance, or its overflow array) as owner.
   */
  setField(inst: Addr, index: number, tag: number, payload: number): void {
    const slot = this.fieldSlotForWrite(inst, index);
    const owner = index < this.u32[(inst + L.INST_INLINE) >>> 2] ? inst : this.u32[(inst + L.INST_OVERFLOW) >>> 2];
    this.gc.writeSlot(owner, slot, tag, payload);
  }

  /**
   * Stores into a field slot already found (by an inline cache) of instance `inst`: the slot is
   * inline in the instance or in its overflow array, and the barrier needs the block that holds it.
   */
  storeFieldSlot(inst: Addr, slot: number, tag: number, payload: number): void {
    const inline = this.u32[(inst + L.INST_INLINE) >>> 2];
    const inInstance = slot >= inst && slot < inst + L.INST_SLOTS + inline * L.VALUE_SLOT;
    this.gc.writeSlot(inInstance ? inst : this.u32[(inst + L.INST_OVERFLOW) >>> 2], slot, tag, payload);
  }

  /** The slot address of field `index`, or 0 when the instance has no room for it (absent). */
  fieldSlotForRead(inst: Addr, index: number): number {
    return fieldSlot(this.u32, inst, index);
  }

  /** The layout index of field `name` in `klass`, adding it when absent (may allocate). */
  fieldIndexForWrite(klass: Addr, name: Addr): number {
    const header = klass + L.CLASS_FIELDS;
    const e = this.tables.find(header, name);
    if (e !== 0) return this.tables.entryPayload(e) >>> 0;
    const index = this.u32[(klass + L.CLASS_FIELD_COUNT) >>> 2];
    this.tables.set(klass, header, name, Tag.INT, index);
    this.u32[(klass + L.CLASS_FIELD_COUNT) >>> 2] = index + 1;
    // A field now shadows the method of that name in `a.name(...)`: inline caches that
    // remember the method for this class must miss from now on, so the class gets a new id.
    if (this.tables.find(klass + L.CLASS_METHODS, name) !== 0) this.u32[(klass + L.CLASS_ID) >>> 2] = this.freshClassId();
    return index;
  }

  private freshClassId(): number {
    // 2^32 - 1 classes would be needed to wrap around; skip 0 (the empty cache entry) if it ever does.
    const id = this.nextClassId;
    this.nextClassId = (id + 1) >>> 0 || 1;
    return id;
  }

  // --- small value-like objects (immutable once made, except matrices) ---

  range(start: number, end: number, inclusive: boolean): Addr {
    const a = this.gc.allocate(L.RANGE_SIZE, Kind.RANGE);
    const i32 = this.gc.allocator.heap.i32;
    i32[(a + L.RANGE_START) >>> 2] = start;
    i32[(a + L.RANGE_END) >>> 2] = end;
    this.u32[(a + L.RANGE_INCLUSIVE) >>> 2] = inclusive ? 1 : 0;
    return a;
  }

  /** A pair; both values must be rooted by the caller if they are objects. */
  pair(kTag: number, k: number, vTag: number, v: number): Addr {
    const a = this.gc.allocate(L.PAIR_SIZE, Kind.PAIR);
    this.gc.writeSlot(a, a + L.PAIR_KEY, kTag, k);
    this.gc.writeSlot(a, a + L.PAIR_VALUE, vTag, v);
    return a;
  }

  complex(re: number, im: number): Addr {
    const a = this.gc.allocate(L.CPX_SIZE, Kind.COMPLEX);
    this.f64[(a + L.CPX_RE) >>> 3] = re;
    this.f64[(a + L.CPX_IM) >>> 3] = im;
    return a;
  }

  /** A rows x cols matrix of zeros. */
  matrix(rows: number, cols: number): Addr {
    const a = this.gc.allocate(L.MAT_DATA + rows * cols * 8, Kind.MATRIX);
    this.u32[(a + L.MAT_ROWS) >>> 2] = rows;
    this.u32[(a + L.MAT_COLS) >>> 2] = cols;
    this.f64.fill(0, (a + L.MAT_DATA) >>> 3, ((a + L.MAT_DATA) >>> 3) + rows * cols);
    return a;
  }

  /** A view of row `row` of `matrix` (the matrix must be rooted). */
  matrixRow(matrix: Addr, row: number): Addr {
    const a = this.gc.allocate(L.ROW_SIZE, Kind.MATRIX_ROW);
    this.gc.writeRef(a, a + L.ROW_MATRIX, matrix);
    this.u32[(a + L.ROW_INDEX) >>> 2] = row;
    return a;
  }
}
