import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prng } from './prng';
import { skip } from './skip';
import {
  Allocator, Arena, Heap, HeapSafetyError, HEADER_BYTES, HEAP_START, MIB, SMALL_MAX, blockSizeFor,
} from '../src/memory';


interface Live { size: number; kind: number; fill: number }

function newAllocator(extra: Record<string, unknown> = {}): Allocator {
  return new Allocator({ heapLimit: 16 * MIB, enableSafety: true, enableTracking: true, ...extra });
}

/** Every live block still holds its fill pattern, and no two live blocks overlap. */
function checkModel(a: Allocator, model: Map<number, Live>, step: string): void {
  const u8 = a.heap.u8;
  const addrs = [...model.keys()].sort((x, y) => x - y);
  for (let i = 0; i < addrs.length; i++) {
    const addr = addrs[i];
    const m = model.get(addr)!;
    assert.ok(addr > 0 && addr % 8 === 0, `${step}: address ${addr} is positive and 8-aligned`);
    const payload = a.payloadSize(addr);
    assert.ok(payload >= m.size, `${step}: block at ${addr} has room for ${m.size} bytes (has ${payload})`);
    assert.is(a.kindOf(addr), m.kind, `${step}: kind of block ${addr}`);
    for (let j = 0; j < m.size; j++) {
      if (u8[addr + j] !== m.fill) {
        assert.unreachable(`${step}: byte ${j} of live block ${addr} (size ${m.size}) clobbered: ${u8[addr + j]} != ${m.fill}`);
      }
    }
    if (i + 1 < addrs.length) {
      const blockEnd = addr - HEADER_BYTES + payload + HEADER_BYTES;
      const nextStart = addrs[i + 1] - HEADER_BYTES;
      assert.ok(blockEnd <= nextStart, `${step}: block ${addr} ends at ${blockEnd}, past the next block's start ${nextStart}`);
    }
  }
}

function checkStats(a: Allocator, model: Map<number, Live>, step: string): void {
  const walk = a.walkTotals();
  const s = a.stats;
  assert.is(s.currentAllocations, model.size, `${step}: currentAllocations equals the model`);
  assert.is(walk.count, model.size, `${step}: a heap walk counts every live block`);
  assert.is(s.currentBytes, walk.bytes, `${step}: currentBytes equals the walk`);
  let modelBytes = 0;
  const byKind = new Map<number, number>();
  for (const [addr, m] of model) {
    modelBytes += a.payloadSize(addr) + HEADER_BYTES;
    byKind.set(m.kind, (byKind.get(m.kind) ?? 0) + 1);
  }
  assert.is(s.currentBytes, modelBytes, `${step}: currentBytes equals the model's block sizes`);
  for (let k = 1; k < 8; k++) {
    assert.is(s.liveCountByKind[k], byKind.get(k) ?? 0, `${step}: liveCountByKind[${k}]`);
    assert.is(s.liveCountByKind[k], walk.countByKind.get(k) ?? 0, `${step}: liveCountByKind[${k}] vs walk`);
    assert.is(s.liveBytesByKind[k], walk.bytesByKind.get(k) ?? 0, `${step}: liveBytesByKind[${k}] vs walk`);
  }
  assert.is(s.totalAllocations - s.totalFrees, s.currentAllocations, `${step}: allocations minus frees`);
  assert.is(s.bytesAllocated - s.bytesFreed, s.currentBytes, `${step}: bytes allocated minus freed`);
  assert.equal(a.verify(), [], `${step}: verify() finds no problem`);
}

