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
