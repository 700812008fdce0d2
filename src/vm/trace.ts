import { Collector } from '../gc';
import { Addr } from '../memory';
import { Kind, KIND_NAMES } from './kinds';
import { L } from './layout';

/**
 * Registers every object kind with the collector: its name and which of its words are
 * references. Leaf kinds (strings, byte buffers, the intern table) have no trace function.
 */
export function registerKinds(gc: Collector): void {
  const heap = gc.allocator.heap;
  const u32 = heap.u32;
  const payloadSize = (a: Addr) => u32[(a - 8) >>> 2] - 8;

  const traceSlots = (a: Addr, count: number) => {
    for (let i = 0; i < count; i++) gc.markSlot(a + i * L.VALUE_SLOT);
  };

  gc.registerKind(Kind.STRING, KIND_NAMES[Kind.STRING], null);
  gc.registerKind(Kind.BYTES, KIND_NAMES[Kind.BYTES], null);
  gc.registerKind(Kind.STRING_SET, KIND_NAMES[Kind.STRING_SET], null);
  gc.registerKind(Kind.ARENA, KIND_NAMES[Kind.ARENA], null);

  gc.registerKind(Kind.FUNCTION, KIND_NAMES[Kind.FUNCTION], (a, g) => {
    g.markObject(u32[(a + L.FN_CODE) >>> 2]);
    g.markObject(u32[(a + L.FN_LINES) >>> 2]);
    g.markObject(u32[(a + L.FN_CONSTANTS) >>> 2]);
    g.markObject(u32[(a + L.FN_NAME) >>> 2]);
    g.markObject(u32[(a + L.FN_CACHE) >>> 2]);
  });
  gc.registerKind(Kind.CLOSURE, KIND_NAMES[Kind.CLOSURE], (a, g) => {
    g.markObject(u32[(a + L.CLOSURE_FN) >>> 2]);
    const n = u32[(a + L.CLOSURE_UPVALUE_COUNT) >>> 2];
    for (let i = 0; i < n; i++) g.markObject(u32[(a + L.CLOSURE_UPVALUES + i * 4) >>> 2]);
  });
  gc.registerKind(Kind.UPVALUE, KIND_NAMES[Kind.UPVALUE], (a, g) => {
    // An open upvalue's variable lives on the VM stack, which is a root.
    if (u32[(a + L.UPV_CLOSED) >>> 2] !== 0) g.markSlot(a + L.UPV_SLOT);
  });
  gc.registerKind(Kind.NATIVE, KIND_NAMES[Kind.NATIVE], (a, g) => {
    g.markObject(u32[(a + L.NATIVE_NAME) >>> 2]);
  });
  gc.registerKind(Kind.CLASS, KIND_NAMES[Kind.CLASS], (a, g) => {
    g.markObject(u32[(a + L.CLASS_NAME) >>> 2]);
    g.markObject(u32[(a + L.CLASS_METHODS + L.TABLE_ENTRIES) >>> 2]);
    g.markObject(u32[(a + L.CLASS_FIELDS + L.TABLE_ENTRIES) >>> 2]);
    g.markObject(u32[(a + L.CLASS_INIT) >>> 2]);
  });
  const traceEntries = (a: Addr, from: number, to: number, g: Collector) => {
    for (let i = from; i < to; i++) {
      const e = a + i * L.TABLE_ENTRY_SIZE;
      const key = u32[e >>> 2];
      if (key === 0) continue;
      g.markObject(key);
      g.markValue(u32[(e + 4) >>> 2], heap.f64[(e + 8) >>> 3]);
    }
  };
  gc.registerKind(Kind.TABLE_ENTRIES, KIND_NAMES[Kind.TABLE_ENTRIES], (a, g) => {
    traceEntries(a, 0, Math.floor(payloadSize(a) / L.TABLE_ENTRY_SIZE), g);
  });
  gc.registerKind(Kind.INSTANCE, KIND_NAMES[Kind.INSTANCE], (a, g) => {
    g.markObject(u32[(a + L.INST_CLASS) >>> 2]);
    traceSlots(a + L.INST_SLOTS, u32[(a + L.INST_INLINE) >>> 2]);
    g.markObject(u32[(a + L.INST_OVERFLOW) >>> 2]);
  });
  gc.registerKind(Kind.BOUND_METHOD, KIND_NAMES[Kind.BOUND_METHOD], (a, g) => {
    g.markSlot(a + L.BOUND_RECEIVER);
    g.markObject(u32[(a + L.BOUND_METHOD) >>> 2]);
  });
  gc.registerKind(Kind.VALUE_ARRAY, KIND_NAMES[Kind.VALUE_ARRAY], (a) => {
    traceSlots(a, Math.floor(payloadSize(a) / L.VALUE_SLOT));
  });

  // The kinds that can be big: an incremental step traces a range of their elements at a time.
  gc.registerRangeTrace(Kind.VALUE_ARRAY, L.VALUE_SLOT, (a, from, to) => traceSlots(a + from * L.VALUE_SLOT, to - from));
  gc.registerRangeTrace(Kind.TABLE_ENTRIES, L.TABLE_ENTRY_SIZE, traceEntries);

  gc.registerKind(Kind.RANGE, KIND_NAMES[Kind.RANGE], null);
  gc.registerKind(Kind.COMPLEX, KIND_NAMES[Kind.COMPLEX], null);
  gc.registerKind(Kind.MATRIX, KIND_NAMES[Kind.MATRIX], null);
  gc.registerKind(Kind.FLOAT_VECTOR, KIND_NAMES[Kind.FLOAT_VECTOR], (a, g) => {
    g.markObject(u32[(a + L.VEC_DATA) >>> 2]);
  });
  gc.registerKind(Kind.HASH_TABLE, KIND_NAMES[Kind.HASH_TABLE], (a, g) => {
    g.markObject(u32[(a + L.HT_ENTRIES) >>> 2]);
    g.markObject(u32[(a + L.HT_INDEX) >>> 2]);
  });
  gc.registerKind(Kind.LINKED_LIST, KIND_NAMES[Kind.LINKED_LIST], (a, g) => {
    g.markObject(u32[(a + L.LIST_HEAD) >>> 2]);
    g.markObject(u32[(a + L.LIST_TAIL) >>> 2]);
  });
  gc.registerKind(Kind.LIST_NODE, KIND_NAMES[Kind.LIST_NODE], (a, g) => {
    g.markSlot(a + L.NODE_VALUE);
    g.markObject(u32[(a + L.NODE_NEXT) >>> 2]);
    g.markObject(u32[(a + L.NODE_PREV) >>> 2]);
  });
  gc.registerKind(Kind.PAIR, KIND_NAMES[Kind.PAIR], (a, g) => {
    g.markSlot(a + L.PAIR_KEY);
    g.markSlot(a + L.PAIR_VALUE);
  });
  gc.registerKind(Kind.MATRIX_ROW, KIND_NAMES[Kind.MATRIX_ROW], (a, g) => {
    g.markObject(u32[(a + L.ROW_MATRIX) >>> 2]);
  });
}
