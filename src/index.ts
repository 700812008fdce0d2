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
import type { CompileOptions } from './compiler';
import { formatDiagnostic, formatDiagnostics } from './compiler/diagnostics';
import { CompileResult, Diagnostic, Prototype } from './compiler/prototype';
import { VM, VMOptions, MufiRuntimeError, ExitRequest } from './vm';

let compilerModule: typeof import('./compiler') | null = null;

/**
 * The compiler, loaded on first use: it pulls in chevrotain and builds the parser (most of a
 * cold start), which running an already-compiled (cached) program never needs. The one place
 * that loads it; everything else calls compile() below or this.
 */
export function loadCompiler(): typeof import('./compiler') {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  if (compilerModule === null) compilerModule = require('./compiler') as typeof import('./compiler');
  return compilerModule;
}

/** Compiles a MufiZ source file into the script prototype, or reports every error found. */
export function compile(source: string, file: string, options: CompileOptions = {}): CompileResult {
  return loadCompiler().compile(source, file, options);
}

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
    return this.runScript(result.script, file);
  }

  /** Runs an already compiled script (from compile() or the code cache). */
  runScript(script: Prototype, file: string): RunOutcome {
    try {
      this.vm.run(script, file);
      return { kind: 'ok' };
    } catch (e) {
      if (e instanceof MufiRuntimeError) return { kind: 'runtime-error', error: e };
      if (e instanceof ExitRequest) return { kind: 'exit', status: e.status };
      throw e;
    }
  }
}

export { formatDiagnostic, formatDiagnostics, CompileResult, Diagnostic, Prototype, VM, VMOptions, MufiRuntimeError, ExitRequest };
