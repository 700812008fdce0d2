import { L } from './layout';

/**
 * Where an instance keeps field `index`: the one owner of that encoding, for the interpreter,
 * the object model and the code the tier generates.
 *
 * An instance has room for the fields its class knew when it was made (INST_INLINE slots after
 * its header); fields the class learnt later (typically in `init`, from the first instance
 * on) live in an overflow array of INST_OVERFLOW_CAP slots. A field beyond both has no slot yet
 * (it was never set on this instance): address 0.
 */

/** The slot address of field `index` of instance `inst`, or 0 when the instance has no room for it. */
export function fieldSlot(u32: Uint32Array, inst: number, index: number): number {
  const inline = u32[(inst + L.INST_INLINE) >>> 2];
  if (index < inline) return inst + L.INST_SLOTS + index * L.VALUE_SLOT;
  const over = index - inline;
  if (over >= u32[(inst + L.INST_OVERFLOW_CAP) >>> 2]) return 0;
  return u32[(inst + L.INST_OVERFLOW) >>> 2] + over * L.VALUE_SLOT;
}

/**
 * The same as JavaScript source for generated code (which has `u32` in scope): an expression
 * whose value is the slot address of field `index` of instance `inst`, or 0. `inst` and `index`
 * must be variables (each is read more than once); `scratch` names a variable it may overwrite.
 */
export function fieldSlotSource(inst: string, index: string, scratch: string): string {
  return `(${index} < (${scratch} = u32[(${inst} + ${L.INST_INLINE}) >>> 2]) ? ${inst} + ${L.INST_SLOTS} + ${index} * ${L.VALUE_SLOT} : ` +
    `${index} - ${scratch} < u32[(${inst} + ${L.INST_OVERFLOW_CAP}) >>> 2] ? u32[(${inst} + ${L.INST_OVERFLOW}) >>> 2] + (${index} - ${scratch}) * ${L.VALUE_SLOT} : 0)`;
}
