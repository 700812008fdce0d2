import { Engine, RunOutcome, compile, formatDiagnostics, loadCompiler } from '../index';
import type { Diagnostic } from '../index';
import type { Prototype } from '../compiler/prototype';
import { waitFor } from '../vm/natives/host';
import { checkReadSize } from '../vm/natives/read-limit';
import { CliOptions } from './options';
import { BufferedOutput, writeAll } from './output';
import { createEngine, describeOutcome, internalError } from './engine';
import { cacheDirectory, compileCached } from './code-cache';
import { readStdinLine } from './stdin';
import { wantColor } from './color';
import { isatty } from './isatty';
import { EXIT_OK, EXIT_COMPILE, EXIT_RUNTIME, EXIT_NO_INPUT } from './status';
import { SourceFile, readLibraries, readText, stderr } from './read-source';

// Moved to read-source.ts (which the REPL's main thread loads without the VM); still exported here.
export { type SourceFile, readLibraries, readText, readFailure, stderr } from './read-source';

/**
 * Where a program run writes: the process's own stdout and stderr, or functions that receive
 * exactly the text that would have been written there (the in-process test runner,
 * scripts/cases/, which must give byte-identical results). `interrupt` and `setup` let such an
 * embedder stop a run and give input() a stdin.
 */
export interface ProgramIo {
  stdout: number | ((text: string) => void);
  stderr: number | ((text: string) => void);
  interrupt?: Int32Array;
  /** input()'s lines (the host's readLine); absent: stdin (fd 0). */
  readLine?: () => string | null;
  /** Given the run's engine before it runs; the engine is disposed when runProgram returns. */
  setup?: (engine: Engine) => void;
  /** stdout is not buffered until this returns true (see program-main.ts). */
  bufferOnce?: () => boolean;
  /** Called with the source of each script (a -l library, then the program) before it is compiled or looked up. */
  beforeLoad?: (source: string) => void;
  /** Called with each compiled script (a -l library, then the program) just before it runs. */
  beforeRun?: (script: Prototype) => void;
  /** Called when a native is about to block (input, sleep, a request: they flush the output first). */
  beforeBlock?: () => void;
}

const PROCESS_IO: ProgramIo = { stdout: 1, stderr: 2 };

/** A line for `io.stderr`, with the newline `stderr()` adds. */
function errorLine(io: ProgramIo): (text: string) => void {
  return (text) => {
    const line = text.endsWith('\n') ? text : text + '\n';
    if (typeof io.stderr === 'number') writeAll(io.stderr, line);
    else io.stderr(line);
  };
}

/**
 * The program named by the command line (FILE, -e CODE or stdin), and the -l libraries that run
 * before it. (Each library runs as its own script in the same engine, so its messages carry its
 * own file name and line numbers; its globals are the program's.)
 */
export function readProgram(o: CliOptions): (SourceFile & { libs: SourceFile[] }) | number {
  let source: string, file: string;
  if (o.eval !== null) {
    source = o.eval;
    file = '<eval>';
  } else {
    file = o.file === null ? '<stdin>' : o.file;
    const text = readText(o.file === null ? 0 : file, file);
    if (text === null) return EXIT_NO_INPUT;
    source = text;
  }
  const libs = readLibraries(o.links);
  if (typeof libs === 'number') return libs;
  return { source, file, libs };
}

/**
 * stdout is written in large chunks on a pipe or a file, at each print on a terminal (so what was
 * printed is on the screen when the user presses Ctrl-C).
 */
function programOutput(io: ProgramIo): BufferedOutput {
  return new BufferedOutput(io.stdout, typeof io.stdout === 'number' && isatty(io.stdout) ? 0 : 1 << 16, io.bufferOnce ?? null);
}

/**
 * Runs one program to completion; returns the exit status. `io.interrupt` stops it (see
 * program-thread.ts). The -l libraries run first, each as its own script; the first that fails
 * ends the run.
 */
export function runProgram(o: CliOptions, source: string, file: string, io: ProgramIo = PROCESS_IO, libs: readonly SourceFile[] = []): number {
  if (o.dumpTokens || o.dumpAst || o.dumpBytecode) {
    for (const lib of libs) {
      const status = dump(o, lib.source, lib.file, io);
      if (status !== EXIT_OK) return status;
    }
    return dump(o, source, file, io);
  }
  const stderr = errorLine(io);
  const out = programOutput(io);
  let engine: Engine;
  try {
    engine = createEngine(o, {
      write: out.write, flush: () => { io.beforeBlock?.(); out.flush(); }, trace: (line) => { out.flush(); stderr(line); }, interrupt: io.interrupt,
      // The program's thread owns stdin (the main thread only waits): input() reads fd 0 here,
      // in waits that an interrupt cuts short, and stops once the heap could not hold the line.
      readLine: io.readLine ?? (() => readStdinLine((ms) => { waitFor(engine.vm.runtime, ms); }, (n) => checkReadSize(engine.vm.runtime, n))),
    });
  } catch (e) {
    stderr(`mufiz: cannot create the heap: ${(e as Error).message}`);
    return EXIT_RUNTIME;
  }
  let run = { status: EXIT_RUNTIME, internalError: true };
  try {
    run = runUnits(o, engine, source, file, io, libs, out, stderr);
    return run.status;
  } finally {
    // The next run in this thread (the in-process test runner's next case) reuses the heap,
    // unless an internal error (or an exception out of runUnits) says it may hold stray bytes anywhere.
    engine.dispose({ reuseHeap: !run.internalError });
  }
}

