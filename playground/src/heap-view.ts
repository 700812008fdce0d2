/**
 * The live heap view: heap in use and the next collection threshold over time (one chart), each
 * collection's pause (bars below it), and live bytes by kind. Redrawn at most once per animation
 * frame from the worker's throttled updates. Each canvas records how many marks it drew in
 * `data-marks` (the browser test reads it).
 */
import type { CollectionRecord } from '../../src/index';
import type { HeapSample, HeapUpdate } from './protocol';

const MIB = 1024 * 1024;
/** Samples kept for the chart; older ones are thinned by half when it is exceeded. */
const MAX_SAMPLES = 4000;

export class HeapView {
  private samples: HeapSample[] = [];
  private records: CollectionRecord[] = [];
  private kinds: HeapUpdate['kinds'] = [];
  private heapLimit = 0;
  private pending = false;
  /** Counted before the records are thinned. */
  private collections = 0;
  private totalPause = 0;

  constructor(
    private readonly chart: HTMLCanvasElement,
    private readonly pauses: HTMLCanvasElement,
    private readonly kindsBox: HTMLElement,
    private readonly caption: HTMLElement,
  ) {
    this.draw();
  }

  reset(): void {
    this.samples = [];
    this.records = [];
    this.kinds = [];
    this.collections = 0;
    this.totalPause = 0;
    this.schedule();
  }

  update(u: HeapUpdate): void {
    for (const s of u.samples) this.samples.push(s);
    if (this.samples.length > MAX_SAMPLES) this.samples = this.samples.filter((_, i) => i % 2 === 0 || i === this.samples.length - 1);
    for (const r of u.records) {
      this.records.push(r);
      this.collections++;
      this.totalPause += r.markMs + r.sweepMs;
    }
    // Under --gc-stress there may be a collection per allocation: keep the longest pauses.
    if (this.records.length > MAX_SAMPLES) this.records = this.records.filter((r, i) => i % 2 === 0 || r.markMs + r.sweepMs > this.maxPause() / 4);
    this.kinds = u.kinds;
    this.heapLimit = u.heapLimit;
    this.schedule();
  }

  private maxPause(): number {
    return this.records.reduce((m, r) => Math.max(m, r.markMs + r.sweepMs), 0);
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.draw(); });
  }

  private draw(): void {
    this.drawChart();
    this.drawPauses();
    this.drawKinds();
    const n = this.collections;
    const total = this.totalPause;
    const last = this.samples[this.samples.length - 1];
    this.caption.textContent = last === undefined ? 'No run yet.'
      : `${(last.live / MIB).toFixed(2)} MiB in use, next collection at ${(last.next / MIB).toFixed(2)} MiB; ` +
        `${n} collection${n === 1 ? '' : 's'}, ${total.toFixed(1)} ms paused; heap ${(this.heapLimit / MIB).toFixed(0)} MiB`;
  }

  private context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
    const ratio = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * ratio)) { canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio); }
    const g = canvas.getContext('2d')!;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    g.font = '11px system-ui, sans-serif';
    return g;
  }

  private timeSpan(): number {
    const last = this.samples[this.samples.length - 1];
    return Math.max(last?.at ?? 0, 0.001);
  }

  private drawChart(): void {
    const c = this.chart, g = this.context(c);
    const w = c.clientWidth, h = c.clientHeight, left = 48, bottom = 16, top = 8;
    const span = this.timeSpan();
    const maxY = Math.max(1, ...this.samples.map((s) => Math.max(s.live, s.next)));
    const x = (t: number): number => left + (t / span) * (w - left - 6);
    const y = (b: number): number => top + (1 - b / maxY) * (h - top - bottom);
    g.fillStyle = '#777';
    g.fillText(`${(maxY / MIB).toFixed(2)} MiB`, 2, top + 8);
    g.fillText('0', left - 10, h - bottom);
    g.fillText(`${span.toFixed(2)} s`, w - 44, h - 3);
    let marks = 0;
    const line = (pick: (s: HeapSample) => number, colour: string, step: boolean, dash: number[]): void => {
      if (this.samples.length === 0) return;
      g.strokeStyle = colour;
      g.setLineDash(dash);
      g.lineWidth = 1.5;
      g.beginPath();
      this.samples.forEach((s, i) => {
        if (i === 0) g.moveTo(x(s.at), y(pick(s)));
        else {
          if (step) g.lineTo(x(s.at), y(pick(this.samples[i - 1])));
          g.lineTo(x(s.at), y(pick(s)));
        }
      });
      g.stroke();
      g.setLineDash([]);
      marks += this.samples.length;
    };
    line((s) => s.next, '#d08c2a', true, [4, 3]);
    line((s) => s.live, '#2a6fd0', false, []);
    g.fillStyle = '#c03030';
    for (const r of this.records) { g.fillRect(x(r.at) - 1, h - bottom - 4, 2, 4); marks++; }
    c.dataset.marks = String(marks);
  }

  private drawPauses(): void {
    const c = this.pauses, g = this.context(c);
    const w = c.clientWidth, h = c.clientHeight, left = 48;
    const span = this.timeSpan();
    const maxPause = Math.max(0.01, ...this.records.map((r) => r.markMs + r.sweepMs));
    g.fillStyle = '#777';
    g.fillText(`${maxPause.toFixed(2)} ms`, 2, 10);
    let marks = 0;
    for (const r of this.records) {
      const bx = left + (r.at / span) * (w - left - 6);
      const markH = (r.markMs / maxPause) * (h - 4), sweepH = (r.sweepMs / maxPause) * (h - 4);
      g.fillStyle = '#2a6fd0';
      g.fillRect(bx - 1.5, h - markH, 3, markH);
      g.fillStyle = '#7fb0ef';
      g.fillRect(bx - 1.5, h - markH - sweepH, 3, sweepH);
      marks++;
    }
    c.dataset.marks = String(marks);
  }

  private drawKinds(): void {
    const rows = this.kinds.filter((k) => k.bytes > 0).sort((a, b) => b.bytes - a.bytes).slice(0, 10);
    const max = Math.max(1, ...rows.map((k) => k.bytes));
    this.kindsBox.replaceChildren(...rows.map((k) => {
      const row = document.createElement('div');
      row.className = 'kind';
      const name = document.createElement('span');
      name.textContent = k.kind;
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${Math.max(1, (k.bytes / max) * 100)}%`;
      const value = document.createElement('span');
      value.className = 'value';
      value.textContent = k.bytes >= MIB ? `${(k.bytes / MIB).toFixed(2)} MiB` : `${(k.bytes / 1024).toFixed(1)} KiB`;
      value.title = `${k.count} objects`;
      row.append(name, bar, value);
      return row;
    }));
  }
}
