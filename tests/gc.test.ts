import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { Engine, RunOutcome } from '../src/index';
import { HeapCorruptionError } from '../src/gc';
import { MIB, HEADER_BYTES } from '../src/memory';
import { L } from '../src/vm/layout';
import { INTERN_ENTRY_WORDS } from '../src/vm/strings';
import { patience } from './cli-helpers';

const STRING_KIND = 1;
const INSTANCE_KIND = 7;
const OBJ_TAG = 5;

function makeEngine(options: { gc?: Record<string, unknown>; allocator?: Record<string, unknown> } = {}) {
  const out: string[] = [];
  const engine = new Engine({
    write: (s: string) => { out.push(s); },
    gc: options.gc ?? {},
    allocator: { heapLimit: 64 * MIB, ...(options.allocator ?? {}) },
  });
  const rt = engine.vm.runtime;
  return { engine, out, rt, text: () => out.join('') };
}

function describe(o: RunOutcome): string {
  if (o.kind === 'compile-error') return `compile error: ${o.diagnostics.map((d) => JSON.stringify(d)).join('; ')}`;
  if (o.kind === 'runtime-error') return `runtime error: ${o.error.report()}`;
  if (o.kind === 'exit') return `exit ${o.status}`;
  return 'ok';
}

function runOk(engine: Engine, src: string): void {
  const o = engine.run(src, 'test.mufi');
  assert.is(o.kind, 'ok', describe(o));
}

function liveOfKind(e: ReturnType<typeof makeEngine>, kind: number): number {
  return e.rt.allocator.walkTotals().countByKind.get(kind) ?? 0;
}

function stringCountFromStats(e: ReturnType<typeof makeEngine>): number {
  const row = e.rt.allocator.getMemStats().byKind.find((r) => r.kind === 'string');
  return row ? row.count : 0;
}

const CHURN = `
class P { init(x) { self.x = x; self.tag = "p" + str(x); } }
var i = 0;
while (i < 30000) {
  var p = P(i);
  var s = "garbage-" + str(i) + "-" + str(i * 7);
  i = i + 1;
}
print i;
`;

test('a program\'s garbage is reclaimed by a collection', () => {
  const e = makeEngine();
  runOk(e.engine, 'print 1;');
  e.engine.vm.collect();
  const baseBytes = e.rt.allocator.stats.currentBytes;
  runOk(e.engine, CHURN);
  assert.is(e.text(), '1\n30000\n');
  const peak = e.rt.allocator.stats.peakBytes;
  e.engine.vm.collect();
  const after = e.rt.allocator.stats.currentBytes;
  assert.ok(e.rt.gc.stats.objectsFreed > 60000, `objects were freed (${e.rt.gc.stats.objectsFreed})`);
  assert.is(liveOfKind(e, INSTANCE_KIND), 0, 'no instance survives: none is reachable');
  assert.ok(after < baseBytes + 256 * 1024, `live bytes after collection (${after}) are close to the baseline (${baseBytes})`);
  // 30,000 instances with two fields and 60,000 strings would need several MiB without collection.
  assert.ok(peak < 8 * MIB, `the heap never grew past a few MiB (peak ${peak})`);
  assert.equal(e.rt.allocator.verify(), []);
  e.rt.gc.verifyHeap();
});

const REACHABLE = `
class Node { init(v, next) { self.v = v; self.next = next; } }
var head = nil;
for (var i = 0; i < 40; i = i + 1) { head = Node("n" + str(i), head); }
fun counter() {
  var c = 0;
  var tag = "t" + "ag";
  fun inc() { c = c + 1; return tag + str(c); }
  return inc;
}
var f = counter();
f();
f();
class Box {
  init() { self.items = nil; }
  add(x) { self.items = Node(x, self.items); }
  sum() {
    var s = 0;
    var n = self.items;
    while (n != nil) { s = s + n.v; n = n.next; }
    return s;
  }
}
var b = Box();
var add = b.add;
for (var i = 1; i <= 20; i = i + 1) add(i * 2);
for (var i = 0; i < 100; i = i + 1) { var junk = Node("j" + str(i), Node(i, nil)); }
var n = head;
var count = 0;
while (n != nil) { count = count + 1; n = n.next; }
print count;
print head.v;
print head.next.next.v;
print f();
print b.sum();
var holder = Box();
holder.later = Node("late", nil);
holder.fn = f;
print holder.later.v;
print holder.fn();
`;

