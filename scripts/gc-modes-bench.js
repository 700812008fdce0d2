#!/usr/bin/env node
'use strict';
/**
 * `npm run bench:gc-modes` (or `node scripts/gc-modes-bench.js`): runs the GC benchmarks
 * (gc_big_live, gc_churn, binary_trees from ../shared/bench/mufi) in each collector mode and
 * prints, per run, wall time, CPU time (user + system: on a busy machine the better figure for
 * comparing modes), collections, pauses (count, total, p50, p99, max) and peak RSS.
 *
 *   node scripts/gc-modes-bench.js [--only a,b] [--modes stw,incremental] [-- extra mufiz flags]
 *
 * Build first (npm run build). Pauses come from --gc-stats; CPU and RSS from /usr/bin/time when present.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const candidates = [path.join(root, '..', 'shared', 'bench', 'mufi'), '/work/shared/bench/mufi'];
const benchDir = candidates.find((d) => fs.existsSync(d));
if (benchDir === undefined) { console.error('gc-modes-bench: no ../shared/bench/mufi folder'); process.exit(2); }

const o = { only: ['gc_big_live', 'gc_churn', 'binary_trees'], modes: ['stw', 'incremental', 'generational'], flags: [] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--') { o.flags = argv.slice(i + 1); break; }
  if (argv[i] === '--gc-modes') continue; // as passed on by `npm run bench -- --gc-modes`
  if (argv[i] === '--only') o.only = argv[++i].split(',');
  else if (argv[i] === '--modes') o.modes = argv[++i].split(',');
  else { console.error(`gc-modes-bench: unknown option ${argv[i]}`); process.exit(2); }
}

const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const field = (text, name) => {
  const m = new RegExp(`${name}:\\s+([\\d.]+)`).exec(text);
  return m ? Number(m[1]) : NaN;
};

const rows = [];
for (const prog of o.only) {
  const file = path.join(benchDir, `${prog}.mufi`);
  for (const mode of o.modes) {
    const args = [path.join(root, 'bin', 'mufiz.js'), `--gc-mode=${mode}`, '--gc-stats', ...o.flags, file];
    const cmd = timeBin ?? process.execPath;
    const full = timeBin ? ['-f', 'RSS_KB %M CPU_S %U %S', process.execPath, ...args] : args;
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, full, { encoding: 'utf8', maxBuffer: 1 << 26 });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const err = r.stderr || '';
    const rss = /RSS_KB (\d+)/.exec(err);
    const cpu = /CPU_S ([\d.]+) ([\d.]+)/.exec(err);
    const row = {
      program: prog, mode, ok: r.status === 0, wall, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN,
      collections: field(err, 'collections'), pauses: field(err, 'pauses'), pauseTotal: field(err, 'pause total'),
      p50: field(err, 'pause p50'), p99: field(err, 'pause p99'), max: field(err, 'pause max'),
      rssMiB: rss ? Number(rss[1]) / 1024 : NaN,
    };
    if (!row.ok) console.error(`${prog} (${mode}) failed:\n${err.slice(0, 2000)}`);
    rows.push(row);
    const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
    console.log(`${prog.padEnd(13)} ${mode.padEnd(13)} ${f(row.wall, 2).padStart(7)} s  cpu ${f(row.cpu, 2).padStart(7)} s  ${String(row.collections).padStart(5)} coll ` +
      `${String(row.pauses).padStart(7)} pauses  total ${f(row.pauseTotal).padStart(8)} ms  p50 ${f(row.p50, 2).padStart(7)}  ` +
      `p99 ${f(row.p99, 2).padStart(7)}  max ${f(row.max, 2).padStart(7)} ms  RSS ${f(row.rssMiB, 0).padStart(5)} MiB${row.ok ? '' : '  FAILED'}`);
  }
}
if (process.env.GC_BENCH_JSON) fs.writeFileSync(process.env.GC_BENCH_JSON, JSON.stringify(rows, null, 2));
process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