function randomOps(seed: number, steps: number, withSweeps: boolean): void {
  const rnd = prng(seed);
  const a = newAllocator();
  const model = new Map<number, Live>();
  const u8 = a.heap.u8;
  for (let step = 0; step < steps; step++) {
    const r = rnd();
    if (withSweeps && r < 0.01) {
      // Sweep: keep a random subset (marked), the rest must be freed by the sweep.
      const keep = new Set<number>();
      for (const addr of model.keys()) if (rnd() < 0.6) { a.setMarked(addr); keep.add(addr); }
      const freedExpected = [...model.keys()].filter((x) => !keep.has(x));
      const seen: number[] = [];
      a.sweep((addr) => seen.push(addr));
      assert.equal(seen.sort((x, y) => x - y), freedExpected.sort((x, y) => x - y), `step ${step}: sweep frees exactly the unmarked blocks`);
      for (const x of freedExpected) model.delete(x);
      for (const x of keep) assert.not.ok(a.isMarked(x), `step ${step}: sweep clears survivors' marks`);
    } else if (r < 0.55 || model.size === 0) {
      const size = 1 + Math.floor(rnd() * (rnd() < 0.8 ? 300 : 2000));
      const kind = 1 + Math.floor(rnd() * 5);
      const fill = 1 + Math.floor(rnd() * 250);
      const addr = a.alloc(size, kind);
      assert.ok(addr !== 0, `step ${step}: alloc(${size}) succeeded`);
      assert.not.ok(model.has(addr), `step ${step}: alloc returned an address already live`);
      u8.fill(fill, addr, addr + size);
      model.set(addr, { size, kind, fill });
    } else if (r < 0.9) {
      const keys = [...model.keys()];
      const addr = keys[Math.floor(rnd() * keys.length)];
      a.free(addr);
      model.delete(addr);
    } else {
      const keys = [...model.keys()];
      const addr = keys[Math.floor(rnd() * keys.length)];
      const m = model.get(addr)!;
      const size = 1 + Math.floor(rnd() * 2000);
      const fresh = a.realloc(addr, size);
      assert.ok(fresh !== 0, `step ${step}: realloc succeeded`);
      const keep = Math.min(size, m.size);
      for (let j = 0; j < keep; j++) if (u8[fresh + j] !== m.fill) assert.unreachable(`step ${step}: realloc lost byte ${j}`);
      model.delete(addr);
      u8.fill(m.fill, fresh, fresh + size);
      model.set(fresh, { size, kind: m.kind, fill: m.fill });
    }
    if (step % 97 === 0) {
      checkModel(a, model, `step ${step}`);
      checkStats(a, model, `step ${step}`);
    }
  }
  checkModel(a, model, 'end');
  checkStats(a, model, 'end');
  for (const addr of model.keys()) a.free(addr);
  model.clear();
  checkStats(a, model, 'after freeing everything');
}

test('random alloc/free/realloc sequences never clobber a live block and keep stats equal to a heap walk', () => {
  for (const seed of [1, 2, 3]) randomOps(seed, 4000, false);
});

test('random sequences mixed with sweeps free exactly the unmarked blocks', () => {
  for (const seed of [11, 12, 13]) randomOps(seed, 4000, true);
});

test('allocator reuses a freed block of the same size class', () => {
  const a = newAllocator();
  const x = a.alloc(40, 1);
  const guard = a.alloc(40, 1);
  a.free(x);
  const y = a.alloc(40, 2);
  assert.is(y, x, 'same request size reuses the freed block');
  a.free(y);
  // 33 bytes rounds up to the same block size as 40 bytes.
  assert.is(blockSizeFor(33), blockSizeFor(40));
  const z = a.alloc(33, 3);
  assert.is(z, x, 'a request of the same size class reuses it too');
  assert.is(a.kindOf(z), 3);
  const top = a.top;
  a.free(z);
  a.alloc(40, 1);
  assert.is(a.top, top, 'reuse does not move the high-water mark');
  assert.ok(guard !== x);
  assert.equal(a.verify(), []);
});

test('allocator reuses a freed large block via the large free list', () => {
  const a = newAllocator();
  const big = a.alloc(1000, 1);
  a.alloc(16, 1); // separator, so the freed block is not at the top
  const top = a.top;
  a.free(big);
  const again = a.alloc(1000, 2);
  assert.is(again, big, 'the same large request gets the freed block back');
  assert.is(a.top, top, 'without moving top');
  assert.equal(a.verify(), []);
});

test('allocator carves a small request from a large free block instead of fresh memory', () => {
  const a = newAllocator();
  const big = a.alloc(2000, 1);
  a.alloc(16, 1);
  a.free(big);
  const top = a.top;
  const small = a.alloc(40, 2);
  assert.ok(small > big && small < big + 2000, `small block ${small} lies inside the freed large block at ${big}`);
  assert.is(a.top, top, 'top did not move');
  const other = a.alloc(1500, 3);
  assert.ok(other >= big && other < big + 2000, 'the rest of the large block still serves a large request');
  assert.is(a.top, top);
  assert.equal(a.verify(), []);
});

