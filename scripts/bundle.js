#!/usr/bin/env node
'use strict';
/**
 * After `tsc`: bundles the command line's modules (dist/cli/main.js and what it imports, the VM,
 * the heap, the collector) into one file, dist/cli/bundle.js, which bin/mufiz.js loads instead
 * of ~100 separate files. One file to find, read and compile is much of a start-up: see
 * docs/performance.md ("Start-up").
 *
 * - The compiler (dist/compiler/) and chevrotain (its one-file build, lib/chevrotain.min.js) are
 *   in the bundle too, one copy of each module for the compiler and the VM. esbuild keeps every
 *   module in a function run on its first require(), so a run that finds its program in the
 *   compiled-code cache still never runs chevrotain or builds the parser; a first run no longer
 *   resolves and reads some 25 files and chevrotain's package. Three compiler modules are
 *   adjusted for their new place (see compilerShims): chevrotain.js requires the bundled file,
 *   fingerprint.js returns the fingerprint computed here from dist/compiler/ (the same string
 *   it computes there: no per-run stat of the compiler's files), and big-stack.js starts its
 *   helper thread from dist/compiler/big-stack.js, not from the bundle.
 * - The worker entries (signal-watcher.js, program-worker.js, repl-worker.js) stay separate
 *   files beside the bundle, so __dirname means dist/cli as before.
 * - dist/cli/bundle.json lists every bundled file (named from the package's root) with its size
 *   and mtime. bin/mufiz.js uses the bundle only when all of them are unchanged: a later
 *   `npx tsc` alone (which rewrites every file) makes the CLI load dist/ directly, never a stale
 *   bundle.
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
 * V8's code cache for the bundle (bin/mufiz.js loads it with the bundle): made by one run of
 * examples/hello.mufi with an empty compiled-code cache, which (with MUFIZ_V8CACHE_WRITE) runs
 * the program a second time, from that cache, and then writes it: it holds the functions both a
 * first run (the compiler, chevrotain, the parser's construction) and a cached run compile.
 * Failing here costs only the cache.
 */
function trainCodeCache() {
  const { spawnSync } = require('child_process');
  const os = require('os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mufiz-bundle-'));
  try {
    const env = { ...process.env, MUFIZ_CACHE_DIR: dir, MUFIZ_OPTIONS: '' };
    const run = (extra) => spawnSync(process.execPath, [path.join(root, 'bin', 'mufiz.js'), path.join(root, 'examples', 'hello.mufi')],
      { env: { ...env, ...extra }, encoding: 'utf8' });
    const r = run({ MUFIZ_V8CACHE_WRITE: v8cache });
    if (r.status !== 0) {
      fs.rmSync(v8cache, { force: true });
      console.log(`bundle: no V8 code cache (the training run failed: ${r.stderr.trim()})`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The compiler modules that must change inside the bundle, as functions of their tsc output.
 * Each checks that what it replaces is there, so a change to the source cannot silently
 * leave a shim wrong.
 */
function compilerShims() {
  const replace = (name, text, from, to) => {
    if (!text.includes(from)) throw new Error(`dist/compiler/${name}: expected \`${from}\` (update scripts/bundle.js)`);
    return text.replace(from, to);
  };
  // The bundle is used only while every input is unchanged, so this stays the fingerprint of
  // the compiler inside it; computed by the module itself, it equals what dist/ computes.
  const fingerprint = require(path.join(dist, 'compiler', 'fingerprint.js')).compilerFingerprint();
  let chevrotainFile = null;
  try {
    const entry = require.resolve('chevrotain', { paths: [root] });
    const min = path.join(path.dirname(entry), '..', 'chevrotain.min.js');
    chevrotainFile = fs.existsSync(min) ? min : entry;
  } catch {
    chevrotainFile = null; // esbuild then reports the missing package
  }
  return {
    'fingerprint.js': (text) => replace('fingerprint.js', text, 'function compilerFingerprint() {',
      `function compilerFingerprint() {\n    return ${JSON.stringify(fingerprint)};`),
    'big-stack.js': (text) => replace('big-stack.js', text, 'const entry = __filename;',
      "const entry = require('path').join(__dirname, '..', 'compiler', 'big-stack.js');"),
    'chevrotain.js': (text) => chevrotainFile === null ? text
      : `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.chevrotain = require(${JSON.stringify(chevrotainFile)});\n`,
  };
}

/**
 * A bundled file's name in bundle.json: relative to the package's root, with a file that
 * esbuild found through the node_modules symlink (chevrotain) named through it, so that a
 * copy of the package with its own node_modules (or a link to the same) still matches.
 */
function manifestName(file) {
  const modules = path.join(root, 'node_modules');
  let real = null;
  try { real = fs.realpathSync(modules) + path.sep; } catch { real = null; }
  if (real !== null && file.startsWith(real)) file = path.join(modules, file.slice(real.length));
  return path.relative(root, file).split(path.sep).join('/');
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
  const shims = compilerShims();
  const result = await esbuild.build({
    entryPoints: [path.join(dist, 'cli', 'main.js')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
    // No comments, no indentation: a third less to read, and pure ASCII (some comments are not),
    // which V8 keeps as a one-byte string (see bin/mufiz.js). Names are kept.
    minifyWhitespace: true,
    charset: 'ascii',
    plugins: [{
      name: 'compiler-shims',
      setup(build) {
        build.onLoad({ filter: /[\\/]dist[\\/]compiler[\\/][a-z-]+\.js$/ }, (args) => {
          const shim = shims[path.basename(args.path)];
          return shim === undefined ? undefined : { contents: shim(fs.readFileSync(args.path, 'utf8')), loader: 'js', resolveDir: path.dirname(args.path) };
        });
      },
    }],
  });
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs).sort()) {
    const file = path.resolve(root, input);
    const st = fs.statSync(file);
    inputs[manifestName(file)] = [st.size, st.mtimeMs];
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
