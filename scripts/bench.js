#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: runs ../shared/bench's MufiZ programs with our CLI, the same workloads in
 * JavaScript (node) and, when installed, in Lua (lua5.4), all in this one invocation, and prints
 * the medians of whole-process wall time, the ratios MufiZ / lua5.4 and MufiZ / node, the ratio
 * of CPU time (user + system) MufiZ / lua5.4, which a machine shared with other work disturbs
 * less than wall time, and the peak RSS of each MufiZ run. The runs of one benchmark are interleaved (every configuration,
 * then Lua, then node, N times) so a noisy machine slows all of them alike: compare ratios.
 * A MufiZ result counts only when its checksum block equals the JS version's.
 *
 * MufiZ runs as a user runs it: bin/mufiz.js as a command, through its shell launcher (which
 * starts node without NODE_EXTRA_CA_CERTS: bin/mufiz.js). The JS versions run as `node FILE`,
 * which parses that variable's certificates at start where it is set; the startup row shows
 * `node -e 0` both ways then.
 *
 *   node scripts/bench.js [--runs N] [--only a,b] [--configs default,interp] [--bin NAME=PATH] [-- extra mufiz flags]
 *
 * Every program of ../shared/bench/mufi runs (all fourteen), or the ones named by --only.
 *
 * First comes the startup row (--startup-runs N, default 20; 0 skips it): examples/hello.mufi
 * with the code cache emptied before each run (cold: chevrotain and the parser are loaded) and
 * with it filled (warm), beside `node -e 0` and `lua5.4 -e ''`, interleaved run by run so that
 * a change in the machine's load affects all four alike. Every MufiZ run of this script uses
 * a temporary code cache (MUFIZ_CACHE_DIR), removed at the end, never the user's.
 *
 * --configs names MufiZ configurations, each a list of CLI flags (CONFIGS below); a configuration
 * whose flags this build does not accept (e.g. --tier before the tier exists) is skipped with a note.
 * --bin adds another build as a configuration (PATH to its bin/mufiz.js, default flags), for A/B
 * comparisons of a change in the same run (with a compiled-code cache of its own: envFor). A build older than the launcher (`#!/usr/bin/env
 * node`) pays NODE_EXTRA_CA_CERTS's parse at start: to compare the VMs only, run the bench with
 * `env -u NODE_EXTRA_CA_CERTS`. Every program of ../shared/bench/mufi runs, or the ones named by
 * --only. The geometric mean is printed over all programs run and over the twelve clox-style
 * ones (CLOX_SET).
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

// `npm run bench -- --gc-modes`: the collector-mode comparison instead (scripts/gc-modes-bench.js).
if (process.argv.includes('--gc-modes')) {
  require('./gc-modes-bench.js');
  return;
}

const root = path.join(__dirname, '..');
/** Run as a command (its launcher): see above. */
const mufizBin = path.join(root, 'bin', 'mufiz.js');
// The worktrees of the team live one level deeper than /work/main; fall back to /work/shared.
const benchDir = [path.join(root, '..', 'shared', 'bench'), '/work/shared/bench'].find((d) => fs.existsSync(d)) ?? path.join(root, '..', 'shared', 'bench');

/** MufiZ configurations: name -> extra CLI flags. */
const CONFIGS = {
  default: [],
  interp: ['--tier=interp'],
  js: ['--tier=js'],
  auto: ['--tier=auto'],
};

/** Configurations that run another build (--bin): name -> its bin/mufiz.js. */
const BINS = {};

/** The clox-style programs the performance targets are stated over (issue 9). */
const CLOX_SET = ['fib', 'method_call', 'zoo', 'trees', 'invocation', 'properties', 'equality', 'instantiation',
  'string_build', 'string_equality', 'binary_trees', 'gc_churn'];

