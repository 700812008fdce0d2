import { writeFileSync } from 'fs';
import { Engine, CollectionRecord, GcOptions } from '../index';
import { PAUSE_KIND_NAMES } from '../gc';

/**
 * --gc-report=FILE.html: one self-contained page (inline SVG, no script, nothing fetched) for
 * tuning the collector: the mode and every setting at the top; pause percentiles, a histogram,
 * GC time as a share of the run and the allocation rate; heap and pauses on one shared time
 * axis (each incremental step is its own bar, coloured by kind); a table of collections; live
 * bytes by kind; and allocation sites by bytes when --track-sites is on.
 */
export interface GcReportData {
  title: string;
  options: GcOptions;
  heapLimit: number;
  records: readonly CollectionRecord[];
  /** Every pause: start (s), length (ms), kind (index into PAUSE_KIND_NAMES), live bytes after it. */
  pauseAt: ArrayLike<number>;
  pauseMs: ArrayLike<number>;
  pauseKinds: ArrayLike<number>;
  pauseHeap: ArrayLike<number>;
  pauseCount: number;
  /** Seconds since the collector started, when the report was made. */
  endAt: number;
  endBytes: number;
  peakBytes: number;
  bytesAllocated: number;
  totalPauseMs: number;
  percentiles: { p50: number; p90: number; p99: number; max: number };
  liveByKind: { kind: string; count: number; bytes: number }[];
  /** Top allocation sites by bytes, or null without --track-sites. */
  sites: { site: string; count: number; bytes: number }[] | null;
}

/** Writes the report; returns null, or a sentence saying why the file could not be written. */
export function writeGcReport(file: string, engine: Engine, program: string): string | null {
  const g = engine.gcStats();
  const h = engine.heapNow();
  const html = gcReportHtml({
    title: program, options: engine.gcOptions(), heapLimit: h.heapLimit, records: g.records,
    pauseAt: g.pauseAt, pauseMs: g.pauseMs, pauseKinds: g.pauseKinds, pauseHeap: g.pauseHeap, pauseCount: g.pauseCount,
    endAt: h.at, endBytes: h.liveBytes, peakBytes: h.peakBytes,
    bytesAllocated: h.allocatedBytes, totalPauseMs: g.totalPauseMs,
    percentiles: { p50: g.pausePercentile(50), p90: g.pausePercentile(90), p99: g.pausePercentile(99), max: g.maxPauseMs },
    liveByKind: engine.memStats().byKind.filter((k) => k.count > 0),
    sites: engine.topSites('bytes', 15),
  });
  try {
    writeFileSync(file, html);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `cannot write the GC report '${file}': ${code === 'ENOENT' ? 'no such directory' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`;
  }
}

const W = 860, LEFT = 70, RIGHT = 14, TOP = 12, BOTTOM = 30;
const PLOT_W = W - LEFT - RIGHT;
/** Rows of the collection table; a longer run says how many more there were. */
const MAX_ROWS = 500;
const MIB = 1024 * 1024;
const KIND_COLOURS = ['#c0392b', '#2a6fdb', '#8e44ad', '#27ae60', '#d35400'];
/** Upper bounds (ms) of the histogram's bins; the last bin is everything above. */
const BINS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

