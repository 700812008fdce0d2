import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync, mkdirSync } from 'fs';
import * as path from 'path';
import { FLAGS } from '../src/cli/options';
import { mufiz, tempDir, ESC } from './cli-helpers';

const dir = tempDir('mufiz-cli-');
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

// ---- exit codes ----

test('exit 0: a program that runs', () => {
  const r = mufiz(['-e', 'print 1 + 2;']);
  assert.is(r.status, 0);
  assert.is(r.stdout, '3\n');
  assert.is(r.stderr, '');
});

test('exit 64: bad command line', () => {
  const r = mufiz(['--no-such-flag']);
  assert.is(r.status, 64);
  assert.match(r.stderr, "unknown option '--no-such-flag'");
  assert.is(mufiz(['-e']).status, 64); // a flag missing its value
});

test('exit 64: a bad size names the flag', () => {
  const r = mufiz(['--heap-limit=abc', '-e', 'print 1;']);
  assert.is(r.status, 64);
  assert.match(r.stderr, '--heap-limit');
  assert.match(r.stderr, 'abc');
  assert.is(r.stdout, '');
});

test('exit 65: compile error, reported as file:line:col with the line and a caret', () => {
  const r = mufiz(['-e', 'print 1 +;']);
  assert.is(r.status, 65);
  assert.is(r.stdout, '');
  const lines = r.stderr.split('\n');
  assert.match(lines[0], /^<eval>:1:10: error: /);
  assert.is(lines[1], '    print 1 +;');
  assert.is(lines[2], '    ' + ' '.repeat(9) + '^');
});

test('exit 65: the file name of a file program is in the diagnostic', () => {
  const p = file('bad.mufi', 'print 1;\nvar = 3;\n');
  const r = mufiz([p]);
  assert.is(r.status, 65);
  assert.ok(r.stderr.startsWith(`${p}:2:`), r.stderr);
  assert.match(r.stderr, 'error:');
});

test('exit 70: runtime error with a stack trace', () => {
  const r = mufiz(['-e', 'fun inner() { return 1 + nil; }\nfun outer() { return inner(); }\nprint "before";\nouter();']);
  assert.is(r.status, 70);
  assert.is(r.stdout, 'before\n');
  const lines = r.stderr.trim().split('\n');
  assert.ok(lines.length >= 4, r.stderr);
  assert.match(lines[1], /\[line 1\] in inner\(\)/);
  assert.match(lines[2], /\[line 2\] in outer\(\)/);
  assert.match(lines[3], /\[line 4\] in script/);
});

test('exit 74: unreadable file (missing, a directory, a missing -l library)', () => {
  const missing = mufiz([path.join(dir, 'nope.mufi')]);
  assert.is(missing.status, 74);
  assert.match(missing.stderr, 'no such file');
  const sub = path.join(dir, 'adir');
  mkdirSync(sub, { recursive: true });
  assert.is(mufiz([sub]).status, 74);
  assert.is(mufiz(['-l', path.join(dir, 'nolib.mufi'), '-e', 'print 1;']).status, 74);
});

test('exit(3) exits with 3, after flushing output', () => {
  const r = mufiz(['-e', 'print "bye"; exit(3); print "not reached";']);
  assert.is(r.status, 3);
  assert.is(r.stdout, 'bye\n');
});

// ---- ways to give the program ----

test('FILE, -r FILE and -- FILE run a file', () => {
  const p = file('hello.mufi', 'print "hello";\n');
  for (const args of [[p], ['-r', p], ['--run', p], ['--', p]]) {
    const r = mufiz(args);
    assert.is(r.status, 0, args.join(' '));
    assert.is(r.stdout, 'hello\n');
  }
});

test('- reads the program from stdin (no echo of expression values)', () => {
  const r = mufiz(['-'], { input: 'var a = 20;\na + 1;\nprint a * 2;\n' });
  assert.is(r.status, 0);
  assert.is(r.stdout, '40\n');
});

test('no arguments with stdin not a terminal: stdin is the program', () => {
  const r = mufiz([], { input: 'print "piped";\n' });
  assert.is(r.status, 0);
  assert.is(r.stdout, 'piped\n');
});

test('-l/--link prepends libraries (repeatable), line numbers follow on', () => {
  const lib1 = file('lib1.mufi', 'fun twice(x) { return x * 2; }');
  const lib2 = file('lib2.mufi', 'var base = 5;\n');
  const main = file('main.mufi', 'print twice(base);\n');
  const r = mufiz(['-l', lib1, '--link', lib2, main]);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '10\n');
  const e = mufiz(['-l', lib1, '-e', 'print twice(4);']);
  assert.is(e.stdout, '8\n');
});

