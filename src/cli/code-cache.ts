/**
 * The compiled-code cache, as Python's __pycache__ does it: running a file stores its compiled
 * script, and the next run of the same, unchanged file loads that instead of compiling (which
 * needs chevrotain and a parser build, most of a cold start).
 *
 * Where: $MUFIZ_CACHE_DIR, else $XDG_CACHE_HOME/mufiz, else ~/.cache/mufiz. One entry per source
 * file (named by a hash of its absolute path and the code-generation options), so editing a file
 * replaces its entry instead of adding one. An entry:
 *
 *   "MUFZ" formatVersion:u32 key:16 bytes checksum:16 bytes payload (compiler/serialize.ts)
 *
 * key = digest (compiler/digest.ts) of the format version, the compiler's fingerprint (from its
 * own files), the code-generation options and the source text: any difference means a miss.
 * checksum = digest of the payload. A hit is decoded and verified (compiler/verify.ts) before
 * it runs.
 *
 * Failure is never an error: a missing, unreadable, truncated, corrupt or foreign entry is a
 * miss and is rewritten; a cache directory that cannot be created or written means no cache.
 * Writes go to a temporary file renamed over the entry, so a reader (another process running
 * the same file) sees the old entry or the new one, never half of one.
 *
 * Size: unlike __pycache__, the cache is not beside the sources, so entries of deleted files
 * (temporary programs, test runs) would pile up. About one store in PRUNE_EVERY also prunes the
 * directory to its MAX_ENTRIES most recently written entries.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'fs';
import { isAbsolute, join, resolve } from 'path';
import { compile } from '../index';
import type { CompileOptions } from '../compiler';
import type { CompileResult, Prototype } from '../compiler/prototype';
import { compilerFingerprint } from '../compiler/fingerprint';
import { Digest } from '../compiler/digest';
import { FORMAT_VERSION, FormatError, decodePrototype, encodePrototype } from '../compiler/serialize';
import { verifyScript } from '../compiler/verify';

const MAGIC = Buffer.from('MUFZ', 'latin1');
export const MAX_ENTRIES = 2000;
const PRUNE_EVERY = 50;
/** A temporary file older than this is left over from a process that died while writing. */
const STALE_TEMP_MS = 60 * 1000;
const DIGEST = 16;
const HEADER = 4 + 4 + DIGEST + DIGEST;

/** The cache directory from the environment, or null when none can be named. */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.MUFIZ_CACHE_DIR) return resolve(env.MUFIZ_CACHE_DIR);
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'mufiz');
  let home: string;
  try { home = homeDirectory(); } catch { return null; }
  return home === '' ? null : join(home, '.cache', 'mufiz');
}

/**
 * os.homedir(), which on POSIX is this process's $HOME when set (libuv's uv_os_homedir): read
 * here directly, so that a start does not load node's os module for it.
 */
function homeDirectory(): string {
  const home = process.env.HOME;
  if (process.platform !== 'win32' && home) return home;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (require('os') as typeof import('os')).homedir();
}

/** What a lookup did, for tests and --cache diagnostics. */
export type CacheOutcome = 'hit' | 'miss' | 'rejected' | 'off';

export interface CachedCompile {
  readonly result: CompileResult;
  readonly outcome: CacheOutcome;
  /** The entry was written (false when the cache directory is unusable or the program has errors). */
  readonly stored: boolean;
}

/**
 * Compiles `source` (the program of the file `file`) through the cache in `dir`. Compile errors
 * are never cached: a file with errors is compiled, and its diagnostics reported, every time.
 */
export function compileCached(source: string, file: string, dir: string | null, options: CompileOptions = {}): CachedCompile {
  if (dir === null) return { result: compile(source, file, options), outcome: 'off', stored: false };
  // Every option that changes code generation is part of both the entry's name and its key.
  const codegen = JSON.stringify(Object.entries(options).sort());
  const entry = join(dir, entryName(file, codegen));
  const key = entryKey(source, codegen);
  let outcome: CacheOutcome = 'miss';
  const bytes = readEntry(entry);
  if (bytes !== null) {
    const script = decodeEntry(bytes, key);
    if (script !== null) return { result: { script, errors: [] }, outcome: 'hit', stored: false };
    outcome = 'rejected';
  }
  const result = compile(source, file, options);
  const stored = result.script !== null && storeEntry(dir, entry, key, result.script);
  return { result, outcome, stored };
}

/** One entry per source file and set of code-generation options. */
function entryName(file: string, codegen: string): string {
  return new Digest().text(`${resolve(file)}\0${codegen}`).hex() + '.mzc';
}

export function entryKey(source: string, codegen = '[]'): Uint8Array {
  return new Digest().text(`mufiz-cache ${FORMAT_VERSION} ${compilerFingerprint()} ${codegen}\0`).text(source).result();
}

function readEntry(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null; // missing, unreadable, a directory...: a miss
  }
}

/** The verified script of an entry, or null when it is not a sound entry for `key`. */
export function decodeEntry(bytes: Uint8Array, key: Uint8Array): Prototype | null {
  if (bytes.length < HEADER) return null;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!b.subarray(0, 4).equals(MAGIC) || b.readUInt32LE(4) !== FORMAT_VERSION) return null;
  if (!b.subarray(8, 8 + DIGEST).equals(key)) return null;
  const payload = b.subarray(HEADER);
  if (!b.subarray(8 + DIGEST, HEADER).equals(new Digest().bytes(payload).result())) return null;
  try {
    const script = decodePrototype(payload);
    return verifyScript(script) === null ? script : null;
  } catch (e) {
    if (e instanceof FormatError || e instanceof RangeError) return null;
    throw e;
  }
}

/** The bytes of an entry holding `script` under `key`. */
export function encodeEntry(script: Prototype, key: Uint8Array): Buffer {
  const payload = encodePrototype(script);
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(FORMAT_VERSION, 4);
  header.set(key, 8);
  header.set(new Digest().bytes(payload).result(), 8 + DIGEST);
  return Buffer.concat([header, payload]);
}

/** Writes the entry atomically (temporary file, then rename); false when it could not. */
function storeEntry(dir: string, entry: string, key: Uint8Array, script: Prototype): boolean {
  let bytes: Buffer;
  try {
    bytes = encodeEntry(script, key);
  } catch (e) {
    if (e instanceof FormatError) return false; // too deeply nested to cache
    throw e;
  }
  const temp = `${entry}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(temp, bytes, { flag: 'wx', mode: 0o600 });
    renameSync(temp, entry);
    if (Math.random() * PRUNE_EVERY < 1) prune(dir, MAX_ENTRIES);
    return true;
  } catch {
    try { unlinkSync(temp); } catch { /* never created */ }
    return false;
  }
}

/** Keeps the `keep` most recently written entries of `dir` and drops stale temporary files. */
export function prune(dir: string, keep: number, now = Date.now()): void {
  try {
    const entries: { path: string; mtime: number }[] = [];
    for (const name of readdirSync(dir)) {
      const isEntry = name.endsWith('.mzc');
      if (!isEntry && !name.endsWith('.tmp')) continue; // not ours: left alone
      const path = join(dir, name);
      const mtime = statSync(path).mtimeMs;
      if (isEntry) entries.push({ path, mtime });
      else if (now - mtime > STALE_TEMP_MS) unlinkSync(path);
    }
    if (entries.length <= keep) return;
    entries.sort((a, b) => b.mtime - a.mtime);
    for (const e of entries.slice(keep)) unlinkSync(e.path);
  } catch {
    // Another process pruning at the same time, or a permission problem: next time.
  }
}
