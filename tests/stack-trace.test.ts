import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TraceBuilder } from '../src/vm/stack-trace';

const name = (fn: number, line: number) => `[line ${line}] in f${fn}()`;

test('runs of identical frames collapse after three', () => {
  const t = new TraceBuilder();
  for (let i = 0; i < 10000; i++) t.frame(1, 2);
  t.frame(0, 9);
  assert.equal(t.lines(name), [
    '[line 2] in f1()', '[line 2] in f1()', '[line 2] in f1()',
    '[line 2] in f1() (repeated 9,997 more times)', '[line 9] in f0()',
  ]);
});

test('short traces are unchanged', () => {
  const t = new TraceBuilder();
  t.frame(1, 1); t.frame(1, 1); t.frame(2, 5); t.frame(1, 1);
  assert.equal(t.lines(name), ['[line 1] in f1()', '[line 1] in f1()', '[line 5] in f2()', '[line 1] in f1()']);
});

test('mutual recursion keeps both ends and counts the middle', () => {
  const t = new TraceBuilder();
  for (let i = 0; i < 1_000_000; i++) t.frame(i % 2, 1 + (i % 2));
  t.frame(7, 3);
  const lines = t.lines(name);
  assert.ok(lines.length <= 102, `${lines.length} lines`);
  assert.is(lines[0], '[line 1] in f0()');
  assert.is(lines[lines.length - 1], '[line 3] in f7()');
  const gap = lines.find((l) => l.startsWith('... '));
  assert.is(gap, `... ${(1_000_000 - 99).toLocaleString('en-US')} more frames ...`);
});

test.run();
