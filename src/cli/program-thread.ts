import { join } from 'path';
import { Worker } from 'worker_threads';
import { CliOptions } from './options';
import { writeAll } from './output';
import { EXIT_RUNTIME } from './status';

/**
 * Runs the command line's program in a worker thread, so that SIGINT and SIGTERM are handled.
 *
 * Node delivers a signal to the main thread's event loop only, and the interpreter loop is
 * synchronous: if it ran on the main thread, no signal handler could run until it ended, and the
 * default action would kill the process with the program's buffered output unwritten. Here the
 * main thread only waits. On a signal it raises the VM's interrupt flag (shared memory, polled
 * at backward jumps, calls and in sleep); the program ends with `Interrupted.`, its output is
 * flushed, the at-exit reports are made, and the process exits with 128 + the signal number
 * (130 for SIGINT, 143 for SIGTERM). If the program does not stop within GRACE_MS (it is
 * blocked in a native, e.g. reading stdin), or on a second signal, the thread is stopped at once.
 *
 * The main thread loads only the option parser; the compiler and the VM load in the worker,
 * so the cost over running on the main thread is one thread's start-up.
 */
export interface ProgramSetup {
  options: CliOptions;
  /** Int32Array(1) over a SharedArrayBuffer: the VM's interrupt flag. */
  interrupt: Int32Array;
}

const SIGNAL_STATUS: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
const GRACE_MS = 2000;

export function runProgramThread(options: CliOptions): Promise<number> {
  const interrupt = new Int32Array(new SharedArrayBuffer(4));
  const setup: ProgramSetup = { options, interrupt };
  const worker = new Worker(join(__dirname, 'program-worker.js'), { workerData: setup, stdin: false, stdout: false, stderr: false });
  return new Promise((resolve) => {
    let signalStatus = 0;
    let settled = false;
    const finish = (status: number): void => {
      if (settled) return;
      settled = true;
      for (const s of Object.keys(SIGNAL_STATUS)) process.removeListener(s, onSignal);
      resolve(signalStatus !== 0 ? signalStatus : status);
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalStatus !== 0) {
        // A second signal: stop now.
        void worker.terminate();
        finish(signalStatus);
        return;
      }
      signalStatus = SIGNAL_STATUS[signal];
      Atomics.store(interrupt, 0, 1);
      Atomics.notify(interrupt, 0);
      setTimeout(() => { void worker.terminate(); finish(signalStatus); }, GRACE_MS).unref();
    };
    for (const s of Object.keys(SIGNAL_STATUS)) process.on(s, onSignal);
    worker.on('message', (status: number) => finish(status));
    worker.on('error', (e) => {
      writeAll(2, `Internal error: ${e && e.message ? e.message : String(e)}\n`);
      finish(EXIT_RUNTIME);
    });
    // process.exit() in the worker (a broken pipe) ends the thread with that status.
    worker.on('exit', (code) => finish(code));
  });
}
