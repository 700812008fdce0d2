import type { Runtime } from '../runtime';
import { NativeModule } from './native';
import { expectArgCount, returnWhole } from './args';
import { returnHashTable } from './collection-args';

/**
 * gc: the collector and the heap, seen from a program.
 *   gc_collect()  runs a full collection now; returns the bytes it freed
 *   mem_usage()   live bytes in the heap now (every block's size, headers included)
 *   gc_stats()    the statistics as a hash table: its keys and values are gcStatsEntries()
 * Byte counts above 2^31 - 1 are returned as doubles, not wrapped ints.
 */
export const gcNatives: NativeModule = [
  {
    name: 'gc_collect',
    fn(rt, _args, argc) {
      expectArgCount('gc_collect', argc, 0);
      returnWhole(rt, rt.gc.collect('explicit'));
    },
  },
  {
    name: 'mem_usage',
    fn(rt, _args, argc) {
      expectArgCount('mem_usage', argc, 0);
      returnWhole(rt, rt.allocator.stats.currentBytes);
    },
  },
  {
    name: 'gc_stats',
    fn(rt, _args, argc) {
      expectArgCount('gc_stats', argc, 0);
      returnHashTable(rt, gcStatsEntries(rt)); // entries read before the table is allocated
    },
  },
];

/**
 * The entries of gc_stats(), in a fixed order. Counts are whole numbers; `*_ms` are doubles.
 */
export function gcStatsEntries(rt: Runtime): Array<[string, number | string]> {
  const g = rt.gc.stats, m = rt.allocator.stats;
  return [
    ['mode', rt.gc.modeName],
    ['collections', g.collections],
    ['pauses', g.pauseCount],
    ['pause_total_ms', g.totalPauseMs],
    ['pause_max_ms', g.maxPauseMs],
    ['pause_p50_ms', g.pausePercentile(50)],
    ['pause_p90_ms', g.pausePercentile(90)],
    ['pause_p99_ms', g.pausePercentile(99)],
    ['bytes_allocated', m.bytesAllocated],
    // What collections gave back, as --gc-stats says (the runtime's own frees of old buffers are not counted).
    ['bytes_freed', g.bytesFreed],
    ['live_bytes', m.currentBytes],
    ['live_objects', m.currentAllocations],
    ['peak_bytes', m.peakBytes],
    ['objects_freed', g.objectsFreed],
    ['total_allocations', m.totalAllocations],
    ['next_gc_bytes', Math.round(rt.gc.nextGC)],
    ['heap_limit_bytes', rt.allocator.heap.size],
  ];
}

