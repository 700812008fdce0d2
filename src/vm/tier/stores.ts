import type { Runtime } from '../runtime';
import { L } from '../layout';

/**
 * Every store of a value into a heap object that compiled code makes goes through here (stores
 * into the VM stack and globals are roots and need none). This is the one place a write barrier
 * for an incremental or generational collector is added for the tier; the generic paths the tier
 * calls (setProperty, indexSet, closures, classes) are the interpreter's own helpers.
 */
export function storeField(rt: Runtime, _object: number, slot: number, tag: number, payload: number): void {
  rt.u32[slot >>> 2] = tag;
  rt.f64[(slot + 8) >>> 3] = payload;
}

/** SET_UPVALUE on a closed upvalue (an open one writes the stack slot, a root). */
export function storeUpvalue(rt: Runtime, upvalue: number, tag: number, payload: number): void {
  rt.u32[(upvalue + L.UPV_SLOT) >>> 2] = tag;
  rt.f64[(upvalue + L.UPV_SLOT + 8) >>> 3] = payload;
}