test('--repl with a program is a usage error', () => {
  assert.is(mufiz(['--repl', '-e', 'print 1;']).status, 64);
});

// ---- help, version, options from the environment ----

test('--help lists every flag, one line each', () => {
  const r = mufiz(['--help']);
  assert.is(r.status, 0);
  const lines = r.stdout.split('\n');
  for (const f of FLAGS) {
    const line = lines.find((l) => l.trimStart().startsWith(f.names.join(', ')));
    assert.ok(line, `--help has no line for ${f.names.join(', ')}`);
    assert.match(line as string, f.help);
  }
  assert.is(mufiz(['-h']).stdout, r.stdout);
});

test('--version', () => {
  const r = mufiz(['--version']);
  assert.is(r.status, 0);
  assert.match(r.stdout, /^mufiz \d+\.\d+\.\d+/);
  assert.is(mufiz(['-v']).stdout, r.stdout);
});

test('MUFIZ_OPTIONS: flags from the environment, checked like the command line', () => {
  const r = mufiz(['-e', 'print 1;'], { env: { MUFIZ_OPTIONS: '--gc-stats --mem-stats' } });
  assert.is(r.status, 0);
  assert.is(r.stdout, '1\n');
  assert.match(r.stderr, 'GC statistics:');
  assert.match(r.stderr, 'Memory Statistics:');
  const bad = mufiz(['-e', 'print 1;'], { env: { MUFIZ_OPTIONS: '--bogus' } });
  assert.is(bad.status, 64);
  assert.match(bad.stderr, "unknown option '--bogus'");
  const file = mufiz(['-e', 'print 1;'], { env: { MUFIZ_OPTIONS: 'prog.mufi' } });
  assert.is(file.status, 64);
  assert.match(file.stderr, 'MUFIZ_OPTIONS');
  const size = mufiz(['-e', 'print 1;'], { env: { MUFIZ_OPTIONS: '--gc-threshold=lots' } });
  assert.is(size.status, 64);
  assert.match(size.stderr, '--gc-threshold');
  // the command line wins over the environment
  const deep = 'fun f(n) { if (n == 0) return 0; return f(n - 1); } print f(50);';
  assert.is(mufiz(['-e', deep], { env: { MUFIZ_OPTIONS: '--max-frames=10' } }).status, 70);
  assert.is(mufiz(['--max-frames=100', '-e', deep], { env: { MUFIZ_OPTIONS: '--max-frames=10' } }).status, 0);
});

// ---- colour ----

test('colour: none when stderr is a pipe', () => {
  const r = mufiz(['-e', 'print 1 +;']);
  assert.is(r.status, 65);
  assert.not.ok(r.stderr.includes(ESC), JSON.stringify(r.stderr));
});

test('colour: FORCE_COLOR=1 forces escape codes', () => {
  const r = mufiz(['-e', 'print 1 +;'], { env: { FORCE_COLOR: '1' } });
  assert.is(r.status, 65);
  assert.ok(r.stderr.includes(ESC), JSON.stringify(r.stderr));
});

test('colour: NO_COLOR wins over FORCE_COLOR', () => {
  const r = mufiz(['-e', 'print 1 +;'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
  assert.is(r.status, 65);
  assert.not.ok(r.stderr.includes(ESC), JSON.stringify(r.stderr));
});

// ---- dumps ----

test('--dump-tokens', () => {
  const r = mufiz(['--dump-tokens', '-e', 'print 42;']);
  assert.is(r.status, 0);
  const lines = r.stdout.trimEnd().split('\n');
  assert.is(lines.length, 3);
  assert.match(lines[0], /^\s+1:1\s+Print\s+"print"$/);
  assert.match(lines[1], /Int\s+"42"/);
  assert.match(lines[2], /Semicolon/);
});

test('--dump-ast prints the syntax tree as JSON', () => {
  const r = mufiz(['--dump-ast', '-e', 'var x = 1 + 2;']);
  assert.is(r.status, 0);
  const ast = JSON.parse(r.stdout);
  assert.is(ast.type, 'Program');
  assert.is(ast.body.length, 1);
});

test('--dump-bytecode disassembles without running', () => {
  const r = mufiz(['--dump-bytecode', '-e', 'print 7;']);
  assert.is(r.status, 0);
  assert.match(r.stdout, '== <script> ==');
  assert.match(r.stdout, 'PRINT');
  assert.not.match(r.stdout, /^7$/m);
  const bad = mufiz(['--dump-bytecode', '-e', 'print ;']);
  assert.is(bad.status, 65);
  assert.match(bad.stderr, 'error:');
});

test.run();
