import { HeapStore } from './heap-store';
import { Addr } from '../memory';
import { Kind } from './kinds';
import { L } from './layout';

/**
 * Doubly linked lists of values. A removed node has its links cleared, so an iteration
 * holding it (foreach keeps the current node rooted) simply ends.
 * GC discipline: the list (and an object value being added) must be rooted when calling a
 * method that allocates.
 */
export class Lists extends HeapStore {
  make(): Addr {
    return this.zeroed(L.LIST_SIZE, Kind.LINKED_LIST);
  }

  count(l: Addr): number {
    return this.u32[(l + L.LIST_COUNT) >>> 2];
  }

  head(l: Addr): Addr {
    return this.u32[(l + L.LIST_HEAD) >>> 2];
  }

  tail(l: Addr): Addr {
    return this.u32[(l + L.LIST_TAIL) >>> 2];
  }

  next(node: Addr): Addr {
    return this.u32[(node + L.NODE_NEXT) >>> 2];
  }

  nodeTag(node: Addr): number {
    return this.u32[(node + L.NODE_VALUE) >>> 2];
  }

  nodeValue(node: Addr): number {
    return this.f64[(node + L.NODE_VALUE + 8) >>> 3];
  }

  /** The node at index i (0 <= i < count), walking from the nearer end. */
  nodeAt(l: Addr, i: number): Addr {
    const n = this.count(l);
    const u32 = this.u32;
    if (i < n / 2) {
      let node = this.head(l);
      for (let k = 0; k < i; k++) node = u32[(node + L.NODE_NEXT) >>> 2];
      return node;
    }
    let node = this.tail(l);
    for (let k = n - 1; k > i; k--) node = u32[(node + L.NODE_PREV) >>> 2];
    return node;
  }

  pushBack(l: Addr, tag: number, payload: number): void {
    this.insertBefore(l, 0, tag, payload);
  }

  pushFront(l: Addr, tag: number, payload: number): void {
    this.insertBefore(l, this.head(l), tag, payload);
  }

  /** Inserts a value before `at` (0 = at the end). */
  insertBefore(l: Addr, at: Addr, tag: number, payload: number): void {
    const node = this.gc.allocate(L.NODE_SIZE, Kind.LIST_NODE);
    const u32 = this.u32, gc = this.gc;
    gc.writeSlot(node, node + L.NODE_VALUE, tag, payload);
    const prev = at === 0 ? this.tail(l) : u32[(at + L.NODE_PREV) >>> 2];
    gc.writeRef(node, node + L.NODE_NEXT, at);
    gc.writeRef(node, node + L.NODE_PREV, prev);
    if (prev === 0) gc.writeRef(l, l + L.LIST_HEAD, node);
    else gc.writeRef(prev, prev + L.NODE_NEXT, node);
    if (at === 0) gc.writeRef(l, l + L.LIST_TAIL, node);
    else gc.writeRef(at, at + L.NODE_PREV, node);
    u32[(l + L.LIST_COUNT) >>> 2]++;
  }

  /** Unlinks a node (it stays valid until collected; its links are cleared). */
  unlink(l: Addr, node: Addr): void {
    const u32 = this.u32;
    const prev = u32[(node + L.NODE_PREV) >>> 2];
    const next = u32[(node + L.NODE_NEXT) >>> 2];
    const gc = this.gc;
    if (prev === 0) gc.writeRef(l, l + L.LIST_HEAD, next);
    else gc.writeRef(prev, prev + L.NODE_NEXT, next);
    if (next === 0) gc.writeRef(l, l + L.LIST_TAIL, prev);
    else gc.writeRef(next, next + L.NODE_PREV, prev);
    u32[(node + L.NODE_PREV) >>> 2] = 0;
    u32[(node + L.NODE_NEXT) >>> 2] = 0;
    u32[(l + L.LIST_COUNT) >>> 2]--;
  }

  /** Removes every node. */
  clear(l: Addr): void {
    for (let node = this.head(l); node !== 0;) {
      const next = this.next(node);
      this.u32[(node + L.NODE_PREV) >>> 2] = 0;
      this.u32[(node + L.NODE_NEXT) >>> 2] = 0;
      node = next;
    }
    this.u8.fill(0, l, l + L.LIST_SIZE);
  }

  /** Rebuilds the list from (tag, payload) pairs, reusing the nodes in order (same count). */
  rewrite(l: Addr, tags: ArrayLike<number>, payloads: ArrayLike<number>): void {
    let i = 0;
    for (let node = this.head(l); node !== 0; node = this.next(node), i++) {
      this.gc.writeSlot(node, node + L.NODE_VALUE, tags[i], payloads[i]);
    }
  }
}
