import { writeFileSync } from 'fs';
import { Engine, CollectionRecord } from '../index';

/**
 * --gc-report=FILE.html: one self-contained page (inline SVG and a few lines of script, nothing
 * fetched) with the heap over time, each collection's pause, and live bytes by kind at exit.
 *
 * The page's script checks that each chart drew something with a non-empty bounding box and
 * then sets `data-rendered="yes"` on <body>: the headless-Chromium test reads that marker.
 */
export interface GcReportData {
  title: string;
  records: readonly CollectionRecord[];
  /** Seconds since the collector started, when the report was made. */
  endAt: number;
  endBytes: number;
  peakBytes: number;
  heapLimit: number;
  totalPauseMs: number;
  liveByKind: { kind: string; count: number; bytes: number }[];
}

/** Writes the report; returns null, or a sentence saying why the file could not be written. */
export function writeGcReport(file: string, engine: Engine, program: string): string | null {
  const g = engine.gcStats();
  const h = engine.heapNow();
  const html = gcReportHtml({
    title: program, records: g.records, endAt: h.at,
    endBytes: h.liveBytes, peakBytes: h.peakBytes,
    heapLimit: h.heapLimit, totalPauseMs: g.totalPauseMs,
    liveByKind: engine.memStats().byKind.filter((k) => k.count > 0),
  });
  try {
    writeFileSync(file, html);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `cannot write the GC report '${file}': ${code === 'ENOENT' ? 'no such directory' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`;
  }
}

const W = 760, H = 220, LEFT = 70, BOTTOM = 30, TOP = 10, RIGHT = 10;
/** More collections than this are merged into buckets (max pause, max before, min after). */
const MAX_POINTS = 1000;
const MIB = 1024 * 1024;

