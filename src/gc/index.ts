/** src/gc: the mark-sweep collector. Knows object layouts only through the registered trace table. */
export { Collector, TraceFn, GcHost, GcState, GC_STATE_NAMES } from './collector';
export { GcOptions, DEFAULT_GC_OPTIONS, CollectReason, GcMode, GC_MODES, CycleKind } from './options';
export { OutOfMemoryError, HeapCorruptionError } from './errors';
export { Tag, Slot, Entry, slotTag, slotPayload, entryKey, entryTag, entryPayload } from './value';
export { GcStats, CollectionRecord, PauseKind, PAUSE_KIND_NAMES, formatTraceLine, formatTraceJson } from './gc-stats';
