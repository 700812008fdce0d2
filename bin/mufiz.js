#!/bin/sh
':' //; [ -z "${NODE_EXTRA_CA_CERTS-}" ] || { MUFIZ_DEFERRED_CA_CERTS="$$:$NODE_EXTRA_CA_CERTS"; export MUFIZ_DEFERRED_CA_CERTS; unset NODE_EXTRA_CA_CERTS; }
':' //; case "${GLIBC_TUNABLES-}" in *glibc.malloc.hugetlb*) ;; *) export MUFIZ_GLIBC_TUNABLES="$$:${GLIBC_TUNABLES-}" GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1" ;; esac
':' //; exec node "$0" "$@"
'use strict';
// The command-line entry: runs the compiled CLI from dist/ (build it with `npm run build`).

/*
 * The lines above are a shell launcher that JavaScript reads as strings and comments: run as a
 * command (`mufiz`, `npx mufiz`, `bin/mufiz.js`), /bin/sh starts node on this file, with two
 * changes to its environment (docs/cli.md, "How mufiz starts"). `node bin/mufiz.js` skips the
 * launcher and runs the same CLI without them.
 *
 * 1. Without NODE_EXTRA_CA_CERTS: node 20 reads and parses that file of certificates, and its own
 *    ~140 root certificates with it, before it runs any JavaScript: 45 ms of every start where
 *    the variable is set (median of 21 `node -e 0`: 103 against 60 ms on a machine whose
 *    environment names Debian's ca-certificates.crt). Only HTTPS needs them, and only the network
 *    natives make requests: their worker adds the file's certificates to node's default store
 *    itself when a server's certificate does not verify without them (natives/network.ts), so
 *    requests trust what they trusted before.
 * 2. With glibc.malloc.hugetlb=1 added to GLIBC_TUNABLES (unless it names that tunable already):
 *    malloc asks for transparent huge pages, and the MufiZ heap's reservation is malloc's (node
 *    allocates ArrayBuffers with calloc), so the heap is touched in 2 MiB pages where the
 *    kernel's THP setting is `madvise`. A page fault costs 12-17 us on the machines this was
 *    measured on: gc_big_live made 87,706 faults, now 8,945; trees, gc_churn, hash_table and
 *    gc_big_live run 7-20% faster (docs/performance.md, "Session 11"). glibc reads the tunable
 *    only at a process's start, and other C libraries ignore it.
 *
 * Each change is handed on as MUFIZ_DEFERRED_CA_CERTS / MUFIZ_GLIBC_TUNABLES = PID:VALUE. `exec`
 * keeps the shell's PID, so the PID says the value was made for this process: one inherited from
 * another (the browser open_url starts, and whatever that starts) or set by hand is dropped here.
 * The processes the program starts get the environment as it was before the launcher.
 * MUFIZ_DEFERRED_CA_CERTS stays for this process's threads (the REPL's worker, the request
 * workers: each gets a copy of process.env), which check the PID too.
 */
const madeForThisProcess = (name) => {
  const m = /^(\d+):(.*)$/s.exec(process.env[name] ?? '');
  return m !== null && Number(m[1]) === process.pid ? m[2] : null;
};
const tunables = madeForThisProcess('MUFIZ_GLIBC_TUNABLES');
if (tunables !== null) {
  if (tunables === '') delete process.env.GLIBC_TUNABLES;
  else process.env.GLIBC_TUNABLES = tunables;
}
delete process.env.MUFIZ_GLIBC_TUNABLES;
const deferredCaCerts = madeForThisProcess('MUFIZ_DEFERRED_CA_CERTS');
if (deferredCaCerts === null || process.env.NODE_EXTRA_CA_CERTS !== undefined) {
  delete process.env.MUFIZ_DEFERRED_CA_CERTS;
} else {
  process.env.NODE_EXTRA_CA_CERTS = deferredCaCerts;
  // As node warns at start about a file it cannot read (one it cannot parse is found out only by
  // the first HTTPS request, which then trusts the certificates before the bad one, as node would).
  try {
    require('fs').accessSync(deferredCaCerts, require('fs').constants.R_OK);
  } catch (e) {
    process.stderr.write(`Warning: Ignoring extra certs from \`${deferredCaCerts}\`, load failed: ${e.message}\n`);
  }
}

