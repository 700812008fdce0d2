import { Engine, Host, RunOutcome, formatDiagnostics, HeapSafetyError, HeapCorruptionError } from '../index';
import { CliOptions } from './options';
import { setProgramArgs } from '../vm/natives/process';
import { EXIT_OK, EXIT_COMPILE, EXIT_RUNTIME } from './status';

/**
 * An Engine configured from the command line (memory and GC flags, call depth, sandbox) for a
 * host: `mufiz FILE`'s (stdout, fd 0) or the REPL worker's.
 */
export function createEngine(o: CliOptions, host: Host): Engine {
  const engine = new Engine({
    ...host,
    allocator: {
      heapLimit: o.heapLimit, retainMetadata: o.trackSites, neverUnmap: o.quarantine,
      enableSafety: o.safety, enableTracking: o.tracking, enableLeakDetection: o.leakCheck,
    },
    gc: {
      mode: o.gcMode, stepSize: o.gcStepSize, stepMul: o.gcStepMul, minorMul: o.gcMinorMul, majorMul: o.gcMajorMul,
      threshold: o.gcThreshold, growth: o.gcGrowth, stress: o.gcStress, verify: o.heapVerify, disabled: o.noGc, trace: o.gcTrace },
    maxFrames: o.maxFrames,
    sandbox: o.sandbox,
    tier: o.tier,
    dumpJs: o.dumpJs,
  });
  setProgramArgs(engine.vm.runtime, o.args);
  return engine;
}

/** What an outcome means for the user: the exit status and the text for stderr ('' if none). */
export function describeOutcome(outcome: RunOutcome, source: string, color: boolean): { status: number; text: string } {
  switch (outcome.kind) {
    case 'ok': return { status: EXIT_OK, text: '' };
    case 'exit': return { status: outcome.status, text: '' };
    case 'compile-error':
      return { status: EXIT_COMPILE, text: formatDiagnostics(outcome.diagnostics, outcome.omitted ?? 0, source, color) };
    case 'runtime-error':
      return { status: EXIT_RUNTIME, text: outcome.error.report() };
  }
}

/** A fault of the implementation itself: reported plainly, never as a JS stack trace. */
export function internalError(e: unknown): string {
  if (e instanceof HeapSafetyError || e instanceof HeapCorruptionError) return `Internal error: ${e.message}`;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'Internal error: the host stack overflowed (the program nests too deeply).';
  const err = e as Error;
  const where = process.env.MUFIZ_DEBUG ? `\n${err.stack}` : '';
  return `Internal error: ${err && err.message ? err.message : String(e)}${where}`;
}
