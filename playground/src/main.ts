/** The playground page: editor, Run/Stop, output and errors, the live heap view, examples, sharing. */
import { createEditor, markErrors, clearErrors } from './editor';
import { HeapView } from './heap-view';
import { EXAMPLES } from './examples';
import { GC_MODES, GcSettings, RunRequest, WorkerMessage } from './protocol';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const output = $<HTMLPreElement>('output');
const errors = $<HTMLPreElement>('errors');
const summary = $<HTMLPreElement>('summary');
const status = $<HTMLSpanElement>('status');
const runButton = $<HTMLButtonElement>('run');
const stopButton = $<HTMLButtonElement>('stop');
const exampleSelect = $<HTMLSelectElement>('example');
const modeSelect = $<HTMLSelectElement>('gc-mode');
const thresholdInput = $<HTMLInputElement>('gc-threshold');
const growthInput = $<HTMLInputElement>('gc-growth');
const heapSelect = $<HTMLSelectElement>('heap-limit');
const stressInput = $<HTMLInputElement>('gc-stress');

/** Output kept in the pane; a program printing without end keeps only its last part. */
const MAX_OUTPUT_CHARS = 200_000;
/** How long Stop waits for the interrupt flag to be seen before it terminates the worker. */
const STOP_GRACE_MS = 150;

const heapView = new HeapView($('heap-chart'), $('pause-chart'), $('kinds'), $('heap-caption'));

// ---- the program and settings, kept in the URL's hash ----

function encode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decode(text: string): string | null {
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

function settings(): GcSettings {
  return {
    mode: modeSelect.value,
    threshold: Math.max(1, Number(thresholdInput.value) || 1024) * 1024,
    growth: Math.max(1, Number(growthInput.value) || 2),
    heapLimitMiB: Number(heapSelect.value),
    stress: Math.max(0, Math.floor(Number(stressInput.value) || 0)),
  };
}

function saveToHash(): void {
  const p = new URLSearchParams();
  p.set('code', encode(editor.state.doc.toString()));
  const s = settings();
  p.set('mode', s.mode);
  p.set('threshold', thresholdInput.value);
  p.set('growth', growthInput.value);
  p.set('heap', heapSelect.value);
  p.set('stress', stressInput.value);
  history.replaceState(null, '', `#${p.toString()}`);
}

function loadFromHash(): string | null {
  const p = new URLSearchParams(location.hash.slice(1));
  const set = (el: HTMLInputElement | HTMLSelectElement, key: string): void => {
    const v = p.get(key);
    if (v !== null && (!(el instanceof HTMLSelectElement) || Array.from(el.options).some((o) => o.value === v))) el.value = v;
  };
  set(modeSelect, 'mode');
  set(thresholdInput, 'threshold');
  set(growthInput, 'growth');
  set(heapSelect, 'heap');
  set(stressInput, 'stress');
  const code = p.get('code');
  return code === null ? null : decode(code);
}

for (const m of GC_MODES) modeSelect.add(new Option(m.label, m.value));
EXAMPLES.forEach((e, i) => exampleSelect.add(new Option(e.title, String(i))));

let saveTimer = 0;
const editor = createEditor($('editor'), loadFromHash() ?? EXAMPLES[0].source, () => run(), () => {
  clearTimeout(saveTimer);
  saveTimer = window.setTimeout(saveToHash, 300);
});
for (const el of [modeSelect, thresholdInput, growthInput, heapSelect, stressInput]) el.addEventListener('change', saveToHash);

exampleSelect.addEventListener('change', () => {
  const e = EXAMPLES[Number(exampleSelect.value)];
  if (e === undefined) return;
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: e.source } });
  clearErrors(editor);
  saveToHash();
});

// ---- the worker ----

let worker: Worker;
let running = false;
let interrupt: Int32Array | null = null;
let stopTimer = 0;

function setState(state: 'ready' | 'running' | 'done' | 'stopped', text: string): void {
  status.dataset.state = state;
  status.textContent = text;
  running = state === 'running';
  runButton.disabled = running;
  stopButton.disabled = !running;
}

function appendOutput(text: string): void {
  const all = output.textContent + text;
  output.textContent = all.length > MAX_OUTPUT_CHARS ? all.slice(all.length - MAX_OUTPUT_CHARS) : all;
  output.scrollTop = output.scrollHeight;
}

function startWorker(): void {
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (ev: MessageEvent<WorkerMessage>) => {
    const m = ev.data;
    if (m.type === 'out') appendOutput(m.text);
    else if (m.type === 'heap') heapView.update(m);
    else if (m.type === 'done') {
      clearTimeout(stopTimer);
      errors.textContent = m.errorText;
      summary.textContent = m.summary;
      markErrors(editor, m.marks);
      const what = m.outcome === 'ok' || m.outcome === 'exit' ? 'Finished' : m.outcome === 'compile-error' ? 'Compile error' : 'Runtime error';
      setState('done', `${what} in ${m.ms.toFixed(0)} ms`);
    }
  };
  worker.onerror = (ev) => {
    errors.textContent = `Internal error: ${ev.message}`;
    setState('done', 'Failed');
  };
}

function run(): void {
  if (running) return;
  output.textContent = '';
  errors.textContent = '';
  summary.textContent = '';
  clearErrors(editor);
  heapView.reset();
  // Shared memory exists only in a cross-origin isolated page; elsewhere Stop restarts the worker.
  interrupt = self.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : null;
  const req: RunRequest = { type: 'run', source: editor.state.doc.toString(), settings: settings(), interrupt };
  setState('running', 'Running…');
  worker.postMessage(req);
}

function hardStop(): void {
  worker.terminate();
  startWorker();
  errors.textContent = 'Stopped.';
  setState('stopped', 'Stopped (the worker was restarted)');
}

function stop(): void {
  if (!running) return;
  if (interrupt !== null) {
    // The VM checks the flag at every backward jump and call: it ends with `Interrupted.`.
    Atomics.store(interrupt, 0, 1);
    stopTimer = window.setTimeout(() => { if (running) hardStop(); }, STOP_GRACE_MS);
  } else {
    hardStop();
  }
}

runButton.addEventListener('click', run);
stopButton.addEventListener('click', stop);
$('share').addEventListener('click', () => {
  saveToHash();
  void navigator.clipboard?.writeText(location.href).catch(() => undefined);
  status.textContent = 'Link copied (the program is in the URL).';
});
$('isolation').textContent = self.crossOriginIsolated ? 'Stop: interrupt flag (cross-origin isolated)' : 'Stop: restarts the worker (not cross-origin isolated)';

startWorker();
setState('ready', 'Ready');
