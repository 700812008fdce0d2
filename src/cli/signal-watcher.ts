/**
 * The signal watcher: a tiny worker thread beside a program that runs on the main thread
 * (see program-main.ts for the design and its limits). It loads nothing of the VM.
 *
 * libuv delivers a signal to every event loop that watches it, so this thread's loop gets it
 * even while the main thread is busy in the interpreter loop, which never returns to its own.
 * Node's public process.on('SIGINT') exists on workers only for the main thread, hence the
 * internal signal binding (the same one process.on uses).
 */
import { workerData } from 'worker_threads';
import { DONE, GRACE_MS, INTERRUPT, READY, SIGNAL, WATCHED_SIGNALS } from './signal-slots';

interface SignalHandle { onsignal: (signum: number) => void; start(signum: number): number; close(): void }

const shared = workerData as Int32Array;
// process.binding is deprecated (DEP0111); its warning would reach the user's stderr.
process.noDeprecation = true;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { Signal } = (process as any).binding('signal_wrap') as { Signal: new () => SignalHandle };
const handles: SignalHandle[] = [];

/**
 * Ends the process at once as the signal would have: with our handlers gone libuv restores the
 * default action, and the signal is raised again (the exit status a shell shows is 128 + signum).
 */
function die(signum: number): void {
  for (const h of handles) h.close();
  process.kill(process.pid, signum);
}

function onSignal(signum: number): void {
  if (Atomics.load(shared, SIGNAL) !== 0) { die(Atomics.load(shared, SIGNAL)); return; }
  Atomics.store(shared, SIGNAL, signum);
  Atomics.store(shared, INTERRUPT, 1);
  Atomics.notify(shared, INTERRUPT);
  // A program blocked in a native (a read of a terminal that never comes, a long computation in
  // one call) does not see the interrupt: it gets GRACE_MS, then the process ends.
  setTimeout(() => { if (Atomics.load(shared, DONE) === 0) die(signum); }, GRACE_MS);
}

for (const signum of WATCHED_SIGNALS) {
  const h = new Signal();
  h.onsignal = onSignal;
  if (h.start(signum) === 0) handles.push(h);
}
Atomics.store(shared, READY, 1);