test('sweep coalesces adjacent free blocks into one that fits a bigger request', () => {
  const a = newAllocator();
  const first = a.alloc(8, 1);
  const run: number[] = [];
  for (let i = 0; i < 10; i++) run.push(a.alloc(100, 2));
  const last = a.alloc(8, 1);
  // Keep the neighbours, leave the run unmarked.
  a.setMarked(first);
  a.setMarked(last);
  const top = a.top;
  a.sweep(null);
  assert.ok(a.isLiveBlockSlow(first) && a.isLiveBlockSlow(last), 'marked blocks survive');
  for (const r of run) assert.not.ok(a.isLiveBlockSlow(r), 'unmarked blocks are freed');
  assert.is(a.stats.currentAllocations, 2);
  const runBytes = 10 * blockSizeFor(100);
  // One request as large as the whole run (minus its header) only fits if the run was merged.
  const merged = a.alloc(runBytes - HEADER_BYTES, 3);
  assert.is(merged, run[0], 'the big block starts where the run started');
  assert.is(a.top, top, 'and top did not move');
  assert.equal(a.verify(), []);
});

test('sweep gives a free run at the top back by lowering top', () => {
  const a = newAllocator();
  const keep = a.alloc(24, 1);
  const tail: number[] = [];
  for (let i = 0; i < 5; i++) tail.push(a.alloc(300 + i * 400, 1));
  a.setMarked(keep);
  a.sweep(null);
  assert.is(a.top, tail[0] - HEADER_BYTES, 'top drops to the start of the freed tail');
  assert.is(a.walkTotals().freeBytes, 0, 'no free block remains below top');
  assert.equal(a.verify(), []);
  // Sweeping with nothing marked empties the heap.
  a.sweep(null);
  assert.is(a.top, HEAP_START);
  assert.is(a.stats.currentAllocations, 0);
  assert.is(a.stats.currentBytes, 0);
  assert.equal(a.verify(), []);
});

test('sweep frees exactly the unmarked blocks and clears marks of survivors', () => {
  const a = newAllocator();
  const blocks: number[] = [];
  for (let i = 0; i < 50; i++) blocks.push(a.alloc(8 + (i * 37) % 700, 1 + (i % 4)));
  const marked = blocks.filter((_, i) => i % 3 === 0);
  for (const b of marked) a.setMarked(b);
  const freed: { addr: number; kind: number; bytes: number }[] = [];
  const kinds = new Map(blocks.map((b) => [b, a.kindOf(b)]));
  const sizes = new Map(blocks.map((b) => [b, a.payloadSize(b) + HEADER_BYTES]));
  const bytes = a.sweep((addr, kind, n) => freed.push({ addr, kind, bytes: n }));
  const expected = blocks.filter((b) => !marked.includes(b));
  assert.equal(freed.map((f) => f.addr).sort((x, y) => x - y), expected.sort((x, y) => x - y));
  for (const f of freed) {
    assert.is(f.kind, kinds.get(f.addr), 'onFree gets the kind');
    assert.is(f.bytes, sizes.get(f.addr), 'onFree gets the block size');
  }
  assert.is(bytes, expected.reduce((s, b) => s + sizes.get(b)!, 0), 'sweep returns the bytes freed');
  for (const b of marked) {
    assert.ok(a.isLiveBlockSlow(b));
    assert.not.ok(a.isMarked(b), 'survivor mark cleared');
  }
  assert.is(a.stats.currentAllocations, marked.length);
  assert.equal(a.verify(), []);
  // A second sweep without marks frees the former survivors.
  a.sweep(null);
  assert.is(a.stats.currentAllocations, 0);
});

test('double free throws HeapSafetyError naming the problem', () => {
  const a = newAllocator();
  const x = a.alloc(64, 1);
  a.alloc(64, 1);
  a.free(x);
  try {
    a.free(x);
    assert.unreachable('double free was not detected');
  } catch (e) {
    assert.instance(e, HeapSafetyError);
    assert.match((e as Error).message, /double free/);
    assert.match((e as Error).message, String(x));
  }
  assert.equal(a.verify(), [], 'a rejected free leaves the heap intact');
});

