#!/usr/bin/env node
'use strict';
/**
 * `npm test`: every suite, then one closing line `N passed, M failed, K skipped`.
 * Exit status 0 only when nothing failed. The suites run at the same time, each in parallel:
 *
 *  - the unit tests (uvu, tests/*.test.ts), one process per file (scripts/cases/unit.js);
 *  - the case sets below, under every mode of MODES, run in-process by worker threads (one per
 *    core; scripts/cases/pool.js): a fresh engine per case, the CLI's own option parser and
 *    runProgram, so the same stdout, stderr and exit status as `node bin/mufiz.js` without
 *    starting a process per case (tests/in-process.test.ts checks that they are the same);
 *  - the shared corpus once more through the real command line (`bin/mufiz.js`, judged
 *    by ../shared/conformance/run.sh), in plain mode (scripts/cases/cli-corpus.js).
 *
 * Case sets:
 *   golden  tests/golden (.out / .code / .err, see its README)
 *   guide   the examples of docs/language.md (a ```mufi block and its ```output block)
 *   corpus  ../shared/conformance/cases; skipped, with a message, when ../shared is absent
 *
 *   node scripts/test-all.js [--only TEXT] [--slowest N] [--gc-full [MODES]]
 *     --only TEXT   just the suites whose name contains TEXT (e.g. 'stress]', 'unit')
 *     --slowest N   list the N slowest in-process cases and unit-test files (wall time) at the end
 *     --gc-full     `npm run test:gc-full`: instead of everything above, GC_FULL_MODES only
 *                   (MODES: a comma-separated subset of stw,incremental,generational)
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

// Every process the suites start (unit-test files, the corpus through the command line, the
// programs the tests run) would parse NODE_EXTRA_CA_CERTS's certificates at its start: 45 ms each
// where it is set (bin/mufiz.js). No test makes an HTTPS request but launcher.test.ts, which sets
// it for its own runs.
delete process.env.NODE_EXTRA_CA_CERTS;

/**
 * THE MODES. One row per mode; every case set named in `suites` runs under `flags`.
 *   label    shown in the suite names ("golden [stress]")
 *   flags    mufiz command-line flags, parsed by the CLI's own parser (src/cli/options.ts)
 *   suites   the case sets: 'golden', 'guide', 'corpus'
 *   timeout  seconds a case may take on an idle machine, times the load per core: a guard
 *            against hangs, reported as a timeout, never as a wrong answer
 *   sameAs   (optional) the label of an earlier mode: each case must then also give exactly
 *            that mode's stdout, stderr and exit status (differential testing, e.g. an
 *            execution tier or a collector mode that must not change what a program does)
 * A golden case with a `.stress` file uses its flags in place of `--gc-stress`.
 */
const MODES = [
  { label: 'plain', flags: [], suites: ['golden', 'guide', 'corpus'], timeout: 60 },
  // The execution tiers must not change what a program does (issue 9): the same stdout, stderr
  // and exit status as the default tier (--tier=auto: hot functions and loops compiled), case by case.
  { label: 'interp', flags: ['--tier=interp'], suites: ['golden', 'guide', 'corpus'], timeout: 60, sameAs: 'plain' },
  { label: 'js', flags: ['--tier=js'], suites: ['golden', 'guide', 'corpus'], timeout: 60, sameAs: 'plain' },
  // Full stress on the interpreter (the tier under stress: 'js stress' below, and the default,
  // auto, in the collector modes' rows).
  { label: 'stress', flags: ['--tier=interp', '--gc-stress', '--heap-verify'], suites: ['golden', 'guide', 'corpus'], timeout: 600 },
  // The stress period of the modes below is chosen so that the whole run stays within minutes:
  // every 50th allocation still steps each collector through all of its states many times in a
  // case (`npm run test:gc-full` runs full stress in every mode). A golden whose `.stress` file
  // names a longer period runs with that one here too (gc/001: 500, where 50 cost 14.5 CPU-s in
  // incremental mode and 10 in generational; at 500 it still makes 47 incremental cycles of
  // 410 steps; hostile/001: 200); see caseFlags in scripts/cases/find.js.
  { label: 'js stress', flags: ['--tier=js', '--gc-stress=50', '--heap-verify'], suites: ['golden', 'guide'], timeout: 600 },
  { label: 'incremental', flags: ['--gc-mode=incremental', '--gc-stress=50', '--heap-verify'], suites: ['golden', 'guide'], timeout: 600 },
  { label: 'generational', flags: ['--gc-mode=generational', '--gc-stress=50', '--heap-verify'], suites: ['golden', 'guide'], timeout: 600 },
  { label: 'leak-check', flags: ['--leak-check'], suites: ['golden', 'corpus'], timeout: 60 },
  { label: 'leak-check incremental', flags: ['--gc-mode=incremental', '--leak-check'], suites: ['golden'], timeout: 60 },
  { label: 'leak-check generational', flags: ['--gc-mode=generational', '--leak-check'], suites: ['golden'], timeout: 60 },
];

