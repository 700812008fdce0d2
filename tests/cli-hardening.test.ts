/**
 * The command line under hostile or careless use (issue 11): flags that write files, numeric
 * flag bounds, dump errors, signals, a closed stdout.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'child_process';
import { readFileSync, writeFileSync, existsSync } from 'fs';
import * as path from 'path';
import { mufiz, tempDir, BIN, cleanEnv, patience } from './cli-helpers';

const dir = tempDir('mufiz-hard-');
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

// ---- flags that write a file ----

test('--gc-report FILE (no =) is a usage error and never overwrites the next argument', () => {
  const prog = file('keep.mufi', 'print "kept";\n');
  const r = mufiz(['--gc-report', prog]);
  assert.is(r.status, 64);
  assert.match(r.stderr, '--gc-report needs its value attached: --gc-report=FILE.html');
  assert.is(readFileSync(prog, 'utf8'), 'print "kept";\n');
});

test('--gc-report refuses the program, a library, and a file that is not a report', () => {
  const prog = file('own.mufi', 'print 1;\n');
  const lib = file('lib.mufi', 'var x = 1;\n');
  const notes = file('notes.txt', 'my notes\n');
  for (const [target, why] of [[prog, "program's own file"], [lib, "program's own file"], [notes, 'is not an HTML report']]) {
    const r = mufiz([`--gc-report=${target}`, '-l', lib, prog]);
    assert.is(r.status, 64, target);
    assert.match(r.stderr, why);
    assert.is(r.stdout, '', 'nothing ran');
  }
  assert.is(readFileSync(prog, 'utf8'), 'print 1;\n');
  assert.is(readFileSync(lib, 'utf8'), 'var x = 1;\n');
  assert.is(readFileSync(notes, 'utf8'), 'my notes\n');
});

test('--gc-report=FILE writes a new report and replaces an earlier one', () => {
  const report = path.join(dir, 'r.html');
  assert.is(mufiz([`--gc-report=${report}`, '-e', 'print 1;']).status, 0);
  assert.match(readFileSync(report, 'utf8'), /^<!DOCTYPE html>/);
  writeFileSync(report, '<!DOCTYPE html>OLD-REPORT-MARKER');
  assert.is(mufiz([`--gc-report=${report}`, '-e', 'print 1;']).status, 0);
  assert.not.match(readFileSync(report, 'utf8'), 'OLD-REPORT-MARKER');
});

test('--help shows the attached form of every file-writing flag', () => {
  const help = mufiz(['--help']).stdout;
  assert.match(help, '--gc-report=FILE.html');
  assert.not.match(help, '--gc-report FILE');
});

// ---- numeric flags and program flags ----

test('--max-frames is bounded: a usage error naming the flag, not a heap failure', () => {
  const r = mufiz(['--max-frames', '100000000', '-e', 'print 1;']);
  assert.is(r.status, 64);
  assert.match(r.stderr, /^mufiz: --max-frames: expected an integer from 1 to \d+/);
  assert.is(mufiz(['--max-frames=100000', '-e', 'print 1;']).stdout, '1\n');
});

test('a second -e (or -r) is a usage error', () => {
  for (const args of [['-e', 'print 1;', '-e', 'print 2;'], ['-r', 'a.mufi', '-e', 'print 2;'], ['-e', 'print 1;', '-r', 'a.mufi']]) {
    const r = mufiz(args);
    assert.is(r.status, 64, args.join(' '));
    assert.match(r.stderr, 'only one program can be given');
    assert.is(r.stdout, '');
  }
});

// ---- dumps report compile errors ----

test('--dump-ast and --dump-tokens report errors and exit 65, like --dump-bytecode', () => {
  const cases: [string, string, string][] = [
    ['--dump-ast', 'print 1 +;', 'Expected expression'],
    ['--dump-tokens', 'print "abc', 'Unterminated string.'],
    ['--dump-ast', 'print "abc', 'Unterminated string.'],
    ['--dump-bytecode', 'print 1 +;', 'Expected expression'],
  ];
  for (const [flag, code, message] of cases) {
    const r = mufiz([flag, '-e', code]);
    assert.is(r.status, 65, `${flag} ${code}`);
    assert.match(r.stderr, message);
    assert.match(r.stderr, '<eval>:1:');
    assert.is(r.stdout, '');
  }
  assert.is(mufiz(['--dump-tokens', '-e', 'print 1 +;']).status, 0, 'tokens show lexical errors only');
  assert.is(mufiz(['--dump-ast', '-e', 'print 1;']).status, 0);
});

// ---- signals and a closed stdout ----

/**
 * Runs `prog`, which prints, creates the file `marker` and then spins; once the marker exists
 * (the program is past its prints, with its output still in the pipe buffer) sends `signal`.
 */
