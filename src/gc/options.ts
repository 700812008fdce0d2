/** How the collector runs (see docs/memory.md for the measurements behind the default). */
export type GcMode = 'stw' | 'incremental' | 'generational';
export const GC_MODES: readonly GcMode[] = ['stw', 'incremental', 'generational'];

/** Collector settings, from the command line (see docs/memory.md). */
export interface GcOptions {
  mode: GcMode;
  /** Minimum threshold in bytes: no collection happens below it. */
  threshold: number;
  /** After a collection, next threshold = max(threshold, live bytes × growth). */
  growth: number;
  /** Incremental: bytes the program allocates between two steps of the collector. */
  stepSize: number;
  /** Incremental: each step does stepSize × stepMul / 100 bytes of marking or sweeping. */
  stepMul: number;
  /** Generational: a minor collection when the heap has grown by minorMul % since the last one. */
  minorMul: number;
  /** Generational: a major collection when the old generation has grown by majorMul % since the last major. */
  majorMul: number;
  /** 0: off; N: before every N-th allocation collect (stw), take a small step (incremental) or collect the young (generational). */
  stress: number;
  /** Check the heap after every collection, and each mode's invariant at every step. */
  verify: boolean;
  /** Never collect (allocation still fails cleanly at the heap limit). */
  disabled: boolean;
  /** One line per collection to `traceSink`: 'text', 'json' or null (off). */
  trace: 'text' | 'json' | null;
}

export const DEFAULT_GC_OPTIONS: GcOptions = {
  mode: 'stw',
  threshold: 1024 * 1024,
  growth: 2.0,
  stepSize: 64 * 1024,
  stepMul: 200,
  minorMul: 200,
  majorMul: 100,
  stress: 0,
  verify: false,
  disabled: false,
  trace: null,
};

export type CollectReason = 'threshold' | 'stress' | 'explicit' | 'limit' | 'exit';

/** The kind of a collection cycle, as reports show it. */
export type CycleKind = 'full' | 'incremental' | 'minor' | 'major';
