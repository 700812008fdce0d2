import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Allocator, Arena, HeapSafetyError, MIB, HEADER_BYTES, initAllocator, getAllocator, getMemStats, printMemStats,
  checkForLeaks, deinit,
} from '../src/memory';
import { Collector, HeapCorruptionError } from '../src/gc';

/** Safety checks name the block (kind, size, site), arenas release everything, quarantine catches a use-after-free. */

function withSites(): Allocator {
  const a = new Allocator({ heapLimit: 4 * MIB, retainMetadata: true });
  a.kindNames[1] = 'string';
  a.kindNames[7] = 'instance';
  return a;
}

function thrown(f: () => void): string {
  try {
    f();
  } catch (e) {
    assert.instance(e, HeapSafetyError);
    return (e as Error).message;
  }
  assert.unreachable('no HeapSafetyError');
  return '';
}

test('a double free names the block\'s kind, size and allocation site', () => {
  const a = withSites();
  a.currentSite = a.siteTable!.intern('main.mufi:7 in f() native str()');
  const x = a.alloc(20, 1);
  a.currentSite = a.siteTable!.intern('main.mufi:9 in script (interpreter)');
  a.alloc(40, 7);
  a.free(x);
  const msg = thrown(() => a.free(x));
  assert.match(msg, `double free of address ${x}`);
  assert.match(msg, `a string block of 32 bytes at ${x}, allocated at main.mufi:7 in f() native str()`);
  assert.equal(a.verify(), []);
});

