import type { Runtime } from './runtime';
import type { Addr } from '../memory';
import { L } from './layout';

/**
 * Open upvalues: a sorted list (highest stack slot first) of the captured variables still on
 * the value stack, shared by the interpreter, its out-of-line instructions and the tier.
 */

export function captureUpvalue(rt: Runtime, stackIndex: number): Addr {
  const u32 = rt.u32;
  let prev = 0;
  let upv = rt.openUpvalues;
  while (upv !== 0 && u32[(upv + L.UPV_STACK_INDEX) >>> 2] > stackIndex) {
    prev = upv;
    upv = u32[(upv + L.UPV_NEXT_OPEN) >>> 2];
  }
  if (upv !== 0 && u32[(upv + L.UPV_STACK_INDEX) >>> 2] === stackIndex) return upv;
  const created = rt.objects.openUpvalue(stackIndex, upv);
  if (prev === 0) rt.openUpvalues = created;
  else u32[(prev + L.UPV_NEXT_OPEN) >>> 2] = created;
  return created;
}

/** Closes every open upvalue at or above stack slot `last`: the variable moves into the upvalue. */
export function closeUpvalues(rt: Runtime, last: number): void {
  const u32 = rt.u32;
  while (rt.openUpvalues !== 0) {
    const upv = rt.openUpvalues;
    const s = u32[(upv + L.UPV_STACK_INDEX) >>> 2];
    if (s < last) break;
    rt.gc.writeSlot(upv, upv + L.UPV_SLOT, rt.stackTags[s], rt.stackVals[s]);
    u32[(upv + L.UPV_CLOSED) >>> 2] = 1;
    rt.openUpvalues = u32[(upv + L.UPV_NEXT_OPEN) >>> 2];
  }
}