test('invalid free (misaligned, interior, out of heap, zero) throws HeapSafetyError', () => {
  const a = newAllocator();
  const x = a.alloc(256, 1);
  a.heap.u8.fill(0, x, x + 256);
  a.alloc(16, 1);
  const before = a.stats.currentAllocations;
  const cases: [number, string][] = [
    [x + 3, 'misaligned'],
    [x + 64, 'interior'],
    [a.heap.size + 8, 'beyond the heap'],
    [a.top + 64, 'above top'],
    [0, 'zero'],
  ];
  for (const [addr, what] of cases) {
    try {
      a.free(addr);
      assert.unreachable(`free of a ${what} address was not detected`);
    } catch (e) {
      assert.instance(e, HeapSafetyError, what);
      assert.match((e as Error).message, /invalid free/, `${what}: message says invalid free`);
      assert.match((e as Error).message, String(addr), `${what}: message names the address`);
    }
  }
  assert.is(a.stats.currentAllocations, before);
  assert.equal(a.verify(), []);
  assert.throws(() => a.realloc(x + 8, 10), (e: unknown) => e instanceof HeapSafetyError);
});

test('freed payload is poisoned with 0xDE when safety is on', () => {
  const a = newAllocator();
  const small = a.alloc(100, 1);
  const large = a.alloc(1500, 1);
  a.alloc(16, 1);
  a.heap.u8.fill(0x11, small, small + 100);
  a.heap.u8.fill(0x22, large, large + 1500);
  a.free(small);
  a.free(large);
  const u8 = a.heap.u8;
  // The first two words of a free block's payload are its free-list links (next, previous).
  for (let i = 8; i < a.payloadSize(small); i++) assert.is(u8[small + i], 0xde, `small byte ${i}`);
  for (let i = 8; i < 1500; i++) if (u8[large + i] !== 0xde) assert.unreachable(`large byte ${i} is ${u8[large + i]}`);
  // Blocks freed by a sweep are poisoned too.
  const c = a.alloc(200, 1);
  const guard = a.alloc(16, 1);
  a.heap.u8.fill(0x33, c, c + 200);
  a.forEachBlock((b, _s, kind) => { if (kind !== 0 && b + HEADER_BYTES !== c) a.setMarked(b + HEADER_BYTES); });
  a.sweep(null);
  assert.ok(a.isLiveBlockSlow(guard));
  for (let i = 8; i < 200; i++) assert.is(u8[c + i], 0xde, `swept byte ${i}`);
});

test('neverUnmap quarantines freed blocks: they are never reused', () => {
  const a = newAllocator({ neverUnmap: true });
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const x = a.alloc(48 + (i % 3) * 500, 1);
    assert.not.ok(seen.has(x), `address ${x} was handed out twice`);
    seen.add(x);
    a.heap.u8.fill(0x55, x, x + 48);
    a.free(x);
    for (let j = 0; j < 48; j++) assert.is(a.heap.u8[x + j], 0xde, 'quarantined block is poisoned');
  }
  // A sweep does not bring quarantined blocks back either.
  const keep = a.alloc(16, 1);
  a.setMarked(keep);
  a.sweep(null);
  for (let i = 0; i < 50; i++) {
    const x = a.alloc(48, 1);
    assert.not.ok(seen.has(x), 'no reuse after a sweep');
    seen.add(x);
  }
  assert.throws(() => a.free([...seen][0]), (e: unknown) => e instanceof HeapSafetyError && /quarantined/.test((e as Error).message));
  assert.equal(a.verify(), []);
});

test('realloc keeps the contents when growing and shrinking', () => {
  const a = newAllocator();
  const x = a.alloc(100, 4);
  for (let i = 0; i < 100; i++) a.heap.u8[x + i] = i;
  a.alloc(16, 1);
  const y = a.realloc(x, 1000);
  assert.ok(y !== 0);
  assert.ok(a.payloadSize(y) >= 1000);
  assert.is(a.kindOf(y), 4, 'realloc keeps the kind');
  for (let i = 0; i < 100; i++) assert.is(a.heap.u8[y + i], i);
  const z = a.realloc(y, 30);
  for (let i = 0; i < 30; i++) assert.is(a.heap.u8[z + i], i);
  assert.is(a.stats.currentAllocations, 2, 'the old blocks were freed');
  assert.equal(a.verify(), []);
});

