#!/usr/bin/env node
'use strict';
/**
 * After `tsc`: bundles the command line's modules into two files that bin/mufiz.js loads instead
 * of ~115 separate ones (one file to find, read and compile is much of a start-up: see
 * docs/performance.md, "Start-up"):
 *
 * - dist/cli/bundle.js: dist/cli/main.js and what it imports (the VM, the heap, the collector,
 *   and the compiler modules the CLI uses itself: the opcode table, the code cache's decoder
 *   and verifier, diagnostics, the disassembler);
 * - dist/cli/compiler-bundle.js: the rest of the compiler (dist/compiler/index.js and what it
 *   imports: lexer, parser, code generator) and chevrotain (its one-file build,
 *   lib/chevrotain.min.js). It is run on the first compile only, so a run that finds its program
 *   in the compiled-code cache never reads it. The modules both need are in the CLI bundle
 *   only, and handed to this one (bundle-entry's compilerShared, mufiz-shared:NAME): one
 *   instance of each, as with separate modules.
 *
 * Each has a V8 code cache beside it (NAME.v8cache), so that the smaller one a cached run loads
 * is not slowed by the compiler's. Three compiler modules are adjusted for the bundles (see
 * compilerShims): chevrotain.js requires the bundled file, fingerprint.js returns the
 * fingerprint computed here from dist/compiler/ (the same string it computes there: no per-run
 * stat of the compiler's files), and big-stack.js starts its helper thread from
 * dist/compiler/big-stack.js, not from a bundle.
 * - The worker entries (signal-watcher.js, program-worker.js, repl-worker.js) stay separate
 *   files beside the bundle, so __dirname means dist/cli as before.
 * - dist/cli/bundle.json lists every file of both bundles (named from the package's root) with its size
 *   and mtime. bin/mufiz.js uses the bundles only when all of them are unchanged: a later
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
const outCompiler = path.join(dist, 'cli', 'compiler-bundle.js');
const v8cacheCompiler = path.join(dist, 'cli', 'compiler-bundle.v8cache');
/** The CLI bundle's export that hands the compiler bundle the modules both use. */
const SHARED_EXPORT = 'compilerShared';

/**
 * The V8 code caches of the two bundles (bin/mufiz.js loads each with its bundle): made by one
 * run of scripts/code-cache-training.mufi with an empty compiled-code cache, which (with
 * MUFIZ_V8CACHE_WRITE=1) runs the program a second time, from that cache, and then writes them:
 * they hold the functions a first run (the compiler, chevrotain, the parser's construction)
 * and a cached run compile. The program has a hot loop of method calls, closures, strings and
 * collections (and a low --gc-threshold, for two collections), so the cache also holds the
 * interpreter's common paths, the tier's compiler and the collector: a program's first use of
 * them starts from cached bytecode instead of V8 compiling each function on its first call
 * (measured: the first 100 iterations of method_call took 16 ms with a cache trained on
 * hello.mufi, 11 ms with this one). Failing here costs only the caches.
 */
