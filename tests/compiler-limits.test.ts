/**
 * Hostile and huge inputs to the compiler (issue 11): long chains, deep nesting, error floods,
 * long lines and control characters in diagnostics, scripts with more than 65,536 constants.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, formatDiagnostic, formatDiagnostics, MAX_REPORTED_ERRORS } from '../src/compiler';
import { Engine } from '../src';

function run(source: string): { out: string; outcome: string } {
  let out = '';
  const engine = new Engine({ write: (t: string) => { out += t; } });
  const o = engine.run(source, 't.mufi');
  const outcome = o.kind === 'runtime-error' ? o.error.report() : o.kind === 'compile-error' ? o.diagnostics.map((d) => d.message).join('; ') : o.kind;
  return { out, outcome };
}

test('long left-associative chains compile without touching the stack limit', () => {
  const n = 20000;
  assert.equal(run(`print ${Array(n).fill('1').join(' + ')};`), { out: `${n}\n`, outcome: 'ok' });
  assert.equal(run(`print true${' and true'.repeat(n)};`), { out: 'true\n', outcome: 'ok' });
  assert.equal(run(`print false${' or false'.repeat(n)} or 7;`), { out: '7\n', outcome: 'ok' });
  assert.equal(run(`fun f() { return f; } print f${'()'.repeat(n)};`), { out: '<fn f>\n', outcome: 'ok' });
  assert.equal(run(`class A { init() { self.a = self; } m() { return self; } } var a = A(); print a${'.a'.repeat(n)}${'.m()'.repeat(n)} == a;`), { out: 'true\n', outcome: 'ok' });
  const idx = run(`var v = [1, 2]; print v${'[0]'.repeat(5000)};`);
  assert.ok(idx.outcome.startsWith('Cannot index'), idx.outcome);
});

test('nesting beyond the main stack compiles on the larger one', () => {
  const depth = 2000;
  // One program, so the helper thread starts once.
  const src = [
    `print ${'('.repeat(depth)}1${')'.repeat(depth)};`,
    `print 1${' + (1'.repeat(depth)}${')'.repeat(depth)};`,
    `${'{'.repeat(depth)} print 2; ${'}'.repeat(depth)}`,
    `print f"{${'('.repeat(depth)}3${')'.repeat(depth)}}";`,
  ].join('\n');
  assert.equal(run(src), { out: `1\n${depth + 1}\n2\n3\n`, outcome: 'ok' });
});

test('at most MAX_REPORTED_ERRORS errors, then how many more', () => {
  const src = 'var 1;\n'.repeat(500);
  const r = compile(src, 'm.mufi');
  assert.is(r.errors.length, MAX_REPORTED_ERRORS);
  assert.is(r.omitted, 500 - MAX_REPORTED_ERRORS);
  const text = formatDiagnostics(r.errors, r.omitted ?? 0, src, false);
  assert.ok(text.endsWith(`\n... and ${500 - MAX_REPORTED_ERRORS} more errors`));
  assert.is(text.split('\n').length, 3 * MAX_REPORTED_ERRORS + 1);
});

test('a long source line is clipped around the column, the caret still under it', () => {
  const src = `var x = ${'1 + '.repeat(5000)}@;`;
  const r = compile(src, 'l.mufi');
  const [head, line, caret] = formatDiagnostic(r.errors[0], src, false).split('\n');
  assert.ok(head.startsWith('l.mufi:1:20009: error:'), head);
  assert.ok(line.length < 200, `line of ${line.length}`);
  assert.ok(line.startsWith('    ...') && line.endsWith(';'), line);
  assert.is(line[caret.length - 1], '@');
});

test('control characters in the source line and in messages are escaped', () => {
  const src = 'print 1;\nprint "a\0b" @ 1;\n';
  const r = compile(src, 'c.mufi');
  const text = formatDiagnostic(r.errors[0], src, false);
  assert.not.ok(/[\0]/.test(text));
  const [, line, caret] = text.split('\n');
  assert.ok(line.includes('"a\\0b"'), line);
  assert.is(line[caret.length - 1], '@');
  const nul = compile('print 1;\0', 'n.mufi');
  assert.not.ok(formatDiagnostic(nul.errors[0], 'print 1;\0', false).includes('\0'));
});

test('a script with more than 65,536 constants runs (one pool per top-level chunk)', () => {
  const lines: string[] = [];
  for (let i = 0; i < 40000; i++) lines.push(`var v${i} = ${i}.5;`);
  lines.push('fun f() { return v0 + v39999; }', 'print f();');
  assert.equal(run(lines.join('\n')), { out: '40000\n', outcome: 'ok' });
});

test('more globals than the VM has slots is a runtime error, not an internal one', () => {
  const lines: string[] = [];
  for (let i = 0; i < 70000; i++) lines.push(`var v${i};`);
  const r = run(lines.join('\n'));
  assert.ok(r.outcome.startsWith('Too many global variables'), r.outcome);
});

test.run();
