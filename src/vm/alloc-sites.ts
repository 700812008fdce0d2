import { Runtime } from './runtime';
import { L } from './layout';
import { OP_NAMES, instructionLength } from '../compiler/opcodes';

/**
 * Allocation sites for `--track-sites` (allocator config retainMetadata): the allocator asks
 * this provider, at each allocation, for the id of a label such as
 *
 *   main.mufi:14 in build() native str()     allocated by a native: its call's exact line
 *   main.mufi:12 in build() op ADD             allocated by the interpreter itself: the
 *                                             instruction that allocated (closure, concatenation…)
 *
 * The dispatch loop saves ip in frameIp before every instruction that may allocate, so the
 * saved ip lies inside the allocating instruction (just past its operands).
 *
 * Installed only with retainMetadata, so the cost (a frame lookup and a cache probe per
 * allocation) is paid only then.
 */
export function installSiteProvider(rt: Runtime, currentFile: () => string): void {
  const table = rt.allocator.siteTable;
  if (table === null) return;
  // (fn address, line, native) → site id. Cleared after each collection, because a swept
  // function's address may then be reused by another.
  const cache = new Map<number, number>();
  let collections = 0;
  rt.allocator.siteProvider = () => {
    if (rt.gc.stats.collections !== collections) {
      collections = rt.gc.stats.collections;
      cache.clear();
    }
    const fc = rt.frameCount;
    if (fc === 0) return table.intern(`${currentFile()} (loading)`);
    const fn = rt.u32[(rt.frameClosure[fc - 1] + L.CLOSURE_FN) >>> 2];
    const native = rt.currentNative;
    const code = rt.u32[(fn + L.FN_CODE) >>> 2];
    const offset = rt.frameIp[fc - 1] - 1 - code;
    const inCode = offset >= 0 && offset < rt.u32[(fn + L.FN_CODE_LEN) >>> 2];
    const lines = rt.u32[(fn + L.FN_LINES) >>> 2] >>> 2;
    const line = rt.i32[lines + (inCode ? offset : 0)];
    const key = (fn * 65536 + (inCode ? offset & 0xffff : 0xffff)) * 1024 + (native + 1);
    let id = cache.get(key);
    if (id === undefined) {
      const name = rt.formatter.functionName(fn);
      const where = `${currentFile()}:${line} in ${name === '' ? 'script' : `${name}()`}`;
      const what = native >= 0 ? `native ${rt.nativeNames[native]}()` : inCode ? `op ${OP_NAMES[opcodeAt(rt, fn, offset)]}` : 'op ?';
      id = table.intern(`${where} ${what}`);
      cache.set(key, id);
    }
    return id;
  };
}

/** The opcode of the instruction that contains byte `offset` of function `fn`'s code. */
function opcodeAt(rt: Runtime, fn: number, offset: number): number {
  const u8 = rt.u8, code = rt.u32[(fn + L.FN_CODE) >>> 2], constants = rt.u32[(fn + L.FN_CONSTANTS) >>> 2];
  let at = 0;
  for (;;) {
    const op = u8[code + at];
    // CLOSURE's upvalue count is in the function constant its operand names.
    const next = at + instructionLength(u8, code + at, (k) => rt.u32[(rt.f64[(constants + k * L.VALUE_SLOT + 8) >>> 3] + L.FN_UPVALUES) >>> 2]);
    if (offset < next) return op;
    at = next;
  }
}