test('alloc returns 0 when the heap limit is reached, and works again after a free', () => {
  const a = new Allocator({ heapLimit: 1 * MIB });
  const got: number[] = [];
  for (;;) {
    const x = a.alloc(1000, 1);
    if (x === 0) break;
    got.push(x);
    assert.ok(got.length < 2000, 'allocation must fail within the limit');
  }
  assert.ok(got.length > 900, `most of the megabyte was usable (${got.length} blocks)`);
  assert.ok(a.top <= 1 * MIB, 'top stays within the heap');
  assert.is(a.alloc(2 * MIB, 1), 0, 'a request bigger than the heap fails');
  assert.equal(a.verify(), []);
  a.free(got[10]);
  assert.is(a.alloc(1000, 1), got[10], 'after a free the space is usable again');
});

test('allocates above the 2 GiB mark of a 4 GiB heap; addresses stay positive', () => {
  const a = new Allocator({ heapLimit: 4096 * MIB });
  if (a.heap.size < 4096 * MIB) {
    return skip(`the host reserved only ${a.heap.size} bytes of the 4 GiB heap the >2 GiB address test needs`);
  }
  const huge: number[] = [];
  for (let i = 0; i < 3; i++) {
    const h = a.alloc(768 * MIB, 1);
    assert.ok(h > 0, 'huge block allocated');
    huge.push(h);
  }
  assert.ok(a.top > 2 ** 31, 'the heap now extends past 2 GiB');
  const x = a.alloc(64, 2);
  assert.ok(x > 2 ** 31, `address ${x} is above 2^31`);
  assert.ok(x > 0 && Number.isInteger(x) && x % 8 === 0);
  const y = a.alloc(4000, 3);
  assert.ok(y > x);
  // Write and read through every view.
  a.heap.u8.fill(0x7f, x, x + 64);
  a.heap.u32[(x + 8) >>> 2] = 0xdeadbeef;
  a.heap.f64[(x + 16) >>> 3] = -1.5;
  a.heap.u32[(y) >>> 2] = x; // an address stored in the heap as u32
  assert.is(a.heap.u8[x], 0x7f);
  assert.is(a.heap.u32[(x + 8) >>> 2], 0xdeadbeef);
  assert.is(a.heap.f64[(x + 16) >>> 3], -1.5);
  assert.is(a.heap.u32[y >>> 2], x, 'a stored address reads back unsigned');
  assert.is(a.kindOf(x), 2);
  assert.is(a.payloadSize(x), blockSizeFor(64) - HEADER_BYTES);
  assert.ok(a.isLiveBlockSlow(x));
  assert.equal(a.verify(), []);
  a.free(x);
  assert.throws(() => a.free(x), (e: unknown) => e instanceof HeapSafetyError && /double free/.test((e as Error).message));
  assert.equal(a.verify(), []);
  assert.is(a.alloc(64, 2), x, 'the freed block above 2 GiB is reused');
  // A sweep that keeps the huge blocks frees the small ones above 2 GiB.
  for (const h of huge) a.setMarked(h);
  a.setMarked(x);
  a.sweep(null);
  assert.not.ok(a.isLiveBlockSlow(y));
  assert.ok(a.isLiveBlockSlow(x));
  assert.is(a.top, x - HEADER_BYTES + blockSizeFor(64), 'top lowered to just past x');
  assert.equal(a.verify(), []);
  const z = a.alloc(100000, 4);
  assert.ok(z > 2 ** 31);
  a.heap.u8.fill(9, z, z + 100000);
  assert.is(a.heap.u8[z + 99999], 9);
  assert.equal(a.verify(), []);
});

