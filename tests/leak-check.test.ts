import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../src/index';
import { MIB } from '../src/memory';
import { leakReport } from '../src/cli/reports';

/** --leak-check through the engine: a planted leak is found and grouped by kind and site. */

const ARENA_KIND = 24; // Kind.ARENA: buffers natives take from an arena

function engine(retainMetadata: boolean): Engine {
  return new Engine({ write: () => undefined, allocator: { heapLimit: 16 * MIB, retainMetadata } });
}

test('a correct program leaks nothing', () => {
  const e = engine(true);
  assert.is(e.run('class P { init(x) { self.x = x; } } var a = P(1); var s = "x" + str(2);', 'ok.mufi').kind, 'ok');
  assert.equal(e.vm.leakCheck(), []);
});

test('an arena never released is a leak, reported by kind and site', () => {
  const e = engine(true);
  assert.is(e.run('var a = "x" + str(1);', 'leaky.mufi').kind, 'ok');
  const rt = e.vm.runtime;
  // Plant: a native that forgot arena.release(). Pinned blocks survive the final collection.
  const arena = rt.gc.newArena(ARENA_KIND);
  arena.alloc(100);
  arena.alloc(100);
  arena.alloc(3000);
  const leaks = e.vm.leakCheck();
  assert.is(leaks.length, 1, JSON.stringify(leaks));
  assert.is(leaks[0].kind, 'arena buffer');
  assert.is(leaks[0].count, 3);
  assert.is(leaks[0].bytes, 2 * 112 + 3008);
  assert.is(leaks[0].site, 'leaky.mufi (loading)', 'no frame is running: the site says so');
  const text = leakReport(leaks, true);
  assert.match(text, /^Leak check: 3 blocks \(3232 bytes\) still allocated after releasing every root:\n {2}kind +blocks +bytes {2}site\n {2}arena buffer +3 +3232 {2}leaky\.mufi \(loading\)$/);
});

test('without --track-sites the report groups by kind and says how to get sites', () => {
  const e = engine(false);
  assert.is(e.run('var a = 1;', 'x.mufi').kind, 'ok');
  e.vm.runtime.gc.newArena(ARENA_KIND).alloc(10);
  const leaks = e.vm.leakCheck();
  assert.equal(leaks.map((l) => [l.kind, l.site, l.count]), [['arena buffer', '', 1]]);
  assert.match(leakReport(leaks, false), /arena buffer +1 +24 {2}-\n {2}\(run with --track-sites/);
});

test.run();
