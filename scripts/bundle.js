#!/usr/bin/env node
'use strict';
/**
 * After `tsc`: bundles the command line's modules (dist/cli/main.js and what it imports, the VM,
 * the heap, the collector) into one file, dist/cli/bundle.js, which bin/mufiz.js loads instead
 * of ~100 separate files. One file to find, read and compile is much of a start-up: see
 * docs/performance.md ("Start-up").
 *
 * - dist/compiler/ is never bundled (it stays external, loaded from dist/ as before): it is
 *   loaded lazily, only to compile; big-stack.ts starts itself as a worker by __filename; and
 *   one copy of each module (opcodes, prototype) must serve both the compiler and the VM.
 * - The worker entries (signal-watcher.js, program-worker.js, repl-worker.js) stay separate
 *   files beside the bundle, so __dirname means dist/cli as before.
 * - dist/cli/bundle.json lists every bundled file with its size and mtime. bin/mufiz.js uses the
 *   bundle only when all of them are unchanged: a later `npx tsc` alone (which rewrites every
 *   file) makes the CLI load dist/ directly, never a stale bundle.
 * - Optional: without esbuild (it comes with vite, a devDependency) it says so and does nothing;
 *   the CLI then loads dist/ directly.
 */
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const out = path.join(dist, 'cli', 'bundle.js');
const manifest = path.join(dist, 'cli', 'bundle.json');
const v8cache = path.join(dist, 'cli', 'bundle.v8cache');

/**
 * V8's code cache for the bundle (bin/mufiz.js loads it with the bundle): made by running
 * examples/hello.mufi twice with an empty compiled-code cache, the second (cached) run writing
 * it, so it holds the functions a cached run compiles. Failing here costs only the cache.
 */
function trainCodeCache() {
  const { spawnSync } = require('child_process');
  const os = require('os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mufiz-bundle-'));
  try {
    const env = { ...process.env, MUFIZ_CACHE_DIR: dir, MUFIZ_OPTIONS: '' };
    const run = (extra) => spawnSync(process.execPath, [path.join(root, 'bin', 'mufiz.js'), path.join(root, 'examples', 'hello.mufi')],
      { env: { ...env, ...extra }, encoding: 'utf8' });
    run({});
    const r = run({ MUFIZ_V8CACHE_WRITE: v8cache });
    if (r.status !== 0) {
      fs.rmSync(v8cache, { force: true });
      console.log(`bundle: no V8 code cache (the training run failed: ${r.stderr.trim()})`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  for (const f of [out, manifest, v8cache]) fs.rmSync(f, { force: true });
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    console.log('bundle: esbuild is not installed; the CLI loads dist/ module by module (slower start).');
    return;
  }
  const compilerDir = path.join(dist, 'compiler') + path.sep;
  const result = await esbuild.build({
    entryPoints: [path.join(dist, 'cli', 'main.js')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
    external: ['chevrotain'],
    plugins: [{
      name: 'compiler-external',
      setup(build) {
        // Imports of dist/compiler/* stay require() calls, re-aimed from the bundle's folder.
        build.onResolve({ filter: /^\./ }, (args) => {
          const target = path.resolve(args.resolveDir, args.path);
          if (!(target + path.sep).startsWith(compilerDir) && !target.startsWith(compilerDir)) return undefined;
          let rel = path.relative(path.dirname(out), target).split(path.sep).join('/');
          if (!rel.startsWith('.')) rel = './' + rel;
          return { path: rel, external: true };
        });
      },
    }],
  });
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs).sort()) {
    const file = path.resolve(root, input);
    const st = fs.statSync(file);
    inputs[path.relative(dist, file).split(path.sep).join('/')] = [st.size, st.mtimeMs];
  }
  fs.writeFileSync(manifest, JSON.stringify({ inputs }) + '\n');
  trainCodeCache();
  console.log(`bundle: ${path.relative(root, out)} from ${Object.keys(inputs).length} modules` +
    (fs.existsSync(v8cache) ? `, V8 code cache ${path.relative(root, v8cache)}` : ''));
}

main().catch((e) => {
  console.error(`bundle: ${e.message}`);
  process.exitCode = 1;
});
