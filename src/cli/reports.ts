import { Engine } from '../index';
import { formatMemStats, LeakRow } from '../memory';
import { formatMiB } from './sizes';

const pad = (v: number | string, n: number): string => String(v).padStart(n);

/** --gc-stats: the collector's summary at exit. */
export function gcStatsReport(engine: Engine): string {
  const rt = engine.vm.runtime;
  const g = rt.gc.stats;
  const m = rt.allocator.stats;
  const lines = [
    'GC statistics:',
    `  mode:             ${rt.gc.modeName}`,
    `  collections:      ${g.collections}`,
    `  pauses:           ${g.pauseCount}`,
    `  pause total:      ${g.totalPauseMs.toFixed(3)} ms`,
    `  pause mean:       ${(g.pauseCount ? g.totalPauseMs / g.pauseCount : 0).toFixed(3)} ms`,
    `  pause p50:        ${g.pausePercentile(50).toFixed(3)} ms`,
    `  pause p90:        ${g.pausePercentile(90).toFixed(3)} ms`,
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
    lines.push('  live objects by kind:', `    ${'kind'.padEnd(14)} ${pad('objects', 10)} ${pad('bytes', 12)}`);
    for (const k of kinds) lines.push(`    ${k.kind.padEnd(14)} ${pad(k.count, 10)} ${pad(k.bytes, 12)}`);
  } else if (!rt.allocator.config.enableTracking) {
    lines.push('  live objects by kind: not kept (--no-tracking)');
  }
  return lines.join('\n');
}

export function memStatsReport(engine: Engine): string {
  return formatMemStats(engine.vm.runtime.allocator.getMemStats());
}

/** --mem-profile: the top allocation sites, by bytes and by count (needs --track-sites). */
export function memProfileReport(engine: Engine, limit = 10): string {
  const table = engine.vm.runtime.allocator.siteTable;
  if (table === null) return 'Allocation profile: no sites recorded (run with --track-sites).';
  const section = (title: string, by: 'bytes' | 'count'): string[] => {
    const rows = table.top(by, limit);
    const out = [`  ${title}:`, `    ${pad('bytes', 12)} ${pad('blocks', 10)}  site`];
    for (const r of rows) out.push(`    ${pad(r.bytes, 12)} ${pad(r.count, 10)}  ${r.site}`);
    return out;
  };
  return ['Allocation profile (every block allocated during the run, by site):',
    ...section(`top ${limit} sites by bytes`, 'bytes'), ...section(`top ${limit} sites by count`, 'count')].join('\n');
}

/** --leak-check: what is left after every root was released, grouped by kind and allocation site. */
export function leakReport(leaks: readonly LeakRow[], sitesTracked = false): string {
  if (leaks.length === 0) return 'Leak check: no leaks (every block was reclaimed after the roots were released).';
  const total = leaks.reduce((s, k) => s + k.count, 0);
  const bytes = leaks.reduce((s, k) => s + k.bytes, 0);
  const lines = [`Leak check: ${total} blocks (${bytes} bytes) still allocated after releasing every root:`];
  lines.push(`  ${'kind'.padEnd(14)} ${pad('blocks', 8)} ${pad('bytes', 10)}  site`);
  for (const k of leaks) lines.push(`  ${k.kind.padEnd(14)} ${pad(k.count, 8)} ${pad(k.bytes, 10)}  ${k.site === '' ? '-' : k.site}`);
  if (!sitesTracked) lines.push('  (run with --track-sites to see where each block was allocated)');
  return lines.join('\n');
}
