/** src/gc: the mark-sweep collector. Knows object layouts only through the registered trace table. */
export { Collector, type TraceFn, type GcHost, GcState, GC_STATE_NAMES } from './collector';
export { type GcOptions, DEFAULT_GC_OPTIONS, type CollectReason, type GcMode, GC_MODES, type CycleKind } from './options';
export { OutOfMemoryError, HeapCorruptionError } from './errors';
export { Tag, Slot, Entry, slotTag, slotPayload, entryKey, entryTag, entryPayload } from './value';
export { GcStats, type CollectionRecord, PauseKind, PAUSE_KIND_NAMES, formatTraceLine, formatTraceJson } from './gc-stats';
