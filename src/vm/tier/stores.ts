import type { Runtime } from '../runtime';
import { L } from '../layout';

/**
 * Every store of a value into a heap object that compiled code makes goes through here (stores
 * into the VM stack and globals are roots and need none). This is the one place a write barrier
 * (Collector.writeSlot and friends) reaches the tier; the generic paths the tier
 * calls (setProperty, indexSet, closures, classes) are the interpreter's own helpers.
 */
export function storeField(rt: Runtime, object: number, slot: number, tag: number, payload: number): void {
  rt.objects.storeFieldSlot(object, slot, tag, payload);
}

/** SET_UPVALUE on a closed upvalue (an open one writes the stack slot, a root). */
export function storeUpvalue(rt: Runtime, upvalue: number, tag: number, payload: number): void {
  rt.gc.writeSlot(upvalue, upvalue + L.UPV_SLOT, tag, payload);
}
