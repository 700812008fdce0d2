import { parseSize } from './sizes';
import { GcMode, GC_MODES, DEFAULT_GC_OPTIONS } from '../gc/options';

/** Everything the command line can set. */
export interface CliOptions {
  file: string | null;
  eval: string | null;
  stdin: boolean;
  repl: boolean;
  links: string[];
  args: string[];
  help: boolean;
  version: boolean;
  heapLimit: number;
  gcThreshold: number;
  gcGrowth: number;
  gcStress: number;
  /** --gc-mode and the knobs of the incremental and generational modes (see docs/memory.md). */
  gcMode: GcMode;
  gcStepSize: number;
  gcStepMul: number;
  gcMinorMul: number;
  gcMajorMul: number;
  heapVerify: boolean;
  noGc: boolean;
  gcStats: boolean;
  gcTrace: 'text' | 'json' | null;
  memStats: boolean;
  memProfile: boolean;
  leakCheck: boolean;
  /** --gc-report=FILE.html, or null. */
  gcReport: string | null;
  /** Allocator configuration: --track-sites, --quarantine, --no-safety, --no-tracking. */
  trackSites: boolean;
  quarantine: boolean;
  safety: boolean;
  tracking: boolean;
  maxFrames: number;
  sandbox: boolean;
  dumpTokens: boolean;
  dumpAst: boolean;
  dumpBytecode: boolean;
  /** --no-cache: compile FILE even when the code cache holds it, and store nothing. */
  noCache: boolean;
  /** --tier: 'auto' compiles short functions to JavaScript at their second call and the rest once hot, 'interp' never, 'js' everything at the first call. */
  tier: 'auto' | 'interp' | 'js';
  /** --dump-js=NAME: print the JavaScript generated for functions named NAME (stderr). */
  dumpJs: string | null;
}

export const DEFAULTS: CliOptions = {
  file: null, eval: null, stdin: false, repl: false, links: [], args: [],
  help: false, version: false,
  heapLimit: 2048 * 1024 * 1024, gcThreshold: 1024 * 1024, gcGrowth: 2.0, gcStress: 0,
  gcMode: DEFAULT_GC_OPTIONS.mode, gcStepSize: DEFAULT_GC_OPTIONS.stepSize, gcStepMul: DEFAULT_GC_OPTIONS.stepMul,
  gcMinorMul: DEFAULT_GC_OPTIONS.minorMul, gcMajorMul: DEFAULT_GC_OPTIONS.majorMul,
  heapVerify: false, noGc: false, gcStats: false, gcTrace: null, memStats: false, memProfile: false, leakCheck: false,
  gcReport: null, trackSites: false, quarantine: false, safety: true, tracking: true,
  maxFrames: 10000, sandbox: false, dumpTokens: false, dumpAst: false, dumpBytecode: false,
  noCache: false,
  tier: 'auto', dumpJs: null,
};

/** A bad command line: exit 64 with this message. */
export class UsageError extends Error {}

interface Flag {
  names: string[];
  /**
   * 'none': a switch; 'required': --flag=V or --flag V; 'optional': --flag or --flag=V only;
   * 'attached': --flag=V only. Flags that write a file are 'attached', so a forgotten value can
   * never make the next argument (the program!) the file that gets overwritten.
   */
  value: 'none' | 'required' | 'optional' | 'attached';
  placeholder?: string;
  help: string;
  apply(o: CliOptions, value: string | undefined, flag: string): void;
}

function size(flag: string, v: string | undefined, min: number, max: number): number {
  const n = v === undefined ? null : parseSize(v);
  if (n === null || n < min || n > max) {
    throw new UsageError(`${flag}: expected a size from ${min >= 1024 * 1024 ? `${min / 1024 / 1024}M` : `${min}`} to ${max / 1024 / 1024 / 1024}G (e.g. 512K, 64M, 1G), got '${v ?? ''}'`);
  }
  return n;
}

/** Every count flag has an upper bound, so no value reaches the VM as an impossible allocation. */
function positiveInt(flag: string, v: string | undefined, max: number): number {
  if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) {
    throw new UsageError(`${flag}: expected an integer from 1 to ${max}, got '${v ?? ''}'`);
  }
  return Number(v);
}

