/** Messages between the page and the engine's worker (worker.ts). */
import type { CollectionRecord } from '../../src/index';

/**
 * The collector modes the page offers. Only `stw` exists in the engine today; a mode the
 * engine gains (incremental, generational) is one more entry here: the worker passes `mode`
 * in the gc options whenever it is not 'stw'.
 */
export const GC_MODES: { value: string; label: string }[] = [
  { value: 'stw', label: 'stop-the-world' },
];

export interface GcSettings {
  mode: string;
  /** Bytes: no collection below this. */
  threshold: number;
  growth: number;
  heapLimitMiB: number;
  /** 0: off; N: collect before every N-th allocation. */
  stress: number;
}

export interface RunRequest {
  type: 'run';
  source: string;
  settings: GcSettings;
  /** Over a SharedArrayBuffer when the page is cross-origin isolated: Stop raises it. */
  interrupt: Int32Array | null;
}

export interface HeapSample {
  /** Seconds since the engine started. */
  at: number;
  live: number;
  next: number;
}

export interface HeapUpdate {
  type: 'heap';
  samples: HeapSample[];
  /** Collections since the last update. */
  records: CollectionRecord[];
  kinds: { kind: string; count: number; bytes: number }[];
  heapLimit: number;
}

export interface ErrorMark {
  line: number;
  /** 1-based; 0 when only the line is known (runtime errors). */
  column: number;
  message: string;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'out'; text: string }
  | HeapUpdate
  | {
      type: 'done';
      outcome: 'ok' | 'compile-error' | 'runtime-error' | 'exit' | 'internal-error';
      /** What the CLI would print on stderr. */
      errorText: string;
      marks: ErrorMark[];
      /** The --gc-stats summary. */
      summary: string;
      ms: number;
    };
