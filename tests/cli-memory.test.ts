import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'fs';
import * as path from 'path';
import { mufiz, tempDir } from './cli-helpers';

/** The memory and GC flags as a user sees them: exact formats, errors naming the flag, no JS internals. */

const dir = tempDir('mufiz-mem-');
const CHURN = path.join(dir, 'churn.mufi');
writeFileSync(CHURN, `
class P { init(x) { self.x = x; self.tag = "p" + str(x); } }
var keep = nil;
var i = 0;
while (i < 20000) {
  var p = P(i);
  if (i % 1000 == 0) keep = p;
  i = i + 1;
}
print i;
`);

const TRACE_LINE = /^gc (\d+) @\d+\.\d{3}s: mark \d+\.\d{2}ms sweep \d+\.\d{2}ms, \d+\.\d{2}->\d+\.\d{2} MiB \(next \d+\.\d{2} MiB\), (\d+) freed \/ (\d+) live, reason=(threshold|stress|explicit|limit|exit)( kind=(incremental|minor|major) steps=\d+ max-pause=\d+\.\d{2}ms)?$/;

function noInternals(stderr: string): void {
  assert.not.match(stderr, /^\s+at /m, 'no JS stack frames');
  assert.not.match(stderr, /\.(ts|js):\d/, 'no implementation source positions');
  assert.not.match(stderr, /Internal error/);
}

test('--gc-trace: one line per collection in the documented format, numbered from 1', () => {
  const r = mufiz(['--gc-trace', '--gc-threshold=128K', CHURN]);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '20000\n');
  const lines = r.stderr.trim().split('\n');
  assert.ok(lines.length >= 5, `several collections (${lines.length})`);
  lines.forEach((line, i) => {
    const m = TRACE_LINE.exec(line);
    assert.ok(m, `line ${i + 1} has the format: ${line}`);
    assert.is(Number(m![1]), i + 1);
    assert.is(m![4], 'threshold');
  });
});

test('--gc-trace=json: the same records as JSON lines', () => {
  const text = mufiz(['--gc-trace', '--gc-threshold=128K', CHURN]).stderr.trim().split('\n');
  const json = mufiz(['--gc-trace=json', '--gc-threshold=128K', CHURN]).stderr.trim().split('\n').map((l) => JSON.parse(l));
  assert.is(json.length, text.length, 'the same collections (the program is deterministic)');
  json.forEach((j, i) => {
    assert.equal(Object.keys(j), ['gc', 'at', 'markMs', 'sweepMs', 'before', 'after', 'next', 'freed', 'live', 'reason', 'kind', 'steps', 'maxPauseMs', 'freedBytes']);
    assert.is(j.gc, i + 1);
    const m = TRACE_LINE.exec(text[i])!;
    assert.is(j.freed, Number(m[2]), 'freed objects agree with the text trace');
    assert.is(j.live, Number(m[3]), 'live objects agree with the text trace');
    assert.ok(j.before >= j.after);
  });
});

test('--gc-stats: collections, pause total/mean/p50/p99/max, bytes, peak, live objects by kind', () => {
  const r = mufiz(['--gc-stats', '--gc-threshold=128K', CHURN]);
  assert.is(r.status, 0);
  for (const key of ['collections:', 'pause total:', 'pause mean:', 'pause p50:', 'pause p99:', 'pause max:', 'bytes allocated:', 'bytes freed:', 'peak heap:']) {
    assert.match(r.stderr, new RegExp(`^  ${key} +\\d`, 'm'), key);
  }
  assert.match(r.stderr, /^ {2}live objects by kind:\n {4}kind +objects +bytes\n/m);
  assert.match(r.stderr, /^ {4}instance +\d+ +\d+$/m);
  const collections = Number(/collections: +(\d+)/.exec(r.stderr)![1]);
  const traced = mufiz(['--gc-trace', '--gc-threshold=128K', CHURN]).stderr.trim().split('\n').length;
  assert.is(collections, traced, 'the count matches the trace');
});