test('reachable objects survive collections: globals, upvalues, fields, bound methods (stress + verify)', () => {
  const e = makeEngine({ gc: { verify: true, stress: 1 } });
  runOk(e.engine, REACHABLE);
  assert.is(e.text(), '40\nn39\nn37\ntag3\n420\nlate\ntag4\n');
  assert.ok(e.rt.gc.stats.collections > 500, `stress mode collected often (${e.rt.gc.stats.collections})`);
  e.engine.vm.collect();
  e.rt.gc.verifyHeap();
});

test('reachable objects survive with a tiny threshold and default stress off', () => {
  const e = makeEngine({ gc: { verify: true, threshold: 4096, growth: 1.5 } });
  runOk(e.engine, REACHABLE);
  assert.is(e.text(), '40\nn39\nn37\ntag3\n420\nlate\ntag4\n');
  assert.ok(e.rt.gc.stats.collections > 3);
});

// stw: the full sweep refills the table (Collector.registerWeakSurvivors); incremental and
// generational also check the entry scan of removeWhite (their collections and steps).
for (const mode of ['stw', 'incremental', 'generational'] as const) test(`the intern table is weak: dropped strings are removed by a collection (${mode})`, () => {
  const e = makeEngine({ gc: { mode, threshold: 64 * 1024 } });
  runOk(e.engine, 'var keep = "kept-" + str(12345);');
  e.engine.vm.collect();
  const base = stringCountFromStats(e);
  runOk(e.engine, `
    var i = 0;
    while (i < 5000) { var s = "distinct-" + str(i); i = i + 1; }
  `);
  const before = stringCountFromStats(e);
  e.engine.vm.collect();
  const after = stringCountFromStats(e);
  assert.is(after, liveOfKind(e, STRING_KIND), 'byKind agrees with a heap walk');
  assert.ok(after <= base + 30, `strings after collection (${after}) back near the baseline (${base}); before: ${before}`);
  // Every entry left in the intern table is a live string.
  const st = e.rt.strings;
  let entries = 0;
  for (let i = 0; i < st.capacity; i++) {
    const w = (st.tableAddr >>> 2) + i * INTERN_ENTRY_WORDS;
    const s = e.rt.u32[w];
    if (s === 0) continue;
    entries++;
    assert.ok(e.rt.allocator.isLiveBlockSlow(s), `intern entry ${s} is a live block`);
    assert.is(e.rt.allocator.kindOf(s), STRING_KIND);
    assert.is(e.rt.u32[w + 1], st.hashOf(s), 'the entry holds the string\'s hash');
  }
  assert.is(entries, after, 'the table holds exactly the live strings');
  // The kept string is still interned and found again.
  const out0 = e.out.length;
  runOk(e.engine, 'print keep == "kept-12345"; print "distinct-" + str(42);');
  assert.is(e.out.slice(out0).join(''), 'true\ndistinct-42\n');
});

for (const [name, src] of [
  ['classes', 'class A { init(x) { self.x = x; } get() { return self.x; } } class B < A { get() { return super.get() * 2; } } var b = B(4); print b.get(); var m = b.get; print m();'],
  ['closures', 'fun mk(n) { var s = "v" + str(n); fun g() { return s; } return g; } var a = mk(1); var i = 0; while (i < 100) { mk(i); i = i + 1; } print a();'],
  ['strings', 'var s = ""; for (var i = 0; i < 200; i = i + 1) { s = s + str(i % 10); } print len(s);'],
  ['runtime error', 'class Q {} fun f(q) { return q.missing; } f(Q());'],
] as const) {
  test(`leakCheck() finds nothing after a program using ${name}`, () => {
    const e = makeEngine();
    e.engine.run(src, 'leak.mufi');
    assert.ok(e.rt.allocator.stats.currentAllocations > 0);
    assert.equal(e.engine.vm.leakCheck(), []);
    assert.is(e.rt.allocator.stats.currentAllocations, 0);
    assert.is(e.rt.allocator.stats.currentBytes, 0);
  });
}

const OOM = `
class N { init(n) { self.next = n; self.pad = 0; } }
var head = nil;
var count = 0;
while (true) { head = N(head); count = count + 1; }
`;

test('reaching the heap limit is a runtime error naming the limit', () => {
  const e = makeEngine({ allocator: { heapLimit: 8 * MIB } });
  const o = e.engine.run(OOM, 'oom.mufi');
  assert.is(o.kind, 'runtime-error', describe(o));
  if (o.kind === 'runtime-error') {
    assert.is(o.error.mufiMessage, 'Out of memory: heap limit of 8 MiB reached.');
    assert.match(o.error.report(), '[line 5] in script');
  }
  assert.equal(e.rt.allocator.verify(), []);
  e.rt.gc.verifyHeap();
});