/**
 * `--gc-full` (`npm run test:gc-full`, run before a collector change lands): every case set under
 * full `--gc-stress --heap-verify` (a collection, step or minor collection before every
 * allocation; a golden's `.stress` file still applies) and the leak check, in every collector
 * mode. In-process and in parallel like the modes above (tests/in-process.test.ts checks that
 * this gives what `node bin/mufiz.js` gives).
 */
const GC_FULL_MODES = (modes) => modes.flatMap((m) => [
  { label: `${m} full stress`, flags: [`--gc-mode=${m}`, '--gc-stress', '--heap-verify'], suites: ['golden', 'guide', 'corpus'], timeout: 3000 },
  { label: `${m} leak-check`, flags: [`--gc-mode=${m}`, '--leak-check'], suites: ['golden', 'guide', 'corpus'], timeout: 60 },
]);

/**
 * Tools that are test programs of their own, each ending with `N passed, M failed[, K skipped]`:
 * a short, seeded run of each fuzzer (the long runs are on demand: see their --help).
 */
const TOOLS = [
  { name: 'fuzz (programs and mutants, plain and stressed)', args: ['scripts/fuzz.js', '--count', '200', '--seed', '1', '--quiet'], timeout: 900 },
  { name: 'fuzz-tiers (interp, js and hot auto compared)', args: ['scripts/fuzz-tiers.js', '--count', '50', '--seed', '1'], timeout: 900 },
  // The browser playground, built and driven in headless Chromium (skipped, and counted so, without it).
  { name: 'playground (headless Chromium)', args: ['scripts/playground-test.js'], timeout: 900 },
];

/** The corpus through bin/mufiz.js (run.sh): flags and per-case timeout (scaled by load). */
const CLI_CORPUS = { flags: [], timeout: 60 };

const root = path.join(__dirname, '..');
const conformance = path.join(root, '..', 'shared', 'conformance');
const JOBS = Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length);

// Tests must not depend on the caller's settings or fill the user's compiled-code cache: the
// run has a temporary folder of its own, for MUFIZ_CACHE_DIR and the transpiled tests.
for (const k of ['MUFIZ_OPTIONS', 'NO_COLOR', 'FORCE_COLOR', 'MUFIZ_DEBUG']) delete process.env[k];
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mufiz-test-'));
process.env.MUFIZ_CACHE_DIR = path.join(runDir, 'cache');
fs.mkdirSync(process.env.MUFIZ_CACHE_DIR);
process.env.MUFIZ_TS_CACHE = path.join(runDir, 'ts');

const { goldenCases, corpusCases, guideCases, caseFlags } = require('./cases/find');
const { judge, compareResults } = require('./cases/judge');
const { CasePool } = require('./cases/pool');
const { Suite, say, summary, totals } = require('./cases/report');
const { runUnitTests } = require('./cases/unit');
const { runCorpusCli } = require('./cases/cli-corpus');
const { runTool } = require('./cases/tools');

function checkModes(modes) {
  const seen = new Set();
  for (const m of modes) {
    if (m.sameAs !== undefined && !seen.has(m.sameAs)) throw new Error(`mode ${m.label}: sameAs '${m.sameAs}' must name an earlier mode`);
    seen.add(m.label);
  }
}

function caseSets() {
  const sets = {
    golden: goldenCases(root, path.join('tests', 'golden')),
    guide: guideCases(root, path.join(root, 'docs', 'language.md')),
    corpus: fs.existsSync(path.join(conformance, 'run.sh')) ? corpusCases(conformance) : null,
  };
  return sets;
}

/** [ms, name] of every in-process case that ran, and of every unit-test file, for --slowest. */
const timings = [];

/**
 * The order cases enter the pool: the ones likely to be long (the collector's own cases, and
 * anything under --gc-stress) first, so that the longest case does not start last and run
 * alone at the end while the other cores idle.
 */
