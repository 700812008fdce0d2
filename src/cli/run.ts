import { readFileSync } from 'fs';
import { Engine, formatDiagnostic } from '../index';
import { tokenize, parse, compile, disassemble } from '../index';
import { CliOptions } from './options';
import { BufferedOutput, writeAll } from './output';
import { gcStatsReport, memStatsReport, memProfileReport, leakReport } from './reports';
import { writeGcReport } from './gc-report';
import { createEngine, describeOutcome, internalError } from './engine';
import { readStdinLine } from './stdin';
import { wantColor } from './color';
import { EXIT_OK, EXIT_COMPILE, EXIT_RUNTIME, EXIT_NO_INPUT } from './status';

export const stderr = (text: string): void => writeAll(2, text.endsWith('\n') ? text : text + '\n');

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

/** The -l/--link files joined, each followed by a newline ('' when there are none). */
export function readLibraries(links: readonly string[]): string | number {
  const parts: string[] = [];
  for (const lib of links) {
    const text = readText(lib, lib);
    if (text === null) return EXIT_NO_INPUT;
    parts.push(text + '\n');
  }
  return parts.join('');
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

/** Runs one program to completion; returns the exit status. */
export function runProgram(o: CliOptions, source: string, file: string): number {
  if (o.dumpTokens || o.dumpAst || o.dumpBytecode) return dump(o, source, file);
  const out = new BufferedOutput(1);
  let engine: Engine;
  try {
    engine = createEngine(o, { write: out.write, flush: () => out.flush(), readLine: readStdinLine, trace: (line) => { out.flush(); stderr(line); } });
  } catch (e) {
    stderr(`mufiz: cannot create the heap: ${(e as Error).message}`);
    return EXIT_RUNTIME;
  }
  let status: number;
  try {
    const outcome = engine.run(source, file);
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
      const leaks = engine.leakCheck();
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
function dump(o: CliOptions, source: string, file: string): number {
  const out = new BufferedOutput(1);
  if (o.dumpTokens) {
    for (const t of tokenize(source)) out.write(`${String(t.line).padStart(4)}:${String(t.column).padEnd(4)} ${t.type.padEnd(16)} ${JSON.stringify(t.image)}\n`);
  }
  if (o.dumpAst) out.write(JSON.stringify(parse(source, file).program, null, 2) + '\n');
  if (o.dumpBytecode) {
    const result = compile(source, file);
    if (result.script === null) {
      out.flush();
      stderr(result.errors.map((d) => formatDiagnostic(d, source, wantColor())).join('\n'));
      return EXIT_COMPILE;
    }
    out.write(disassemble(result.script));
  }
  out.flush();
  return EXIT_OK;
}