/** One program per run: a second -e or -r would otherwise silently replace the first. */
function oneProgram(o: CliOptions, flag: string): void {
  if (o.eval !== null || o.file !== null) throw new UsageError(`${flag}: only one program can be given (-e CODE, -r FILE or FILE); put all the code in one -e, or use -l FILE for libraries`);
}

/** The stack arrays take about 1.2 KB per frame (128 slots of 9 bytes), reserved up front. */
export const MAX_FRAMES_LIMIT = 100000;
const MAX_STRESS = 2 ** 31 - 1;

export const FLAGS: Flag[] = [
  { names: ['-h', '--help'], value: 'none', help: 'show this help and exit', apply: (o) => { o.help = true; } },
  { names: ['-v', '--version'], value: 'none', help: 'print the version and exit', apply: (o) => { o.version = true; } },
  { names: ['-e', '--eval'], value: 'required', placeholder: 'CODE', help: 'run CODE as the program (once: a second -e is an error)', apply: (o, v, f) => { oneProgram(o, f); o.eval = v as string; } },
  { names: ['-r', '--run'], value: 'required', placeholder: 'FILE', help: 'run FILE (same as giving FILE as the first argument)', apply: (o, v, f) => { oneProgram(o, f); o.file = v as string; } },
  { names: ['-l', '--link'], value: 'required', placeholder: 'FILE', help: 'prepend the library FILE to the program (repeatable)', apply: (o, v) => { o.links.push(v as string); } },
  { names: ['--repl'], value: 'none', help: 'start the interactive REPL', apply: (o) => { o.repl = true; } },
  { names: ['--no-cache'], value: 'none', help: 'do not read or write the compiled-code cache (see MUFIZ_CACHE_DIR)', apply: (o) => { o.noCache = true; } },
  { names: ['--sandbox'], value: 'none', help: 'remove the natives that reach outside the process (fs, net, input, exit) and the REPL\'s .load/.save', apply: (o) => { o.sandbox = true; } },
  { names: ['--max-frames'], value: 'required', placeholder: 'N', help: `call depth limit before "Stack overflow." (default 10000, at most ${MAX_FRAMES_LIMIT})`, apply: (o, v, f) => { o.maxFrames = positiveInt(f, v, MAX_FRAMES_LIMIT); } },
  { names: ['--heap-limit'], value: 'required', placeholder: 'SIZE', help: 'heap size limit, reserved up front (default 2G, 1M to 4G)', apply: (o, v, f) => { o.heapLimit = size(f, v, 1024 * 1024, 4096 * 1024 * 1024); } },
  { names: ['--gc-threshold'], value: 'required', placeholder: 'SIZE', help: 'minimum live bytes before the first/next collection (default 1M)', apply: (o, v, f) => { o.gcThreshold = size(f, v, 1, 4096 * 1024 * 1024); } },
  { names: ['--gc-growth'], value: 'required', placeholder: 'F', help: 'next threshold = live bytes x F after each collection (default 2.0, > 1)', apply: (o, v, f) => {
    const n = Number(v);
    if (v === undefined || !/^\d+(\.\d+)?$/.test(v) || !(n > 1) || n > 100) throw new UsageError(`${f}: expected a number above 1 and at most 100, got '${v ?? ''}'`);
    o.gcGrowth = n;
  } },
  { names: ['--gc-stress'], value: 'optional', placeholder: 'N', help: 'before every allocation (or every N-th): collect (stw), take a small step (incremental) or a minor collection (generational)', apply: (o, v, f) => { o.gcStress = v === undefined ? 1 : positiveInt(f, v, MAX_STRESS); } },
  { names: ['--heap-verify'], value: 'none', help: 'verify the whole heap after every collection', apply: (o) => { o.heapVerify = true; } },
  { names: ['--gc-mode'], value: 'required', placeholder: 'MODE', help: `stw (one pause per collection), incremental (short steps paid for by allocation) or generational (default ${DEFAULT_GC_OPTIONS.mode})`, apply: (o, v, f) => {
    if (!GC_MODES.includes(v as GcMode)) throw new UsageError(`${f}: expected one of ${GC_MODES.join(', ')}, got '${v ?? ''}'`);
    o.gcMode = v as GcMode;
  } },
  { names: ['--gc-step-size'], value: 'required', placeholder: 'SIZE', help: `incremental: bytes allocated between two collector steps (default ${DEFAULT_GC_OPTIONS.stepSize / 1024}K; smaller: shorter, more frequent pauses)`, apply: (o, v, f) => { o.gcStepSize = size(f, v, 1024, 1024 * 1024 * 1024); } },
  { names: ['--gc-step-mul'], value: 'required', placeholder: 'N', help: `incremental: a step traces N% of the bytes allocated since the last one (default ${DEFAULT_GC_OPTIONS.stepMul}; larger: shorter cycles, longer steps)`, apply: (o, v, f) => { o.gcStepMul = positiveInt(f, v, 100000); } },
  { names: ['--gc-minor-mul'], value: 'required', placeholder: 'N', help: `generational: a minor collection when the heap grew by N% since the last collection (default ${DEFAULT_GC_OPTIONS.minorMul})`, apply: (o, v, f) => { o.gcMinorMul = positiveInt(f, v, 100000); } },
  { names: ['--gc-major-mul'], value: 'required', placeholder: 'N', help: `generational: a major collection when the old generation grew by N% since the last major one (default ${DEFAULT_GC_OPTIONS.majorMul})`, apply: (o, v, f) => { o.gcMajorMul = positiveInt(f, v, 100000); } },
  { names: ['--no-gc'], value: 'none', help: 'never collect (the heap limit still applies)', apply: (o) => { o.noGc = true; } },
  { names: ['--gc-trace'], value: 'optional', placeholder: 'json', help: 'one line per collection on stderr (--gc-trace=json for JSON lines)', apply: (o, v, f) => {
    if (v !== undefined && v !== 'json' && v !== 'text') throw new UsageError(`${f}: expected 'json' or 'text', got '${v}'`);
    o.gcTrace = v === 'json' ? 'json' : 'text';
  } },
  { names: ['--gc-stats'], value: 'none', help: 'print collector statistics at exit (stderr)', apply: (o) => { o.gcStats = true; } },
  { names: ['--mem-stats'], value: 'none', help: 'print allocator statistics at exit (stderr)', apply: (o) => { o.memStats = true; } },
  { names: ['--mem-profile'], value: 'none', help: 'print the top allocation sites by bytes and by count at exit (implies --track-sites)', apply: (o) => { o.memProfile = true; o.trackSites = true; } },
  { names: ['--leak-check'], value: 'none', help: 'at exit, drop all roots, collect, report what remains by kind and site (exit 70 on leaks)', apply: (o) => { o.leakCheck = true; } },
  { names: ['--gc-report'], value: 'attached', placeholder: 'FILE.html', help: 'write an HTML report (heap over time, pauses, live bytes by kind) at exit', apply: (o, v, f) => {
    if (v === undefined || v.trim() === '') throw new UsageError(`${f}: expected a file name (${f}=FILE.html), got ''`);
    o.gcReport = v;
  } },
  { names: ['--track-sites'], value: 'none', help: 'record each block\'s allocation site (file:line, function, native or opcode) for reports', apply: (o) => { o.trackSites = true; } },
  { names: ['--quarantine'], value: 'none', help: 'never reuse freed blocks, so the verifier catches a use-after-free', apply: (o) => { o.quarantine = true; } },
  { names: ['--no-safety'], value: 'none', help: 'skip double/invalid free checks and poisoning of freed blocks', apply: (o) => { o.safety = false; } },
  { names: ['--no-tracking'], value: 'none', help: 'keep only global allocator counters (no per-kind or per-size-class figures)', apply: (o) => { o.tracking = false; } },
  { names: ['--tier'], value: 'required', placeholder: 'MODE', help: 'auto (default): compile functions to JavaScript at their second call, except trivial ones (getters, constants) and functions over 2000 bytes of bytecode, compiled once hot (over 6000 bytes never whole); hot loops of the top level and of long functions are compiled alone; interp: bytecode interpreter only; js: every function and the top level at its first call (functions over 2000 bytes of bytecode stay interpreted)', apply: (o, v, f) => {
    if (v !== 'auto' && v !== 'interp' && v !== 'js') throw new UsageError(`${f}: expected 'auto', 'interp' or 'js', got '${v ?? ''}'`);
    o.tier = v;
  } },
  { names: ['--dump-js'], value: 'required', placeholder: 'NAME', help: 'print the JavaScript generated for function NAME (\'script\' for the top level) to stderr when it is compiled', apply: (o, v, f) => {
    if (v === undefined || v.trim() === '') throw new UsageError(`${f}: expected a function name, got ''`);
    o.dumpJs = v;
  } },
  { names: ['--dump-tokens'], value: 'none', help: 'print the tokens and exit', apply: (o) => { o.dumpTokens = true; } },
  { names: ['--dump-ast'], value: 'none', help: 'print the syntax tree and exit', apply: (o) => { o.dumpAst = true; } },
  { names: ['--dump-bytecode'], value: 'none', help: 'print the disassembled bytecode and exit', apply: (o) => { o.dumpBytecode = true; } },
];

