#!/usr/bin/env node
'use strict';
/**
 * Runs golden MufiZ programs: every `*.mufi` under a folder, with `.out` (exact stdout),
 * optional `.code` (exit status, default 0) and optional `.err` (a phrase stderr must contain).
 * Same contract as ../shared/conformance/run.sh, plus extra interpreter flags and parallelism.
 *
 *   node scripts/golden.js DIR [--list FILE] [--timeout S] [--quiet] [-- FLAGS...]
 *
 * Prints `PASS path` / `FAIL path (reasons)` and ends with `N passed, M failed`.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const os = require('os');
const { mufiFiles } = require('./cases/find');

function parseArgs(argv) {
  const o = { dir: null, list: null, timeout: 10, quiet: false, flags: [], jobs: Math.max(1, os.cpus().length) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { o.flags = argv.slice(i + 1); break; }
    if (a === '--list') o.list = argv[++i];
    else if (a === '--timeout') o.timeout = Number(argv[++i]);
    else if (a === '--jobs') o.jobs = Number(argv[++i]);
    else if (a === '--quiet') o.quiet = true;
    else o.dir = a;
  }
  if (!o.dir) throw new Error('usage: golden.js DIR [--list FILE] [--timeout S] [--quiet] [-- FLAGS...]');
  return o;
}

function readListed(listFile) {
  return new Set(fs.readFileSync(listFile, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean));
}

/**
 * A case may carry a `.stress` file: the flags to use instead of `--gc-stress` (e.g.
 * `--gc-stress=500`) when collecting before every allocation would be quadratic in its size.
 */
function flagsFor(file, flags) {
  const stress = file.slice(0, -'.mufi'.length) + '.stress';
  if (!flags.includes('--gc-stress') || !fs.existsSync(stress)) return flags;
  const replacement = fs.readFileSync(stress, 'utf8').trim().split(/\s+/);
  return flags.flatMap((f) => (f === '--gc-stress' ? replacement : [f]));
}

function runCase(file, o) {
  return new Promise((resolve) => {
    const bin = path.join(__dirname, '..', 'bin', 'mufiz.js');
    const child = spawn(process.execPath, [bin, ...flagsFor(file, o.flags), file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [], err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, o.timeout * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), code, timedOut });
    });
  });
}

function judge(file, r) {
  const base = file.slice(0, -'.mufi'.length);
  const reasons = [];
  const want = fs.existsSync(base + '.out') ? fs.readFileSync(base + '.out') : null;
  if (want === null) reasons.push('missing .out');
  else if (!want.equals(r.stdout)) reasons.push('stdout differs');
  const wantCode = fs.existsSync(base + '.code') ? Number(fs.readFileSync(base + '.code', 'utf8').trim().split(/\s+/)[0]) : 0;
  if (r.timedOut) reasons.push('timeout');
  else if (r.code !== wantCode) reasons.push(`exit ${r.code}, want ${wantCode}`);
  if (fs.existsSync(base + '.err')) {
    const phrase = fs.readFileSync(base + '.err', 'utf8').split('\n')[0].replace(/\r$/, '');
    if (phrase && !r.stderr.includes(phrase)) reasons.push(`stderr lacks: ${phrase}`);
  }
  return reasons;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const root = path.resolve(o.dir);
  let cases = mufiFiles(root);
  if (o.list) {
    const listed = readListed(o.list);
    cases = cases.filter((c) => listed.has(path.relative(path.dirname(path.resolve(o.list)), c)) || listed.has(path.relative(root, c)));
  }
  const results = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      results[i] = judge(cases[i], await runCase(cases[i], o));
    }
  };
  await Promise.all(Array.from({ length: o.jobs }, worker));
  let pass = 0, fail = 0;
  cases.forEach((c, i) => {
    const rel = path.relative(root, c);
    if (results[i].length === 0) { pass++; if (!o.quiet) console.log(`PASS ${rel}`); }
    else { fail++; console.log(`FAIL ${rel} (${results[i].join('; ')})`); }
  });
  console.log(`${pass} passed, ${fail} failed`);
  process.exitCode = fail === 0 ? 0 : 1;
}

main().catch((e) => { console.error(e.message); process.exitCode = 2; });
