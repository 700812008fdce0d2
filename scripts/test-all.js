#!/usr/bin/env node
'use strict';
/**
 * `npm test`: every suite, then one closing line `N passed, M failed` with the totals.
 *
 *  1. unit tests (uvu, tests/*.test.ts)
 *  2. our golden programs (tests/golden), normally, under --gc-stress --heap-verify, and with --leak-check
 *  3. the examples of docs/language.md (scripts/doc-examples.js), normally and under stress
 *  4. the shared corpus (../shared/conformance) through its own run.sh, in the same three modes,
 *     every case, or skipped with a message when ../shared/conformance is absent.
 *
 * Exit status 0 only when nothing failed.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const shared = path.join(root, '..', 'shared', 'conformance');
const bin = path.join('bin', 'mufiz.js');
const STRESS = ['--gc-stress', '--heap-verify'];
const LEAK = ['--leak-check'];

let passed = 0, failed = 0;

function tally(name, output, status) {
  const m = /(\d+) passed, (\d+) failed\s*$/.exec(output.trim());
  if (!m) {
    console.log(`${name}: could not read its result (exit ${status})`);
    failed++;
    return;
  }
  passed += Number(m[1]);
  failed += Number(m[2]);
  if (status !== 0 && Number(m[2]) === 0) failed++; // a crash that still printed a clean line
  console.log(`${name}: ${m[1]} passed, ${m[2]} failed`);
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const out = (r.stdout || '') + (r.stderr || '');
  return { out, status: r.status === null ? 1 : r.status };
}

function printFailures(out) {
  for (const line of out.split('\n')) if (/^FAIL|✘|FAIL /.test(line)) console.log('  ' + line);
}

// 1. unit tests
{
  const r = run(process.execPath, [path.join(root, 'node_modules', 'uvu', 'bin.js'), '-r', 'ts-node/register', 'tests'], { TS_NODE_TRANSPILE_ONLY: '1' });
  const total = /Total:\s+(\d+)/.exec(r.out), ok = /Passed:\s+(\d+)/.exec(r.out), skipped = /Skipped:\s+(\d+)/.exec(r.out);
  if (!total || !ok) {
    console.log(r.out);
    tally('unit tests', '0 passed, 1 failed', r.status);
  } else {
    const fail = Number(total[1]) - Number(ok[1]) - (skipped ? Number(skipped[1]) : 0);
    if (fail > 0 || r.status !== 0) console.log(r.out);
    tally('unit tests', `${ok[1]} passed, ${fail} failed`, r.status);
  }
}

// 2. our golden programs
for (const [label, flags, timeout] of [['golden', [], 10], ['golden --gc-stress --heap-verify', STRESS, 120], ['golden --leak-check', LEAK, 10]]) {
  const r = run(process.execPath, ['scripts/golden.js', 'tests/golden', '--quiet', '--timeout', String(timeout), '--', ...flags]);
  printFailures(r.out);
  tally(label, r.out, r.status);
}

// 3. the examples of the user's guide (docs/language.md), normally and under stress
for (const [label, flags] of [['guide examples', []], ['guide examples --gc-stress --heap-verify', STRESS]]) {
  const r = run(process.execPath, ['scripts/doc-examples.js', 'docs/language.md', '--', ...flags]);
  printFailures(r.out);
  tally(label, r.out, r.status);
}

// 4. the shared corpus
if (!fs.existsSync(path.join(shared, 'run.sh'))) {
  console.log('shared corpus: skipped (../shared/conformance not found next to this checkout)');
} else {
  for (const [label, flags, timeout] of [['shared corpus', [], 10], ['shared corpus --gc-stress --heap-verify', STRESS, 120], ['shared corpus --leak-check', LEAK, 10]]) {
    const r = run('bash', [path.join(shared, 'run.sh'), 'node', bin, ...flags], { MUFI_QUIET: '1', MUFI_TIMEOUT: String(timeout) });
    printFailures(r.out);
    tally(label, r.out, r.status);
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