test('a double free after a sweep freed the block still names its kind', () => {
  const a = withSites();
  const x = a.alloc(50, 7);
  const keep = a.alloc(10, 1);
  a.setMarked(keep);
  a.sweep(null);
  assert.match(thrown(() => a.free(x)), /double free of address \d+: the block is already free \(an instance block of 64 bytes/);
});

test('an interior free names the block it points into', () => {
  const a = withSites();
  a.currentSite = a.siteTable!.intern('lib.mufi:3 in build() (interpreter)');
  const x = a.alloc(200, 7);
  a.alloc(8, 1);
  const msg = thrown(() => a.free(x + 64));
  assert.match(msg, `invalid free of address ${x + 64}`);
  assert.match(msg, `inside an instance block of 208 bytes at ${x}, allocated at lib.mufi:3 in build() (interpreter)`);
  assert.is(a.stats.currentAllocations, 2, 'nothing was freed');
});

test('without retainMetadata the messages still name kind and size', () => {
  const a = new Allocator({ heapLimit: 4 * MIB });
  a.kindNames[1] = 'string';
  const x = a.alloc(20, 1);
  a.free(x);
  const msg = thrown(() => a.free(x));
  assert.match(msg, 'a string block of 32 bytes');
  assert.not.match(msg, 'allocated at');
});

test('with safety off, frees are not checked and nothing is poisoned', () => {
  const a = new Allocator({ heapLimit: 4 * MIB, enableSafety: false });
  const x = a.alloc(64, 1);
  a.alloc(8, 1);
  a.heap.u8.fill(0x11, x, x + 64);
  a.free(x);
  assert.is(a.heap.u8[x + 32], 0x11, 'not poisoned');
});

test('poisoning: freed payloads read 0xDE (past the two free-list links)', () => {
  const a = new Allocator({ heapLimit: 4 * MIB });
  const x = a.alloc(100, 1);
  a.alloc(8, 1);
  a.heap.u8.fill(0x42, x, x + 100);
  a.free(x);
  for (let i = 8; i < 100; i++) assert.is(a.heap.u8[x + i], 0xde);
});

test('sites: each block records its site; leaks are grouped by kind and site', () => {
  const a = withSites();
  const t = a.siteTable!;
  const s1 = t.intern('a.mufi:1 in script (interpreter)'), s2 = t.intern('a.mufi:5 in f() native str()');
  let site = s1;
  a.siteProvider = () => site;
  for (let i = 0; i < 3; i++) a.alloc(20, 1);
  for (let i = 0; i < 2; i++) a.alloc(40, 7);
  site = s2;
  const gone = a.alloc(20, 1);
  a.alloc(20, 1);
  a.free(gone);
  assert.is(a.siteOf(a.alloc(8, 1)), 'a.mufi:5 in f() native str()');
  const leaks = a.checkForLeaks();
  const row = (kind: string, s: string) => leaks.find((r) => r.kind === kind && r.site === s);
  assert.equal(row('string', 'a.mufi:1 in script (interpreter)'), { kind: 'string', site: 'a.mufi:1 in script (interpreter)', count: 3, bytes: 96 });
  assert.equal(row('instance', 'a.mufi:1 in script (interpreter)'), { kind: 'instance', site: 'a.mufi:1 in script (interpreter)', count: 2, bytes: 96 });
  assert.equal(row('string', 'a.mufi:5 in f() native str()'), { kind: 'string', site: 'a.mufi:5 in f() native str()', count: 2, bytes: 48 });
  assert.is(leaks.length, 3);
  // Per-site totals count every allocation, freed or not.
  const top = t.top('count', 10);
  assert.equal(top.map((r) => [r.site, r.count]), [['a.mufi:1 in script (interpreter)', 5], ['a.mufi:5 in f() native str()', 3]]);
  assert.equal(t.top('bytes', 1).map((r) => r.bytes), [3 * 32 + 2 * 48]);
});

test('arenas: blocks are pinned through sweeps, release() frees them all', () => {
  const a = new Allocator({ heapLimit: 4 * MIB });
  const arena = new Arena(a, 24);
  const blocks = [arena.alloc(100), arena.alloc(2000), arena.alloc(8)];
  const before = a.stats.currentAllocations;
  a.sweep(null); // nothing marked: only the pins keep the arena's blocks
  assert.is(a.stats.currentAllocations, before, 'a collection during a native keeps its arena buffers');
  for (const b of blocks) assert.ok(a.isLiveBlockSlow(b) && a.isPinned(b));
  arena.release();
  assert.is(a.stats.currentAllocations, 0);
  assert.is(a.walkTotals().count, 0);
  assert.equal(a.verify(), []);
  // Reusable after release, and the released memory is reused.
  assert.ok(arena.alloc(100) !== 0);
  arena.release();
  assert.is(a.stats.currentBytes, 0);
});

test('arenas through the collector: a collection between arena allocations keeps them; release frees everything', () => {
  const a = new Allocator({ heapLimit: 4 * MIB });
  const gc = new Collector(a, { stress: 1 });
  gc.registerKind(24, 'arena buffer', null);
  gc.setHost({ markRoots() { /* no roots: only pins keep blocks */ }, removeWeakReferences() { /* none */ } });
  const arena = gc.newArena(24);
  const xs: number[] = [];
  for (let i = 0; i < 50; i++) {
    const x = arena.alloc(16 + i * 40);
    a.heap.u8.fill(i, x, x + 16);
    xs.push(x);
  }
  assert.ok(gc.stats.collections >= 49, 'stress mode collected before each allocation');
  xs.forEach((x, i) => assert.is(a.heap.u8[x + 15], i, `arena block ${i} intact`));
  gc.verifyHeap();
  arena.release();
  assert.is(a.stats.currentAllocations, 0);
  gc.collect('explicit');
  assert.is(a.walkTotals().count, 0);
});

test('quarantine catches a use-after-free planted by the test', () => {
  const a = new Allocator({ heapLimit: 4 * MIB, neverUnmap: true });
  const gc = new Collector(a);
  // Kind 1 holds one reference in its first payload word; kind 2 is a leaf.
  gc.registerKind(1, 'holder', (addr, c) => c.markObject(a.heap.u32[addr >>> 2]));
  gc.registerKind(2, 'leaf', null);
  let root = 0;
  gc.setHost({ markRoots: (c) => c.markObject(root), removeWeakReferences() { /* none */ } });
  root = gc.allocate(8, 1);
  const leaf = gc.allocate(8, 2);
  a.heap.u32[root >>> 2] = leaf;
  gc.collect('explicit');
  gc.verifyHeap();
  // Drop the reference, collect (the leaf is quarantined), then plant the stale pointer back.
  a.heap.u32[root >>> 2] = 0;
  gc.collect('explicit');
  assert.not.ok(a.isLiveBlockSlow(leaf));
  for (let i = 0; i < 100; i++) assert.ok(gc.allocate(8, 2) !== leaf, 'the quarantined block is never handed out again');
  a.heap.u32[root >>> 2] = leaf;
  assert.throws(() => gc.verifyHeap(), (e: unknown) => e instanceof HeapCorruptionError && /holder at \d+ refers to \d+, which is not a live block/.test((e as Error).message));
});

test('the global API: initAllocator, getAllocator, getMemStats, printMemStats, checkForLeaks, deinit', () => {
  const a = initAllocator({ heapLimit: 2 * MIB, retainMetadata: true });
  assert.is(getAllocator(), a);
  a.kindNames[3] = 'thing';
  const x = a.alloc(10, 3);
  a.alloc(10, 3);
  a.free(x);
  assert.is(getMemStats().currentAllocations, 1);
  let printed = '';
  printMemStats((t) => { printed += t; });
  assert.match(printed, /^Memory Statistics:\n {2}Allocations: 2 total, 1 current, 2 peak\n {2}Deallocations: 1\n/);
  assert.equal(checkForLeaks().map((r) => [r.kind, r.count, r.bytes]), [['thing', 1, 24]]);
  assert.equal(deinit().map((r) => r.kind), ['thing'], 'deinit reports the leak');
  assert.equal(checkForLeaks(), [], 'no allocator after deinit');
  const fresh = getAllocator();
  assert.ok(fresh !== a, 'getAllocator makes a new default allocator after deinit');
  assert.is(fresh.stats.currentAllocations, 0);
  deinit();
});

test('deinit without leak detection reports nothing and empties the heap', () => {
  const a = new Allocator({ heapLimit: 2 * MIB, enableLeakDetection: false });
  a.alloc(10, 1);
  assert.equal(a.deinit(), []);
  assert.is(a.walkTotals().count, 0);
  assert.is(a.stats.currentBytes, 0);
  assert.equal(a.verify(), []);
});

test.run();
