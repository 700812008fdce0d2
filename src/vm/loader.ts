import { instructionLength, isGlobalOp } from '../compiler/opcodes';
import { Prototype, Constant } from '../compiler/prototype';
import { Addr } from '../memory';
import { Runtime } from './runtime';
import { Tag } from './value';
import { L } from './layout';

/**
 * Copies a compiled prototype (and the ones nested in its constants) into the heap as function
 * objects, and resolves global names to slots by rewriting the operands of the global opcodes.
 * Each function under construction is a temporary root while its parts are allocated.
 */
export function loadPrototype(rt: Runtime, proto: Prototype): Addr {
  const fn = rt.objects.functionObject();
  rt.pushRoot(fn);
  try {
    const u32 = rt.u32;
    u32[(fn + L.FN_ARITY) >>> 2] = proto.arity;
    u32[(fn + L.FN_UPVALUES) >>> 2] = proto.upvalueCount;
    u32[(fn + L.FN_MAX_SLOTS) >>> 2] = proto.maxSlots;
    u32[(fn + L.FN_KIND) >>> 2] = proto.kind;
    if (proto.name !== '') rt.gc.writeRef(fn, fn + L.FN_NAME, rt.strings.fromJs(proto.name));

    const code = rt.objects.bytes(Math.max(1, proto.code.length));
    rt.u8.set(proto.code, code);
    rt.gc.writeRef(fn, fn + L.FN_CODE, code);
    u32[(fn + L.FN_CODE_LEN) >>> 2] = proto.code.length;

    // Inline caches start empty (class id 0 is never a class's).
    const cache = rt.objects.bytes(Math.max(L.IC_ENTRY, proto.cacheSites * L.IC_ENTRY));
    rt.u8.fill(0, cache, cache + Math.max(L.IC_ENTRY, proto.cacheSites * L.IC_ENTRY));
    rt.gc.writeRef(fn, fn + L.FN_CACHE, cache);

    const lines = rt.objects.bytes(Math.max(4, proto.lines.length * 4));
    rt.i32.set(proto.lines, lines >>> 2);
    rt.gc.writeRef(fn, fn + L.FN_LINES, lines);

    const count = proto.constants.length;
    const constants = rt.objects.valueArray(Math.max(1, count));
    rt.gc.writeRef(fn, fn + L.FN_CONSTANTS, constants);
    u32[(fn + L.FN_CONSTANT_COUNT) >>> 2] = count;
    for (let i = 0; i < count; i++) {
      // Loading a constant may allocate; the array is reachable from `fn`, a temporary root.
      loadConstant(rt, constants, proto.constants[i], constants + i * L.VALUE_SLOT);
    }
    resolveGlobals(rt, proto, code);
    return fn;
  } finally {
    rt.popRoot();
  }
}

function loadConstant(rt: Runtime, owner: Addr, c: Constant, slot: number): void {
  let tag: number, payload: number;
  switch (c.kind) {
    case 'int': tag = Tag.INT; payload = c.value; break;
    case 'double': tag = Tag.DOUBLE; payload = c.value; break;
    case 'string': tag = Tag.OBJ; payload = rt.strings.fromJs(c.value); break;
    case 'function': tag = Tag.OBJ; payload = loadPrototype(rt, c.proto); break;
  }
  rt.gc.writeSlot(owner, slot, tag, payload);
}

/** Rewrites each global opcode's operand from a name-constant index to a global slot. */
function resolveGlobals(rt: Runtime, proto: Prototype, code: Addr): void {
  const bytes = proto.code;
  const u8 = rt.u8;
  let i = 0;
  while (i < bytes.length) {
    const op = bytes[i];
    if (isGlobalOp(op)) {
      const c = proto.constants[bytes[i + 1] | (bytes[i + 2] << 8)];
      if (c.kind !== 'string') throw new Error('global operand is not a name constant');
      const slot = rt.globalSlot(c.value);
      u8[code + i + 1] = slot & 0xff;
      u8[code + i + 2] = slot >>> 8;
    }
    i += instructionLength(bytes, i, (k) => {
      const c = proto.constants[k];
      if (c.kind !== 'function') throw new Error('closure operand is not a function constant');
      return c.proto.upvalueCount;
    });
  }
}