export function gcReportHtml(d: GcReportData): string {
  const recs = bucket(d.records);
  const pauses = d.records.map((r) => r.markMs + r.sweepMs);
  const maxPause = pauses.reduce((m, p) => Math.max(m, p), 0);
  const summary = `${d.records.length} collections, ${d.totalPauseMs.toFixed(2)} ms total pause` +
    `${d.records.length ? `, max ${maxPause.toFixed(2)} ms` : ''}; peak ${(d.peakBytes / MIB).toFixed(2)} MiB in use; ` +
    `${(d.endBytes / MIB).toFixed(2)} MiB live at exit; heap limit ${(d.heapLimit / MIB).toFixed(0)} MiB`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>MufiZ GC report: ${esc(d.title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.3em; } h2 { font-size: 1.05em; margin-top: 1.6em; }
svg { background: #fafafa; border: 1px solid #ddd; }
.axis { stroke: #888; } .grid { stroke: #e4e4e4; } text { font-size: 11px; fill: #555; }
.heap { fill: none; stroke: #2a6fdb; stroke-width: 1.5; } .next { fill: none; stroke: #d98c1a; stroke-dasharray: 4 3; }
.mark { fill: #2a6fdb; } .sweep { fill: #6cc04a; } .kind { fill: #8e5bd0; }
</style></head>
<body data-rendered="no">
<h1>MufiZ GC report: ${esc(d.title)}</h1>
<p id="summary">${esc(summary)}</p>
<h2>Heap in use over time (MiB; dashed: next collection threshold)</h2>
${heapChart(d, recs)}
<h2>Pause of each collection (ms; blue mark, green sweep)${recs.length < d.records.length ? `, ${d.records.length} collections in ${recs.length} buckets (longest pause of each)` : ''}</h2>
${pauseChart(recs)}
<h2>Live bytes by kind at exit</h2>
${kindChart(d.liveByKind)}
<script>
// The test's marker: every chart drew at least one mark with a non-empty box.
(function () {
  var charts = document.querySelectorAll('svg[data-chart]'), ok = charts.length === 3, marks = 0;
  charts.forEach(function (svg) {
    var drawn = 0;
    svg.querySelectorAll('.heap, .mark, .sweep, .kind, .empty').forEach(function (el) {
      var b = el.getBBox();
      if (b.width > 0 || b.height > 0) drawn++;
    });
    if (drawn === 0) ok = false;
    marks += drawn;
  });
  document.body.setAttribute('data-marks', String(marks));
  document.body.setAttribute('data-rendered', ok ? 'yes' : 'no');
})();
</script>
</body></html>
`;
}

function bucket(records: readonly CollectionRecord[]): CollectionRecord[] {
  if (records.length <= MAX_POINTS) return records.slice();
  const out: CollectionRecord[] = [];
  const per = records.length / MAX_POINTS;
  for (let i = 0; i < MAX_POINTS; i++) {
    const slice = records.slice(Math.floor(i * per), Math.floor((i + 1) * per));
    let longest = slice[0], before = 0, after = Infinity;
    for (const r of slice) {
      if (r.markMs + r.sweepMs > longest.markMs + longest.sweepMs) longest = r;
      before = Math.max(before, r.bytesBefore);
      after = Math.min(after, r.bytesAfter);
    }
    out.push({ ...longest, at: slice[slice.length - 1].at, bytesBefore: before, bytesAfter: after });
  }
  return out;
}

function heapChart(d: GcReportData, recs: readonly CollectionRecord[]): string {
  const pts: [number, number][] = [[0, 0]];
  const next: [number, number][] = [];
  for (const r of recs) {
    pts.push([r.at, r.bytesBefore], [r.at, r.bytesAfter]);
    next.push([r.at, r.nextThreshold]);
  }
  const end = Math.max(d.endAt, recs.length ? recs[recs.length - 1].at : 0, 1e-3);
  pts.push([end, d.endBytes]);
  if (next.length > 0) next.push([end, next[next.length - 1][1]]);
  const maxY = Math.max(...pts.map((p) => p[1]), ...next.map((p) => p[1]), 1024);
  const x = (t: number) => LEFT + (t / end) * (W - LEFT - RIGHT);
  const y = (b: number) => H - BOTTOM - (b / maxY) * (H - BOTTOM - TOP);
  const path = (ps: [number, number][]) => ps.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ');
  return svg('heap', axes(`${(maxY / MIB).toFixed(2)}`, '0', `0 s`, `${end.toFixed(3)} s`) +
    (next.length > 0 ? `<path class="next" d="${path(next)}"/>` : '') +
    `<path class="heap" d="${path(pts)}"/>`);
}

function pauseChart(recs: readonly CollectionRecord[]): string {
  if (recs.length === 0) return svg('pauses', axes('', '', '', '') + `<text class="empty" x="${LEFT + 10}" y="${H / 2}">no collections ran</text>`);
  const maxP = Math.max(...recs.map((r) => r.markMs + r.sweepMs), 1e-3);
  const slot = (W - LEFT - RIGHT) / recs.length;
  const bw = Math.max(0.5, slot * 0.8);
  const scale = (ms: number) => (ms / maxP) * (H - BOTTOM - TOP);
  let bars = '';
  recs.forEach((r, i) => {
    const x0 = (LEFT + i * slot).toFixed(2);
    const hm = scale(r.markMs), hs = scale(r.sweepMs);
    const title = `<title>gc ${r.index}: mark ${r.markMs.toFixed(3)} ms, sweep ${r.sweepMs.toFixed(3)} ms, reason ${r.reason}</title>`;
    bars += `<rect class="mark" x="${x0}" y="${(H - BOTTOM - hm).toFixed(2)}" width="${bw.toFixed(2)}" height="${Math.max(hm, 0.5).toFixed(2)}">${title}</rect>`;
    bars += `<rect class="sweep" x="${x0}" y="${(H - BOTTOM - hm - hs).toFixed(2)}" width="${bw.toFixed(2)}" height="${hs.toFixed(2)}"/>`;
  });
  return svg('pauses', axes(maxP.toFixed(2), '0', `gc ${recs[0].index}`, `gc ${recs[recs.length - 1].index}`) + bars);
}

function kindChart(kinds: { kind: string; count: number; bytes: number }[]): string {
  if (kinds.length === 0) return svg('kinds', `<text class="empty" x="${LEFT}" y="40">nothing live (or --no-tracking)</text>`, 60);
  const rows = [...kinds].sort((a, b) => b.bytes - a.bytes);
  const max = Math.max(...rows.map((k) => k.bytes), 1);
  const height = rows.length * 22 + 16;
  const left = 110, width = W - left - 200;
  let body = '';
  rows.forEach((k, i) => {
    const yy = 8 + i * 22;
    const w = Math.max(1, (k.bytes / max) * width);
    body += `<text x="${left - 6}" y="${yy + 13}" text-anchor="end">${esc(k.kind)}</text>`;
    body += `<rect class="kind" x="${left}" y="${yy}" width="${w.toFixed(1)}" height="16"><title>${k.count} objects</title></rect>`;
    body += `<text x="${(left + w + 6).toFixed(1)}" y="${yy + 13}">${k.bytes} bytes, ${k.count} objects</text>`;
  });
  return svg('kinds', body, height);
}

function axes(yMax: string, yMin: string, xMin: string, xMax: string): string {
  return `<line class="axis" x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${H - BOTTOM}"/>` +
    `<line class="axis" x1="${LEFT}" y1="${H - BOTTOM}" x2="${W - RIGHT}" y2="${H - BOTTOM}"/>` +
    `<line class="grid" x1="${LEFT}" y1="${TOP}" x2="${W - RIGHT}" y2="${TOP}"/>` +
    `<text x="${LEFT - 6}" y="${TOP + 10}" text-anchor="end">${esc(yMax)}</text>` +
    `<text x="${LEFT - 6}" y="${H - BOTTOM}" text-anchor="end">${esc(yMin)}</text>` +
    `<text x="${LEFT}" y="${H - 10}">${esc(xMin)}</text>` +
    `<text x="${W - RIGHT}" y="${H - 10}" text-anchor="end">${esc(xMax)}</text>`;
}

function svg(name: string, body: string, height = H): string {
  return `<svg data-chart="${name}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" role="img" aria-label="${name}">${body}</svg>`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
