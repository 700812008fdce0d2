/** Collector settings, from the command line (see docs/memory.md). */
export interface GcOptions {
  /** Minimum threshold in bytes: no collection happens below it. */
  threshold: number;
  /** After a collection, next threshold = max(threshold, live bytes × growth). */
  growth: number;
  /** 0: off; N: collect before every N-th allocation. */
  stress: number;
  /** Check the heap after every collection. */
  verify: boolean;
  /** Never collect (allocation still fails cleanly at the heap limit). */
  disabled: boolean;
  /** One line per collection to `traceSink`: 'text', 'json' or null (off). */
  trace: 'text' | 'json' | null;
}

export const DEFAULT_GC_OPTIONS: GcOptions = {
  threshold: 1024 * 1024,
  growth: 2.0,
  stress: 0,
  verify: false,
  disabled: false,
  trace: null,
};

export type CollectReason = 'threshold' | 'stress' | 'explicit' | 'limit' | 'exit';
