import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prng } from './prng';
import { Allocator, MIB, HEAP_START, CLASS_COUNT, TYPICAL_REQUEST_BLOCK, MemStatsSnapshot, HeapWalk } from '../src/memory';

/**
 * Every figure of getMemStats() against a full heap walk (walkTotals), after random
 * allocations, frees, reallocs and sweeps: the counters are never allowed to drift.
 */


function classRow(s: MemStatsSnapshot, cls: number) {
  return s.bySizeClass.find((r) => r.blockSize === (cls === 0 ? 'large' : cls * 8));
}

/** Compares every statistic with the walk; `peakSeen` is the largest live byte count the test itself observed. */
function checkAgainstWalk(a: Allocator, when: string, peakSeen: number, topSeen: number): void {
  const s = a.getMemStats();
  const w: HeapWalk = a.walkTotals();
  assert.is(s.currentAllocations, w.count, `${when}: current allocations`);
  assert.is(s.currentBytes, w.bytes, `${when}: current bytes`);
  assert.is(s.totalAllocations - s.totalFrees, w.count, `${when}: totals`);
  assert.is(s.bytesAllocated - s.bytesFreed, w.bytes, `${when}: byte totals`);
  assert.is(s.peakBytes, peakSeen, `${when}: peak bytes is the highest live byte count seen`);
  assert.is(s.freeBytes, w.freeBytes, `${when}: free bytes`);
  assert.is(s.freeBlocks, w.freeBlocks, `${when}: free blocks`);
  assert.is(s.fragmentedBytes, w.fragmentedBytes, `${when}: fragmented bytes`);
  assert.is(s.quarantinedBytes, w.quarantinedBytes, `${when}: quarantined bytes`);
  assert.is(s.extentBytes, w.extent, `${when}: extent`);
  assert.is(s.extentBytes, w.bytes + w.freeBytes + w.quarantinedBytes, `${when}: every byte below top is in a block`);
  assert.is(s.committedBytes, topSeen - HEAP_START, `${when}: committed high-water mark`);
  for (const row of s.byKind) {
    const k = Number(row.kind.replace('kind ', ''));
    assert.is(row.count, w.countByKind.get(k) ?? 0, `${when}: live count of kind ${k}`);
    assert.is(row.bytes, w.bytesByKind.get(k) ?? 0, `${when}: live bytes of kind ${k}`);
  }
  assert.is(s.byKind.reduce((n, r) => n + r.count, 0), w.count, `${when}: the kinds add up`);
  for (let c = 0; c < CLASS_COUNT; c++) {
    const row = classRow(s, c);
    assert.is(row ? row.liveCount : 0, w.liveCountByClass[c], `${when}: live count of class ${c * 8}`);
    assert.is(row ? row.liveBytes : 0, w.liveBytesByClass[c], `${when}: live bytes of class ${c * 8}`);
    assert.is(row ? row.freeCount : 0, w.freeCountByClass[c], `${when}: free count of class ${c * 8}`);
    assert.is(row ? row.freeBytes : 0, w.freeBytesByClass[c], `${when}: free bytes of class ${c * 8}`);
  }
  assert.equal(a.verify(), [], `${when}: verify`);
}