test('Arena.release() frees everything it handed out', () => {
  const a = newAllocator();
  a.alloc(100, 1);
  const baseline = { n: a.stats.currentAllocations, bytes: a.stats.currentBytes, kind: a.stats.liveCountByKind[24] };
  const arena = new Arena(a, 24);
  const got: number[] = [];
  for (let i = 0; i < 100; i++) got.push(arena.alloc(1 + i * 13));
  assert.is(arena.blockCount, 100);
  assert.ok(got.every((x) => x !== 0 && a.kindOf(x) === 24));
  assert.is(a.stats.liveCountByKind[24], baseline.kind + 100);
  arena.release();
  assert.is(arena.blockCount, 0);
  assert.is(a.stats.currentAllocations, baseline.n);
  assert.is(a.stats.currentBytes, baseline.bytes);
  assert.is(a.stats.liveCountByKind[24], baseline.kind);
  assert.equal(a.verify(), []);
  arena.release(); // releasing twice frees nothing twice
  assert.equal(a.verify(), []);
});

test('getMemStats byKind, freeBytes and fragmentation agree with a heap walk', () => {
  const a = newAllocator();
  a.kindNames[1] = 'alpha';
  a.kindNames[2] = 'beta';
  const rnd = prng(99);
  const live: number[] = [];
  for (let i = 0; i < 600; i++) live.push(a.alloc(1 + Math.floor(rnd() * 900), 1 + Math.floor(rnd() * 3)));
  for (let i = 0; i < live.length; i += 2) a.free(live[i]);
  const check = (when: string) => {
    const s = a.getMemStats();
    const walk = a.walkTotals();
    assert.is(s.currentAllocations, walk.count, when);
    assert.is(s.currentBytes, walk.bytes, when);
    assert.is(s.freeBytes, walk.freeBytes, `${when}: freeBytes is every free block of the walk`);
    let frag = 0;
    a.forEachBlock((_b, size, kind) => { if (kind === 0 && size < 64) frag += size; });
    assert.is(s.fragmentedBytes, frag, `${when}: fragmented bytes are the free blocks under 64 bytes`);
    assert.is(s.committedBytes, a.peakTop - HEAP_START);
    assert.ok(s.peakBytes >= s.currentBytes);
    const names: Record<number, string> = { 1: 'alpha', 2: 'beta', 3: 'kind 3' };
    for (const k of [1, 2, 3]) {
      const row = s.byKind.find((r) => r.kind === names[k]);
      assert.ok(row, `${when}: a row for ${names[k]}`);
      assert.is(row!.count, walk.countByKind.get(k) ?? 0, `${when}: count of ${names[k]}`);
      assert.is(row!.bytes, walk.bytesByKind.get(k) ?? 0, `${when}: bytes of ${names[k]}`);
    }
    assert.is(s.byKind.reduce((n, r) => n + r.allocations, 0), s.totalAllocations);
  };
  check('after frees');
  const keep = live.filter((_, i) => i % 2 === 1 && i % 3 !== 0);
  for (const x of keep) a.setMarked(x);
  a.sweep(null);
  check('after a sweep');
  assert.ok(SMALL_MAX >= 256);
});

test('resumable sweep: steps with allocation between them free exactly the unmarked blocks and keep the lists exact', () => {
  for (const seed of [1, 2, 3]) {
    const rnd = prng(seed);
    const a = newAllocator();
    const live: number[] = [];
    for (let i = 0; i < 3000; i++) {
      live.push(a.alloc(1 + Math.floor(rnd() * (rnd() < 0.1 ? 3000 : 200)), 1));
      if (rnd() < 0.2) a.free(live.splice(Math.floor(rnd() * live.length), 1)[0]);
    }
    const keep = new Set<number>(), dead = new Set<number>();
    for (const x of live) if (rnd() < 0.5) { a.setMarked(x); keep.add(x); } else dead.add(x);
    const born: number[] = [];
    a.beginSweep();
    let steps = 0;
    for (;;) {
      steps++;
      const done = a.sweepStep(2048);
      assert.equal(a.verify(true), [], `seed ${seed} step ${steps}: the heap is sound between steps`);
      if (done) break;
      // The program allocates between steps; a block ahead of the sweep is marked, as the collector does.
      for (let k = 0; k < 5; k++) {
        const x = a.alloc(1 + Math.floor(rnd() * 300), 2);
        if (x - 8 >= a.sweepCursor && x - 8 < a.sweepEnd) a.setMarked(x);
        born.push(x);
      }
    }
    assert.ok(steps > 10, `the sweep took several steps (${steps})`);
    assert.equal(a.verify(), [], 'no mark is left after the sweep');
    for (const x of keep) assert.ok(a.isLiveBlockSlow(x), `seed ${seed}: marked block ${x} survived`);
    for (const x of born) assert.ok(a.isLiveBlockSlow(x), `seed ${seed}: block ${x} allocated during the sweep survived`);
    for (const x of dead) if (!born.includes(x)) assert.not.ok(a.isLiveBlockSlow(x), `seed ${seed}: unmarked block ${x} was freed`);
    assert.is(a.stats.currentAllocations, keep.size + born.length);
  }
});

