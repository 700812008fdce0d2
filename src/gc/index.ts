/** src/gc: the mark-sweep collector. Knows object layouts only through the registered trace table. */
export { Collector, TraceFn, GcHost } from './collector';
export { GcOptions, DEFAULT_GC_OPTIONS, CollectReason } from './options';
export { OutOfMemoryError, HeapCorruptionError } from './errors';
export { Tag, Slot, Entry, slotTag, slotPayload, entryKey, entryTag, entryPayload } from './value';
export { GcStats, CollectionRecord, formatTraceLine, formatTraceJson } from './gc-stats';
