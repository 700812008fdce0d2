import type { Engine } from './index';

const pad = (v: number | string, n: number): string => String(v).padStart(n);
const mib = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;

/**
 * The collector's summary (--gc-stats at exit; the playground shows it after a run): totals,
 * pause percentiles, and live objects by kind.
 */
export function gcStatsReport(engine: Engine): string {
  const g = engine.gcStats();
  const h = engine.heapNow();
  const lines = [
    'GC statistics:',
    `  mode:             ${engine.gcOptions().mode}`,
    `  collections:      ${g.collections}`,
    `  pauses:           ${g.pauseCount}`,
    `  pause total:      ${g.totalPauseMs.toFixed(3)} ms`,
    `  pause mean:       ${(g.pauseCount ? g.totalPauseMs / g.pauseCount : 0).toFixed(3)} ms`,
    `  pause p50:        ${g.pausePercentile(50).toFixed(3)} ms`,
    `  pause p90:        ${g.pausePercentile(90).toFixed(3)} ms`,
    `  pause p99:        ${g.pausePercentile(99).toFixed(3)} ms`,
    `  pause max:        ${g.maxPauseMs.toFixed(3)} ms`,
    `  bytes allocated:  ${h.allocatedBytes} (${mib(h.allocatedBytes)})`,
    `  bytes freed:      ${g.bytesFreed} (${mib(g.bytesFreed)}) by collections`,
    `  objects freed:    ${g.objectsFreed}`,
    `  peak heap:        ${h.peakBytes} (${mib(h.peakBytes)}) in use at once`,
    `  live now:         ${h.liveBytes} bytes in ${h.liveBlocks} blocks`,
    `  next threshold:   ${Math.round(h.nextThreshold)} (${mib(h.nextThreshold)})`,
  ];
  const kinds = engine.memStats().byKind.filter((k) => k.count > 0);
  if (kinds.length > 0) {
    lines.push('  live objects by kind:', `    ${'kind'.padEnd(14)} ${pad('objects', 10)} ${pad('bytes', 12)}`);
    for (const k of kinds) lines.push(`    ${k.kind.padEnd(14)} ${pad(k.count, 10)} ${pad(k.bytes, 12)}`);
  } else if (!h.tracking) {
    lines.push('  live objects by kind: not kept (--no-tracking)');
  }
  return lines.join('\n');
}
