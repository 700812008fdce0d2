import { Collector } from '../gc';
import { Addr } from '../memory';
import { Kind } from './kinds';
import { L } from './layout';
import { HeapStore } from './heap-store';

/** The host's temporary roots (Runtime): objects held while their parts are allocated. */
export interface RootStack {
  pushRoot(a: Addr): void;
  popRoot(): void;
}

/** Smallest capacity of a vector's data block (upstream: capacity 0 becomes 8). */
const MIN_CAPACITY = 8;

/**
 * Float vectors: a fixed header plus a growable BYTES block of float64 elements.
 * GC discipline as in objects.ts: a vector passed to a method that allocates must be rooted.
 */
export class Vectors extends HeapStore {
  constructor(gc: Collector, private readonly roots: RootStack) {
    super(gc);
  }

  /** An empty vector with room for `capacity` elements. */
  make(capacity: number): Addr {
    const cap = Math.max(MIN_CAPACITY, capacity);
    const v = this.zeroed(L.VEC_SIZE, Kind.FLOAT_VECTOR); // data 0: traced as "no block" until it exists
    const u32 = this.u32;
    this.roots.pushRoot(v);
    let data: Addr;
    try {
      data = this.gc.allocate(cap * 8, Kind.BYTES);
    } finally {
      this.roots.popRoot(); // also when the heap is full: a stale root would keep v forever
    }
    this.gc.writeRef(v, v + L.VEC_DATA, data);
    u32[(v + L.VEC_CAPACITY) >>> 2] = cap;
    return v;
  }

  /** A vector holding a copy of `values`. */
  fromArray(values: ArrayLike<number>): Addr {
    const v = this.make(values.length);
    const base = this.data(v) >>> 3;
    for (let i = 0; i < values.length; i++) this.f64[base + i] = values[i];
    this.u32[(v + L.VEC_COUNT) >>> 2] = values.length;
    return v;
  }

  count(v: Addr): number {
    return this.u32[(v + L.VEC_COUNT) >>> 2];
  }

  /** Address of the first element (valid until the vector grows). */
  data(v: Addr): Addr {
    return this.u32[(v + L.VEC_DATA) >>> 2];
  }

  get(v: Addr, i: number): number {
    return this.f64[(this.data(v) >>> 3) + i];
  }

  set(v: Addr, i: number, x: number): void {
    this.f64[(this.data(v) >>> 3) + i] = x;
  }

  setCount(v: Addr, n: number): void {
    this.u32[(v + L.VEC_COUNT) >>> 2] = n;
  }

  /** Makes room for `needed` elements (new capacity max(needed, 2 x capacity)). v must be rooted. */
  reserve(v: Addr, needed: number): void {
    const cap = this.u32[(v + L.VEC_CAPACITY) >>> 2];
    if (needed <= cap) return;
    const newCap = Math.max(needed, cap * 2, MIN_CAPACITY);
    const fresh = this.gc.allocate(newCap * 8, Kind.BYTES);
    const old = this.data(v);
    const n = this.count(v);
    this.f64.copyWithin(fresh >>> 3, old >>> 3, (old >>> 3) + n);
    this.gc.writeRef(v, v + L.VEC_DATA, fresh);
    this.u32[(v + L.VEC_CAPACITY) >>> 2] = newCap;
    this.gc.allocator.free(old);
  }

  /** Appends x (v must be rooted: growing allocates). */
  push(v: Addr, x: number): void {
    const n = this.count(v);
    this.reserve(v, n + 1);
    this.f64[(this.data(v) >>> 3) + n] = x;
    this.u32[(v + L.VEC_COUNT) >>> 2] = n + 1;
  }

  /** Inserts x at index i (0 <= i <= count), shifting later elements right. */
  insert(v: Addr, i: number, x: number): void {
    const n = this.count(v);
    this.reserve(v, n + 1);
    const base = this.data(v) >>> 3;
    this.f64.copyWithin(base + i + 1, base + i, base + n);
    this.f64[base + i] = x;
    this.u32[(v + L.VEC_COUNT) >>> 2] = n + 1;
  }

  /** Removes and returns element i, shifting later elements left. */
  removeAt(v: Addr, i: number): number {
    const n = this.count(v);
    const base = this.data(v) >>> 3;
    const x = this.f64[base + i];
    this.f64.copyWithin(base + i, base + i + 1, base + n);
    this.u32[(v + L.VEC_COUNT) >>> 2] = n - 1;
    return x;
  }

  /** A new vector with elements [from, to) of v (v must be rooted). */
  copyRange(v: Addr, from: number, to: number): Addr {
    return this.concat(v, from, to, v, 0, 0);
  }

  /** A new vector of a[aFrom, aTo) followed by b[bFrom, bTo) (a and b must be rooted). */
  concat(a: Addr, aFrom: number, aTo: number, b: Addr, bFrom: number, bTo: number): Addr {
    const na = Math.max(0, aTo - aFrom), nb = Math.max(0, bTo - bFrom);
    const out = this.make(na + nb);
    const o = this.data(out) >>> 3, pa = this.data(a) >>> 3, pb = this.data(b) >>> 3;
    this.f64.copyWithin(o, pa + aFrom, pa + aFrom + na);
    this.f64.copyWithin(o + na, pb + bFrom, pb + bFrom + nb);
    this.setCount(out, na + nb);
    return out;
  }

  /** The elements as a JS array (for natives that sort or print; not for hot paths). */
  toArray(v: Addr): number[] {
    const base = this.data(v) >>> 3;
    return Array.from(this.f64.subarray(base, base + this.count(v)));
  }

  position(v: Addr): number {
    return this.u32[(v + L.VEC_POS) >>> 2];
  }

  setPosition(v: Addr, pos: number): void {
    this.u32[(v + L.VEC_POS) >>> 2] = pos;
  }
}
