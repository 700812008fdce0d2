import { Engine } from '../index';
import { formatMemStats } from '../memory';
import { formatMiB } from './sizes';

/** --gc-stats: the collector's summary at exit. */
export function gcStatsReport(engine: Engine): string {
  const rt = engine.vm.runtime;
  const g = rt.gc.stats;
  const m = rt.allocator.stats;
  const lines = [
    'GC statistics:',
    `  collections:      ${g.collections}`,
    `  pause total:      ${g.totalPauseMs.toFixed(3)} ms`,
    `  pause mean:       ${(g.collections ? g.totalPauseMs / g.collections : 0).toFixed(3)} ms`,
    `  pause p50:        ${g.pausePercentile(50).toFixed(3)} ms`,
    `  pause p99:        ${g.pausePercentile(99).toFixed(3)} ms`,
    `  pause max:        ${g.maxPauseMs.toFixed(3)} ms`,
    `  bytes allocated:  ${m.bytesAllocated} (${formatMiB(m.bytesAllocated)})`,
    `  bytes freed:      ${g.bytesFreed} (${formatMiB(g.bytesFreed)}) by collections`,
    `  objects freed:    ${g.objectsFreed}`,
    `  peak heap:        ${m.peakBytes} (${formatMiB(m.peakBytes)}) in use at once`,
    `  live now:         ${m.currentBytes} bytes in ${m.currentAllocations} blocks`,
    `  next threshold:   ${Math.round(rt.gc.nextGC)} (${formatMiB(rt.gc.nextGC)})`,
  ];
  const kinds = rt.allocator.getMemStats().byKind.filter((k) => k.count > 0);
  if (kinds.length > 0) {
    lines.push('  live by kind:');
    for (const k of kinds) lines.push(`    ${k.kind.padEnd(14)} ${String(k.count).padStart(10)} objects ${String(k.bytes).padStart(12)} bytes`);
  }
  return lines.join('\n');
}

export function memStatsReport(engine: Engine): string {
  return formatMemStats(engine.vm.runtime.allocator.getMemStats());
}

export function leakReport(leaks: { kind: string; count: number; bytes: number }[]): string {
  if (leaks.length === 0) return 'Leak check: no leaks (every block was reclaimed after the roots were released).';
  const total = leaks.reduce((s, k) => s + k.count, 0);
  const bytes = leaks.reduce((s, k) => s + k.bytes, 0);
  const lines = [`Leak check: ${total} blocks (${bytes} bytes) still allocated after releasing every root:`];
  for (const k of leaks) lines.push(`  ${k.kind.padEnd(14)} ${String(k.count).padStart(8)} blocks ${String(k.bytes).padStart(10)} bytes`);
  return lines.join('\n');
}
