import { Engine, RunOutcome, formatDiagnostics, loadCompiler } from '../index';
import { CliOptions } from './options';
import { BufferedOutput, writeAll } from './output';
import { createEngine, describeOutcome, internalError } from './engine';
import { cacheDirectory, compileCached } from './code-cache';
import { wantColor } from './color';
import { EXIT_OK, EXIT_COMPILE, EXIT_RUNTIME, EXIT_NO_INPUT } from './status';
import { readLibraries, readText, stderr } from './read-source';

// Moved to read-source.ts (which the REPL's main thread loads without the VM); still exported here.
export { readLibraries, readText, readFailure, stderr } from './read-source';

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
  setup?: (engine: Engine) => void;
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

/** The program named by the command line (FILE, -e CODE or stdin), with the -l libraries in front. */
export function readProgram(o: CliOptions): { source: string; file: string } | number {
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
  return { source: libs + source, file };
}

/** Runs one program to completion; returns the exit status. */
export function runProgram(o: CliOptions, source: string, file: string, io: ProgramIo = PROCESS_IO): number {
  if (o.dumpTokens || o.dumpAst || o.dumpBytecode) return dump(o, source, file, io);
  const stderr = errorLine(io);
  const out = new BufferedOutput(io.stdout);
  let engine: Engine;
  try {
    engine = createEngine(o, out.write, (line) => { out.flush(); stderr(line); }, io.interrupt);
  } catch (e) {
    stderr(`mufiz: cannot create the heap: ${(e as Error).message}`);
    return EXIT_RUNTIME;
  }
  io.setup?.(engine);
  let status: number;
  try {
    const outcome = compileAndRun(o, engine, source, file);
    out.flush();
    const { status: s, text } = describeOutcome(outcome, source, wantColor());
    if (text !== '') stderr(text);
    status = s;
  } catch (e) {
    out.flush();
    stderr(internalError(e));
    return EXIT_RUNTIME;
  }
  const final = finalReports(o, engine, file);
  if (final.text !== '') stderr(final.text);
  if (final.failed && status === EXIT_OK) status = EXIT_RUNTIME;
  return status;
}

/**
 * A FILE goes through the code cache (unless --no-cache); -e CODE and stdin programs are
 * compiled each time: they are usually one-off, and have no file to key an entry by.
 */
function compileAndRun(o: CliOptions, engine: Engine, source: string, file: string): RunOutcome {
  if (o.file === null || o.eval !== null || o.noCache) return engine.run(source, file);
  const { result } = compileCached(source, file, cacheDirectory());
  if (result.script === null) return { kind: 'compile-error', diagnostics: result.errors };
  return engine.runScript(result.script, file);
}

/** --gc-stats, --mem-stats, --mem-profile, --gc-report and --leak-check at the end of a run or of a REPL session. */
export function finalReports(o: CliOptions, engine: Engine, file = '<script>'): { text: string; failed: boolean } {
  const parts: string[] = [];
  let failed = false;
  if (!o.gcStats && !o.memStats && !o.memProfile && o.gcReport === null && !o.leakCheck) return { text: '', failed };
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
      const leaks = engine.vm.leakCheck();
      if (leaks.length > 0) {
        parts.push(leakReport(leaks, o.trackSites));
        failed = true;
      }
    } catch (e) {
      parts.push(internalError(e));
      failed = true;
    }
  }
  return { text: parts.join('\n'), failed };
}

/** --dump-tokens, --dump-ast, --dump-bytecode: print what the compiler sees, run nothing. */
function dump(o: CliOptions, source: string, file: string, io: ProgramIo): number {
  const { tokenize, astJson, compile, disassemble } = loadCompiler();
  const stderr = errorLine(io);
  const out = new BufferedOutput(io.stdout);
  if (o.dumpTokens) {
    for (const t of tokenize(source)) out.write(`${String(t.line).padStart(4)}:${String(t.column).padEnd(4)} ${t.type.padEnd(16)} ${JSON.stringify(t.image)}\n`);
  }
  if (o.dumpAst) out.write(astJson(source, file).text + '\n');
  if (o.dumpBytecode) {
    const result = compile(source, file);
    if (result.script === null) {
      out.flush();
      stderr(formatDiagnostics(result.errors, result.omitted ?? 0, source, wantColor()));
      return EXIT_COMPILE;
    }
    out.write(disassemble(result.script));
  }
  out.flush();
  return EXIT_OK;
}