test('after an out-of-memory error in a function, the unwound garbage is reclaimed and the engine stays usable', () => {
  const e = makeEngine({ allocator: { heapLimit: 8 * MIB } });
  const o = e.engine.run(`
class N { init(n) { self.next = n; self.pad = 0; } }
var count = 0;
fun build() {
  var head = nil;
  while (true) { head = N(head); count = count + 1; }
}
build();
`, 'oom.mufi');
  assert.is(o.kind, 'runtime-error', describe(o));
  if (o.kind === 'runtime-error') {
    assert.is(o.error.mufiMessage, 'Out of memory: heap limit of 8 MiB reached.');
    assert.match(o.error.report(), 'in build()');
  }
  e.engine.vm.collect();
  assert.ok(e.rt.allocator.stats.currentBytes < 1 * MIB, `the chain built by build() was freed (${e.rt.allocator.stats.currentBytes} bytes live)`);
  e.rt.gc.verifyHeap();
  runOk(e.engine, 'print count > 10000; var z = N(nil); z.pad = "after"; print z.pad;');
  assert.is(e.text(), 'true\nafter\n');
});

test('an out-of-memory error while loading the next program is a runtime-error outcome, not a thrown JS error', () => {
  const e = makeEngine({ allocator: { heapLimit: 8 * MIB } });
  const first = e.engine.run(OOM, 'oom.mufi');
  assert.is(first.kind, 'runtime-error');
  // The chain is still reachable from the global `head`: the heap is full for the next program too.
  let second: RunOutcome | null = null;
  try {
    second = e.engine.run('print count;', 'next.mufi');
  } catch (err) {
    assert.unreachable(`Engine.run threw ${(err as Error).name}: ${(err as Error).message}`);
  }
  assert.ok(second !== null);
  if (second!.kind === 'runtime-error') assert.match(second!.error.mufiMessage, 'Out of memory');
  else assert.is(second!.kind, 'ok');
});

test('CLI: --heap-limit=8M ends with exit 70, the out-of-memory message and no JS stack trace', () => {
  const bin = path.join(__dirname, '..', 'bin', 'mufiz.js');
  assert.ok(existsSync(path.join(__dirname, '..', 'dist', 'cli', 'main.js')), 'build the CLI first (npx tsc -p .)');
  const dir = mkdtempSync(path.join(tmpdir(), 'mufiz-gc-'));
  const file = path.join(dir, 'oom.mufi');
  writeFileSync(file, 'print "start";\n' + OOM);
  const r = spawnSync(process.execPath, [bin, '--heap-limit=8M', file], { encoding: 'utf8', timeout: patience(60000) });
  assert.is(r.status, 70, `exit status (stderr: ${r.stderr})`);
  assert.is(r.stdout, 'start\n');
  assert.ok(r.stderr.includes('Out of memory: heap limit of 8 MiB reached.'), r.stderr);
  assert.not.match(r.stderr, /^\s+at /m, 'no stack frames');
  assert.not.match(r.stderr, /\.(ts|js):\d/, 'no source positions of the implementation');
  assert.not.match(r.stderr, /Internal error/);
});

