import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../src/index';
import { MIB } from '../src/memory';
import { gcStatsEntries } from '../src/vm/natives/gc';
import { gcStatsReport } from '../src/cli/reports';

/** gc_collect() and mem_usage() return exact figures; gcStatsEntries (behind gc_stats()) matches the collector. */

function run(src: string, gc: Record<string, unknown> = {}): { out: string; engine: Engine } {
  let out = '';
  const engine = new Engine({ write: (s) => { out += s; }, allocator: { heapLimit: 32 * MIB }, gc });
  const o = engine.run(src, 't.mufi');
  assert.is(o.kind, 'ok', JSON.stringify(o));
  return { out, engine };
}

test('mem_usage() is the allocator\'s live byte count; gc_collect() returns exactly the bytes freed', () => {
  const { out, engine } = run(`
class N { init(next) { self.next = next; } }
var head = nil;
var i = 0;
while (i < 1000) { head = N(head); i = i + 1; }
print mem_usage();
head = nil;
var before = mem_usage();
var freed = gc_collect();
print freed;
print before - mem_usage();
`);
  const [usage, freed, diff] = out.trim().split('\n').map(Number);
  assert.ok(usage > 1000 * 40, `a thousand instances are counted (${usage})`);
  assert.ok(freed >= 1000 * 40, `the chain was freed (${freed})`);
  assert.is(freed, diff, 'bytes freed equal the drop in mem_usage()');
  assert.is(engine.vm.runtime.allocator.walkTotals().bytes, engine.vm.runtime.allocator.stats.currentBytes);
});

test('gcStatsEntries: the keys of gc_stats() with the collector\'s and allocator\'s values', () => {
  const { engine } = run('var i = 0; while (i < 3) { gc_collect(); i = i + 1; }');
  const rt = engine.vm.runtime;
  const entries = new Map(gcStatsEntries(rt)) as Map<string, number>;
  assert.equal([...entries.keys()], ['mode', 'collections', 'pauses', 'pause_total_ms', 'pause_max_ms', 'pause_p50_ms', 'pause_p90_ms', 'pause_p99_ms', 'bytes_allocated',
    'bytes_freed', 'live_bytes', 'live_objects', 'peak_bytes', 'objects_freed', 'total_allocations', 'next_gc_bytes', 'heap_limit_bytes']);
  assert.is(entries.get('collections'), 3);
  assert.is(entries.get('live_bytes'), rt.allocator.walkTotals().bytes);
  assert.is(entries.get('live_objects'), rt.allocator.walkTotals().count);
  assert.is(entries.get('heap_limit_bytes'), 32 * MIB);
  assert.ok(entries.get('pause_max_ms')! >= entries.get('pause_p50_ms')!);
  assert.ok(entries.get('peak_bytes')! >= entries.get('live_bytes')!);
});

test('gc_stats() bytes_freed is the figure --gc-stats prints: bytes freed by collections', () => {
  // sort() of a list frees a scratch arena outside any collection: that must not count.
  const { engine } = run('var l = linked_list(); for (var i = 0; i < 500; i++) push(l, 500 - i); sort(l); var s = ""; for (var i = 0; i < 300; i++) s = s + "x"; gc_collect();');
  const rt = engine.vm.runtime;
  const entries = new Map(gcStatsEntries(rt));
  assert.ok(rt.allocator.stats.bytesFreed > rt.gc.stats.bytesFreed, 'the runtime freed scratch memory itself');
  assert.is(entries.get('bytes_freed'), rt.gc.stats.bytesFreed);
});

test('gc_stats() and --gc-stats agree on every figure they share, and both name the mode', () => {
  for (const mode of ['stw', 'incremental', 'generational']) {
    const { engine } = run('class N { init(n, s) { self.n = n; self.s = s; } } var keep = nil; var i = 0; while (i < 3000) { keep = N(keep, "s" + str(i)); if (i % 7 == 0) keep = nil; i = i + 1; } gc_collect();', { mode, threshold: 16 * 1024 });
    const rt = engine.vm.runtime;
    const entries = new Map(gcStatsEntries(rt));
    const text = gcStatsReport(engine);
    assert.is(entries.get('mode'), mode);
    assert.match(text, new RegExp(`mode: +${mode}\\n`));
    const figure = (label: string) => Number((new RegExp(`${label}: +([\\d.]+)`).exec(text) as RegExpExecArray)[1]);
    assert.is(figure('collections'), entries.get('collections'));
    assert.is(figure('pauses'), entries.get('pauses'));
    assert.is(figure('bytes freed'), entries.get('bytes_freed'), 'bytes freed');
    assert.is(figure('objects freed'), entries.get('objects_freed'));
    assert.is(figure('bytes allocated'), entries.get('bytes_allocated'));
    for (const [label, key] of [['pause total', 'pause_total_ms'], ['pause p50', 'pause_p50_ms'], ['pause p90', 'pause_p90_ms'], ['pause p99', 'pause_p99_ms'], ['pause max', 'pause_max_ms']]) {
      assert.is(figure(label), +(entries.get(key) as number).toFixed(3), label);
    }
    assert.ok((entries.get('bytes_freed') as number) > 0, `${mode}: collections freed bytes`);
  }
});

test.run();