function priority(c, mode) {
  return (/(^|\/)gc\//.test(c.name) ? 2 : 0) + (mode.flags.some((f) => f.startsWith('--gc-stress')) ? 1 : 0);
}

/** Every case set under every mode of MODES, all queued at once in one pool. */
async function runInProcessSuites(modes, sets, only) {
  const entries = [];
  const suites = [];
  const resultsOf = new Map(); // `${mode}/${set}` -> per case, a promise of its result (or null)
  for (const mode of modes) {
    for (const setName of mode.suites) {
      const cases = sets[setName];
      const name = `${setName} [${mode.label}]`;
      // A mode compared with another (sameAs) needs that one's results: run it too.
      const reference = modes.some((m) => m.sameAs === mode.label && m.suites.includes(setName) && wanted(`${setName} [${m.label}]`, only));
      if (!wanted(name, only) && !reference) continue;
      if (cases === null) { skipSuite(name); continue; }
      const suite = new Suite(name, cases.length);
      const key = `${mode.label}/${setName}`;
      const results = new Array(cases.length);
      resultsOf.set(key, results);
      const mine = cases.map((c, i) => ({ suite, c, i, mode, setName, results }));
      entries.push(...mine);
      suites.push({ suite, mine });
    }
  }
  const pool = new CasePool(JOBS);
  try {
    entries.sort((x, y) => priority(y.c, y.mode) - priority(x.c, x.mode));
    for (const e of entries) {
      e.run = pool.run({ flags: caseFlags(e.c, e.mode.flags), file: e.c.file, source: e.c.source }, e.mode.timeout);
      e.results[e.i] = e.run.then((r) => (r.kind === 'done' ? r : null));
    }
    await Promise.all(suites.map(async ({ suite, mine }) => {
      await Promise.all(mine.map((e) => check(e, resultsOf)));
      suite.end();
    }));
  } finally {
    await pool.close();
  }
}

/** The checks of one case's result; under a `sameAs` mode, also the comparison with that mode. */
async function check({ suite, c, i, mode, setName, run }, resultsOf) {
  const r = await run;
  let reasons;
  if (r.kind === 'timeout') reasons = [`timeout: no result after ${r.seconds} s (load ${r.load.toFixed(1)} per core)`];
  else if (r.kind === 'crash') reasons = [r.message];
  else {
    timings.push([r.ms, `${c.name} [${mode.label}]`]);
    reasons = judge(c, r);
    if (mode.sameAs !== undefined) {
      const ref = resultsOf.get(`${mode.sameAs}/${setName}`);
      const other = ref ? await ref[i] : null;
      if (other) reasons.push(...compareResults(r, other, mode.sameAs));
      else reasons.push(`no result of mode ${mode.sameAs} to compare with`);
    }
  }
  if (reasons.length === 0) suite.pass();
  else suite.fail(`FAIL ${c.name} [${mode.label}] (${reasons.join('; ')})`);
}

/** A suite that cannot run here (no ../shared): said, and counted as one skipped test. */
function skipSuite(name) {
  totals.skipped++;
  say(`${name}: skipped (../shared/conformance not found next to this checkout)`);
}

function wanted(name, only) {
  return only === null || name.includes(only);
}

async function main() {
  const argv = process.argv.slice(2);
  const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : null);
  const only = option('--only');
  const slowest = Number(option('--slowest') || 0);
  const gcFull = argv.includes('--gc-full');
  const gcFullModes = gcFull && argv[argv.indexOf('--gc-full') + 1] && !argv[argv.indexOf('--gc-full') + 1].startsWith('--')
    ? argv[argv.indexOf('--gc-full') + 1].split(',') : ['stw', 'incremental', 'generational'];
  const modes = gcFull ? GC_FULL_MODES(gcFullModes) : MODES;
  checkModes(modes);
  const started = Date.now();
  const sets = caseSets();

  // Everything at once: the unit tests wait much of their time on the processes they start,
  // which the in-process cases and the CLI corpus fill. Every process this one starts is started
  // first, before the in-process cases' workers hold heaps (see the top of cases/unit.js: with
  // them, fork could fail with ENOMEM).
  const parts = [];
  if (!gcFull && wanted('unit tests', only)) {
    parts.push((async () => {
      const unit = new Suite('unit tests', 0, 'files');
      await runUnitTests(root, unit, JOBS, timings);
      unit.end();
    })());
  }
  const cliName = 'corpus [bin/mufiz.js]';
  if (!gcFull && wanted(cliName, only)) {
    if (sets.corpus === null) skipSuite(cliName);
    else {
      parts.push((async () => {
        const suite = new Suite(cliName, sets.corpus.length);
        await runCorpusCli(root, conformance, sets.corpus, CLI_CORPUS.flags, CLI_CORPUS.timeout, JOBS, suite);
        suite.end();
      })());
    }
  }
  for (const tool of TOOLS) {
    if (gcFull || !wanted(tool.name, only)) continue;
    parts.push((async () => {
      const suite = new Suite(tool.name, 0, 'programs');
      await runTool(root, tool.args, tool.timeout, suite);
      suite.end();
    })());
  }
  parts.push(runInProcessSuites(modes, sets, only));
  await Promise.all(parts);

  if (slowest > 0) {
    timings.sort((a, b) => b[0] - a[0]);
    for (const [ms, name] of timings.slice(0, slowest)) say(`${(ms / 1000).toFixed(2).padStart(8)} s  ${name}`);
  }
  say(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
  console.log(summary());
  process.exitCode = totals.failed === 0 ? 0 : 1;
}

main()
  .catch((e) => {
    console.log(`test-all: ${e && e.stack ? e.stack : e}`);
    console.log(summary().replace(/^(\d+) passed, (\d+) failed/, (_, p, f) => `${p} passed, ${Number(f) + 1} failed`));
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(runDir, { recursive: true, force: true }));