test('CLI: a script whose constants do not fit the heap gets the out-of-memory runtime error, not an internal error', () => {
  const bin = path.join(__dirname, '..', 'bin', 'mufiz.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'mufiz-gc-'));
  const file = path.join(dir, 'big.mufi');
  writeFileSync(file, 'var s = "' + 'a'.repeat(3 * 1024 * 1024) + '";\nprint len(s);\n');
  const r = spawnSync(process.execPath, [bin, '--heap-limit=2M', file], { encoding: 'utf8', timeout: patience(60000) });
  assert.is(r.status, 70);
  assert.ok(r.stderr.includes('Out of memory: heap limit of 2 MiB reached.'), r.stderr);
  assert.not.match(r.stderr, /Internal error/, 'an out-of-memory condition is a runtime error of the program');
  assert.not.match(r.stderr, /^\s+at /m);
});

test('thresholds: collections follow nextGC = max(threshold, live × growth)', () => {
  const threshold = 64 * 1024;
  const e = makeEngine({ gc: { threshold, growth: 2 } });
  runOk(e.engine, `
    class K { init(v) { self.v = v; } }
    var keep = nil;
    var i = 0;
    while (i < 20000) {
      var t = K("s" + str(i));
      if (i % 10 == 0) { var n = K(keep); n.w = t; keep = n; }
      i = i + 1;
    }
  `);
  const recs = e.rt.gc.stats.records;
  assert.ok(e.rt.gc.stats.collections > 1, `several collections (${e.rt.gc.stats.collections})`);
  assert.is(recs.length, e.rt.gc.stats.collections);
  let prevNext = threshold;
  for (const r of recs) {
    assert.is(r.nextThreshold, Math.max(threshold, r.bytesAfter * 2), `collection ${r.index}`);
    assert.ok(r.bytesAfter <= r.bytesBefore);
    if (r.reason === 'threshold') {
      assert.ok(r.bytesBefore <= prevNext, `collection ${r.index} started at ${r.bytesBefore} live bytes: an earlier allocation took the heap past the threshold ${prevNext} without collecting`);
      assert.ok(r.bytesBefore + r.requestBytes + 8 > prevNext, `collection ${r.index} started only when its allocation (${r.requestBytes} bytes) would pass the threshold ${prevNext} (${r.bytesBefore} live)`);
    }
    prevNext = r.nextThreshold;
  }
  assert.is(e.rt.gc.nextGC, prevNext);
  // The kept chain grows, so the threshold must have risen above the minimum at some point.
  assert.ok(recs.some((r) => r.nextThreshold > threshold), 'threshold grows with the live heap');
});

function findInstanceWithSlot(e: ReturnType<typeof makeEngine>): number {
  let found = 0;
  e.rt.allocator.forEachBlock((b, _size, kind) => {
    const a = b + HEADER_BYTES;
    if (found === 0 && kind === INSTANCE_KIND && e.rt.u32[(a + L.INST_INLINE) >>> 2] > 0) found = a;
  });
  return found;
}

function plant(e: ReturnType<typeof makeEngine>, inst: number, target: number): void {
  const slot = inst + L.INST_SLOTS;
  e.rt.u32[slot >>> 2] = OBJ_TAG;
  e.rt.f64[(slot + 8) >>> 3] = target;
}

test('the heap verifier catches a reference to a freed block', () => {
  const e = makeEngine();
  runOk(e.engine, 'class P { init(x) { self.x = x; } } var a = P(1); var b = P(2); var c = P(3);');
  e.engine.vm.collect();
  e.rt.gc.verifyHeap(); // sound before the corruption
  const inst = findInstanceWithSlot(e);
  assert.ok(inst !== 0, 'found an instance with an inline slot');
  const victim = e.rt.allocator.alloc(48, STRING_KIND);
  e.rt.allocator.alloc(16, STRING_KIND); // keeps the victim below top once freed
  e.rt.allocator.free(victim);
  plant(e, inst, victim);
  assert.throws(() => e.rt.gc.verifyHeap(), (err: unknown) => err instanceof HeapCorruptionError && /not a live block/.test((err as Error).message));
});

test('the heap verifier catches a reference outside the heap and an interior pointer', () => {
  const e = makeEngine();
  runOk(e.engine, 'class P { init(x) { self.x = x; } } var a = P(1); var b = P(2);');
  const inst = findInstanceWithSlot(e);
  plant(e, inst, e.rt.allocator.top + 64);
  assert.throws(() => e.rt.gc.verifyHeap(), (err: unknown) => err instanceof HeapCorruptionError && /outside the heap/.test((err as Error).message));
  plant(e, inst, inst + 8);
  assert.throws(() => e.rt.gc.verifyHeap(), (err: unknown) => err instanceof HeapCorruptionError);
});

test('with neverUnmap a use-after-free of a collected object is caught by the verifier', () => {
  const e = makeEngine({ allocator: { neverUnmap: true } });
  runOk(e.engine, 'class P { init(x) { self.x = x; } } var keep = P(1); var gone = P(2); var other = P(3);');
  const slot = e.rt.globalSlots.get('gone');
  assert.ok(slot !== undefined);
  const goneAddr = e.rt.globalVals[slot!];
  assert.is(e.rt.allocator.kindOf(goneAddr), INSTANCE_KIND);
  runOk(e.engine, 'gone = nil;');
  e.engine.vm.collect();
  assert.not.ok(e.rt.allocator.isLiveBlockSlow(goneAddr), 'the dropped instance was collected');
  // Allocation afterwards never reuses the quarantined block.
  runOk(e.engine, 'var i = 0; while (i < 1000) { var t = P(i); i = i + 1; }');
  e.engine.vm.collect();
  assert.not.ok(e.rt.allocator.isLiveBlockSlow(goneAddr), 'still quarantined');
  e.rt.gc.verifyHeap();
  const keepAddr = e.rt.globalVals[e.rt.globalSlots.get('other')!];
  assert.ok(e.rt.u32[(keepAddr + L.INST_INLINE) >>> 2] > 0);
  plant(e, keepAddr, goneAddr);
  assert.throws(() => e.rt.gc.verifyHeap(), (err: unknown) => err instanceof HeapCorruptionError && new RegExp(String(goneAddr)).test((err as Error).message));
});

test.run();
