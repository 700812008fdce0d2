import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine, Heap, MIB } from '../src/index';

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

test('a disposed engine\'s heap is the next one\'s, every byte it wrote cleared, and the program runs as on a fresh heap', () => {
  const size = 24 * MIB + 8;
  const firstOut: string[] = [];
  const first = engineOf(size, firstOut);
  assert.is(first.run(PROGRAM, 'a.mufi').kind, 'ok');
  const buffer = bufferOf(first);
  const written = first.vm.runtime.allocator.peakTop;
  assert.ok(written > 100_000, `the program wrote ${written} bytes`);
  first.dispose();

  const nextOut: string[] = [];
  const next = engineOf(size, nextOut);
  assert.ok(bufferOf(next) === buffer, 'the same reservation');
  // What the new engine wrote itself (its runtime's objects) is below its own top; above it, up
  // to what the first engine wrote, every byte must be zero again.
  const u8 = next.vm.runtime.allocator.heap.u8;
  const from = next.vm.runtime.allocator.top;
  let nonZero = 0;
  for (let i = from; i < written; i++) if (u8[i] !== 0) nonZero++;
  assert.is(nonZero, 0, `bytes left over above ${from}`);
  assert.is(next.run(PROGRAM, 'b.mufi').kind, 'ok');
  assert.equal(nextOut, firstOut);
  assert.equal(next.vm.runtime.allocator.verify(), []);
  next.dispose();
});

test('an engine not disposed keeps its heap: the next engine gets a reservation of its own', () => {
  const size = 24 * MIB + 16;
  const kept = engineOf(size);
  const other = engineOf(size);
  assert.ok(bufferOf(other) !== bufferOf(kept));
  kept.dispose();
  other.dispose();
});

test('a reservation of another size is not reused', () => {
  const a = engineOf(24 * MIB + 24);
  const buffer = bufferOf(a);
  a.dispose();
  const b = engineOf(24 * MIB + 32);
  assert.ok(bufferOf(b) !== buffer);
  b.dispose();
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

test.run();
