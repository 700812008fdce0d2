import { readFileSync } from 'fs';
import { Engine, RunOutcome, formatDiagnostic } from '../index';
import { tokenize, parse, compile, disassemble } from '../compiler';
import { HeapSafetyError } from '../memory';
import { HeapCorruptionError } from '../gc';
import { CliOptions, UsageError, parseCommandLine, helpText } from './options';
import { BufferedOutput, writeAll } from './output';
import { gcStatsReport, memStatsReport, leakReport } from './reports';

export const VERSION = '0.1.0';

export const EXIT_OK = 0;
export const EXIT_USAGE = 64;
export const EXIT_COMPILE = 65;
export const EXIT_RUNTIME = 70;
export const EXIT_NO_INPUT = 74;

const stderr = (text: string) => writeAll(2, text.endsWith('\n') ? text : text + '\n');

/** The command-line entry: returns the process exit status. Never lets a JS stack trace out. */
export function main(argv: readonly string[]): number {
  let options: CliOptions;
  try {
    options = parseCommandLine(argv, process.env.MUFIZ_OPTIONS);
  } catch (e) {
    if (e instanceof UsageError) {
      stderr(`mufiz: ${e.message}`);
      return EXIT_USAGE;
    }
    throw e;
  }
  if (options.help) { writeAll(1, helpText() + '\n'); return EXIT_OK; }
  if (options.version) { writeAll(1, `mufiz ${VERSION} (MufiZ language, TypeScript VM)\n`); return EXIT_OK; }

  const program = readProgram(options);
  if (typeof program === 'number') return program;
  return runProgram(options, program.source, program.file);
}

function readProgram(o: CliOptions): { source: string; file: string } | number {
  let source: string, file: string;
  if (o.eval !== null) {
    source = o.eval;
    file = '<eval>';
  } else if (o.file !== null || o.stdin) {
    file = o.stdin ? '<stdin>' : (o.file as string);
    const text = readText(o.stdin ? 0 : file, file);
    if (text === null) return EXIT_NO_INPUT;
    source = text;
  } else {
    stderr('mufiz: no program given (the REPL is not available yet; use FILE, -e CODE or -)\n' + helpText());
    return EXIT_USAGE;
  }
  if (o.links.length > 0) {
    const parts: string[] = [];
    for (const lib of o.links) {
      const text = readText(lib, lib);
      if (text === null) return EXIT_NO_INPUT;
      parts.push(text);
    }
    source = parts.join('\n') + '\n' + source;
  }
  return { source, file };
}

function readText(pathOrFd: string | number, name: string): string | null {
  try {
    return readFileSync(pathOrFd, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    stderr(`mufiz: cannot read '${name}': ${why}`);
    return null;
  }
}

function runProgram(o: CliOptions, source: string, file: string): number {
  if (o.dumpTokens || o.dumpAst || o.dumpBytecode) return dump(o, source, file);
  const out = new BufferedOutput(1);
  let engine: Engine;
  try {
    engine = new Engine({
      allocator: { heapLimit: o.heapLimit },
      gc: { threshold: o.gcThreshold, growth: o.gcGrowth, stress: o.gcStress, verify: o.heapVerify, disabled: o.noGc, trace: o.gcTrace },
      maxFrames: o.maxFrames,
      sandbox: o.sandbox,
      write: out.write,
    });
    engine.vm.runtime.gc.traceSink = (line) => { out.flush(); stderr(line); };
  } catch (e) {
    stderr(`mufiz: cannot create the heap: ${(e as Error).message}`);
    return EXIT_RUNTIME;
  }
  let status: number;
  try {
    const outcome = engine.run(source, file);
    out.flush();
    status = report(outcome, source);
  } catch (e) {
    out.flush();
    stderr(internalError(e));
    return EXIT_RUNTIME;
  }
  if (o.gcStats) stderr(gcStatsReport(engine));
  if (o.memStats) stderr(memStatsReport(engine));
  if (o.leakCheck) {
    try {
      const leaks = engine.vm.leakCheck();
      if (leaks.length > 0) {
        stderr(leakReport(leaks));
        if (status === EXIT_OK) status = EXIT_RUNTIME;
      }
    } catch (e) {
      stderr(internalError(e));
      return EXIT_RUNTIME;
    }
  }
  return status;
}

function report(outcome: RunOutcome, source: string): number {
  switch (outcome.kind) {
    case 'ok': return EXIT_OK;
    case 'exit': return outcome.status;
    case 'compile-error': {
      const color = wantColor();
      stderr(outcome.diagnostics.map((d) => formatDiagnostic(d, source, color)).join('\n'));
      return EXIT_COMPILE;
    }
    case 'runtime-error':
      stderr(outcome.error.report());
      return EXIT_RUNTIME;
  }
}

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

/** Colour only on a terminal; NO_COLOR disables it, FORCE_COLOR forces it. */
export function wantColor(): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return process.stderr.isTTY === true;
}

/** A fault of the implementation itself: reported plainly, never as a JS stack trace. */
function internalError(e: unknown): string {
  if (e instanceof HeapSafetyError || e instanceof HeapCorruptionError) return `Internal error: ${e.message}`;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'Internal error: the host stack overflowed (the program nests too deeply).';
  const err = e as Error;
  const where = process.env.MUFIZ_DEBUG ? `\n${err.stack}` : '';
  return `Internal error: ${err && err.message ? err.message : String(e)}${where}`;
}