/**
 * Options may also come from the MUFIZ_OPTIONS environment variable (whitespace-separated),
 * which is read before the command line, so the command line wins.
 */
export function parseCommandLine(argv: readonly string[], env: string | undefined): CliOptions {
  const o: CliOptions = { ...DEFAULTS, links: [], args: [] };
  const fromEnv = env ? env.trim().split(/\s+/).filter((s) => s !== '') : [];
  for (const a of fromEnv) {
    if (!a.startsWith('-') || a === '-' || a === '--') throw new UsageError(`MUFIZ_OPTIONS: unexpected '${a}' (only flags are allowed there)`);
  }
  parseInto(o, fromEnv, true);
  parseInto(o, argv, false);
  return o;
}

function parseInto(o: CliOptions, argv: readonly string[], flagsOnly: boolean): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-' && !flagsOnly) {
      o.stdin = true;
      o.args = argv.slice(i + 1) as string[];
      return;
    }
    if (arg === '--' && !flagsOnly) {
      if (!flagsOnly && i + 1 < argv.length && o.file === null && o.eval === null) o.file = argv[i + 1];
      o.args = argv.slice(i + 2) as string[];
      return;
    }
    if (!arg.startsWith('-') || (flagsOnly && (arg === '-' || arg === '--'))) {
      if (flagsOnly) throw new UsageError(`MUFIZ_OPTIONS: unexpected '${arg}'`);
      if (o.file === null && o.eval === null) {
        o.file = arg;
        o.args = argv.slice(i + 1) as string[];
      } else {
        o.args = argv.slice(i) as string[];
      }
      return;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    let value: string | undefined = eq >= 0 && arg.startsWith('--') ? arg.slice(eq + 1) : undefined;
    const flag = FLAGS.find((f) => f.names.includes(name));
    if (flag === undefined) throw new UsageError(`unknown option '${name}' (see --help)`);
    if (flag.value === 'none' && value !== undefined) throw new UsageError(`${name} takes no value`);
    if (flag.value === 'attached' && value === undefined) {
      throw new UsageError(`${name} needs its value attached: ${name}=${flag.placeholder}`);
    }
    if (flag.value === 'required' && value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value (${flag.placeholder})`);
      value = argv[++i];
    }
    flag.apply(o, value, name);
  }
}

export function helpText(): string {
  const lines = [
    'Usage: mufiz [options] [FILE [args...]]',
    '       mufiz [options] -e CODE',
    '       mufiz [options] -            (read the program from stdin)',
    '       mufiz                        (start the REPL on a terminal)',
    '',
    'Options:',
  ];
  for (const f of FLAGS) {
    const value = f.value === 'required' ? ` ${f.placeholder}` : f.value === 'optional' ? `[=${f.placeholder}]` : f.value === 'attached' ? `=${f.placeholder}` : '';
    const left = `  ${f.names.join(', ')}${value}`;
    lines.push(left.padEnd(30) + ' ' + f.help);
  }
  lines.push(
    '',
    'Sizes accept plain bytes or K, M, G suffixes (512K, 64M, 1G).',
    'Options can also be given in the MUFIZ_OPTIONS environment variable.',
    'Compiled files are cached in $MUFIZ_CACHE_DIR, else $XDG_CACHE_HOME/mufiz, else ~/.cache/mufiz.',
    'Exit status: 0 ok, 64 usage error, 65 compile error, 70 runtime error, 74 unreadable file.',
  );
  return lines.join('\n');
}