test('--mem-stats: the seed\'s layout, then free/fragmentation, by kind and by size class', () => {
  const r = mufiz(['--mem-stats', CHURN]);
  assert.is(r.status, 0);
  assert.match(r.stderr, /^Memory Statistics:\n {2}Allocations: \d+ total, \d+ current, \d+ peak\n {2}Deallocations: \d+\n {2}Bytes: \d+ allocated, \d+ deallocated\n {2}Current: \d+ bytes, \d+ allocations\n {2}Peak: \d+ bytes, \d+ allocations\n/);
  assert.match(r.stderr, /^ {2}Heap: \d+ bytes in blocks \(high-water mark \d+\), limit 2147483648$/m);
  assert.match(r.stderr, /^ {2}Free: \d+ bytes in \d+ blocks, \d+ fragmented/m);
  assert.match(r.stderr, /^ {2}By kind:$/m);
  assert.match(r.stderr, /^ {2}By size class:$/m);
  const noTracking = mufiz(['--mem-stats', '--no-tracking', CHURN]);
  assert.match(noTracking.stderr, /per-kind and per-size-class figures are off/);
  assert.not.match(noTracking.stderr, /By kind/);
});

test('--mem-profile: top sites by bytes and by count, with file, line and native or opcode', () => {
  const r = mufiz(['--mem-profile', CHURN]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /top 10 sites by bytes:/);
  assert.match(r.stderr, /top 10 sites by count:/);
  const site = `${CHURN}:2 in init() native str()`;
  const row = r.stderr.split('\n').find((l) => l.endsWith(`  ${site}`));
  assert.ok(row, `a row for ${site}`);
  assert.ok(Number(row!.trim().split(/ +/)[1]) >= 20000, 'str() ran 20,000 times there');
  // The interpreter's own allocations name their exact line and opcode.
  assert.match(r.stderr, /:6 in script op CALL$/m, 'instances made by the call P(i)');
  assert.match(r.stderr, /:2 in init\(\) op ADD$/m, 'the concatenation "p" + str(x)');
  const without = mufiz(['--gc-stats', CHURN]);
  assert.not.match(without.stderr, /sites by/);
});

