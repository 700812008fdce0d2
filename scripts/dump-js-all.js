#!/usr/bin/env node
'use strict';
/**
 * Prints the second tier's generated JavaScript (--dump-js) for every function of a set of
 * programs, so that a refactor of the code generator (src/vm/tier) can be checked to leave the
 * generated code unchanged byte for byte: run it before and after, and diff the two outputs.
 *
 *   node scripts/dump-js-all.js [--bin PATH] [--jobs N] [--auto] FILE_OR_DIR... > dumps.txt
 *
 * For each .mufi file it runs `--tier=js --dump-js=NAME` for `script` and for every name that
 * looks declared in it (`fun f(`, a method `m(...) {`; names that are not functions dump
 * nothing), and with --auto also `--tier=auto --dump-js=script` (loops compiled alone, outlined
 * blocks). Only stderr (the dumps, and any error message) and the exit status are printed; a
 * program's stdout may hold timings. Programs run with stdin empty and a 120 s limit.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
let bin = path.join(__dirname, '..', 'bin', 'mufiz.js'), jobs = 2, auto = false;
const inputs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--bin') bin = args[++i];
  else if (args[i] === '--jobs') jobs = Number(args[++i]);
  else if (args[i] === '--auto') auto = true;
  else inputs.push(args[i]);
}
if (inputs.length === 0) {
  console.error('usage: node scripts/dump-js-all.js [--bin PATH] [--jobs N] [--auto] FILE_OR_DIR...');
  process.exit(2);
}

function mufiFiles(p) {
  if (fs.statSync(p).isDirectory()) {
    return fs.readdirSync(p).sort().flatMap((e) => mufiFiles(path.join(p, e)));
  }
  return p.endsWith('.mufi') ? [p] : [];
}

const KEYWORDS = new Set(['if', 'while', 'for', 'foreach', 'switch', 'fun', 'return', 'print', 'and', 'or', 'else']);

/** Names a --dump-js run may match in this source: `script` and what looks like a declaration. */
function functionNames(source) {
  const names = new Set(['script']);
  for (const m of source.matchAll(/\bfun\s+([A-Za-z_]\w*)/g)) names.add(m[1]);
  for (const m of source.matchAll(/\b([A-Za-z_]\w*)\s*\([^()]*\)\s*\{/g)) if (!KEYWORDS.has(m[1])) names.add(m[1]);
  return [...names].sort();
}

const runs = [];
for (const file of inputs.flatMap(mufiFiles)) {
  const names = functionNames(fs.readFileSync(file, 'utf8'));
  for (const name of names) runs.push({ file, flags: ['--tier=js', `--dump-js=${name}`] });
  if (auto) runs.push({ file, flags: ['--tier=auto', '--dump-js=script'] });
}

function run(r) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...r.flags, r.file], { stdio: ['ignore', 'ignore', 'pipe'] });
    const chunks = [];
    child.stderr.on('data', (c) => chunks.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(`=== ${r.file} ${r.flags.join(' ')} -> ${signal ?? code}\n${Buffer.concat(chunks).toString('utf8')}`);
    });
  });
}

(async () => {
  const results = new Array(runs.length);
  let next = 0;
  const worker = async () => { while (next < runs.length) { const i = next++; results[i] = await run(runs[i]); } };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  process.stdout.write(results.join(''));
  console.error(`dump-js-all: ${runs.length} runs over ${new Set(runs.map((r) => r.file)).size} files`);
})();
