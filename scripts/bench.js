#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: runs ../shared/bench's MufiZ programs with our CLI, the same workloads in
 * JavaScript (node) and, when installed, in Lua (lua5.4), all in this one invocation, and prints
 * the medians of whole-process wall time and the ratios MufiZ / lua5.4 and MufiZ / node.
 * A MufiZ result counts only when its checksum block equals the JS version's.
 *
 *   node scripts/bench.js [--runs N] [--only a,b] [-- extra mufiz flags]
 *
 * Every program of ../shared/bench/mufi runs (all fourteen), or the ones named by --only.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

// `npm run bench -- --gc-modes`: the collector-mode comparison instead (scripts/gc-modes-bench.js).
if (process.argv.includes('--gc-modes')) {
  require('./gc-modes-bench.js');
  return;
}

const root = path.join(__dirname, '..');
const benchDir = path.join(root, '..', 'shared', 'bench');

function parseArgs(argv) {
  const o = { runs: 3, only: null, flags: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { o.flags = argv.slice(i + 1); break; }
    if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--only') o.only = new Set(argv[++i].split(','));
    else if (a === '--all') { /* accepted for old command lines: every benchmark runs anyway */ }
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function timeRun(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, stdout: r.stdout || '', stderr: r.stderr || '', status: r.status };
}

/** The lines between `checksum` and `elapsed`, numbers compared by value (Lua prints 1.0). */
function checksum(stdout) {
  const lines = stdout.split('\n');
  // Programs without a `checksum` marker (binary_trees) are checked on everything before `elapsed`.
  const start = lines.indexOf('checksum');
  const end = lines.indexOf('elapsed');
  if (end < 0) return null;
  return lines.slice(start + 1, end).map((l) => (/^-?\d+(\.\d+)?$/.test(l.trim()) ? String(Number(l)) : l.trim()));
}

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(benchDir)) {
    console.log(`bench: ${benchDir} not found; nothing to run`);
    return;
  }
  const lua = which('lua5.4');
  const names = fs.readdirSync(path.join(benchDir, 'mufi')).filter((f) => f.endsWith('.mufi')).map((f) => f.slice(0, -5)).sort()
    .filter((n) => (o.only ? o.only.has(n) : true));
  console.log(`runs per program: ${o.runs} (median of whole-process wall time); node ${process.version}; lua5.4: ${lua ?? 'not installed (apt-get install lua5.4) — ratios to Lua omitted'}`);
  const header = ['benchmark', 'mufiz s', 'lua5.4 s', 'node s', 'mufiz/lua', 'mufiz/node', 'checksum'];
  const rows = [];
  const ratios = [];
  let allOk = true;
  for (const name of names) {
    const js = timeRun(process.execPath, [path.join(benchDir, 'js', name + '.js')]);
    const want = checksum(js.stdout);
    const times = { mufi: [], lua: [], node: [js.seconds] };
    let ok = true;
    for (let i = 0; i < o.runs; i++) {
      const m = timeRun(process.execPath, [path.join(root, 'bin', 'mufiz.js'), ...o.flags, path.join(benchDir, 'mufi', name + '.mufi')]);
      times.mufi.push(m.seconds);
      const got = checksum(m.stdout);
      if (m.status !== 0 || got === null || JSON.stringify(got) !== JSON.stringify(want)) {
        ok = false;
        if (i === 0) process.stderr.write(`${name}: checksum mismatch or failure (exit ${m.status})\n${m.stderr.slice(0, 2000)}\n`);
        break;
      }
      if (i > 0) times.node.push(timeRun(process.execPath, [path.join(benchDir, 'js', name + '.js')]).seconds);
      if (lua) times.lua.push(timeRun(lua, [path.join(benchDir, 'lua', name + '.lua')]).seconds);
    }
    allOk = allOk && ok;
    const mu = median(times.mufi), lu = lua && times.lua.length ? median(times.lua) : null, no = median(times.node);
    if (ok && lu) ratios.push(mu / lu);
    rows.push([name, mu.toFixed(3), lu ? lu.toFixed(3) : '-', no.toFixed(3), lu ? (mu / lu).toFixed(2) : '-', (mu / no).toFixed(2), ok ? 'ok' : 'MISMATCH']);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(fmt(header));
  for (const r of rows) console.log(fmt(r));
  if (ratios.length > 0) {
    const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
    console.log(`geometric mean mufiz/lua5.4 over ${ratios.length} benchmarks: ${geo.toFixed(2)}x`);
  }
  process.exitCode = allOk ? 0 : 1;
}

main();
