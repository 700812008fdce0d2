/** Shared by the CLI and REPL tests: run `node bin/mufiz.js` (the built dist/) and collect the result. */
import { spawnSync } from 'child_process';
import { mkdtempSync } from 'fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..');
export const BIN = path.join(ROOT, 'bin', 'mufiz.js');

export interface Result { status: number | null; stdout: string; stderr: string }

let testCache: string | null = null;

/**
 * The environment without the colour and option variables of the caller, plus `env`. Programs
 * run by the tests use a temporary code cache (one per test process), never the user's.
 * NODE_EXTRA_CA_CERTS goes too: node parses that file at every start (45 ms where it is set,
 * see bin/mufiz.js), and no test but launcher.test.ts (which sets it) makes an HTTPS request.
 */
export function cleanEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'MUFIZ_OPTIONS', 'MUFIZ_HISTORY', 'MUFIZ_DEBUG', 'NODE_EXTRA_CA_CERTS', 'MUFIZ_DEFERRED_CA_CERTS']) delete base[k];
  base.MUFIZ_CACHE_DIR = testCache ??= mkdtempSync(path.join(tmpdir(), 'mufiz-test-cache-'));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

/**
 * A time limit for a hang guard: `ms` on an idle machine, times the load per core when the
 * machine is busy, so that a slow machine does not fail a correct program.
 */
export function patience(ms: number): number {
  const cores = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  return Math.round(ms * Math.max(1, loadavg()[0] / Math.max(1, cores)));
}

export function mufiz(args: string[], options: { input?: string; env?: Record<string, string | undefined>; cwd?: string } = {}): Result {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    env: cleanEnv(options.env),
    encoding: 'utf8',
    timeout: patience(30000),
  });
  // A process that could not start (ENOMEM, a timeout) has no status: say why in stderr, which
  // the tests print when they fail.
  const why = r.error !== undefined ? `\n(${r.error.message})` : r.signal !== null ? `\n(killed by ${r.signal})` : '';
  return { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + why };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export const ESC = '\x1b[';
