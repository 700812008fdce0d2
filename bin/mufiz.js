#!/usr/bin/env node
'use strict';
// The command-line entry: runs the compiled CLI from dist/ (build it with `npm run build`).
const path = require('path');
const dist = path.join(__dirname, '..', 'dist');

/**
 * dist/cli/bundle.js (scripts/bundle.js, part of `npm run build`) holds the CLI, the compiler
 * and chevrotain, ~115 modules, in one file, which loads much faster. It is used only while every
 * file it was made from is unchanged (bundle.json: size and mtime of each, named from the
 * package's root); after a plain `npx tsc` it is stale, and the modules load one by one as tsc
 * wrote them.
 */
function entry() {
  const fs = require('fs');
  try {
    const { inputs } = JSON.parse(fs.readFileSync(path.join(dist, 'cli', 'bundle.json'), 'utf8'));
    for (const name of Object.keys(inputs)) {
      const st = fs.statSync(path.join(dist, '..', name), { throwIfNoEntry: false });
      if (st === undefined || st.size !== inputs[name][0] || st.mtimeMs !== inputs[name][1]) return 'main.js';
    }
    return 'bundle.js';
  } catch {
    return 'main.js';
  }
}

/**
 * Loads the bundle as require() would, but compiled with V8's code cache made at build time
 * (bundle.v8cache: the bundle's functions as compiled during a cached run of a small program),
 * which skips most of the compiling. V8 checks the cache against the source and its own
 * version and flags; a cache it rejects only means compiling as usual.
 * MUFIZ_V8CACHE_WRITE=FILE (scripts/bundle.js) writes that cache at the end of the run.
 */
function loadBundle(file) {
  const fs = require('fs');
  const vm = require('vm');
  const { createRequire, wrap } = require('module');
  let cachedData;
  try { cachedData = fs.readFileSync(file.replace(/\.js$/, '.v8cache')); } catch { cachedData = undefined; }
  const script = new vm.Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  const out = process.env.MUFIZ_V8CACHE_WRITE;
  if (out) process.on('exit', () => fs.writeFileSync(out, script.createCachedData()));
  return module.exports;
}

let main;
try {
  const name = process.env.MUFIZ_NO_BUNDLE === '1' ? 'main.js' : entry();
  const file = path.join(dist, 'cli', name);
  main = (name === 'bundle.js' ? loadBundle(file) : require(file)).main;
} catch (e) {
  process.stderr.write('mufiz: the compiled sources are missing (dist/). Run `npm install` or `npm run build` first.\n');
  process.exit(70);
}
let status = main(process.argv.slice(2));
if (process.env.MUFIZ_V8CACHE_WRITE && typeof status === 'number') {
  // Training the V8 code cache (scripts/bundle.js): the first run compiled the program and
  // stored it in the (empty) compiled-code cache; the same program again takes the cached path,
  // so the code cache holds the functions of both kinds of start.
  status = main(process.argv.slice(2));
}
if (typeof status === 'number') {
  process.exitCode = status;
} else {
  // The REPL: exit explicitly, so a stray handle (the worker, stdin) cannot keep the process alive.
  status.then((code) => process.exit(code), (e) => {
    process.stderr.write(`Internal error: ${e && e.message ? e.message : String(e)}\n`);
    process.exit(70);
  });
}
