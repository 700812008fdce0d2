#!/usr/bin/env node
'use strict';
/**
 * `npm run test:gc-full`: the golden programs and the shared conformance corpus under full
 * `--gc-stress --heap-verify` in every collector mode (stw, incremental, generational), then
 * the leak check in every mode. Slow (tens of minutes on a busy machine): run before a
 * collector change lands, not on every commit.
 *
 *   node scripts/gc-full.js [--modes stw,incremental] [--timeout S]
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const corpus = [path.join(root, '..', 'shared', 'conformance', 'run.sh'), '/work/shared/conformance/run.sh'].find((p) => fs.existsSync(p));
let modes = ['stw', 'incremental', 'generational'];
let timeout = 600;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--modes') modes = argv[++i].split(',');
  else if (argv[i] === '--timeout') timeout = Number(argv[++i]);
  else { console.error(`gc-full: unknown option ${argv[i]}`); process.exit(2); }
}

const passes = [];
for (const mode of modes) {
  passes.push({ name: `goldens, ${mode}, --gc-stress --heap-verify`, cmd: process.execPath,
    args: [path.join(__dirname, 'golden.js'), path.join(root, 'tests', 'golden'), '--quiet', '--timeout', String(timeout), '--', `--gc-mode=${mode}`, '--gc-stress', '--heap-verify'] });
  passes.push({ name: `goldens, ${mode}, --leak-check`, cmd: process.execPath,
    args: [path.join(__dirname, 'golden.js'), path.join(root, 'tests', 'golden'), '--quiet', '--timeout', String(timeout), '--', `--gc-mode=${mode}`, '--leak-check'] });
  if (corpus) {
    passes.push({ name: `corpus, ${mode}, --gc-stress --heap-verify`, cmd: 'bash', env: { MUFI_QUIET: '1', MUFI_TIMEOUT: String(timeout) },
      args: [corpus, process.execPath, path.join(root, 'bin', 'mufiz.js'), `--gc-mode=${mode}`, '--gc-stress', '--heap-verify'] });
  }
}
if (!corpus) console.log('gc-full: the shared conformance corpus was not found (../shared/conformance): goldens only');

let failed = 0;
for (const p of passes) {
  const t0 = Date.now();
  const r = spawnSync(p.cmd, p.args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...(p.env || {}) }, maxBuffer: 1 << 26 });
  const last = (r.stdout || '').trim().split('\n').filter((l) => /FAIL|passed/.test(l));
  console.log(`${r.status === 0 ? 'ok  ' : 'FAIL'} ${p.name} (${((Date.now() - t0) / 1000).toFixed(0)} s): ${last.slice(-20).join('\n      ')}`);
  if (r.status !== 0) failed++;
}
console.log(failed === 0 ? `gc-full: all ${passes.length} passes passed` : `gc-full: ${failed} of ${passes.length} passes failed`);
process.exitCode = failed === 0 ? 0 : 1;
