import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine, Heap, MIB, compile } from '../src/index';
import { parseCommandLine } from '../src/cli/options';
import { runProgram } from '../src/cli/run';

/**
 * Engine.dispose gives the heap's reservation back (Heap.release) and the next engine of the same
 * heap limit in this thread reuses it, cleared. Each test uses its own heap size, so no other
 * test's pooled reservation can answer for it.
 */

const PROGRAM = `
class Node { init(v, next) { self.v = v; self.next = next; } }
var list = nil;
for (var i = 0; i < 2000; i = i + 1) list = Node("item " + str(i), list);
var n = 0;
while (list != nil) { n = n + len(list.v); list = list.next; }
print n;
`;

function engineOf(heapLimit: number, out: string[] = []): Engine {
  return new Engine({ write: (t) => { out.push(t); }, allocator: { heapLimit } });
}

function bufferOf(e: Engine): ArrayBufferLike {
  return e.vm.runtime.allocator.heap.buffer;
}

/**
 * Whether an engine with heap limit `nextSize`, made after `giveBack` ran on an engine of `size`,
 * gets that engine's reservation. Both engines are disposed at the end.
 */
function reusedAfter(size: number, giveBack: (e: Engine) => void, nextSize = size): boolean {
  const first = engineOf(size);
  const buffer = bufferOf(first);
  giveBack(first);
  const next = engineOf(nextSize);
  const reused = bufferOf(next) === buffer;
  first.dispose();
  next.dispose();
  return reused;
}

test('a disposed engine\'s heap is the next one\'s, every byte it wrote cleared, and the program runs as on a fresh heap', () => {
  const size = 24 * MIB + 8;
  const firstOut: string[] = [];
  const first = engineOf(size, firstOut);
  assert.is(first.run(PROGRAM, 'a.mufi').kind, 'ok');
  const buffer = bufferOf(first);
  // The list is garbage now: the collection frees the heap's tail and lowers `top`, so only the
  // high-water mark says how far the program wrote.
  first.collect();
  const written = first.vm.runtime.allocator.peakTop;
  assert.ok(first.vm.runtime.allocator.top < written, 'top fell below the high-water mark');
  assert.ok(written > 100_000, `the program wrote ${written} bytes`);
  first.dispose();

  const nextOut: string[] = [];
  const next = engineOf(size, nextOut);
  assert.ok(bufferOf(next) === buffer, 'the same reservation');
  // What the new engine wrote itself (its runtime's objects) is below its own top; above it, to
  // the end of the heap, every byte must be zero again.
  const u8 = next.vm.runtime.allocator.heap.u8;
  const from = next.vm.runtime.allocator.top;
  let nonZero = 0;
  for (let i = from; i < u8.length; i++) if (u8[i] !== 0) nonZero++;
  assert.is(nonZero, 0, `bytes left over above ${from}`);
  assert.is(next.run(PROGRAM, 'b.mufi').kind, 'ok');
  assert.equal(nextOut, firstOut);
  assert.equal(next.vm.runtime.allocator.verify(), []);
  next.dispose();
});

test('an engine not disposed keeps its heap: the next engine gets a reservation of its own', () => {
  assert.not.ok(reusedAfter(24 * MIB + 16, () => {}));
});

test('a reservation of another size is not reused', () => {
  let buffer: ArrayBufferLike | null = null;
  assert.not.ok(reusedAfter(24 * MIB + 24, (e) => { buffer = bufferOf(e); e.dispose(); }, 24 * MIB + 32));
  const c = engineOf(24 * MIB + 24);
  assert.ok(bufferOf(c) === buffer, 'still pooled for its own size');
  c.dispose();
});

test('a disposed engine refuses every call; a second dispose does nothing', () => {
  const e = engineOf(24 * MIB + 40);
  e.dispose();
  e.dispose();
  assert.throws(() => e.run('print 1;', 'x.mufi'), /disposed/);
  assert.throws(() => e.collect(), /disposed/);
  assert.throws(() => e.heapNow(), /disposed/);
  assert.throws(() => e.gcStats(), /disposed/);
  assert.throws(() => e.globalNames(), /disposed/);
  const script = compile('print 1;', 'x.mufi').script;
  if (script === null) throw new Error('compiles');
  assert.throws(() => e.runScript(script, 'x.mufi'), /disposed/);
  assert.throws(() => e.leakCheck(), /disposed/);
  assert.throws(() => e.gcOptions(), /disposed/);
  assert.throws(() => e.memStats(), /disposed/);
  assert.throws(() => e.liveByKind(), /disposed/);
  assert.throws(() => e.topSites('bytes', 3), /disposed/);
  // Its reservation went into the pool once, not twice: two new engines cannot share it.
  const x = engineOf(24 * MIB + 40), y = engineOf(24 * MIB + 40);
  assert.ok(bufferOf(x) !== bufferOf(y));
  x.dispose();
  y.dispose();
});

