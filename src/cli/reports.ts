import { Engine, formatMemStats, LeakRow, gcStatsReport } from '../index';

const pad = (v: number | string, n: number): string => String(v).padStart(n);

/** --gc-stats: the collector's summary at exit (shared with the playground). */
export { gcStatsReport };

export function memStatsReport(engine: Engine): string {
  return formatMemStats(engine.memStats());
}

/** --mem-profile: the top allocation sites, by bytes and by count (needs --track-sites). */
export function memProfileReport(engine: Engine, limit = 10): string {
  if (engine.topSites('bytes', 0) === null) return 'Allocation profile: no sites recorded (run with --track-sites).';
  const section = (title: string, by: 'bytes' | 'count'): string[] => {
    const rows = engine.topSites(by, limit) ?? [];
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
