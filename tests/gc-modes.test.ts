import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../src/index';
import { GcMode, GcState, HeapCorruptionError, Tag } from '../src/gc';
import { MIB, MARK_BIT, GRAY_BIT, OLD_BIT, SURVIVAL_BIT, REMEMBERED_BIT } from '../src/memory';
import { L } from '../src/vm/layout';

/**
 * The incremental and generational modes: a store that skips the write barrier is caught by the
 * verifier, and a cycle cut short (by the program's end or a runtime error) leaves a sound heap.
 */

function engine(mode: GcMode, gc: Record<string, unknown> = {}): Engine {
  return new Engine({ write: (s) => { lastOut += s; }, allocator: { heapLimit: 64 * MIB }, gc: { mode, threshold: 64 * 1024, ...gc } });
}

function globalObject(e: Engine, name: string): number {
  const rt = e.vm.runtime;
  const slot = rt.globalSlots.get(name) as number;
  assert.is(rt.globalTags[slot], Tag.OBJ, `${name} is an object`);
  return rt.globalVals[slot];
}

let lastOut = '';

const HOLDER = 'class P { init(x) { self.x = x; } } var warm = P(0); var holder = P(nil); var junk = 0; var i = 0; while (i < 300) { junk = P(i); i = i + 1; }';

/** Steps an incremental cycle until `holder` (its one field slot) is black while marking goes on. */
function stepUntilBlack(e: Engine, holder: number): void {
  const gc = e.vm.runtime.gc, u8 = e.vm.runtime.u8;
  for (let n = 0; n < 100000; n++) {
    if (gc.state === GcState.PROPAGATE && (u8[holder - 3] & (MARK_BIT | GRAY_BIT)) === MARK_BIT) return;
    gc.runStep(64);
  }
  assert.unreachable('the holder never turned black');
}

for (const planted of [true, false]) {
  test(`incremental: a store into a black object ${planted ? 'without the barrier is caught' : 'through the barrier passes'}`, () => {
    const e = engine('incremental', { verify: true });
    assert.is(e.run(HOLDER, 't.mufi').kind, 'ok');
    const rt = e.vm.runtime;
    const holder = globalObject(e, 'holder');
    // A white object, made before the cycle and reachable from nothing (so unmarked).
    e.vm.collect();
    const white = rt.strings.fromJs('planted white string');
    stepUntilBlack(e, holder);
    assert.is(rt.u8[white - 3] & MARK_BIT, 0, 'the string is white');
    assert.is(rt.u32[(holder + L.INST_INLINE) >>> 2], 1, "the field is inline");
    const slot = holder + L.INST_SLOTS;
    if (planted) {
      rt.u32[slot >>> 2] = Tag.OBJ; // the raw store a runtime bug would make
      rt.f64[(slot + 8) >>> 3] = white;
      assert.throws(() => gc(e).runStep(64), (x: unknown) => x instanceof HeapCorruptionError && /black instance at \d+ points at white string/.test((x as Error).message));
    } else {
      rt.gc.writeSlot(holder, slot, Tag.OBJ, white);
      for (let n = 0; n < 2000 && (n === 0 || rt.gc.state !== GcState.PAUSE); n++) rt.gc.runStep(64);
      assert.is(rt.gc.state, GcState.PAUSE, 'the cycle finished');
      assert.is(rt.strings.toJs(rt.f64[(slot + 8) >>> 3]), 'planted white string', 'the stored string survived the cycle');
      rt.gc.verifyHeap();
    }
  });

  test(`generational: an old-to-young store ${planted ? 'without the barrier is caught' : 'through the barrier is remembered'}`, () => {
    const e = engine('generational', { verify: true });
    assert.is(e.run(HOLDER, 't.mufi').kind, 'ok');
    const rt = e.vm.runtime;
    const holder = globalObject(e, 'holder');
    e.vm.collect(); // a major collection: every survivor is old
    assert.ok((rt.u8[holder - 3] & OLD_BIT) !== 0, 'the holder is old');
    const young = rt.strings.fromJs('planted young string');
    assert.is(rt.u32[(holder + L.INST_INLINE) >>> 2], 1, "the field is inline");
    const slot = holder + L.INST_SLOTS;
    if (planted) {
      rt.u32[slot >>> 2] = Tag.OBJ;
      rt.f64[(slot + 8) >>> 3] = young;
      assert.throws(() => rt.gc.runStep(), (x: unknown) => x instanceof HeapCorruptionError && /old instance at \d+ points at young string .* outside the remembered set/.test((x as Error).message));
    } else {
      rt.gc.writeSlot(holder, slot, Tag.OBJ, young);
      const flags = () => rt.u8[young - 3] & (SURVIVAL_BIT | OLD_BIT);
      rt.gc.runStep(); // a minor collection: the young string is reached through the remembered holder
      assert.is(rt.strings.toJs(rt.f64[(slot + 8) >>> 3]), 'planted young string');
      assert.is(flags(), SURVIVAL_BIT, 'one minor survived: a survival block, not old yet');
      assert.ok((rt.u8[holder - 3] & REMEMBERED_BIT) !== 0, 'the holder stays remembered while it points at a young block');
      rt.gc.runStep(); // the second minor: the string is reached again and promoted
      assert.is(flags(), OLD_BIT, 'two minors survived: old');
      assert.is(rt.u8[holder - 3] & REMEMBERED_BIT, 0, 'traced twice since its store, the holder left the remembered set');
      rt.gc.verifyHeap();
      rt.gc.runStep();
      assert.is(rt.strings.toJs(rt.f64[(slot + 8) >>> 3]), 'planted young string');
      rt.gc.verifyHeap();
    }
  });
}

