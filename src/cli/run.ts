import { readFileSync } from 'fs';
import { Engine, formatDiagnostic } from '../index';
import { isatty } from 'tty';
import { tokenize, tokenErrors, parse, compile, disassemble } from '../compiler';
import { Diagnostic } from '../compiler/prototype';
import { readLine, setLineSource } from '../vm/natives/io';
import { waitFor } from '../vm/natives/host';
import { CliOptions } from './options';
import { BufferedOutput, writeAll } from './output';
import { gcStatsReport, memStatsReport, memProfileReport, leakReport } from './reports';
import { writeGcReport } from './gc-report';
import { createEngine, describeOutcome, internalError } from './engine';
import { wantColor } from './color';
import { EXIT_OK, EXIT_COMPILE, EXIT_RUNTIME, EXIT_NO_INPUT } from './status';

export const stderr = (text: string): void => writeAll(2, text.endsWith('\n') ? text : text + '\n');

/** A source text and the file name its messages use. */
export interface SourceFile { source: string; file: string }

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

/** The -l/--link files, in order. */
export function readLibraries(links: readonly string[]): SourceFile[] | number {
  const libs: SourceFile[] = [];
  for (const lib of links) {
    const text = readText(lib, lib);
    if (text === null) return EXIT_NO_INPUT;
    libs.push({ source: text, file: lib });
  }
  return libs;
}

/** Reads a file (or fd 0) as UTF-8; on failure says why on stderr and returns null. */
export function readText(pathOrFd: string | number, name: string): string | null {
  try {
    return readFileSync(pathOrFd, 'utf8');
  } catch (e) {
    stderr(`mufiz: cannot read '${name}': ${readFailure(e)}`);
    return null;
  }
}

export function readFailure(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
}

/**
 * stdout is written in large chunks on a pipe or a file, at each print on a terminal (so what was
 * printed is on the screen when the user presses Ctrl-C).
 */
export function programOutput(): BufferedOutput {
  return new BufferedOutput(1, isatty(1) ? 0 : 1 << 16);
}

/** Runs one program to completion; returns the exit status. `interrupt` stops it (see program-thread.ts). */
export function runProgram(o: CliOptions, source: string, file: string, interrupt?: Int32Array, libs: readonly SourceFile[] = []): number {
  if (o.dumpTokens || o.dumpAst || o.dumpBytecode) {
    for (const lib of libs) {
      const status = dump(o, lib.source, lib.file);
      if (status !== EXIT_OK) return status;
    }
    return dump(o, source, file);
  }
  const out = programOutput();
  let engine: Engine;
  try {
    engine = createEngine(o, out.write, (line) => { out.flush(); stderr(line); }, interrupt);
    // The program's thread owns stdin (the main thread only waits): input() reads fd 0 here.
    const rt = engine.vm.runtime;
    setLineSource(rt, () => readLine((ms) => { waitFor(rt, ms); }));
  } catch (e) {
    stderr(`mufiz: cannot create the heap: ${(e as Error).message}`);
    return EXIT_RUNTIME;
  }
  let status: number;
  try {
    // The libraries first, each as its own script; the first that fails ends the run.
    status = EXIT_OK;
    for (const unit of [...libs, { source, file }]) {
      const outcome = engine.run(unit.source, unit.file);
      out.flush();
      const { status: s, text } = describeOutcome(outcome, unit.source, wantColor());
      if (text !== '') stderr(text);
      status = s;
      if (outcome.kind !== 'ok') break;
    }
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

/** --gc-stats, --mem-stats, --mem-profile, --gc-report and --leak-check at the end of a run or of a REPL session. */
export function finalReports(o: CliOptions, engine: Engine, file = '<script>'): { text: string; failed: boolean } {
  const parts: string[] = [];
  let failed = false;
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
      const leaks = engine.vm.leakCheck();
      parts.push(leakReport(leaks, o.trackSites));
      if (leaks.length > 0) failed = true;
    } catch (e) {
      parts.push(internalError(e));
      failed = true;
    }
  }
  return { text: parts.join('\n'), failed };
}

/**
 * --dump-tokens, --dump-ast, --dump-bytecode: print what the compiler sees, run nothing. Each
 * dump checks the stage it shows (lexical errors; lexical and syntax errors; all errors): on an
 * error it prints the diagnostics instead of the dump and exits 65.
 */
function dump(o: CliOptions, source: string, file: string): number {
  const out = new BufferedOutput(1);
  const failed = (errors: readonly Diagnostic[]): number => {
    out.flush();
    stderr(errors.map((d) => formatDiagnostic(d, source, wantColor())).join('\n'));
    return EXIT_COMPILE;
  };
  try {
    if (o.dumpTokens) {
      const errors = tokenErrors(source, file);
      if (errors.length > 0) return failed(errors);
      for (const t of tokenize(source)) out.write(`${String(t.line).padStart(4)}:${String(t.column).padEnd(4)} ${t.type.padEnd(16)} ${JSON.stringify(t.image)}\n`);
    }
    if (o.dumpAst) {
      const parsed = parse(source, file);
      if (parsed.errors.length > 0) return failed(parsed.errors);
      out.write(JSON.stringify(parsed.program, null, 2) + '\n');
    }
    if (o.dumpBytecode) {
      const result = compile(source, file);
      if (result.script === null) return failed(result.errors);
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