function trainCodeCache() {
  const { spawnSync } = require('child_process');
  const os = require('os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mufiz-bundle-'));
  try {
    const env = { ...process.env, MUFIZ_CACHE_DIR: dir, MUFIZ_OPTIONS: '' };
    const run = (extra) => spawnSync(process.execPath, [path.join(root, 'bin', 'mufiz.js'), '--gc-threshold=100K', path.join(root, 'scripts', 'code-cache-training.mufi')],
      { env: { ...env, ...extra }, encoding: 'utf8' });
    const r = run({ MUFIZ_V8CACHE_WRITE: '1' });
    if (r.status !== 0) {
      for (const f of [v8cache, v8cacheCompiler]) fs.rmSync(f, { force: true });
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

const COMPILER_ENTRY = path.join(dist, 'compiler', 'index.js');
/** How the CLI bundle requires the compiler bundle, and how that one requires a shared module (bin/mufiz.js answers both). */
const COMPILER_ID = 'mufiz:compiler';
const SHARED_PREFIX = 'mufiz-shared:';

async function main() {
  for (const f of [out, outCompiler, manifest, v8cache, v8cacheCompiler]) fs.rmSync(f, { force: true });
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    console.log('bundle: esbuild is not installed; the CLI loads dist/ module by module (slower start).');
    return;
  }
  const shims = compilerShims();
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
    // No comments, no indentation: a third less to read, and pure ASCII (some comments are not),
    // which V8 keeps as a one-byte string. Names are kept.
    minifyWhitespace: true,
    charset: 'ascii',
  };
  const shimPlugin = {
    name: 'compiler-shims',
    setup(build) {
      build.onLoad({ filter: /[\\/]dist[\\/]compiler[\\/][a-z-]+\.js$/ }, (args) => {
        const shim = shims[path.basename(args.path)];
        return shim === undefined ? undefined : { contents: shim(fs.readFileSync(args.path, 'utf8')), loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
  /** Relative imports that resolve to `test(file)` become the external module `id(file)`. */
  const externals = (test, id) => ({
    name: 'externals',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        let file = path.resolve(args.resolveDir, args.path);
        if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.js');
        else if (!file.endsWith('.js')) file += '.js';
        return test(file) ? { path: id(file), external: true } : undefined;
      });
    },
  });
  const isCompilerEntry = (file) => file === COMPILER_ENTRY;

  // 1. The CLI's side, the compiler's entry left out, to learn which compiler modules it needs
  //    itself (the opcode table, the code cache's decoder and verifier, diagnostics...).
  const cliEntry = (shared) => ({
    contents: `module.exports = require('./main.js');\n` +
      `module.exports.${SHARED_EXPORT} = function (name) {\n  switch (name) {\n` +
      shared.map((f) => `    case ${JSON.stringify(f)}: return require(${JSON.stringify('./' + path.relative(path.join(dist, 'cli'), path.join(root, f)).split(path.sep).join('/'))});\n`).join('') +
      `  }\n  throw new Error('not in the CLI bundle: ' + name);\n};\n`,
    resolveDir: path.join(dist, 'cli'),
    sourcefile: 'bundle-entry.js',
  });
  const cliBuild = (shared) => esbuild.build({
    ...common,
    stdin: cliEntry(shared),
    outfile: out,
    plugins: [externals(isCompilerEntry, () => COMPILER_ID), shimPlugin],
  });
  const compilerFiles = (result) => Object.keys(result.metafile.inputs).map((f) => path.resolve(root, f))
    .filter((f) => f.startsWith(path.join(dist, 'compiler') + path.sep));
  const firstPass = await cliBuild([]);
  const shared = compilerFiles(firstPass).map((f) => manifestName(f));
  const cli = await cliBuild(shared);

  // 2. The compiler's side, loaded on the first compile: what the CLI bundle holds is required
  //    from it (one instance of each module), the rest (parser, code generator, chevrotain) is here.
  const sharedFiles = new Set(shared.map((f) => path.join(root, f)));
  const compiler = await esbuild.build({
    ...common,
    entryPoints: [COMPILER_ENTRY],
    outfile: outCompiler,
    plugins: [externals((f) => sharedFiles.has(f), (f) => SHARED_PREFIX + manifestName(f)), shimPlugin],
  });

  const inputs = {};
  for (const result of [cli, compiler]) {
    for (const input of Object.keys(result.metafile.inputs)) {
      if (path.basename(input) === 'bundle-entry.js') continue; // the generated entry (stdin)
      const file = path.resolve(root, input);
      const st = fs.statSync(file);
      inputs[manifestName(file)] = [st.size, st.mtimeMs];
    }
  }
  const sorted = Object.fromEntries(Object.entries(inputs).sort(([a], [b]) => (a < b ? -1 : 1)));
  fs.writeFileSync(manifest, JSON.stringify({ inputs: sorted }) + '\n');
  trainCodeCache();
  console.log(`bundle: ${path.relative(root, out)} and ${path.basename(outCompiler)} from ${Object.keys(inputs).length} modules` +
    (fs.existsSync(v8cache) && fs.existsSync(v8cacheCompiler) ? ', with their V8 code caches' : ''));
}

main().catch((e) => {
  console.error(`bundle: ${e.message}`);
  process.exitCode = 1;
});
