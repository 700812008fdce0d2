import { Runtime } from './runtime';
import { L } from './layout';

/**
 * Allocation sites for `--track-sites` (allocator config retainMetadata): the allocator asks
 * this provider, at each allocation, for the id of a label such as
 *
 *   main.mufi:14 in build() native str()     allocated by a native: its call's exact line
 *   main.mufi:12 in build() (interpreter)     allocated by the interpreter itself (closure,
 *                                             concatenation, instance...): the function's first line
 *
 * Why the interpreter's own allocations get the function's line: the dispatch loop keeps ip in
 * a local and saves it in frameIp only before calls, so at an allocation made by an opcode the
 * saved ip is stale. Natives are called after the save, so their line is exact.
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
    const lines = rt.u32[(fn + L.FN_LINES) >>> 2] >>> 2;
    let line = rt.i32[lines];
    if (native >= 0) {
      const offset = rt.frameIp[fc - 1] - 1 - rt.u32[(fn + L.FN_CODE) >>> 2];
      if (offset >= 0 && offset < rt.u32[(fn + L.FN_CODE_LEN) >>> 2]) line = rt.i32[lines + offset];
    }
    const key = (fn * 65536 + (line & 0xffff)) * 1024 + (native + 1);
    let id = cache.get(key);
    if (id === undefined) {
      const name = rt.formatter.functionName(fn);
      const where = `${currentFile()}:${line} in ${name === '' ? 'script' : `${name}()`}`;
      id = table.intern(native >= 0 ? `${where} native ${rt.nativeNames[native]}()` : `${where} (interpreter)`);
      cache.set(key, id);
    }
    return id;
  };
}
