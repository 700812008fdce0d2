/** src/memory: the heap, the allocator and its accounting. Knows nothing of object kinds' meaning. */
export { Heap, Addr, MIB, DEFAULT_HEAP_LIMIT, MAX_HEAP_LIMIT } from './heap';
export { Allocator } from './allocator';
export { Arena } from './arena';
export { AllocatorConfig, DEFAULT_ALLOCATOR_CONFIG } from './config';
export { HeapSafetyError } from './errors';
export { MemStatsSnapshot, formatMemStats } from './stats';
export * from './block';