function parseArgs(argv) {
  const o = { runs: 3, only: null, flags: [], startupRuns: 20, configs: ['default', 'interp'] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { o.flags = argv.slice(i + 1); break; }
    if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--startup-runs') o.startupRuns = Number(argv[++i]);
    else if (a === '--only') o.only = new Set(argv[++i].split(','));
    else if (a === '--configs') o.configs = argv[++i].split(',');
    else if (a === '--bin') {
      const [name, bin] = argv[++i].split('=');
      CONFIGS[name] = [];
      BINS[name] = path.resolve(bin);
      o.configs.push(name);
    }
    else if (a === '--all') { /* accepted for old command lines: every benchmark runs anyway */ }
    else throw new Error(`unknown option ${a}`);
  }
  for (const c of o.configs) if (!(c in CONFIGS)) throw new Error(`unknown configuration ${c} (known: ${Object.keys(CONFIGS).join(', ')})`);
  return o;
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const rssFile = path.join(os.tmpdir(), `mufiz-bench-rss-${process.pid}`);

/**
 * Runs a command: wall seconds, and when /usr/bin/time is there its peak resident set in KiB
 * (`rss`) and user + system CPU seconds (`cpu`), else null.
 */
function timeRun(cmd, args, env = process.env) {
  const t0 = process.hrtime.bigint();
  const r = TIME
    ? spawnSync(TIME, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, env });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let rss = null, cpu = null;
  if (TIME) {
    try {
      const [m, u, sy] = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      rss = m;
      cpu = u + sy;
    } catch { /* the command did not start */ }
  }
  return { seconds, stdout: r.stdout || '', stderr: r.stderr || '', status: r.status, rss, cpu };
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

/** The startup row: medians of whole-process wall time, in milliseconds. */
function startup(runs, lua, flags) {
  const hello = [...flags, path.join(root, 'examples', 'hello.mufi')];
  const cache = process.env.MUFIZ_CACHE_DIR;
  // Where NODE_EXTRA_CA_CERTS is set, node parses it at start and the mufiz launcher does not
  // let it: mufiz's own share is measured against `node -e 0` without it.
  const certs = Boolean(process.env.NODE_EXTRA_CA_CERTS);
  const bareEnv = { ...process.env };
  delete bareEnv.NODE_EXTRA_CA_CERTS;
  const t = { node: [], bare: [], lua: [], cold: [], warm: [] };
  for (let i = 0; i < runs; i++) {
    t.node.push(timeRun(process.execPath, ['-e', '0']).seconds);
    if (certs) t.bare.push(timeRun(process.execPath, ['-e', '0'], bareEnv).seconds);
    if (lua) t.lua.push(timeRun(lua, ['-e', '']).seconds);
    fs.rmSync(cache, { recursive: true, force: true });
    const cold = timeRun(mufizBin, hello);
    if (cold.status !== 0) throw new Error(`hello.mufi failed: ${cold.stderr}`);
    t.cold.push(cold.seconds);
    t.warm.push(timeRun(mufizBin, hello).seconds);
  }
  const ms = (xs) => (median(xs) * 1000).toFixed(1);
  const node = median(certs ? t.bare : t.node) * 1000;
  const over = (xs) => `${ms(xs)} ms (node + ${(median(xs) * 1000 - node).toFixed(1)})`;
  const nodeText = certs ? `${ms(t.node)} ms, ${ms(t.bare)} ms without NODE_EXTRA_CA_CERTS (as mufiz starts it)` : `${ms(t.node)} ms`;
  console.log(`startup, median of ${runs}: node -e 0 ${nodeText}; lua5.4 -e '' ${lua ? ms(t.lua) + ' ms' : '-'}; ` +
    `mufiz hello.mufi cold (cache emptied) ${over(t.cold)}, warm (cached) ${over(t.warm)}`);
}

function geomean(xs) {
  return Math.exp(xs.reduce((s, r) => s + Math.log(r), 0) / xs.length);
}

/** Keeps the configurations whose flags this build accepts. */
function usableConfigs(names, extra) {
  return names.filter((name) => {
    const r = spawnSync(BINS[name] ?? mufizBin, [...CONFIGS[name], ...extra, '-e', 'print 1;'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout === '1\n') return true;
    console.log(`configuration ${name} (${CONFIGS[name].join(' ') || 'no flags'}) skipped: this build does not accept it`);
    return false;
  });
}

/**
 * The environment of configuration c's runs. Another build (--bin) gets a compiled-code cache
 * directory of its own: the cache's key includes the compiler's fingerprint (the mtimes of its
 * files), so two builds sharing one directory would each find the other's entry, compile the
 * program again and replace it: every run of an A/B would be a cold start.
 */
function envFor(c) {
  if (BINS[c] === undefined) return process.env;
  return { ...process.env, MUFIZ_CACHE_DIR: path.join(process.env.MUFIZ_CACHE_DIR, `bin-${c}`) };
}

const USAGE = 'usage: node scripts/bench.js [--runs N] [--startup-runs N] [--only a,b] [--configs default,interp,js,auto] [--bin NAME=PATH] [-- extra mufiz flags]';

function main() {
  if (process.argv.includes('--help') || process.argv.includes('-h')) { console.log(USAGE); return; }
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${e.message}\n${USAGE}`);
    process.exit(64);
  }
  const cacheDir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'mufiz-bench-cache-'));
  process.env.MUFIZ_CACHE_DIR = cacheDir;
  try {
    run(o);
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

function run(o) {
  if (o.startupRuns > 0) startup(o.startupRuns, which('lua5.4'), o.flags);
  if (!fs.existsSync(benchDir)) {
    console.log(`bench: ${benchDir} not found; nothing to run`);
    return;
  }
  const lua = which('lua5.4');
  const configs = usableConfigs(o.configs, o.flags);
  const names = fs.readdirSync(path.join(benchDir, 'mufi')).filter((f) => f.endsWith('.mufi')).map((f) => f.slice(0, -5)).sort()
    .filter((n) => (o.only ? o.only.has(n) : true));
  console.log(`runs per program: ${o.runs} (median of whole-process wall time); node ${process.version}; lua5.4: ${lua ?? 'not installed (apt-get install lua5.4) — ratios to Lua omitted'}` +
    `; peak RSS: ${TIME ? '/usr/bin/time %M, largest of the runs' : 'not measured (no /usr/bin/time)'}; load average ${os.loadavg()[0].toFixed(1)}`);
  const header = ['benchmark', 'config', 'mufiz s', 'lua5.4 s', 'node s', 'mufiz/lua', 'mufiz/node', 'cpu mufiz/lua', 'RSS MiB', 'checksum'];
  const rows = [];
  // Rows print as each benchmark finishes (a full run takes long); widths fit typical values.
  const widths = header.map((h, i) => Math.max(h.length, i === 0 ? 15 : i === 1 ? 7 : 8));
  const fmt = (r) => r.map((c, i) => (i <= 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(fmt(header));
  const ratios = Object.fromEntries(configs.map((c) => [c, new Map()]));
  const cpuRatios = Object.fromEntries(configs.map((c) => [c, new Map()]));
  let allOk = true;
  for (const name of names) {
    const file = path.join(benchDir, 'mufi', name + '.mufi');
    const js = timeRun(process.execPath, [path.join(benchDir, 'js', name + '.js')]);
    const want = checksum(js.stdout);
    const times = { lua: [], luaCpu: [], node: [js.seconds] };
    const per = Object.fromEntries(configs.map((c) => [c, { t: [], cpu: [], rss: [], ok: true }]));
    for (let i = 0; i < o.runs; i++) {
      for (const c of configs) {
        const s = per[c];
        if (!s.ok) continue;
        const m = timeRun(BINS[c] ?? mufizBin, [...CONFIGS[c], ...o.flags, file], envFor(c));
        s.t.push(m.seconds);
        if (m.cpu !== null) s.cpu.push(m.cpu);
        if (m.rss !== null) s.rss.push(m.rss);
        const got = checksum(m.stdout);
        if (m.status !== 0 || got === null || JSON.stringify(got) !== JSON.stringify(want)) {
          s.ok = false;
          process.stderr.write(`${name} [${c}]: checksum mismatch or failure (exit ${m.status})\n${m.stderr.slice(0, 2000)}\n`);
        }
      }
      if (lua) {
        const l = timeRun(lua, [path.join(benchDir, 'lua', name + '.lua')]);
        times.lua.push(l.seconds);
        if (l.cpu !== null) times.luaCpu.push(l.cpu);
      }
      if (i > 0) times.node.push(timeRun(process.execPath, [path.join(benchDir, 'js', name + '.js')]).seconds);
    }
    const lu = lua && times.lua.length ? median(times.lua) : null, no = median(times.node);
    for (const c of configs) {
      const s = per[c];
      allOk = allOk && s.ok;
      const mu = median(s.t);
      if (s.ok && lu) ratios[c].set(name, mu / lu);
      const lc = times.luaCpu.length ? Math.max(0.01, median(times.luaCpu)) : null;
      const cr = lc !== null && s.cpu.length ? median(s.cpu) / lc : null;
      if (s.ok && cr !== null) cpuRatios[c].set(name, cr);
      rows.push([name, c, mu.toFixed(3), lu ? lu.toFixed(3) : '-', no.toFixed(3), lu ? (mu / lu).toFixed(2) : '-', (mu / no).toFixed(2),
        cr !== null ? cr.toFixed(2) : '-', s.rss.length ? (Math.max(...s.rss) / 1024).toFixed(0) : '-', s.ok ? 'ok' : 'MISMATCH']);
      console.log(fmt(rows[rows.length - 1]));
    }
  }
  for (const c of configs) {
    for (const [what, map] of [['wall', ratios[c]], ['cpu', cpuRatios[c]]]) {
      const all = [...map.values()];
      if (all.length === 0) continue;
      const clox = CLOX_SET.filter((n) => map.has(n)).map((n) => map.get(n));
      const cloxText = clox.length === CLOX_SET.length ? `; over the ${clox.length} clox-style ones: ${geomean(clox).toFixed(2)}x` : '';
      console.log(`geometric mean mufiz[${c}]/lua5.4 (${what} time) over ${all.length} benchmarks: ${geomean(all).toFixed(2)}x${cloxText}`);
    }
  }
  try { fs.unlinkSync(rssFile); } catch { /* never written */ }
  process.exitCode = allOk ? 0 : 1;
}

main();
