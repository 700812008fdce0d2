/** src/gc: the mark-sweep collector. Knows object layouts only through the registered trace table. */
export { Collector, type TraceFn, type GcHost } from './collector';
export { type GcOptions, DEFAULT_GC_OPTIONS, type CollectReason } from './options';
export { OutOfMemoryError, HeapCorruptionError } from './errors';
export { GcStats, type CollectionRecord, formatTraceLine, formatTraceJson } from './gc-stats';
