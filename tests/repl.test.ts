/** The REPL driven through a pipe: entry by entry, values echoed, no prompts. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { mufiz, tempDir } from './cli-helpers';
import { needsMoreInput } from '../src/cli/repl-input';
import { complete } from '../src/cli/repl-complete';
import { historyPath, loadHistory, saveHistory, appendHistory, encodeEntry, decodeEntry } from '../src/cli/history';

const dir = tempDir('mufiz-repl-');
const history = path.join(dir, 'history');
const repl = (input: string, args: string[] = []) => mufiz(['--repl', ...args], { input, env: { MUFIZ_HISTORY: history } });

test('entries run one by one; expression entries print their value', () => {
  const r = repl('var x = 1;\nx + 2\nx + 3;\nprint x;\n"text"\n');
  assert.is(r.stderr, '');
  assert.is(r.stdout, '3\n4\n1\n"text"\n');
  assert.is(r.status, 0);
});

test('a function spread over several lines', () => {
  const r = repl('fun add(a, b) {\n  var s = a + b;\n  return s;\n}\nadd(2, 3)\nprint add(10,\n  20);\n');
  assert.is(r.stderr, '');
  assert.is(r.stdout, '5\n30\n');
});

test('a class over several lines; methods and self persist', () => {
  const r = repl('class Counter {\n  init() { self.n = 0; }\n  inc() {\n    self.n = self.n + 1;\n    return self.n;\n  }\n}\nvar c = Counter();\nc.inc();\nc.inc()\n');
  assert.is(r.stderr, '');
  assert.is(r.stdout, '1\n2\n');
});

test('a string left open continues on the next line', () => {
  const r = repl('var s = "one\ntwo";\nprint s;\n');
  assert.is(r.stdout, 'one\ntwo\n');
});

test('errors are reported and the session goes on with its state intact', () => {
  const r = repl('var keep = 7;\nprint nope;\nprint 1 +;\nfun broken() { return 1 + nil; }\nbroken();\nkeep * 2\n');
  assert.is(r.stdout, '14\n');
  assert.match(r.stderr, "Undefined variable 'nope'.");
  assert.match(r.stderr, /<repl>:1:\d+: error: /);
  assert.match(r.stderr, /\[line 1\] in broken\(\)/);
  assert.is(r.status, 0);
});

test('too many closing brackets is an error, not a hang', () => {
  const r = repl('print 1);\nprint 2;\n');
  assert.is(r.stdout, '2\n');
  assert.match(r.stderr, 'error:');
});

test('an entry still open at end of input is compiled (and reported)', () => {
  const r = repl('print 1;\nfun f() {\n  print 2;\n');
  assert.is(r.stdout, '1\n');
  assert.match(r.stderr, 'error:');
  assert.is(r.status, 0);
});

test('.stats shows heap and GC statistics now', () => {
  const r = repl('var s = "a" + "b";\n.stats\n');
  assert.is(r.status, 0);
  assert.match(r.stdout, 'GC statistics:');
  assert.match(r.stdout, 'collections:');
  assert.match(r.stdout, 'live now:');
  assert.match(r.stdout, 'Memory Statistics:');
});

test('.gc collects and says what was freed', () => {
  const r = repl('var i = 0;\nwhile (i < 100) { var t = "x" + str(i); i = i + 1; }\n.gc\n.gc\n');
  const lines = r.stdout.trim().split('\n').filter((l) => l.startsWith('Collected:'));
  assert.is(lines.length, 2, r.stdout + r.stderr);
  const freed = lines.map((l) => Number(/Collected: (\d+) bytes/.exec(l)![1]));
  assert.ok(freed[0] > 0, lines[0]);
  assert.is(freed[1], 0);
});

test('.bytecode disassembles without running', () => {
  const r = repl('.bytecode print 1 + 2\n.bytecode 7 * 6\n');
  assert.match(r.stdout, '== <script> ==');
  assert.match(r.stdout, 'PRINT');
  assert.not.match(r.stdout, /^3$/m);
  assert.match(r.stdout, 'MULTIPLY');
});

test('.help lists the commands; an unknown command is reported', () => {
  const r = repl('.help\n.frobnicate\nprint "still here";\n');
  for (const c of ['.help', '.exit', '.load', '.save', '.stats', '.gc', '.bytecode']) assert.match(r.stdout, c);
  assert.match(r.stderr, "Unknown REPL command '.frobnicate'");
  assert.match(r.stdout, 'still here');
});

test('.save writes the entries; .load runs a file in the session', () => {
  const saved = path.join(dir, 'saved.mufi');
  const r = repl(`var base = 40;\nfun plus(n) {\n  return base + n;\n}\nprint nope;\nprint 1 +;\n.save ${saved}\n`);
  assert.match(r.stdout, `Saved 3 entries to ${saved}`);
  const text = readFileSync(saved, 'utf8');
  assert.is(text, 'var base = 40;\nfun plus(n) {\n  return base + n;\n}\nprint nope;\n');
  const l = repl(`.load ${saved}\nplus(2)\n`);
  assert.is(l.stdout, '42\n');
  assert.match(l.stderr, "Undefined variable 'nope'");
  const missing = repl(`.load ${path.join(dir, 'none.mufi')}\nprint 5;\n`);
  assert.match(missing.stderr, 'no such file');
  assert.is(missing.stdout, '5\n');
});

test('echo quotes strings as node and python do; print does not', () => {
  const r = repl('"1"\n1\n"nil"\nnil\n"a\\"b"\nprint "1";\n');
  assert.is(r.stderr, '');
  assert.is(r.stdout, '"1"\n1\n"nil"\nnil\n"a\\"b"\n1\n');
});

test('a table literal without the final ; runs; .save writes the ; the REPL added, so .load works', () => {
  const saved = path.join(dir, 'semi.mufi');
  const r = repl(`var t = #{"a": 1}\nt["a"]\n#{"b": 2}\nfun f() { return 3; }\nf()\n.save ${saved}\n`);
  assert.is(r.stderr, '');
  assert.match(r.stdout, /^1\n/);
  assert.is(readFileSync(saved, 'utf8'), 'var t = #{"a": 1};\nt["a"];\n#{"b": 2};\nfun f() { return 3; }\nf();\n');
  const run = mufiz([saved]);
  assert.is(run.status, 0, run.stderr);
  const l = repl(`.load ${saved}\nt["a"] + f()\n`);
  assert.is(l.stderr, '');
  assert.is(l.stdout, '4\n');
});

test('--sandbox refuses .load and .save with a clear message', () => {
  const target = path.join(dir, 'sandbox-save.mufi');
  const r = repl(`.load /etc/hostname\n.save ${target}\nprint "still here";\n`, ['--sandbox']);
  assert.match(r.stderr, '.load is not available in the sandbox (--sandbox)');
  assert.match(r.stderr, '.save is not available in the sandbox (--sandbox)');
  assert.is(r.stdout, 'still here\n');
  assert.not.ok(existsSync(target));
});

test('.exit ends the session; later entries do not run', () => {
  const r = repl('print 1;\n.exit\nprint 2;\n');
  assert.is(r.stdout, '1\n');
  assert.is(r.status, 0);
});

test('input() in the REPL reads the next piped line, not an entry; nil at end of input', () => {
  const r = repl('var who = input("name? ");\nAda Lovelace\nprint "hi " + who;\nvar more = input();\n');
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'name? hi Ada Lovelace\n');
  const r2 = repl('var more = input();\nprint more == nil;\nprint more;\n');
  assert.is(r2.stdout, 'print more == nil;\n', 'the line after input() is its answer, not an entry');
});

test('exit(n) ends the session with status n', () => {
  const r = repl('print "a";\nexit(4);\nprint "b";\n');
  assert.is(r.stdout, 'a\n');
  assert.is(r.status, 4);
});

test('memory and GC flags apply to the REPL engine', () => {
  const stats = repl('var a = "x" + "y";\n', ['--gc-stats']);
  assert.is(stats.status, 0);
  assert.match(stats.stderr, 'GC statistics:');
  const trace = repl('var a = "x" + "y";\n.gc\n', ['--gc-trace=json']);
  assert.ok(trace.stderr.trim().split('\n').some((l) => l.startsWith('{')), trace.stderr);
  const small = repl('var s = "x";\nwhile (true) { s = s + s; }\nprint "after";\n', ['--heap-limit=1M', '--no-gc']);
  assert.match(small.stderr, 'Out of memory');
  assert.match(small.stdout, 'after');
  assert.is(repl('1\n', ['--heap-limit=abc']).status, 64);
  const sandbox = repl('exit(3);\nprint "sandboxed";\n', ['--sandbox']);
  assert.is(sandbox.status, 0);
  assert.match(sandbox.stdout, 'sandboxed');
});

test('-l libraries are loaded before the first entry', () => {
  const lib = path.join(dir, 'lib.mufi');
  writeFileSync(lib, 'fun triple(x) { return 3 * x; }\n');
  const r = repl('triple(5)\n', ['-l', lib]);
  assert.is(r.stdout, '15\n');
});

test('no history file is written when stdin is not a terminal', () => {
  repl('print 1;\n');
  assert.not.ok(existsSync(history));
});

// ---- the pieces, directly ----

test('needsMoreInput: open brackets, strings and comments', () => {
  assert.not.ok(needsMoreInput('print 1;'));
  assert.ok(needsMoreInput('fun f() {'));
  assert.ok(needsMoreInput('print (1 +'));
  assert.ok(needsMoreInput('var v = [1,'));
  assert.ok(needsMoreInput('var t = #{"a": 1,'));
  assert.ok(needsMoreInput('var s = "abc'));
  assert.ok(needsMoreInput('var s = `abc'));
  assert.ok(needsMoreInput('/# a comment'));
  assert.not.ok(needsMoreInput('print "{(";'));
  assert.not.ok(needsMoreInput('print 1; // {'));
  assert.not.ok(needsMoreInput('/# { #/ print 1;'));
  assert.not.ok(needsMoreInput('print "a\\"{";'));
  assert.not.ok(needsMoreInput('print 1);'));
});

test('complete: globals, keywords and commands', () => {
  assert.equal(complete('print coun', ['counter', 'count', 'other'], []), [['count', 'counter'], 'coun']);
  assert.equal(complete('whi', [], [])[0], ['while']);
  assert.equal(complete('.s', [], ['.save', '.stats', '.gc']), [['.save', '.stats'], '.s']);
  assert.equal(complete('1 + ', ['a'], []), [[], '']);
});

test('history: MUFIZ_HISTORY relocates it; saved oldest first, loaded newest first', () => {
  assert.is(historyPath({ MUFIZ_HISTORY: '/x/h' }), '/x/h');
  assert.is(historyPath({ MUFIZ_HISTORY: '' }), null);
  assert.match(historyPath({}) as string, /\.mufiz_history$/);
  const file = path.join(dir, 'h2');
  saveHistory(file, ['newest', 'older']);
  assert.is(readFileSync(file, 'utf8'), 'older\nnewest\n');
  assert.equal(loadHistory(file), ['newest', 'older']);
  assert.equal(loadHistory(path.join(dir, 'absent')), []);
});

test('history: multi-line entries stay one entry; appends from two sessions both survive', () => {
  const entry = 'fun f() {\n  print "a\\nb";\n}';
  assert.is(encodeEntry(entry).includes('\n'), false);
  assert.is(decodeEntry(encodeEntry(entry)), entry);
  const file = path.join(dir, 'h3');
  appendHistory(file, 'from session one;');
  appendHistory(file, entry);
  appendHistory(file, 'from session two;');
  appendHistory(file, '}');
  assert.equal(loadHistory(file), ['}', 'from session two;', entry, 'from session one;']);
});

test.run();
