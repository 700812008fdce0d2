import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, existsSync, statSync } from 'fs';
import * as path from 'path';
import { allNatives } from '../src/vm/natives';

/**
 * Every registered native has golden programs of its own (issue: at least one passing case and
 * one error case each): a program that calls it and exits 0, and one that calls it and ends
 * with an error (a `.code` file).
 */
const GOLDEN = path.join(__dirname, 'golden');

/**
 * Natives whose passing cases cannot be golden programs (the corpus rule: no stdin, files or
 * network in goldens): they are exercised by tests/natives-io.test.ts instead, checked below.
 */
const PASSING_ELSEWHERE = new Set(['input', 'create_file', 'write_file', 'read_file', 'delete_file', 'create_dir', 'delete_dir',
  'http_get', 'http_post', 'http_put', 'http_delete', 'open_url']);
/** Natives whose every use ends the program: their "passing" case is the exit status they ask for. */
const ALWAYS_ENDS = new Set(['exit', 'panic']);

function programs(dir: string): { source: string; failing: boolean }[] {
  const out: { source: string; failing: boolean }[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...programs(p));
    else if (name.endsWith('.mufi')) {
      const code = p.replace(/\.mufi$/, '.code');
      out.push({ source: readFileSync(p, 'utf8'), failing: existsSync(code) && readFileSync(code, 'utf8').trim() !== '0' });
    }
  }
  return out;
}

const IO_TESTS = readFileSync(path.join(__dirname, 'natives-io.test.ts'), 'utf8');

test('every native has a passing golden program and an error golden program', () => {
  const all = programs(GOLDEN);
  const missing: string[] = [];
  for (const { name } of allNatives({ sandbox: false })) {
    const call = new RegExp(`(^|[^A-Za-z0-9_.])${name}\\s*\\(`, 'm');
    const calls = all.filter((p) => call.test(p.source.split('\n').filter((l) => !l.trim().startsWith('//')).join('\n')));
    if (PASSING_ELSEWHERE.has(name)) {
      if (!new RegExp(`\\b${name}\\(`).test(IO_TESTS)) missing.push(`${name}: not in natives-io.test.ts`);
    } else if (!ALWAYS_ENDS.has(name) && !calls.some((p) => !p.failing)) missing.push(`${name}: no passing case`);
    if (!calls.some((p) => p.failing)) missing.push(`${name}: no error case`);
  }
  assert.equal(missing, []);
});

test.run();