function gc(e: Engine) {
  return e.vm.runtime.gc;
}

const STATES: Array<[string, GcState]> = [['propagate', GcState.PROPAGATE], ['sweep', GcState.SWEEP]];

for (const [name, state] of STATES) {
  test(`incremental: a cycle stopped in ${name} by the program's end verifies and leaks nothing`, () => {
    const e = engine('incremental', { verify: true });
    assert.is(e.run(HOLDER, 't.mufi').kind, 'ok');
    const g = gc(e);
    for (let n = 0; n < 100000 && g.state !== state; n++) g.runStep(256);
    assert.is(g.state, state, `reached ${name}`);
    g.verifyHeap();
    assert.equal(e.vm.leakCheck(), [], 'the leak check frees everything');
    g.verifyHeap();
  });

  test(`incremental: a runtime error in ${name} leaves a heap that verifies and leaks nothing`, () => {
    const e = engine('incremental', { verify: true });
    assert.is(e.run(HOLDER, 't.mufi').kind, 'ok');
    const g = gc(e);
    for (let n = 0; n < 100000 && g.state !== state; n++) g.runStep(256);
    assert.is(g.state, state, `reached ${name}`);
    const o = e.run('var k = P(1); var t = "s" + str(2); k.x = t; print nope;', 'err.mufi');
    assert.is(o.kind, 'runtime-error');
    g.verifyHeap();
    for (let n = 0; n < 10000 && g.state !== GcState.PAUSE; n++) g.runStep(256);
    g.verifyHeap();
    assert.equal(e.vm.leakCheck(), []);
  });
}

for (const mode of ['incremental', 'generational'] as GcMode[]) {
  test(`${mode}: runtime errors at many points of the collector's work leave a sound heap`, () => {
    // gc-stress=3: a step (or minor collection) before every third allocation; the error comes after k allocations.
    for (const k of [1, 5, 17, 40, 90, 200]) {
      const e = engine(mode, { verify: true, stress: 3 });
      const o = e.run(`class P { init(x, y) { self.x = x; self.y = y; } } var keep = nil; var i = 0; while (i < ${k}) { keep = P(P(i, keep), "s" + str(i)); i = i + 1; } print i; print missing;`, 'err.mufi');
      assert.is(o.kind, 'runtime-error', `k=${k}`);
      assert.match(o.kind === 'runtime-error' ? o.error.report() : '', /missing/, 'the error is the planned one, after the loop');
      gc(e).verifyHeap();
      assert.equal(e.vm.leakCheck(), [], `k=${k}: nothing leaked`);
      gc(e).verifyHeap();
    }
  });
}

test.run();