export function gcReportHtml(d: GcReportData): string {
  const o = d.options;
  const runMs = Math.max(d.endAt * 1000, 1e-3);
  const settings: [string, string][] = [
    ['mode', o.mode], ['threshold', `${o.threshold} bytes`], ['growth', String(o.growth)],
    ['step size (incremental)', `${o.stepSize} bytes`], ['step mul (incremental)', `${o.stepMul}%`],
    ['minor mul (generational)', `${o.minorMul}%`], ['major mul (generational)', `${o.majorMul}%`],
    ['stress', o.stress === 0 ? 'off' : `every ${o.stress} allocation(s)`], ['heap verify', o.verify ? 'on' : 'off'],
    ['collection', o.disabled ? 'disabled (--no-gc)' : 'on'], ['heap limit', `${(d.heapLimit / MIB).toFixed(0)} MiB`],
  ];
  const figures: [string, string][] = [
    ['run time', `${(runMs / 1000).toFixed(3)} s`],
    ['collections', String(d.records.length)], ['pauses', String(d.pauseCount)],
    ['GC time', `${d.totalPauseMs.toFixed(2)} ms (${((100 * d.totalPauseMs) / runMs).toFixed(1)}% of the run)`],
    ['allocation rate', `${(d.bytesAllocated / MIB / (runMs / 1000)).toFixed(1)} MiB/s (${(d.bytesAllocated / MIB).toFixed(1)} MiB in all)`],
    ['peak heap', `${(d.peakBytes / MIB).toFixed(2)} MiB`], ['live at exit', `${(d.endBytes / MIB).toFixed(2)} MiB`],
  ];
  const p = d.percentiles;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>MufiZ GC report: ${esc(d.title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.3em; } h2 { font-size: 1.05em; margin-top: 1.6em; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: right; }
td:first-child, th:first-child { text-align: left; }
svg { background: #fafafa; border: 1px solid #ddd; display: block; }
.axis { stroke: #888; } .grid { stroke: #e4e4e4; } text { font-size: 11px; fill: #555; }
.heap { fill: none; stroke: #2a6fdb; stroke-width: 1.5; } .next { fill: none; stroke: #d98c1a; stroke-dasharray: 4 3; }
.bin { fill: #2a6fdb; } .kind { fill: #8e5bd0; } .site { fill: #16a085; }
.legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; }
</style></head>
<body>
<h1>MufiZ GC report: ${esc(d.title)}</h1>
<h2>Settings</h2>
${kvTable(settings, 'settings')}
<h2>Summary</h2>
${kvTable(figures, 'summary')}
<h2>Pauses (every stop of the program: a whole collection, or one step of an incremental cycle)</h2>
<table id="percentiles"><tr><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>
<tr><td>${p.p50.toFixed(3)} ms</td><td>${p.p90.toFixed(3)} ms</td><td>${p.p99.toFixed(3)} ms</td><td>${p.max.toFixed(3)} ms</td></tr></table>
<h2>Heap and pauses over time (one time axis)</h2>
<p class="legend">${PAUSE_KIND_NAMES.map((k, i) => `<span style="background:${KIND_COLOURS[i]}"></span>${k}`).join('')}
<span style="background:#2a6fdb;height:2px"></span>heap in use <span style="background:#d98c1a;height:2px"></span>next threshold</p>
${timeCharts(d)}
<h2>Pause histogram (number of pauses by length)</h2>
${histogram(d)}
<h2>Collections</h2>
${collectionTable(d.records)}
<h2>Live bytes by kind at exit</h2>
${kindChart(d.liveByKind)}
<h2>Allocation sites by bytes</h2>
${siteChart(d.sites)}
</body></html>
`;
}

function kvTable(rows: [string, string][], id: string): string {
  return `<table id="${id}">${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

/** "Nice" tick values from 0 to max (about `count` of them). */
function ticks(max: number, count: number): number[] {
  const raw = max / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) as number;
  const out: number[] = [];
  for (let v = 0; v <= max * 1.0001; v += step) out.push(+v.toPrecision(12));
  return out;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : +v.toPrecision(3) + '';
}

/** Heap (top) and pauses (bottom) share one x scale: seconds since start, with the same ticks and gridlines. */
function timeCharts(d: GcReportData): string {
  const end = Math.max(d.endAt, 1e-3);
  const x = (t: number) => LEFT + (t / end) * PLOT_W;
  const xt = ticks(end, 8);
  const xAxis = (h: number) => xt.map((t) => `<line class="grid" x1="${x(t).toFixed(1)}" y1="${TOP}" x2="${x(t).toFixed(1)}" y2="${h - BOTTOM}"/>` +
    `<text x="${x(t).toFixed(1)}" y="${h - BOTTOM + 14}" text-anchor="middle">${fmt(t)} s</text>`).join('');
  const yAxis = (h: number, max: number, unit: string, title: string) => {
    const y = (v: number) => h - BOTTOM - (v / max) * (h - BOTTOM - TOP);
    return ticks(max, 4).map((v) => `<line class="grid" x1="${LEFT}" y1="${y(v).toFixed(1)}" x2="${W - RIGHT}" y2="${y(v).toFixed(1)}"/>` +
      `<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}${unit}</text>`).join('') +
      `<line class="axis" x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${h - BOTTOM}"/>` +
      `<line class="axis" x1="${LEFT}" y1="${h - BOTTOM}" x2="${W - RIGHT}" y2="${h - BOTTOM}"/>` +
      `<text x="12" y="${TOP + 10}">${esc(title)}</text>`;
  };

  // Heap: the live bytes after each pause, one point per pixel column (the last one), plus the cycle thresholds.
  const HH = 220;
  const cols = new Float64Array(PLOT_W + 1).fill(-1);
  for (let i = 0; i < d.pauseCount; i++) cols[Math.min(PLOT_W, Math.floor(((d.pauseAt[i] + d.pauseMs[i] / 1000) / end) * PLOT_W))] = d.pauseHeap[i];
  const pts: [number, number][] = [[0, 0]];
  for (let c = 0; c <= PLOT_W; c++) if (cols[c] >= 0) pts.push([(c / PLOT_W) * end, cols[c]]);
  pts.push([end, d.endBytes]);
  const next: [number, number][] = [];
  const step = Math.max(1, Math.ceil(d.records.length / PLOT_W));
  for (let i = 0; i < d.records.length; i += step) next.push([d.records[i].endAt, d.records[i].nextThreshold]);
  if (next.length > 0) next.push([end, d.records[d.records.length - 1].nextThreshold]);
  const maxHeap = Math.max(1024, d.peakBytes, ...next.map((q) => q[1])) / MIB;
  const yh = (b: number) => HH - BOTTOM - (b / MIB / maxHeap) * (HH - BOTTOM - TOP);
  const path = (ps: [number, number][]) => ps.map((q, i) => `${i ? 'L' : 'M'}${x(q[0]).toFixed(1)},${yh(q[1]).toFixed(1)}`).join(' ');
  const heap = svg('heap', HH, yAxis(HH, maxHeap, '', 'MiB') + xAxis(HH) +
    (next.length > 0 ? `<path class="next" d="${path(next)}"/>` : '') + `<path class="heap" d="${path(pts)}"/>`);

  // Pauses: the longest pause of each pixel column, coloured by its kind; every step is its own bar unless two share a pixel.
  const PH = 200;
  const longest = new Float64Array(PLOT_W + 1), kinds = new Uint8Array(PLOT_W + 1), counts = new Uint32Array(PLOT_W + 1);
  let maxMs = 1e-3;
  for (let i = 0; i < d.pauseCount; i++) {
    const c = Math.min(PLOT_W, Math.floor((d.pauseAt[i] / end) * PLOT_W));
    counts[c]++;
    if (d.pauseMs[i] >= longest[c]) { longest[c] = d.pauseMs[i]; kinds[c] = d.pauseKinds[i]; }
    if (d.pauseMs[i] > maxMs) maxMs = d.pauseMs[i];
  }
  const yp = (ms: number) => (ms / maxMs) * (PH - BOTTOM - TOP);
  let bars = '';
  for (let c = 0; c <= PLOT_W; c++) {
    if (counts[c] === 0) continue;
    const h = Math.max(1, yp(longest[c]));
    bars += `<rect class="pause" x="${LEFT + c}" y="${(PH - BOTTOM - h).toFixed(1)}" width="1" height="${h.toFixed(1)}" fill="${KIND_COLOURS[kinds[c]]}">` +
      `<title>${counts[c]} pause(s) near ${fmt((c / PLOT_W) * end)} s, longest ${longest[c].toFixed(3)} ms (${PAUSE_KIND_NAMES[kinds[c]]})</title></rect>`;
  }
  if (d.pauseCount === 0) bars = `<text class="empty" x="${LEFT + 10}" y="${PH / 2}">no collections ran</text>`;
  const pauses = svg('pauses', PH, yAxis(PH, maxMs, '', 'pause ms') + xAxis(PH) + bars);
  return heap + pauses;
}

function histogram(d: GcReportData): string {
  const counts = new Array(BINS.length + 1).fill(0);
  for (let i = 0; i < d.pauseCount; i++) {
    let b = BINS.findIndex((ub) => d.pauseMs[i] <= ub);
    if (b < 0) b = BINS.length;
    counts[b]++;
  }
  const labels = BINS.map((ub, i) => `${i === 0 ? 0 : BINS[i - 1]}–${ub} ms`).concat([`> ${BINS[BINS.length - 1]} ms`]);
  const max = Math.max(1, ...counts);
  const left = 120, width = W - left - 120, rowH = 18;
  let body = '';
  counts.forEach((n, i) => {
    const yy = 6 + i * rowH;
    const w = n === 0 ? 0 : Math.max(1, (n / max) * width);
    body += `<text x="${left - 6}" y="${yy + 12}" text-anchor="end">${labels[i]}</text>`;
    body += `<rect class="bin" x="${left}" y="${yy}" width="${w.toFixed(1)}" height="${rowH - 4}"/>`;
    body += `<text x="${(left + w + 6).toFixed(1)}" y="${yy + 12}">${n}</text>`;
  });
  return svg('histogram', counts.length * rowH + 12, body);
}

function collectionTable(records: readonly CollectionRecord[]): string {
  if (records.length === 0) return '<p>No collections ran.</p>';
  const rows = records.slice(0, MAX_ROWS).map((r) => `<tr><td>${r.index}</td><td>${r.at.toFixed(4)} s</td><td>${r.reason}</td><td>${r.kind}</td>` +
    `<td>${(r.bytesBefore / MIB).toFixed(2)}</td><td>${(r.bytesAfter / MIB).toFixed(2)}</td><td>${(r.bytesFreed / MIB).toFixed(2)}</td>` +
    `<td>${r.markMs.toFixed(3)}</td><td>${r.sweepMs.toFixed(3)}</td><td>${(r.markMs + r.sweepMs).toFixed(3)}</td><td>${r.steps}</td><td>${r.maxPauseMs.toFixed(3)}</td></tr>`);
  const more = records.length > MAX_ROWS ? `<p>… and ${records.length - MAX_ROWS} more collections.</p>` : '';
  return `<table id="collections"><tr><th>#</th><th>start</th><th>reason</th><th>kind</th><th>heap before MiB</th><th>after MiB</th>` +
    `<th>freed MiB</th><th>mark ms</th><th>sweep ms</th><th>GC ms</th><th>pauses</th><th>longest pause ms</th></tr>${rows.join('')}</table>${more}`;
}

function barChart(name: string, cls: string, rows: { label: string; value: number; text: string }[], empty: string): string {
  if (rows.length === 0) return svg(name, 40, `<text class="empty" x="${LEFT}" y="24">${esc(empty)}</text>`);
  const max = Math.max(...rows.map((r) => r.value), 1);
  const left = 260, width = W - left - 220;
  let body = '';
  rows.forEach((r, i) => {
    const yy = 8 + i * 22;
    const w = Math.max(1, (r.value / max) * width);
    body += `<text x="${left - 6}" y="${yy + 13}" text-anchor="end">${esc(r.label)}</text>`;
    body += `<rect class="${cls}" x="${left}" y="${yy}" width="${w.toFixed(1)}" height="16"/>`;
    body += `<text x="${(left + w + 6).toFixed(1)}" y="${yy + 13}">${esc(r.text)}</text>`;
  });
  return svg(name, rows.length * 22 + 16, body);
}

function kindChart(kinds: { kind: string; count: number; bytes: number }[]): string {
  const rows = [...kinds].sort((a, b) => b.bytes - a.bytes).map((k) => ({ label: k.kind, value: k.bytes, text: `${k.bytes} bytes, ${k.count} objects` }));
  return barChart('kinds', 'kind', rows, 'nothing live (or --no-tracking)');
}

function siteChart(sites: GcReportData['sites']): string {
  if (sites === null) return '<p>Not recorded: run with <code>--track-sites</code> to see which lines allocate the most.</p>';
  return barChart('sites', 'site', sites.map((s) => ({ label: s.site, value: s.bytes, text: `${s.bytes} bytes, ${s.count} blocks` })), 'no allocation recorded');
}

function svg(name: string, height: number, body: string): string {
  return `<svg data-chart="${name}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" role="img" aria-label="${name}">${body}</svg>`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
