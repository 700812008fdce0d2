import { Engine, Host, RunOutcome, formatDiagnostic, HeapSafetyError, HeapCorruptionError } from '../index';
import { CliOptions } from './options';
import { EXIT_OK, EXIT_COMPILE, EXIT_RUNTIME } from './status';

/**
 * An Engine configured from the command line (memory and GC flags, call depth, sandbox) for a
 * host: `mufiz FILE`'s (stdout, fd 0) or the REPL worker's.
 */
export function createEngine(o: CliOptions, host: Host): Engine {
  return new Engine({
    ...host,
    allocator: {
      heapLimit: o.heapLimit, retainMetadata: o.trackSites, neverUnmap: o.quarantine,
      enableSafety: o.safety, enableTracking: o.tracking, enableLeakDetection: o.leakCheck,
    },
    gc: { threshold: o.gcThreshold, growth: o.gcGrowth, stress: o.gcStress, verify: o.heapVerify, disabled: o.noGc, trace: o.gcTrace },
    maxFrames: o.maxFrames,
    sandbox: o.sandbox,
  });
}

/** What an outcome means for the user: the exit status and the text for stderr ('' if none). */
export function describeOutcome(outcome: RunOutcome, source: string, color: boolean): { status: number; text: string } {
  switch (outcome.kind) {
    case 'ok': return { status: EXIT_OK, text: '' };
    case 'exit': return { status: outcome.status, text: '' };
    case 'compile-error':
      return { status: EXIT_COMPILE, text: outcome.diagnostics.map((d) => formatDiagnostic(d, source, color)).join('\n') };
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