function scenario(seed: number, config: Record<string, unknown>): void {
  const a = new Allocator({ heapLimit: 32 * MIB, ...config });
  const rnd = prng(seed);
  const live: number[] = [];
  let peak = 0, top = a.top;
  const note = () => { peak = Math.max(peak, a.stats.currentBytes); top = Math.max(top, a.top); };
  for (let step = 0; step < 4000; step++) {
    const r = rnd();
    if (r < 0.55 || live.length === 0) {
      const big = rnd() < 0.1;
      const x = a.alloc(big ? 520 + Math.floor(rnd() * 4000) : 1 + Math.floor(rnd() * 500), 1 + Math.floor(rnd() * 5));
      assert.ok(x !== 0);
      live.push(x);
    } else if (r < 0.85) {
      const i = Math.floor(rnd() * live.length);
      a.free(live[i]);
      live.splice(i, 1);
    } else if (r < 0.97) {
      const i = Math.floor(rnd() * live.length);
      const before = a.stats.currentBytes, old = live[i];
      live[i] = a.realloc(old, 1 + Math.floor(rnd() * 1500));
      // A moving realloc holds both blocks for a moment: that is a real peak.
      if (live[i] !== old) peak = Math.max(peak, before + a.payloadSize(live[i]) + 8);
    } else {
      // A sweep that keeps about half.
      const keep: number[] = [];
      for (const x of live) if (rnd() < 0.5) { a.setMarked(x); keep.push(x); }
      a.sweep(null);
      live.length = 0;
      live.push(...keep);
    }
    note();
    if (step % 97 === 0) checkAgainstWalk(a, `seed ${seed} step ${step}`, peak, top);
  }
  checkAgainstWalk(a, `seed ${seed} end`, peak, top);
  for (const x of live) a.free(x);
  checkAgainstWalk(a, `seed ${seed} all freed`, peak, top);
  assert.is(a.getMemStats().currentAllocations, 0);
}

test('every statistic equals a heap walk during random alloc/free/realloc/sweep', () => {
  for (const seed of [1, 2, 3]) scenario(seed, {});
});

test('the same holds with quarantine (neverUnmap) and with safety off', () => {
  scenario(11, { neverUnmap: true });
  scenario(12, { enableSafety: false });
});

test('fragmentation counts exactly the free blocks too small for a typical request', () => {
  const a = new Allocator({ heapLimit: 4 * MIB });
  const xs: number[] = [];
  for (let i = 0; i < 40; i++) xs.push(a.alloc(i % 2 === 0 ? 8 : 200, 1)); // 16-byte and 208-byte blocks
  for (let i = 0; i < 40; i += 2) a.free(xs[i]); // free only the 16-byte ones: no two are adjacent
  const s = a.getMemStats();
  assert.is(s.freeBytes, 20 * 16);
  assert.ok(16 < TYPICAL_REQUEST_BLOCK);
  assert.is(s.fragmentedBytes, 20 * 16, 'twenty 16-byte holes cannot serve a 64-byte request');
  for (let i = 1; i < 40; i += 2) a.free(xs[i]);
  assert.is(a.getMemStats().fragmentedBytes, 20 * 16, 'free() does not coalesce: the holes stay small');
  a.sweep(null);
  assert.is(a.getMemStats().fragmentedBytes, 0, 'the sweep merges the holes (and gives the run back to the top)');
  assert.is(a.getMemStats().extentBytes, 0);
});

test('per-size-class figures: a known mix lands in the right classes', () => {
  const a = new Allocator({ heapLimit: 4 * MIB });
  for (let i = 0; i < 5; i++) a.alloc(24, 2); // 32-byte blocks
  for (let i = 0; i < 3; i++) a.alloc(1000, 3); // large
  const s = a.getMemStats();
  const c32 = s.bySizeClass.find((r) => r.blockSize === 32)!;
  assert.equal([c32.liveCount, c32.liveBytes, c32.allocations], [5, 160, 5]);
  const large = s.bySizeClass.find((r) => r.blockSize === 'large')!;
  assert.equal([large.liveCount, large.liveBytes], [3, 3 * 1008]);
});

test('with tracking off, global counters still equal the walk and per-kind figures are empty', () => {
  const a = new Allocator({ heapLimit: 4 * MIB, enableTracking: false });
  const xs = [a.alloc(10, 1), a.alloc(600, 2), a.alloc(30, 3)];
  a.free(xs[1]);
  const s = a.getMemStats();
  const w = a.walkTotals();
  assert.is(s.currentBytes, w.bytes);
  assert.is(s.currentAllocations, w.count);
  assert.is(s.tracking, false);
  assert.equal(s.byKind, []);
  assert.equal(a.verify(), []);
});

test.run();