function signalled(prog: string, marker: string, signal: NodeJS.Signals): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, prog], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const started = Date.now();
    const poll = setInterval(() => {
      // The signal watcher thread must be up (program-main.ts: until then a signal has its default
      // action); the program sleeps before printing for that, and on a loaded machine this waits longer.
      if (existsSync(path.join(dir, marker))) { clearInterval(poll); setTimeout(() => child.kill(signal), patience(200)); }
      else if (Date.now() - started > 30000) { clearInterval(poll); child.kill('SIGKILL'); reject(new Error('the program never started')); }
    }, 20);
    child.on('close', (status) => { clearInterval(poll); resolve({ status, stdout, stderr }); });
  });
}

test('SIGTERM and SIGINT: output printed before is flushed, exit 143 / 130', async () => {
  for (const [signal, status] of [['SIGTERM', 143], ['SIGINT', 130]] as [NodeJS.Signals, number][]) {
    const marker = `started-${signal}`;
    // stdout is a pipe, so "hello" sits in the output buffer until the signal flushes it.
    const prog = file(`spin-${signal}.mufi`, `sleep(0.5);\nprint "hello";\ncreate_file("${marker}");\nwhile (true) {}\n`);
    const r = await signalled(prog, marker, signal);
    assert.is(r.status, status, `${signal}: ${r.stderr}`);
    assert.is(r.stdout, 'hello\n');
    assert.match(r.stderr, 'Interrupted.');
  }
});

test('a closed stdout ends an endless printer promptly with the broken-pipe status', async () => {
  const r = await new Promise<{ status: number | null; first: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, '-e', 'var i = 0; while (true) { print i; i++; }'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let first = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.stdout.once('data', (d) => { first = String(d).split('\n')[0]; child.stdout.destroy(); });
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, first }); });
  });
  assert.is(r.first, '0');
  assert.is(r.status, 141);
});

test('no file is left behind by a refused report', () => {
  const target = path.join(dir, 'never.html');
  const r = mufiz([`--gc-report=${target}`, '--max-frames=0', '-e', 'print 1;']);
  assert.is(r.status, 64);
  assert.not.ok(existsSync(target));
});

// ---- programs, libraries, arguments ----

test('args() gives the arguments after the program, also after -- and with -e', () => {
  const prog = file('args.mufi', 'print args();\nprint len(args());\n');
  assert.is(mufiz([prog, 'x', 'y z', '--not-a-flag']).stdout, '["x", "y z", "--not-a-flag"]\n3\n');
  assert.is(mufiz(['--', prog, '-e']).stdout, '["-e"]\n1\n');
  assert.is(mufiz(['-e', 'print args();', 'a']).stdout, '["a"]\n');
  assert.is(mufiz([prog]).stdout, '[]\n0\n');
  assert.is(mufiz(['--sandbox', prog, 'kept']).stdout, '["kept"]\n1\n', 'the sandbox keeps args()');
});

test('runtime errors name file:line; -l libraries keep their own file and line numbers', () => {
  const lib = file('mathlib.mufi', '// a library\nfun half(n) {\n  return n / nil;\n}\n');
  const main = file('main.mufi', 'print 1;\n\nhalf(4);\n');
  const r = mufiz(['-l', lib, main]);
  assert.is(r.status, 70);
  assert.is(r.stdout, '1\n');
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines[1], `[line 3] in half() (${lib}:3)`);
  assert.is(lines[2], `[line 3] in script (${main}:3)`);
  // A compile error in a library is reported in the library's own terms.
  const bad = file('badlib.mufi', 'var ok = 1;\nvar = 2;\n');
  const c = mufiz(['-l', bad, main]);
  assert.is(c.status, 65);
  assert.match(c.stderr, `${bad}:2:`);
  assert.is(c.stdout, '', 'the program did not run');
  // -e and stdin programs keep upstream's plain trace.
  assert.is(mufiz(['-e', 'print nope;']).stderr, "Undefined variable 'nope'.\n[line 1] in script\n");
});

test('--leak-check says so when there are no leaks', () => {
  const r = mufiz(['--leak-check', '-e', 'var s = "a" + "b"; print s;']);
  assert.is(r.status, 0);
  assert.is(r.stdout, 'ab\n');
  assert.match(r.stderr, /^Leak check: no leaks/);
});

test('clock() is CPU time: a sleep does not count', () => {
  const r = mufiz(['-e', 'var t = clock(); sleep(0.3); print clock() - t < 0.2; var x = 0; for (var i = 0; i < 3000000; i = i + 1) x = x + i; print clock() - t > 0;']);
  assert.is(r.stdout, 'true\ntrue\n', r.stderr);
});

test.run();
