/**
 * The in-process case runner of `npm test` (scripts/cases/) must be a faithful stand-in for
 * `node bin/mufiz.js`: on a sample of golden programs and flags, the worker pool gives exactly
 * the CLI's stdout, stderr and exit status. Also: a hang is stopped and reported as a timeout,
 * and the runner counts skipped unit tests as skipped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { BIN, ROOT, cleanEnv } from './cli-helpers';

/* eslint-disable @typescript-eslint/no-var-requires */
const { CasePool } = require('../scripts/cases/pool');
const { goldenCases } = require('../scripts/cases/find');
const { judge } = require('../scripts/cases/judge');
const { verdict } = require('../scripts/cases/unit');

interface Result { stdout: Buffer; stderr: Buffer; status: number }
interface Case { name: string; file: string | null; source: string | null; expect: { code: number } }

// The CLI below runs without these; the pool's threads copy this process's environment.
for (const k of ['NO_COLOR', 'FORCE_COLOR', 'MUFIZ_OPTIONS', 'MUFIZ_DEBUG']) delete process.env[k];

function cli(flags: string[], file: string | null, source: string | null): Result {
  const r = spawnSync(process.execPath, [BIN, ...flags, file ?? '-'], { cwd: ROOT, input: source ?? '', env: cleanEnv(), timeout: 120000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

/** Of every exit status the goldens expect, the first two cases; and the first few passing ones. */
function sample(): Case[] {
  const all: Case[] = goldenCases(ROOT, path.join('tests', 'golden'));
  const picked: Case[] = [];
  const byCode = new Map<number, number>();
  for (const c of all) {
    const n = byCode.get(c.expect.code) ?? 0;
    if (n < (c.expect.code === 0 ? 4 : 2)) { picked.push(c); byCode.set(c.expect.code, n + 1); }
  }
  return picked;
}

/** Flags beyond plain mode, each tried on a passing, a runtime-error and an exiting case. */
const FLAG_SETS = [['--leak-check'], ['--gc-stress=20', '--heap-verify'], ['--max-frames=50'], ['--no-such-flag']];

async function same(pool: any, flags: string[], c: { name: string; file: string | null; source: string | null }): Promise<void> {
  const r = await pool.run({ flags, file: c.file, source: c.source }, 120);
  assert.is(r.kind, 'done', `${c.name} ${flags.join(' ')}: ${r.kind}`);
  const want = cli(flags, c.file, c.source);
  const label = `${c.name} with [${flags.join(' ')}]`;
  assert.is(r.status, want.status, `${label}: exit status`);
  assert.is(r.stdout.toString('latin1'), want.stdout.toString('latin1'), `${label}: stdout`);
  assert.is(r.stderr.toString('latin1'), want.stderr.toString('latin1'), `${label}: stderr`);
}

test('in-process results are byte-identical to bin/mufiz.js on a sample of goldens and flags', async () => {
  const cases = sample();
  assert.ok(cases.length >= 8, 'the sample has passing, failing and exiting programs');
  assert.ok(new Set(cases.map((c) => c.expect.code)).size >= 3);
  const pool = new CasePool(2);
  try {
    for (const c of cases) await same(pool, [], c);
    const few = [0, 70, 3].map((code) => cases.find((c) => c.expect.code === code)).filter((c): c is Case => c !== undefined);
    for (const flags of FLAG_SETS) for (const c of few) await same(pool, flags, c);
  } finally {
    await pool.close();
  }
});

test('a program from stdin (`mufiz -`): output, input() at end of input, a runtime error', async () => {
  const pool = new CasePool(1);
  try {
    const source = 'print "a";\nprint input();\nprint 1 + nil;\n';
    await same(pool, [], { name: '<stdin program>', file: null, source });
    await same(pool, [], { name: '<stdin compile error>', file: null, source: 'var = ;\n' });
  } finally {
    await pool.close();
  }
});

test('a hang is interrupted, reported as a timeout, and the worker goes on with the next case', async () => {
  const pool = new CasePool(1);
  try {
    const start = Date.now();
    const r = await pool.run({ flags: [], file: null, source: 'while (true) {}\n' }, 1);
    assert.is(r.kind, 'timeout');
    assert.ok(Date.now() - start < 60000, 'stopped within the grace period');
    const next = await pool.run({ flags: [], file: null, source: 'print 1 + 1;\n' }, 60);
    assert.is(next.kind, 'done');
    assert.is(next.stdout.toString(), '2\n');
  } finally {
    await pool.close();
  }
});

test('the judge fails a wrong stdout, a wrong exit status and a missing error phrase', () => {
  const c = { expect: { stdout: Buffer.from('1\n'), outRequired: true, code: 70, errPhrase: 'Operands must be numbers.' } };
  const ok = { stdout: Buffer.from('1\n'), stderr: Buffer.from('Operands must be numbers.\n[line 1] in script\n'), status: 70 };
  assert.equal(judge(c, ok), []);
  assert.equal(judge(c, { ...ok, stdout: Buffer.from('2\n') }), ['stdout differs']);
  assert.equal(judge(c, { ...ok, status: 0 }), ['exit 0, want 70']);
  assert.equal(judge(c, { ...ok, stderr: Buffer.from('') }), ['stderr lacks: Operands must be numbers.']);
  assert.equal(judge({ expect: { ...c.expect, stdout: null } }, ok), ['missing .out']);
});

test('unit-test verdicts: [skip] lines move tests from passed to skipped; test.skip counts too', () => {
  const out = '• • [skip] tmux not installed\n• [skip] no chromium\n  Total:     5\n  Passed:    4\n  Skipped:   1\n';
  assert.equal(verdict({ output: out, status: 0, timedOut: false }), { passed: 2, failed: 0, skipped: 3, reasons: ['tmux not installed', 'no chromium'], declared: 1 });
  const failing = '  Total:     5\n  Passed:    3\n  Skipped:   0\n';
  assert.is(verdict({ output: failing, status: 1, timedOut: false }).failed, 2);
  assert.is(verdict({ output: 'crashed', status: 1, timedOut: false }), null);
});

test.run();
