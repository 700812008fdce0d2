/** Allocator configuration, with the names of the seed's options. */
export interface AllocatorConfig {
  /** Bytes to reserve for the heap (the heap limit). */
  heapLimit: number;
  /** Keep per-kind and per-size-class statistics (global counters are always kept). */
  enableTracking: boolean;
  /** Detect double and invalid frees, poison freed blocks. */
  enableSafety: boolean;
  /** Report live blocks at deinit(). */
  enableLeakDetection: boolean;
  /** Quarantine freed blocks: never reuse them, so a use-after-free shows up in the verifier. */
  neverUnmap: boolean;
  /** Record an allocation site per block (for leak reports and profiles). */
  retainMetadata: boolean;
}

export const DEFAULT_ALLOCATOR_CONFIG: AllocatorConfig = {
  heapLimit: 2048 * 1024 * 1024,
  enableTracking: true,
  enableSafety: true,
  enableLeakDetection: true,
  neverUnmap: false,
  retainMetadata: false,
};