test('--leak-check: no leaks is exit 0 and says so; combined with --track-sites', () => {
  for (const extra of [[], ['--track-sites'], ['--quarantine'], ['--no-safety']]) {
    const r = mufiz(['--leak-check', ...extra, CHURN]);
    assert.is(r.status, 0, `${extra.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr, 'Leak check: no leaks (every block was reclaimed after the roots were released).\n');
    assert.is(r.stdout, '20000\n');
  }
});

test('--heap-limit accepts 1M and up; --heap-limit=8M out of memory is exit 70 with the runtime error only', () => {
  assert.is(mufiz(['--heap-limit=1M', '-e', 'print "small";']).stdout, 'small\n');
  const f = path.join(dir, 'oom.mufi');
  writeFileSync(f, 'class N { init(n) { self.n = n; } }\nvar head = nil;\nwhile (true) { var n = N(head); head = n; }\n');
  const r = mufiz(['--heap-limit=8M', f]);
  assert.is(r.status, 70);
  assert.match(r.stderr, /^Out of memory: heap limit of 8 MiB reached\.\n\[line 3\] in script \(.*oom\.mufi:3\)\n?$/);
  noInternals(r.stderr);
  for (const flags of [['--gc-trace'], ['--quarantine'], ['--track-sites', '--gc-stats']]) {
    const q = mufiz(['--heap-limit=8M', ...flags, f]);
    assert.is(q.status, 70, flags.join(' '));
    assert.match(q.stderr, 'Out of memory: heap limit of 8 MiB reached.');
    noInternals(q.stderr);
  }
});

test('bad values are usage errors (exit 64) naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [['--heap-limit=512K'], /--heap-limit: expected a size from 1M to 4G/],
    [['--heap-limit=lots'], /--heap-limit: expected a size/],
    [['--heap-limit=5G'], /--heap-limit: expected a size/],
    [['--gc-threshold=0'], /--gc-threshold: expected a size/],
    [['--gc-growth=1'], /--gc-growth: expected a number above 1/],
    [['--gc-growth=x'], /--gc-growth: expected a number above 1/],
    [['--gc-stress=0'], /--gc-stress: expected an integer from 1 to/],
    [['--gc-stress=99999999999'], /--gc-stress: expected an integer from 1 to/],
    [['--max-frames=100000000'], /--max-frames: expected an integer from 1 to 100000/],
    [['--max-frames', '0'], /--max-frames: expected an integer from 1 to 100000/],
    [['--gc-trace=xml'], /--gc-trace: expected 'json' or 'text'/],
    [['--gc-report='], /--gc-report: expected a file name/],
    [['--gc-report', 'x.html'], /--gc-report needs its value attached: --gc-report=FILE.html/],
    [['--track-sites=yes'], /--track-sites takes no value/],
    [['--quarantine=1'], /--quarantine takes no value/],
  ];
  for (const [args, message] of cases) {
    const r = mufiz([...args, '-e', 'print 1;']);
    assert.is(r.status, 64, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
    assert.is(r.stdout, '');
  }
  const env = mufiz(['-e', 'print 1;'], { env: { MUFIZ_OPTIONS: '--gc-growth=0.5' } });
  assert.is(env.status, 64);
  assert.match(env.stderr, /--gc-growth/);
});

test('sizes take K, M and G; MUFIZ_OPTIONS carries the memory flags', () => {
  const r = mufiz(['--gc-stats', '-e', 'print 1;'], { env: { MUFIZ_OPTIONS: '--gc-threshold=512K --gc-growth=3 --heap-limit=64M --track-sites --quarantine' } });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /next threshold: +524288 \(0\.50 MiB\)/);
  const m = mufiz(['--mem-stats', '--heap-limit=1G', '-e', 'print 1;']);
  assert.match(m.stderr, /limit 1073741824$/m);
});

test('--help lists every memory flag and docs/memory.md documents each', () => {
  const help = mufiz(['--help']).stdout;
  const doc = require('fs').readFileSync(path.join(__dirname, '..', 'docs', 'memory.md'), 'utf8') as string;
  for (const flag of ['--gc-trace', '--gc-stats', '--mem-stats', '--mem-profile', '--leak-check', '--gc-threshold', '--gc-growth', '--heap-limit',
    '--no-gc', '--gc-stress', '--heap-verify', '--track-sites', '--quarantine', '--no-safety', '--no-tracking', '--gc-report',
    '--gc-mode', '--gc-step-size', '--gc-step-mul', '--gc-minor-mul', '--gc-major-mul']) {
    assert.match(help, flag, `--help mentions ${flag}`);
    assert.match(doc, '`' + flag, `docs/memory.md documents ${flag}`);
  }
});

test('--gc-mode: each mode runs the program and names itself in --gc-stats; a bad mode is a usage error', () => {
  for (const mode of ['stw', 'incremental', 'generational']) {
    const r = mufiz([`--gc-mode=${mode}`, '--gc-stats', '--gc-trace', '--gc-threshold=128K', CHURN]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`^  mode: +${mode}$`, 'm'));
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('gc '));
    assert.ok(lines.length >= 2, `${mode}: collections ran (${lines.length})`);
    for (const l of lines) assert.match(l, TRACE_LINE);
    if (mode === 'incremental') assert.match(r.stderr, / kind=incremental steps=\d+/);
    if (mode === 'generational') assert.match(r.stderr, / kind=minor steps=1/);
  }
  const bad = mufiz(['--gc-mode=lazy', '-e', 'print 1;']);
  assert.is(bad.status, 64);
  assert.match(bad.stderr, /--gc-mode: expected one of stw, incremental, generational, got 'lazy'/);
  const env = mufiz(['--gc-stats', '-e', 'print 1;'], { env: { MUFIZ_OPTIONS: '--gc-mode=generational --gc-minor-mul=50' } });
  assert.match(env.stderr, /^  mode: +generational$/m, 'MUFIZ_OPTIONS sets the mode');
});

test.run();