/**
 * The libraries, then the program, on `engine`; then the at-exit reports. Returns the exit
 * status, and whether an internal error (a fault of the implementation) happened.
 */
function runUnits(o: CliOptions, engine: Engine, source: string, file: string, io: ProgramIo, libs: readonly SourceFile[],
  out: ReturnType<typeof programOutput>, stderr: (text: string) => void): { status: number; internalError: boolean } {
  io.setup?.(engine);
  let status = EXIT_OK;
  try {
    for (const unit of [...libs, { source, file }]) {
      const outcome = compileAndRun(o, engine, unit.source, unit.file, io);
      out.flush();
      const { status: s, text } = describeOutcome(outcome, unit.source, wantColor());
      if (text !== '') stderr(text);
      status = s;
      if (outcome.kind !== 'ok') break;
    }
  } catch (e) {
    out.flush();
    stderr(internalError(e));
    return { status: EXIT_RUNTIME, internalError: true };
  }
  const final = finalReports(o, engine, file);
  if (final.text !== '') stderr(final.text);
  if (final.failed && status === EXIT_OK) status = EXIT_RUNTIME;
  return { status, internalError: final.internal };
}

/**
 * A FILE goes through the code cache (unless --no-cache); -e CODE and stdin programs are
 * compiled each time: they are usually one-off, and have no file to key an entry by.
 */
function compileAndRun(o: CliOptions, engine: Engine, source: string, file: string, io: ProgramIo): RunOutcome {
  io.beforeLoad?.(source);
  const result = o.noCache || file.startsWith('<') ? compile(source, file) : compileCached(source, file, cacheDirectory()).result;
  if (result.script === null) return { kind: 'compile-error', diagnostics: result.errors, omitted: result.omitted };
  io.beforeRun?.(result.script);
  return engine.runScript(result.script, file);
}

/** --gc-stats, --mem-stats, --mem-profile, --gc-report and --leak-check at the end of a run or of a REPL session. */
export function finalReports(o: CliOptions, engine: Engine, file = '<script>'): { text: string; failed: boolean; internal: boolean } {
  const parts: string[] = [];
  let failed = false, internal = false;
  if (!o.gcStats && !o.memStats && !o.memProfile && o.gcReport === null && !o.leakCheck) return { text: '', failed, internal };
  // Loaded only when a report is asked for: most runs print none.
  /* eslint-disable @typescript-eslint/no-var-requires */
  const { gcStatsReport, memStatsReport, memProfileReport, leakReport } = require('./reports') as typeof import('./reports');
  const { writeGcReport } = require('./gc-report') as typeof import('./gc-report');
  /* eslint-enable @typescript-eslint/no-var-requires */
  if (o.gcStats) parts.push(gcStatsReport(engine));
  if (o.memStats) parts.push(memStatsReport(engine));
  if (o.memProfile) parts.push(memProfileReport(engine));
  if (o.gcReport !== null) {
    // Before --leak-check, which releases every root: the report shows the program's own heap.
    const problem = writeGcReport(o.gcReport, engine, file);
    if (problem !== null) { parts.push(`mufiz: ${problem}`); failed = true; }
  }
  if (o.leakCheck) {
    try {
      // Said also when there are none: a silent check cannot be told from one that did not run.
      const leaks = engine.leakCheck();
      parts.push(leakReport(leaks, o.trackSites));
      if (leaks.length > 0) failed = true;
    } catch (e) {
      parts.push(internalError(e));
      failed = true;
      internal = true;
    }
  }
  return { text: parts.join('\n'), failed, internal };
}

/**
 * --dump-tokens, --dump-ast, --dump-bytecode: print what the compiler sees, run nothing. Each
 * dump checks the stage it shows (lexical errors; lexical and syntax errors; all errors): on an
 * error it prints the diagnostics instead of the dump and exits 65.
 */
function dump(o: CliOptions, source: string, file: string, io: ProgramIo): number {
  const { tokenize, tokenErrors, astJson, compile, disassemble } = loadCompiler();
  const stderr = errorLine(io);
  const out = new BufferedOutput(io.stdout);
  const failed = (errors: readonly Diagnostic[], omitted = 0): number => {
    out.flush();
    stderr(formatDiagnostics(errors, omitted, source, wantColor()));
    return EXIT_COMPILE;
  };
  try {
    if (o.dumpTokens) {
      const errors = tokenErrors(source, file);
      if (errors.length > 0) return failed(errors);
      for (const t of tokenize(source)) out.write(`${String(t.line).padStart(4)}:${String(t.column).padEnd(4)} ${t.type.padEnd(16)} ${JSON.stringify(t.image)}\n`);
    }
    if (o.dumpAst) {
      const ast = astJson(source, file);
      if (ast.errors.length > 0) return failed(ast.errors);
      out.write(ast.text + '\n');
    }
    if (o.dumpBytecode) {
      const result = compile(source, file);
      if (result.script === null) return failed(result.errors, result.omitted ?? 0);
      out.write(disassemble(result.script));
    }
  } catch (e) {
    out.flush();
    stderr(internalError(e));
    return EXIT_RUNTIME;
  }
  out.flush();
  return EXIT_OK;
}