const path = require('path');
const dist = path.join(__dirname, '..', 'dist');

/**
 * dist/cli/bundle.js and dist/cli/compiler-bundle.js (scripts/bundle.js, part of `npm run
 * build`) hold the CLI with the VM, and the compiler with chevrotain: ~115 modules in two files,
 * which load much faster. They are used only while every file they were made from is unchanged
 * (bundle.json: size and mtime of each, named from the package's root); after a plain `npx tsc`
 * they are stale, and the modules load one by one as tsc wrote them.
 */
function entry() {
  const fs = require('fs');
  try {
    const { inputs } = JSON.parse(fs.readFileSync(path.join(dist, 'cli', 'bundle.json'), 'utf8'));
    // ~120 stats: plain string paths (the names use '/', which every platform's fs accepts).
    const root = path.join(dist, '..') + '/';
    for (const name of Object.keys(inputs)) {
      const st = fs.statSync(root + name, { throwIfNoEntry: false });
      if (st === undefined || st.size !== inputs[name][0] || st.mtimeMs !== inputs[name][1]) return 'main.js';
    }
    return fs.existsSync(path.join(dist, 'cli', 'compiler-bundle.js')) ? 'bundle.js' : 'main.js';
  } catch {
    return 'main.js';
  }
}

/**
 * Runs one bundle as require() would run a module, but compiled with V8's code cache made at
 * build time (NAME.v8cache beside it: its functions as compiled by a first and a cached run of
 * a small program), which skips most of the compiling. V8 checks the cache against the source
 * and its own version and flags; a cache it rejects only means compiling as usual.
 * MUFIZ_V8CACHE_WRITE=1 (scripts/bundle.js) compiles without the caches and writes them at the
 * end of the run.
 */
function runBundle(file, requireIn) {
  const fs = require('fs');
  const vm = require('vm');
  const { wrap } = require('module');
  const cacheFile = file.replace(/\.js$/, '.v8cache');
  const train = Boolean(process.env.MUFIZ_V8CACHE_WRITE);
  let cachedData;
  try { cachedData = train ? undefined : fs.readFileSync(cacheFile); } catch { cachedData = undefined; }
  const script = new vm.Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, requireIn, module, file, path.dirname(file));
  if (train) process.on('exit', () => fs.writeFileSync(cacheFile, script.createCachedData()));
  return module.exports;
}

/**
 * The CLI bundle; the compiler bundle is run on the first compile (a cached program never
 * needs it). The two share the compiler modules the CLI uses itself (the opcode table, the
 * prototype format, diagnostics...): the compiler bundle asks the CLI bundle for them
 * (`mufiz-shared:NAME`), so there is one instance of each, as with separate modules.
 */
function loadBundles() {
  const { createRequire } = require('module');
  const cliFile = path.join(dist, 'cli', 'bundle.js');
  const compilerFile = path.join(dist, 'cli', 'compiler-bundle.js');
  const plain = createRequire(cliFile);
  let cli = null;
  let compiler = null;
  const fromCompiler = (id) => (id.startsWith('mufiz-shared:') ? cli.compilerShared(id.slice('mufiz-shared:'.length)) : plain(id));
  const fromCli = (id) => {
    if (id !== 'mufiz:compiler') return plain(id);
    if (compiler === null) compiler = runBundle(compilerFile, Object.assign(fromCompiler, { resolve: plain.resolve }));
    return compiler;
  };
  cli = runBundle(cliFile, Object.assign(fromCli, { resolve: plain.resolve }));
  return cli;
}

let main;
try {
  const name = process.env.MUFIZ_NO_BUNDLE === '1' ? 'main.js' : entry();
  main = (name === 'bundle.js' ? loadBundles() : require(path.join(dist, 'cli', name))).main;
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
