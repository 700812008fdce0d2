/**
 * The engine in a Web Worker: the same compiler and VM as the CLI, its heap one ArrayBuffer of
 * the chosen size. The run is synchronous; output and heap samples are posted from the host's
 * callbacks while it runs, throttled so a busy program does not flood the page.
 */
import { Engine, formatDiagnostic, gcStatsReport, type CollectionRecord, MIB, useCompiler } from '../../src/index';
import * as compiler from '../../src/compiler';

// The engine requires its compiler lazily under Node (a cached program never loads it); an ES
// module bundle has no require, so the worker hands it over once.
useCompiler(compiler);
import type { GcSettings, HeapSample, RunRequest, WorkerMessage, ErrorMark } from './protocol';

const post = (m: WorkerMessage): void => (self as unknown as Worker).postMessage(m);

/**
 * At most this often (ms) the page hears about output and the heap while a program runs. What
 * is held back is posted at the next write or collection, or at the end: a program that prints
 * and then spins without printing shows its last lines when Stop interrupts it.
 */
const THROTTLE_MS = 60;
/** Output kept between posts before it is sent anyway. */
const OUT_CHUNK = 1 << 15;

let out: string[] = [];
let outSize = 0;
let samples: HeapSample[] = [];
let records: CollectionRecord[] = [];
let lastPost = 0;
let engine: Engine | null = null;
/** The last run ended in an internal error: its engine's heap is not reused. */
let faulted = false;
/** The threshold before the latest collection (the chart's step line). */
let threshold = 0;

function flushOut(): void {
  if (outSize === 0 && out.length === 0) return;
  post({ type: 'out', text: out.join('') });
  out = [];
  outSize = 0;
}

function flushHeap(): void {
  if (engine === null) return;
  const h = engine.heapNow();
  samples.push({ at: h.at, live: h.liveBytes, next: h.nextThreshold });
  post({ type: 'heap', samples, records, kinds: engine.liveByKind(), heapLimit: h.heapLimit });
  samples = [];
  records = [];
}

/** Called from the host's callbacks: posts when THROTTLE_MS have passed since the last post. */
function maybePost(): void {
  const t = performance.now();
  if (t - lastPost < THROTTLE_MS) return;
  lastPost = t;
  flushOut();
  flushHeap();
}

function gcOptions(s: GcSettings): Record<string, unknown> {
  const gc: Record<string, unknown> = { threshold: s.threshold, growth: s.growth, stress: s.stress };
  if (s.mode !== 'stw') gc.mode = s.mode;
  return gc;
}

/** The line of a runtime error: the innermost `[line N] in …` of its trace. */
function runtimeLine(trace: readonly string[]): number {
  const m = /^\[line (\d+)\]/.exec(trace[0] ?? '');
  return m === null ? 0 : Number(m[1]);
}

function run(req: RunRequest): void {
  // lastPost 0: the first output is posted at once (a program may print and then spin).
  out = []; outSize = 0; samples = []; records = []; lastPost = 0;
  const t0 = performance.now();
  const file = 'main.mufi';
  let outcome: WorkerMessage & { type: 'done' };
  // The last run's engine gives its heap back: this run's engine reuses it if the heap limit is
  // the same (one ArrayBuffer per worker, not one per run awaiting the browser's collector),
  // unless that run ended in an internal error (the heap may hold stray bytes anywhere).
  engine?.dispose({ reuseHeap: !faulted });
  faulted = false;
  engine = null; // collections while it starts are posted once it exists, not with the last run's heap
  try {
    engine = new Engine({
      write: (text) => {
        out.push(text);
        outSize += text.length;
        if (outSize >= OUT_CHUNK) flushOut();
        maybePost();
      },
      flush: flushOut,
      collected: (r) => {
        records.push(r);
        samples.push({ at: r.at, live: r.bytesBefore, next: threshold });
        samples.push({ at: r.at, live: r.bytesAfter, next: r.nextThreshold });
        threshold = r.nextThreshold;
        maybePost();
      },
      interrupt: req.interrupt ?? undefined,
      allocator: { heapLimit: req.settings.heapLimitMiB * MIB },
      gc: gcOptions(req.settings),
      sandbox: true,
    });
  } catch (e) {
    post({ type: 'done', outcome: 'internal-error', errorText: `mufiz: cannot create the heap: ${(e as Error).message}`, marks: [], summary: '', ms: 0 });
    return;
  }
  threshold = engine.heapNow().nextThreshold;
  flushHeap();
  try {
    const r = engine.run(req.source, file);
    let errorText = '';
    const marks: ErrorMark[] = [];
    if (r.kind === 'compile-error') {
      errorText = r.diagnostics.map((d) => formatDiagnostic(d, req.source, false)).join('\n');
      for (const d of r.diagnostics) marks.push({ line: d.line, column: d.column, message: d.message });
    } else if (r.kind === 'runtime-error') {
      errorText = r.error.report();
      marks.push({ line: runtimeLine(r.error.trace), column: 0, message: r.error.mufiMessage });
    } else if (r.kind === 'exit') {
      errorText = `exit(${r.status})`;
    }
    outcome = { type: 'done', outcome: r.kind, errorText, marks, summary: '', ms: 0 };
  } catch (e) {
    // A fault of the implementation itself, reported plainly as the CLI does.
    faulted = true;
    outcome = { type: 'done', outcome: 'internal-error', errorText: `Internal error: ${(e as Error).message}`, marks: [], summary: '', ms: 0 };
  }
  flushOut();
  flushHeap();
  outcome.summary = gcStatsReport(engine);
  outcome.ms = performance.now() - t0;
  post(outcome);
}

self.onmessage = (ev: MessageEvent<RunRequest>) => {
  if (ev.data.type === 'run') run(ev.data);
};
post({ type: 'ready' });
