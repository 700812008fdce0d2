import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'fs';
import * as path from 'path';
import { Engine, CollectionRecord, RuntimeError, gcStatsReport, MIB } from '../src/index';

/** The host interface (src/vm/host.ts): everything the engine gets from its embedder. */

function engine(host: ConstructorParameters<typeof Engine>[0] = {}): { e: Engine; out: string[] } {
  const out: string[] = [];
  const e = new Engine({ write: (t) => { out.push(t); }, allocator: { heapLimit: 16 * MIB }, ...host });
  return { e, out };
}

test('input() reads the host\'s lines, after flushing the prompt; null is end of input', () => {
  const lines = ['  ada \r', null];
  const events: string[] = [];
  const out: string[] = [];
  const e = new Engine({
    write: (t) => { out.push(t); },
    flush: () => { events.push(`flush:${out.join('')}`); },
    readLine: () => { events.push('read'); return lines.shift() ?? null; },
    allocator: { heapLimit: 16 * MIB },
  });
  assert.is(e.run('var a = input("name? "); var b = input(); print a; print b;', 'in.mufi').kind, 'ok');
  assert.equal(events, ['flush:name? ', 'read', 'flush:name? ', 'read']);
  assert.is(out.join(''), 'name? ada\nnil\n');
});

test('without readLine, or under sandbox, input() is not there to read', () => {
  const a = engine();
  const r = a.e.run('input();', 'x.mufi');
  assert.is(r.kind, 'runtime-error');
  assert.match(r.kind === 'runtime-error' ? r.error.message : '', /input\(\) has no input/);
  const b = engine({ sandbox: true, readLine: () => 'x' });
  const s = b.e.run('input();', 'x.mufi');
  assert.is(s.kind, 'runtime-error');
  assert.match(s.kind === 'runtime-error' ? s.error.message : '', /input/);
});

test('a readLine that throws RuntimeError stops the program with that error', () => {
  const { e } = engine({ readLine: () => { throw new RuntimeError('Interrupted.'); } });
  const r = e.run('print 1;\ninput();', 'x.mufi');
  assert.is(r.kind, 'runtime-error');
  if (r.kind === 'runtime-error') assert.match(r.error.report(), /Interrupted\.[\s\S]*line 2/);
});

test('trace gets --gc-trace lines only when gc.trace is on; collected gets every record', () => {
  const traced: string[] = [];
  const records: CollectionRecord[] = [];
  const program = 'for (var i = 0; i < 3000; i++) { var s = str(i) + "x"; }';
  const a = engine({ gc: { threshold: 16 * 1024, trace: 'text' }, trace: (l) => { traced.push(l); }, collected: (r) => { records.push(r); } });
  assert.is(a.e.run(program, 't.mufi').kind, 'ok');
  assert.ok(records.length > 0);
  assert.is(traced.length, records.length);
  assert.match(traced[0], /^gc 1 @/);
  assert.equal(records.map((r) => r.index), a.e.gcStats().records.map((r) => r.index));
  const b = engine({ gc: { threshold: 16 * 1024 }, trace: (l) => { traced.push(l); } });
  const before = traced.length;
  assert.is(b.e.run(program, 't.mufi').kind, 'ok');
  assert.ok(b.e.gcStats().collections > 0);
  assert.is(traced.length, before);
});

test('the host hears of every collection, those while the natives are registered included', () => {
  let traced = 0, seen = 0;
  const { e } = engine({ gc: { stress: 1, trace: 'json' }, trace: () => { traced++; }, collected: () => { seen++; } });
  assert.is(e.run('var s = str(1) + "x";', 's.mufi').kind, 'ok');
  const n = e.gcStats().collections;
  assert.ok(n > 100);
  assert.is(seen, n);
  assert.is(traced, n);
});

test('clock() reads the host\'s clock', () => {
  const { e, out } = engine({ now: () => 42500 });
  assert.is(e.run('print clock();', 'c.mufi').kind, 'ok');
  assert.is(out.join(''), '42.5\n');
});

test('a raised interrupt flag stops a loop and a sleep; the flag is cleared', () => {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { e } = engine({ interrupt: flag });
  Atomics.store(flag, 0, 1);
  const r = e.run('while (true) {}', 'loop.mufi');
  assert.is(r.kind, 'runtime-error');
  if (r.kind === 'runtime-error') assert.match(r.error.message, /Interrupted/);
  assert.is(Atomics.load(flag, 0), 0);
  Atomics.store(flag, 0, 1);
  const t0 = Date.now();
  const s = e.run('sleep(5);', 'sleep.mufi');
  assert.is(s.kind, 'runtime-error');
  assert.ok(Date.now() - t0 < 2000);
});

test('heapNow, liveByKind and gcStatsReport describe the same heap', () => {
  const { e } = engine({ gc: { threshold: 32 * 1024 } });
  assert.is(e.run('var keep = []; for (var i = 0; i < 200; i++) { push(keep, i); } var s = "a" + str(1);', 'h.mufi').kind, 'ok');
  const h = e.heapNow();
  const kinds = e.liveByKind();
  assert.is(kinds.reduce((n, k) => n + k.bytes, 0), h.liveBytes);
  assert.is(kinds.reduce((n, k) => n + k.count, 0), h.liveBlocks);
  const report = gcStatsReport(e);
  assert.ok(report.includes(`live now:         ${h.liveBytes} bytes in ${h.liveBlocks} blocks`));
  assert.ok(report.includes(`collections:      ${e.gcStats().collections}`));
});

/** Node's modules may be imported at the top only by the CLI: the engine must load in a browser. */
test('the engine core imports no Node module at load time', () => {
  const root = path.join(__dirname, '..', 'src');
  const bad: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) { if (name !== 'cli') walk(file); continue; }
      if (!name.endsWith('.ts')) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^import[^'"]*from '([^.'][^']*)'/gm)) {
        if (m[1] !== 'chevrotain' && !/^import type/.test(m[0])) bad.push(`${path.relative(root, file)}: ${m[1]}`);
      }
      if (/^[^/*\n]*\bprocess\.(stdout|stderr|stdin)/m.test(text)) bad.push(`${path.relative(root, file)}: process stdio`);
    }
  };
  walk(root);
  assert.equal(bad, []);
});

test.run();
