/** src/memory: the heap, the allocator and its accounting. Knows nothing of object kinds' meaning. */
export { Heap, type Addr, MIB, DEFAULT_HEAP_LIMIT, MAX_HEAP_LIMIT } from './heap';
export { Allocator, TYPICAL_REQUEST_BLOCK } from './allocator';
export { Arena } from './arena';
export { type AllocatorConfig, DEFAULT_ALLOCATOR_CONFIG } from './config';
export { HeapSafetyError } from './errors';
export { type MemStatsSnapshot, type SizeClassRow, type LeakRow, type HeapWalk, formatMemStats } from './stats';
export { SiteTable } from './sites';
export { initAllocator, getAllocator, getMemStats, printMemStats, checkForLeaks, deinit } from './global';
export * from './block';
import * as block from './block';
/*
 * The header constants and accessors again, as plain values: TypeScript compiles `export *` (and
 * `export { X } from`) for CommonJS into a getter per name, all sharing one closure whose
 * `m[k]` V8 neither inlines nor caches, and the collector reads these in its hottest loops
 * (a third of a `--gc-stress --heap-verify` run went to that getter). Local exports take
 * precedence over the `export *` above, which still re-exports anything added to block.ts later.
 */
export const {
  HEADER_BYTES, MIN_BLOCK, HEAP_START, FREE_KIND, QUARANTINE_KIND, MARK_BIT, PIN_BIT, GRAY_BIT, OLD_BIT,
  REMEMBERED_BIT, LIVE_MAGIC, FREE_MAGIC, SMALL_MAX, CLASS_COUNT, blockKind, blockFlags, blockSize, blockSizeFor,
} = block;
