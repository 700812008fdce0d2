'use strict';
/**
 * The unit tests (uvu, tests/*.test.ts): one process per file, `jobs` at a time, with the
 * TypeScript transpiled once for all of them (ts-cache.js, warmed here). Files that
 * start processes of their own (the CLI and REPL tests) go first: they are the longest, and
 * they spend much of their time waiting, which the other files fill.
 *
 * uvu has no way to skip a test at run time: a test that cannot run here calls skip(reason)
 * from tests/skip.ts, which prints `[skip] reason` and returns; such a test is counted as
 * skipped, not passed. Tests declared with uvu's test.skip count as skipped too.
 *
 * The files' processes are started by a small process of their own (this file run as a script,
 * forked once when the test run starts), not by the runner: the runner's worker threads run the
 * in-process cases, each with a 2 GiB heap reservation that V8 collects late (a SharedArrayBuffer
 * it does not count: src/memory/heap.ts), and Linux merges adjacent reservations into one
 * mapping; once one was larger than RAM and swap together, fork failed with ENOMEM under the
 * heuristic overcommit check ("spawn ENOMEM", seen with 34 GiB of reservations in the runner on a
 * 24 GiB machine). A process that holds no heap forks at any time.
 */
const { fork, spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { loadFactor } = require('./pool');
const { warm } = require('./ts-cache');

// uvu prints its progress dots on the same line, before the test's own output.
const SKIP_LINE = /\[skip\] ([^\n]*)/g;
/** A file's time limit in seconds on an idle machine: a guard against hangs only. */
const FILE_TIMEOUT_S = 600;

function testFiles(root) {
  const dir = path.join(root, 'tests');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort();
  const spawnsProcesses = (f) => /child_process|cli-helpers|tmux|chromium/.test(fs.readFileSync(path.join(dir, f), 'utf8'));
  return [...files.filter(spawnsProcesses), ...files.filter((f) => !spawnsProcesses(f))];
}

function runFile(root, file) {
  return new Promise((resolve) => {
    const pattern = '^' + file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$';
    const hook = path.join(__dirname, 'ts-register.js');
    const child = spawn(process.execPath, [path.join(root, 'node_modules', 'uvu', 'bin.js'), '-r', hook, 'tests', pattern], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks = [];
    child.stdout.on('data', (d) => chunks.push(d));
    child.stderr.on('data', (d) => chunks.push(d));
    const start = Date.now();
    let timedOut = false;
    const guard = () => {
      const allowed = FILE_TIMEOUT_S * loadFactor() * 1000 - (Date.now() - start);
      if (allowed > 0) { timer = setTimeout(guard, allowed); return; }
      timedOut = true;
      child.kill('SIGKILL');
    };
    let timer = setTimeout(guard, FILE_TIMEOUT_S * 1000);
    child.on('close', (status) => {
      clearTimeout(timer);
      const output = Buffer.concat(chunks).toString('utf8').replace(/\x1b\[[0-9;]*m/g, '');
      resolve({ output, status, timedOut, seconds: Math.round((Date.now() - start) / 1000) });
    });
  });
}

/** What a file's uvu output says: { passed, failed, skipped, reasons } or null when unreadable. */
function verdict(r) {
  const total = /Total:\s+(\d+)/.exec(r.output), ok = /Passed:\s+(\d+)/.exec(r.output), sk = /Skipped:\s+(\d+)/.exec(r.output);
  if (r.timedOut || !total || !ok) return null;
  const reasons = [...r.output.matchAll(SKIP_LINE)].map((m) => m[1]);
  const declared = sk ? Number(sk[1]) : 0;
  const passed = Number(ok[1]) - reasons.length;
  const failed = Number(total[1]) - Number(ok[1]) - declared;
  return { passed, failed, skipped: reasons.length + declared, reasons, declared };
}

/**
 * Runs every file, `jobs` at a time, in this process (the lanes' process). `report` gets what
 * the runner's suite (report.js) shows: { total }, { say }, { progress }, { timing }, and last
 * { results }.
 */
async function runLanes(root, jobs, report) {
  warm([path.join(root, 'src'), path.join(root, 'tests')]);
  const files = testFiles(root);
  report({ total: files.length });
  let next = 0, finished = 0;
  const results = { passed: 0, failed: 0, skipped: 0 };
  const say = (text) => report({ say: text });
  const lane = async () => {
    while (next < files.length) {
      const file = files[next++];
      const r = await runFile(root, file);
      finished++;
      report({ timing: [r.seconds * 1000, `unit ${file} (whole file)`] });
      const v = verdict(r);
      if (v === null) {
        say(r.timedOut ? `FAIL ${file} (timeout: no result after ${r.seconds} s)` : `FAIL ${file} (no uvu summary, exit ${r.status}):\n${r.output}`);
        results.failed++;
      } else {
        if (v.failed > 0 || r.status !== 0) say(r.output.trimEnd());
        if (v.failed === 0 && r.status !== 0) v.failed = 1; // a crash that still printed a clean summary
        for (const why of v.reasons) say(`skipped: ${file}: ${why}`);
        if (v.declared > 0) say(`skipped: ${file}: ${v.declared} test(s) declared with test.skip`);
        results.passed += v.passed;
        results.failed += v.failed;
        results.skipped += v.skipped;
      }
      report({ progress: finished });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, lane));
  report({ results });
}

/**
 * Runs every file from the lanes' process (see the top of this file); reports into `suite`
 * (report.js) and adds [ms, name] per file to `timings` (--slowest). Call it before the runner's
 * workers hold heaps: the fork happens here, at once.
 */
function runUnitTests(root, suite, jobs, timings = []) {
  return new Promise((resolve) => {
    const child = fork(__filename, [root, String(jobs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let done = false;
    child.on('message', (m) => {
      if (m.total !== undefined) suite.total = m.total;
      else if (m.say !== undefined) suite.say(m.say);
      else if (m.progress !== undefined) suite.progress(m.progress);
      else if (m.timing !== undefined) timings.push(m.timing);
      else if (m.results !== undefined) { done = true; suite.record(m.results); }
    });
    child.on('exit', (status, signal) => {
      if (!done) {
        suite.say(`FAIL the unit tests' process ended without results (exit ${status}${signal ? `, ${signal}` : ''})`);
        suite.record({ passed: 0, failed: 1, skipped: 0 });
      }
      resolve();
    });
  });
}

module.exports = { runUnitTests, verdict };

// The lanes' process: `node unit.js ROOT JOBS`, forked by runUnitTests.
if (require.main === module) {
  if (typeof process.send !== 'function') {
    console.error('unit.js: started by scripts/test-all.js, which it reports to over an IPC channel (run `node scripts/test-all.js --only unit`)');
    process.exit(2);
  }
  runLanes(process.argv[2], Number(process.argv[3]), (m) => process.send(m)).then(
    () => process.disconnect(),
    (e) => { console.error(e && e.stack ? e.stack : String(e)); process.exit(1); },
  );
}
