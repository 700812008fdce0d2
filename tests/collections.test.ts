import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prng } from './prng';
import { Engine } from '../src/index';
import { MIB } from '../src/memory';

/**
 * The collection stores (hash tables, vectors, lists) driven directly against JS models, under
 * a collector that runs before every allocation and verifies the heap after each collection.
 */

function makeRuntime() {
  const engine = new Engine({ write: () => {}, gc: { stress: 1, verify: true }, allocator: { heapLimit: 64 * MIB } });
  return engine.vm.runtime;
}


test('hash table: random inserts, updates and removals agree with a JS Map, in insertion order', () => {
  const rt = makeRuntime();
  const h = rt.hashes.make();
  rt.pushRoot(h);
  const model = new Map<string, number>();
  const rand = prng(42);
  for (let step = 0; step < 3000; step++) {
    const key = 'k' + Math.floor(rand() * 300);
    const s = rt.strings.fromJs(key);
    rt.pushRoot(s);
    if (rand() < 0.3) {
      assert.is(rt.hashes.remove(h, s), model.delete(key), `remove ${key} at step ${step}`);
    } else {
      rt.hashes.set(h, s, 3 /* INT */, step);
      if (!model.has(key)) model.set(key, step);
      else model.set(key, step);
    }
    rt.popRoot();
    assert.is(rt.hashes.count(h), model.size);
  }
  const seen: Array<[string, number]> = [];
  for (let i = 0; i < rt.hashes.used(h); i++) {
    const e = rt.hashes.entryAt(h, i);
    const k = rt.hashes.entryKey(e);
    if (k !== 0) seen.push([rt.strings.toJs(k), rt.hashes.entryPayload(e)]);
  }
  assert.equal(seen, [...model.entries()]);
  for (const [key, value] of model) {
    const e = rt.hashes.find(h, rt.strings.fromJs(key));
    assert.ok(e !== 0, key);
    assert.is(rt.hashes.entryPayload(e), value);
  }
  assert.is(rt.hashes.find(h, rt.strings.fromJs('absent')), 0);
  rt.popRoot();
});

test('hash table: a removed key is absent and re-inserting it appends at the end', () => {
  const rt = makeRuntime();
  const h = rt.hashes.make();
  rt.pushRoot(h);
  const a = rt.strings.fromJs('a'); rt.pushRoot(a);
  const b = rt.strings.fromJs('b'); rt.pushRoot(b);
  rt.hashes.set(h, a, 3, 1);
  rt.hashes.set(h, b, 3, 2);
  assert.ok(rt.hashes.remove(h, a));
  assert.not.ok(rt.hashes.remove(h, a), 'second removal finds nothing (a tombstone is not an entry)');
  assert.is(rt.hashes.find(h, a), 0);
  rt.hashes.set(h, a, 3, 3);
  const order: string[] = [];
  for (let i = 0; i < rt.hashes.used(h); i++) {
    const k = rt.hashes.entryKey(rt.hashes.entryAt(h, i));
    if (k !== 0) order.push(rt.strings.toJs(k));
  }
  assert.equal(order, ['b', 'a']);
});

test('float vector: push, insert and removeAt agree with a JS array across growth', () => {
  const rt = makeRuntime();
  const v = rt.vectors.make(0);
  rt.pushRoot(v);
  const model: number[] = [];
  const rand = prng(7);
  for (let step = 0; step < 2000; step++) {
    const r = rand();
    if (r < 0.6) { rt.vectors.push(v, step); model.push(step); }
    else if (r < 0.8) { const i = Math.floor(rand() * (model.length + 1)); rt.vectors.insert(v, i, -step); model.splice(i, 0, -step); }
    else if (model.length > 0) { const i = Math.floor(rand() * model.length); assert.is(rt.vectors.removeAt(v, i), model.splice(i, 1)[0]); }
  }
  assert.equal(rt.vectors.toArray(v), model);
});

test('linked list: pushes, inserts and unlinks agree with a JS array', () => {
  const rt = makeRuntime();
  const l = rt.lists.make();
  rt.pushRoot(l);
  const model: number[] = [];
  const rand = prng(99);
  for (let step = 0; step < 1500; step++) {
    const r = rand();
    if (r < 0.3) { rt.lists.pushBack(l, 3, step); model.push(step); }
    else if (r < 0.5) { rt.lists.pushFront(l, 3, step); model.unshift(step); }
    else if (r < 0.7) {
      const i = Math.floor(rand() * (model.length + 1));
      rt.lists.insertBefore(l, i === model.length ? 0 : rt.lists.nodeAt(l, i), 3, step);
      model.splice(i, 0, step);
    } else if (model.length > 0) {
      const i = Math.floor(rand() * model.length);
      const node = rt.lists.nodeAt(l, i);
      assert.is(rt.lists.nodeValue(node), model[i]);
      rt.lists.unlink(l, node);
      model.splice(i, 1);
    }
    assert.is(rt.lists.count(l), model.length);
  }
  const values: number[] = [];
  for (let n = rt.lists.head(l); n !== 0; n = rt.lists.next(n)) values.push(rt.lists.nodeValue(n));
  assert.equal(values, model);
});

test('collections survive stress collections inside a program (verified heap)', () => {
  const out: string[] = [];
  const engine = new Engine({ write: (s) => { out.push(s); }, gc: { stress: 1, verify: true }, allocator: { heapLimit: 64 * MIB } });
  const o = engine.run(`
    var h = #{};
    var l = linked_list();
    for (var i = 0; i < 40; i++) { h["k" + i] = [i, i + 0.5]; push(l, "s" + i => i); }
    for (var i = 0; i < 40; i += 2) remove(h, "k" + i);
    var total = 0;
    foreach (p in h) total += p[1][1];
    foreach (p in l) total += p[1];
    print total;
    print len(h);
  `, 't.mufi');
  assert.is(o.kind, 'ok');
  // odd i: sum of (i + 0.5) for i = 1, 3, ..., 39 = 400 + 10; plus 0 + ... + 39 = 780
  assert.is(out.join(''), '1190\n20\n');
});

test.run();