test('resumable sweep: a step stops at its budget inside a run of dead blocks, and the next step extends the run', () => {
  const a = newAllocator();
  const dead: number[] = [];
  for (let i = 0; i < 2000; i++) dead.push(a.alloc(64, 1));
  const kept = a.alloc(64, 1);
  a.setMarked(kept);
  a.alloc(64, 1); // dead, above the kept one: the sweep's last run ends at the top
  a.beginSweep();
  let steps = 0;
  for (;;) {
    const from = a.sweepCursor;
    const done = a.sweepStep(1024);
    steps++;
    assert.equal(a.verify(true), [], `step ${steps}: the heap is sound between steps`);
    if (done) break;
    assert.ok(a.sweepCursor - from <= 1024 + 128, `step ${steps} looked at ${a.sweepCursor - from} bytes, not about 1024`);
  }
  assert.ok(steps > 100, `the dead run took many steps (${steps})`);
  const blocks: [number, number][] = [];
  a.forEachBlock((b, _size, kind) => blocks.push([b, kind]));
  // The 2000 dead blocks, swept over 100-odd steps, became one free block; the last dead one went back to the top.
  assert.is(blocks.length, 2, `one free block and the kept one (${blocks.length} blocks)`);
  assert.is(blocks[1][0] + 8, kept);
  assert.is(a.top, kept - 8 + a.payloadSize(kept) + 8);
});

test('verify() reports a free list that loops, or that runs into another list, and still returns', () => {
  const a = newAllocator();
  const u32 = a.heap.u32;
  const small = [0, 1, 2].map(() => { const x = a.alloc(40, 1); a.alloc(8, 1); return x; });
  const other = [0, 1].map(() => { const x = a.alloc(100, 1); a.alloc(8, 1); return x; });
  for (const x of [...small, ...other]) a.free(x);
  assert.equal(a.verify(), []);
  // The 40-byte class list is small[2] -> small[1] -> small[0]; the next link is the payload's first u32.
  u32[small[0] >>> 2] = small[2] - HEADER_BYTES;
  const loop = a.verify();
  assert.ok(loop.some((m) => /free list loops/.test(m)), `a loop is reported: ${loop.join('; ')}`);
  assert.ok(loop.some((m) => /back link/.test(m)), `the loop breaks a back link: ${loop.join('; ')}`);
  // Now into the other class's list instead: its block is then on two lists.
  u32[small[0] >>> 2] = other[1] - HEADER_BYTES;
  const joined = a.verify();
  assert.ok(joined.some((m) => /back link/.test(m)) && joined.some((m) => /on size class 48/.test(m)), `reported: ${joined.join('; ')}`);
  u32[small[0] >>> 2] = 0;
  assert.equal(a.verify(), []);
});

test('Heap.beforeReserve runs before each heap is reserved (the test processes collect there), and nothing runs when it is null', () => {
  const saved = Heap.beforeReserve;
  try {
    let calls = 0;
    Heap.beforeReserve = () => { calls++; };
    // Sizes no other test disposes a heap of: a pooled reservation (Engine.dispose) needs none.
    newAllocator({ heapLimit: 3 * MIB + 8 });
    new Heap(3 * MIB + 16);
    assert.is(calls, 2, "once per reservation");
    Heap.beforeReserve = null;
    new Heap(3 * MIB + 16);
    assert.is(calls, 2);
  } finally {
    Heap.beforeReserve = saved;
  }
});

test.run();