test('a reused reservation needs no new one: Heap.beforeReserve runs only for fresh reservations', () => {
  const saved = Heap.beforeReserve;
  let calls = 0;
  try {
    Heap.beforeReserve = () => { calls++; };
    const a = engineOf(24 * MIB + 48);
    assert.is(calls, 1);
    a.dispose();
    const b = engineOf(24 * MIB + 48);
    assert.is(calls, 1, 'reused, not reserved');
    b.dispose();
  } finally {
    Heap.beforeReserve = saved;
  }
});

test('the pool keeps the four reservations released last: an older one is left to V8', () => {
  const sizes = [1, 2, 3, 4, 5].map((k) => 25 * MIB + 8 * k);
  const buffers = sizes.map((size) => { const e = engineOf(size); const b = bufferOf(e); e.dispose(); return b; });
  // The first was pushed out by the fifth; the others are still there, each for its own size.
  const again = sizes.map((size) => { const e = engineOf(size); const b = bufferOf(e); return { e, b }; });
  assert.ok(again[0].b !== buffers[0], 'the oldest was dropped');
  for (let k = 1; k < 5; k++) assert.ok(again[k].b === buffers[k], `size ${k} reused`);
  for (const { e } of again) e.dispose();
});

test('a heap released twice is pooled once (Heap.release\'s own guard, below the engine\'s)', () => {
  const e = engineOf(25 * MIB + 56);
  e.vm.dispose(true);
  e.vm.dispose(true);
  const x = engineOf(25 * MIB + 56), y = engineOf(25 * MIB + 56);
  assert.ok(bufferOf(x) === bufferOf(e), 'the one pooled reservation');
  assert.ok(bufferOf(y) !== bufferOf(x));
  x.dispose();
  y.dispose();
});

test('reuseHeap: false leaves the reservation to V8 (after an internal error)', () => {
  assert.not.ok(reusedAfter(25 * MIB + 64, (e) => e.dispose({ reuseHeap: false })));
  assert.ok(reusedAfter(25 * MIB + 64, (e) => e.dispose()), 'as dispose() with no option does not');
});

test('an engine cannot be disposed from a host callback while it runs, and stays usable', () => {
  let e: Engine | null = null;
  e = new Engine({ write: () => { e?.dispose(); }, allocator: { heapLimit: 25 * MIB + 72 } });
  assert.throws(() => (e as Engine).run('print 1;', 'x.mufi'), /while it runs/);
  const out: string[] = [];
  const f = new Engine({ write: (t) => { out.push(t); }, allocator: { heapLimit: 25 * MIB + 72 } });
  assert.ok(bufferOf(f) !== bufferOf(e), 'the running engine kept its heap');
  assert.is(e.collect() >= 0, true, 'still usable');
  e.dispose();
  f.dispose();
});

test('a reservation the host reduced is reused by the next heap asking for the same size', () => {
  const real = globalThis.SharedArrayBuffer;
  const refusing = function (size: number) {
    if (size > 100 * MIB) throw new RangeError('Array buffer allocation failed');
    return new real(size);
  } as unknown as SharedArrayBufferConstructor;
  const saved = Heap.beforeReserve;
  let reservations = 0;
  try {
    globalThis.SharedArrayBuffer = refusing;
    Heap.beforeReserve = () => { reservations++; };
    const a = engineOf(200 * MIB + 8);
    const heap = a.vm.runtime.allocator.heap;
    assert.ok(heap.reduced && heap.size <= 100 * MIB, `reduced to ${heap.size}`);
    a.dispose();
    const b = engineOf(200 * MIB + 8);
    assert.ok(bufferOf(b) === heap.buffer, 'the reduced reservation again');
    assert.ok(b.vm.runtime.allocator.heap.reduced);
    assert.is(reservations, 1);
    b.dispose();
  } finally {
    globalThis.SharedArrayBuffer = real;
    Heap.beforeReserve = saved;
  }
});

test('runProgram disposes its engine: the next run in this thread gets the same heap', () => {
  const buffers: ArrayBufferLike[] = [];
  const runOnce = (): string => {
    let out = '';
    const o = parseCommandLine(['--heap-limit=26M', '-e', 'var s = ""; for (var i = 0; i < 100; i = i + 1) s = s + "x"; print len(s);'], undefined);
    const status = runProgram(o, o.eval ?? '', '<string>', {
      stdout: (t) => { out += t; }, stderr: (t) => { out += t; }, readLine: () => null,
      setup: (engine) => { buffers.push(engine.vm.runtime.allocator.heap.buffer); },
    });
    assert.is(status, 0, out);
    return out;
  };
  assert.is(runOnce(), '100\n');
  assert.is(runOnce(), '100\n');
  assert.is(buffers.length, 2);
  assert.ok(buffers[0] === buffers[1]);
});

test.run();
