/**
 * bin/mufiz.js loads dist/cli/bundle.js (scripts/bundle.js; with compiler-bundle.js beside it)
 * only while every file they were made from is unchanged; otherwise the modules tsc wrote.
 * Checked on a copy of bin/ and dist/ whose "bundle" only prints a marker, so which entry ran
 * is visible.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import { cpSync, existsSync, writeFileSync, appendFileSync, symlinkSync, rmSync, readFileSync, statSync } from 'fs';
import * as path from 'path';
import { ROOT, tempDir, cleanEnv } from './cli-helpers';

const hasBundle = existsSync(path.join(ROOT, 'dist', 'cli', 'bundle.json'));

function copy(): string {
  const dir = tempDir('mufiz-bundle-');
  cpSync(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
  cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true, preserveTimestamps: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  writeFileSync(path.join(dir, 'dist', 'cli', 'bundle.js'), 'exports.main = () => { process.stdout.write("BUNDLE\\n"); return 0; };\n');
  // The copy's own sizes and mtimes (a copy need not keep mtimes to the last fraction).
  const manifest = path.join(dir, 'dist', 'cli', 'bundle.json');
  const { inputs } = JSON.parse(readFileSync(manifest, 'utf8')) as { inputs: Record<string, [number, number]> };
  for (const name of Object.keys(inputs)) {
    const st = statSync(path.join(dir, name));
    inputs[name] = [st.size, st.mtimeMs];
  }
  writeFileSync(manifest, JSON.stringify({ inputs }));
  return dir;
}

const run = (dir: string, env: Record<string, string> = {}): string =>
  spawnSync(process.execPath, [path.join(dir, 'bin', 'mufiz.js'), '-e', 'print 1;'], { env: cleanEnv(env), encoding: 'utf8' }).stdout;

test('a fresh bundle is used; an input changed after it, or MUFIZ_NO_BUNDLE=1, loads dist/ directly', () => {
  if (!hasBundle) { console.log('  (skipped: no dist/cli/bundle.json; `npm run build` makes it)'); return; }
  const dir = copy();
  try {
    assert.is(run(dir), 'BUNDLE\n');
    assert.is(run(dir, { MUFIZ_NO_BUNDLE: '1' }), '1\n');
    const compilerBundle = path.join(dir, 'dist', 'cli', 'compiler-bundle.js');
    const kept = readFileSync(compilerBundle);
    rmSync(compilerBundle); // the CLI bundle alone cannot compile
    assert.is(run(dir), '1\n');
    writeFileSync(compilerBundle, kept);
    assert.is(run(dir), 'BUNDLE\n');
    appendFileSync(path.join(dir, 'dist', 'vm', 'interpreter.js'), '\n'); // as a later `npx tsc` would
    assert.is(run(dir), '1\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing or unreadable manifest loads dist/ directly', () => {
  if (!hasBundle) return;
  const dir = copy();
  try {
    writeFileSync(path.join(dir, 'dist', 'cli', 'bundle.json'), '{not json');
    assert.is(run(dir), '1\n');
    rmSync(path.join(dir, 'dist', 'cli', 'bundle.json'));
    assert.is(run(dir), '1\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
