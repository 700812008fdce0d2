import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../src/index';
import { GcState, HeapCorruptionError, Tag } from '../src/gc';
import { MIB, MARK_BIT } from '../src/memory';
import { L } from '../src/vm/layout';

/**
 * Incremental mode, bounded steps: a big object (a hash table's entries) is traced a step's
 * budget at a time, and a store into the part already traced goes through the barrier (the
 * verifier catches one that does not, once the object is done).
 */

let out = '';

function engine(): Engine {
  out = '';
  return new Engine({ write: (s) => { out += s; }, allocator: { heapLimit: 64 * MIB }, gc: { mode: 'incremental', threshold: 64 * 1024, verify: true } });
}

/** The collector's big object in progress (private: white-box). */
const progress = (e: Engine) => e.vm.runtime.gc as unknown as { partial: number; partialNext: number };

const BIG_TABLE = 'class P { init(x) { self.x = x; } } var h = hash_table(); var i = 0; while (i < 4000) { put(h, "k" + str(i), P(i)); i = i + 1; }';

for (const planted of [false, true]) {
  test(`incremental: a big table is traced in parts; a store into its traced part ${planted ? 'without the barrier is caught' : 'through the barrier survives'}`, () => {
    const e = engine();
    assert.is(e.run(BIG_TABLE, 't.mufi').kind, 'ok');
    const rt = e.vm.runtime, gc = rt.gc;
    const h = rt.globalVals[rt.globalSlots.get('h') as number];
    const entries = rt.u32[(h + L.HT_ENTRIES) >>> 2];
    assert.ok(rt.allocator.payloadSize(entries) > 32 * 1024, 'the entries block is big');
    e.vm.collect();
    let n = 0;
    while (progress(e).partial !== entries && n++ < 100000) gc.runStep(1024);
    assert.is(progress(e).partial, entries, 'the entries block is being traced in parts');
    const from = progress(e).partialNext;
    gc.runStep(1024);
    const step = progress(e).partialNext - from;
    assert.ok(step > 0 && step <= 64, `one step of 1024 bytes traced ${step} entries of 16 bytes`);
    // Move the instance of the last entry (untraced, so white) into entry 0 (traced), then clear the last.
    const last = entries + 3999 * L.TABLE_ENTRY_SIZE, first = entries;
    const white = rt.f64[(last + 8) >>> 3];
    assert.is(rt.u8[white - 3] & MARK_BIT, 0, 'the moved instance is white');
    if (planted) {
      rt.u32[(first + 4) >>> 2] = Tag.OBJ; // the raw store a runtime bug would make
      rt.f64[(first + 8) >>> 3] = white;
    } else {
      gc.writeEntryValue(entries, first, Tag.OBJ, white);
    }
    gc.writeEntryValue(entries, last, Tag.NIL, 0);
    if (planted) {
      assert.throws(() => { for (let k = 0; k < 100000 && gc.state !== GcState.PAUSE; k++) gc.runStep(1024); },
        (x: unknown) => x instanceof HeapCorruptionError && /black table entries at \d+ points at white instance/.test((x as Error).message));
      return;
    }
    for (let k = 0; k < 100000 && gc.state !== GcState.PAUSE; k++) gc.runStep(1024);
    assert.is(gc.state, GcState.PAUSE, 'the cycle finished');
    gc.verifyHeap();
    out = '';
    assert.is(e.run('print get(h, "k0").x; print len(h);', 'u.mufi').kind, 'ok');
    assert.is(out, '3999\n4000\n', 'the moved instance is reachable from the table');
    assert.is(rt.f64[(rt.f64[(first + 8) >>> 3] + L.INST_SLOTS + 8) >>> 3], 3999, 'the moved instance survived with its field');
  });
}

test('incremental: a big table freed by the runtime while traced in parts (it grew) is dropped, and the heap verifies', () => {
  const e = engine();
  assert.is(e.run(BIG_TABLE, 't.mufi').kind, 'ok');
  const rt = e.vm.runtime, gc = rt.gc;
  const h = rt.globalVals[rt.globalSlots.get('h') as number];
  const entries = rt.u32[(h + L.HT_ENTRIES) >>> 2];
  e.vm.collect();
  let n = 0;
  while (progress(e).partial !== entries && n++ < 100000) gc.runStep(1024);
  assert.is(progress(e).partial, entries);
  // Growing the table past its capacity copies the entries into a new block and frees the old one.
  assert.is(e.run('var j = 4000; while (j < 9000) { put(h, "k" + str(j), P(j)); j = j + 1; }', 'g.mufi').kind, 'ok');
  for (let k = 0; k < 100000 && gc.state !== GcState.PAUSE; k++) gc.runStep(1024);
  assert.is(gc.state, GcState.PAUSE);
  gc.verifyHeap();
  e.vm.collect();
  out = '';
  assert.is(e.run('print get(h, "k0").x; print get(h, "k8999").x; print len(h);', 'c.mufi').kind, 'ok');
  assert.is(out, '0\n8999\n9000\n');
});

test.run();
