import { join } from 'path';
import type { Prototype } from '../compiler/prototype';
import { mayLoop, runsBriefly } from './brief';
import { CliOptions } from './options';
import { DONE, INTERRUPT, READY, SIGNAL, SLOTS } from './signal-slots';
import { nodeBinding } from './node-binding';

/**
 * Runs the command line's program on the main thread, with a signal watcher thread beside it
 * (signal-watcher.ts): the program starts as soon as its modules are loaded, without waiting for
 * a thread, and SIGINT/SIGTERM/SIGHUP still end it cleanly.
 *
 * Node delivers a signal to an event loop, and the interpreter loop is synchronous: the main
 * thread's loop does not turn until the program ends. The watcher thread's loop does. On the
 * first signal it raises the VM's interrupt flag (shared memory, polled at backward jumps, calls
 * and in waits); the program ends with `Interrupted.` and its trace, its output is flushed, the
 * at-exit reports are made, and the process exits with 128 + the signal number (130 for SIGINT,
 * 143 for SIGTERM, 129 for SIGHUP). On a second signal, or when the program has not stopped
 * GRACE_MS after the first (it is blocked in a native), the watcher ends the process with the
 * signal's default action; natives that block (input, sleep) flush the output before they block.
 *
 * The watcher is started only for a program that may run for long. One whose source has a loop
 * keyword gets it before it is compiled (or found in the compiled-code cache), so that it is up
 * by the time the program prints (as when it was started for every program); the others are
 * checked once compiled, before they run: a program that provably ends soon (brief.ts: no loop,
 * no call inside a function, like a hello world) runs without it, since starting a thread and
 * joining it at exit cost more than such a program's whole run. Should such a program block in
 * input(), sleep() or a request, the watcher is started there (those flush their output first:
 * ProgramIo.beforeBlock). With -l libraries this is done for each script.
 *
 * The window: the watcher thread comes up in parallel (tens of ms, on another core). Until it
 * catches signals a signal has its default action (the process ends at once, status 128 + signal
 * as a shell shows it), so until then every print is written at once: nothing printed is lost,
 * only `Interrupted.` and the at-exit reports are missing. (A main-thread handler would be worse:
 * the signal would wait for the end of the program, forever for an endless one.)
 *
 * When the internal signal binding is not there, program-thread.ts (the program in a worker, the
 * main thread waiting for signals) is used instead: see main.ts.
 */
export function runProgramHere(options: CliOptions): number {
  const shared = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  let started = false;
  const startWatcher = (): void => {
    if (started) return;
    started = true;
    // Required here: worker_threads loads a dozen of node's own modules that a brief program never needs.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { Worker } = require('worker_threads') as typeof import('worker_threads');
    const watcher = new Worker(join(__dirname, 'signal-watcher.js'), { workerData: shared, stdin: false, stdout: true, stderr: true });
    // Never keeps the process alive, and a watcher that failed to start changes nothing: signals
    // keep their default action and the output stays unbuffered (see above).
    watcher.unref();
    watcher.on('error', () => {});
  };
  // MUFIZ_SIGNAL_WATCHER=always: the watcher for every program (tests of the brief path's twin).
  const always = process.env.MUFIZ_SIGNAL_WATCHER === 'always';
  if (always) startWatcher();
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { readProgram, runProgram } = require('./run') as typeof import('./run');
  const program = readProgram(options);
  let status = typeof program === 'number' ? program : runProgram(options, program.source, program.file, {
    stdout: 1, stderr: 2, interrupt: shared.subarray(INTERRUPT, INTERRUPT + 1),
    bufferOnce: () => Atomics.load(shared, READY) !== 0,
    beforeLoad: (source: string) => { if (mayLoop(source)) startWatcher(); },
    beforeRun: (script: Prototype) => { if (!runsBriefly(script)) startWatcher(); },
    beforeBlock: startWatcher,
  }, program.libs);
  Atomics.store(shared, DONE, 1);
  const signal = Atomics.load(shared, SIGNAL);
  if (signal !== 0) status = 128 + signal;
  return status;
}

/**
 * Whether the signal watcher can work here: it needs node's internal signal binding (asked on
 * this thread, where it is the same; the deprecation warning silenced for the call).
 */
export function canWatchSignals(): boolean {
  if (process.env.MUFIZ_PROGRAM_THREAD === '1') return false;
  return typeof nodeBinding('signal_wrap')?.Signal === 'function';
}
