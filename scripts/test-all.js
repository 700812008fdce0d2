#!/usr/bin/env node
'use strict';
/**
 * `npm test`: every suite, then one closing line `N passed, M failed, K skipped`.
 * Exit status 0 only when nothing failed.
 *
 *  1. the unit tests (uvu, tests/*.test.ts), one process per file, in parallel;
 *  2. the case sets below, under every mode of MODES, run in-process by worker threads (one per
 *     core; scripts/cases/): a fresh engine per case, the CLI's own option parser and
 *     runProgram, so the same stdout, stderr and exit status as `node bin/mufiz.js` without
 *     starting a process per case;
 *  3. the shared corpus once more through the real command line (`node bin/mufiz.js`, judged
 *     by ../shared/conformance/run.sh), in plain mode.
 *
 * Case sets:
 *   golden  tests/golden (.out / .code / .err, see its README)
 *   guide   the examples of docs/language.md (a ```mufi block and its ```output block)
 *   corpus  ../shared/conformance/cases; skipped, with a message, when ../shared is absent
 *
 *   node scripts/test-all.js [--only TEXT] [--slowest N]
 *     --only TEXT   just the suites whose name contains TEXT (e.g. 'stress]', 'unit')
 *     --slowest N   list the N slowest in-process cases at the end
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

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
  { label: 'stress', flags: ['--gc-stress', '--heap-verify'], suites: ['golden', 'guide', 'corpus'], timeout: 600 },
  { label: 'leak-check', flags: ['--leak-check'], suites: ['golden', 'corpus'], timeout: 60 },
  // e.g. { label: 'interp', flags: ['--tier=interp'], suites: ['golden', 'corpus'], timeout: 60, sameAs: 'plain' },
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

function checkModes() {
  const seen = new Set();
  for (const m of MODES) {
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

/** [ms, name] of every in-process case that ran, for --slowest. */
const timings = [];

/** One case set under one mode, in the pool. Keeps every result when a later mode compares with it. */
async function runSuite(pool, setName, cases, mode, keep, reference) {
  const suite = new Suite(`${setName} [${mode.label}]`, cases.length);
  const results = keep ? new Array(cases.length) : null;
  await Promise.all(cases.map(async (c, i) => {
    const r = await pool.run({ flags: caseFlags(c, mode.flags), file: c.file, source: c.source }, mode.timeout);
    let reasons;
    if (r.kind === 'timeout') reasons = [`timeout: no result after ${r.seconds} s (load ${r.load.toFixed(1)} per core)`];
    else if (r.kind === 'crash') reasons = [r.message];
    else {
      timings.push([r.ms, `${c.name} [${mode.label}]`]);
      reasons = judge(c, r);
      if (keep) results[i] = r;
      if (reference) {
        const ref = reference.results[i];
        if (ref) reasons.push(...compareResults(r, ref, reference.label));
        else reasons.push(`no result of mode ${reference.label} to compare with`);
      }
    }
    if (reasons.length === 0) suite.pass();
    else suite.fail(`FAIL ${c.name} (${reasons.join('; ')})`);
  }));
  suite.end();
  return results;
}

function wanted(name, only) {
  return only === null || name.includes(only);
}

async function main() {
  const argv = process.argv.slice(2);
  const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : null);
  const only = option('--only');
  const slowest = Number(option('--slowest') || 0);
  checkModes();
  const started = Date.now();

  if (wanted('unit tests', only)) {
    const unit = new Suite('unit tests', 0);
    await runUnitTests(root, unit, JOBS);
    unit.end();
  }

  const sets = caseSets();
  const referenced = new Set(MODES.map((m) => m.sameAs).filter((x) => x !== undefined));
  const kept = new Map(); // `${mode}/${set}` -> results, for the modes others compare with
  const pool = new CasePool(JOBS);
  try {
    for (const mode of MODES) {
      for (const setName of mode.suites) {
        const cases = sets[setName];
        const name = `${setName} [${mode.label}]`;
        if (!wanted(name, only)) continue;
        if (cases === null) { say(`${name}: skipped (../shared/conformance not found next to this checkout)`); continue; }
        const reference = mode.sameAs === undefined ? null : { label: mode.sameAs, results: kept.get(`${mode.sameAs}/${setName}`) || [] };
        const results = await runSuite(pool, setName, cases, mode, referenced.has(mode.label), reference);
        if (results) kept.set(`${mode.label}/${setName}`, results);
      }
    }
  } finally {
    await pool.close();
  }

  const cliName = 'corpus [bin/mufiz.js]';
  if (wanted(cliName, only)) {
    if (sets.corpus === null) say(`${cliName}: skipped (../shared/conformance not found next to this checkout)`);
    else {
      const suite = new Suite(cliName, sets.corpus.length);
      await runCorpusCli(root, conformance, sets.corpus, CLI_CORPUS.flags, CLI_CORPUS.timeout, JOBS, suite);
      suite.end();
    }
  }

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
