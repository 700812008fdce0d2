import { Allocator } from './allocator';
import { AllocatorConfig } from './config';
import { LeakRow, MemStatsSnapshot } from './stats';

/**
 * The seed's global allocator API (initAllocator, getAllocator, getMemStats, printMemStats,
 * checkForLeaks, deinit), for hosts that want one process-wide heap. The VM itself does not
 * use it: each Engine owns its Allocator, so tests and the REPL can run several side by side.
 */
let global: Allocator | null = null;

/** Creates the global allocator. Replaces (and deinits) an earlier one. */
export function initAllocator(config: Partial<AllocatorConfig> = {}): Allocator {
  if (global !== null) global.deinit();
  global = new Allocator(config);
  return global;
}

/** The global allocator, created with the default configuration on first use (as the seed does). */
export function getAllocator(): Allocator {
  return global ?? initAllocator();
}

export function getMemStats(): MemStatsSnapshot {
  return getAllocator().getMemStats();
}

export function printMemStats(write?: (text: string) => void): void {
  getAllocator().printMemStats(write);
}

/** Live blocks of the global allocator, grouped by kind and site (empty when there are none). */
export function checkForLeaks(): LeakRow[] {
  return global === null ? [] : global.checkForLeaks();
}

/** Ends the global allocator; returns its leaks (with enableLeakDetection). */
export function deinit(): LeakRow[] {
  if (global === null) return [];
  const leaks = global.deinit();
  global = null;
  return leaks;
}
