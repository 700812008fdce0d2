/**
 * The embedding API, and the whole pipeline in one place:
 *
 *   source ──compile()──► Prototype (plain data: bytecode, constants, lines)      src/compiler
 *          ──VM.run()───► loaded into the managed heap as function objects,       src/vm
 *                         executed by the interpreter loop; every object lives in
 *                         one ArrayBuffer heap (src/memory), reclaimed by the
 *                         mark-sweep collector (src/gc).
 *
 * The CLI (src/cli) and the tests use only what is exported here.
 */
import { compile, formatDiagnostic, formatDiagnostics } from './compiler';
import { Diagnostic } from './compiler/prototype';
import { VM, VMOptions, MufiRuntimeError, ExitRequest } from './vm';

export type RunOutcome =
  | { kind: 'ok' }
  | { kind: 'compile-error'; diagnostics: readonly Diagnostic[]; omitted?: number }
  | { kind: 'runtime-error'; error: MufiRuntimeError }
  | { kind: 'exit'; status: number };

export class Engine {
  readonly vm: VM;

  constructor(options: Partial<VMOptions> = {}) {
    this.vm = new VM(options);
  }

  /** Compiles and runs one program. Internal faults (heap corruption, bugs) propagate as JS errors. */
  run(source: string, file: string, options: { replEcho?: boolean } = {}): RunOutcome {
    const result = compile(source, file, options);
    if (result.script === null) return { kind: 'compile-error', diagnostics: result.errors, omitted: result.omitted };
    try {
      this.vm.run(result.script, file);
      return { kind: 'ok' };
    } catch (e) {
      if (e instanceof MufiRuntimeError) return { kind: 'runtime-error', error: e };
      if (e instanceof ExitRequest) return { kind: 'exit', status: e.status };
      throw e;
    }
  }
}

export { compile, formatDiagnostic, formatDiagnostics, Diagnostic, VM, VMOptions, MufiRuntimeError, ExitRequest };
