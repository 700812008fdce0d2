/**
 * The compiled-code cache (src/cli/code-cache.ts): a damaged, foreign or hostile entry and an
 * unusable directory must each mean "compile again", never a crash or a wrong result. Each case
 * runs a program through the cache in-process and compares what it prints with a fresh compile.
 * Every test uses its own temporary cache directory, never the user's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'fs';
import { homedir } from 'os';
import * as path from 'path';
import { Engine, RunOutcome } from '../src/index';
import { compile } from '../src/compiler';
import type { Prototype } from '../src/compiler';
import { encodePrototype, decodePrototype } from '../src/compiler/serialize';
import { verifyScript, unverifiableOpcodes, OP_SPECS } from '../src/compiler/verify';
import { Op, OP_FACTS, OP_NAMES } from '../src/compiler/opcodes';
import { Digest } from '../src/compiler/digest';
import { cacheDirectory, compileCached, decodeEntry, encodeEntry, entryKey, prune } from '../src/cli/code-cache';
import { BIN, cleanEnv, mufiz, tempDir, ROOT } from './cli-helpers';

const PROGRAM = `
class Counter {
  init(n) { self.n = n; }
  inc() { self.n = self.n + 1; return self.n; }
}
fun makeAdder(k) { fun add(x) { return x + k; } return add; }
var c = Counter(-5);
c.inc();
print c.inc();
print makeAdder(40)(2);
print 1.5 * 3;
print "h\\u{e9}llo " + "wörld";
var total = 0;
for (var i = 0; i < 10; i = i + 1) { if (i % 2 == 0) continue; total = total + i; }
print total;
`;

const ERROR_PROGRAM = 'print 1;\nfun f() {\n  return nil + 1;\n}\nprint f();\n';

/** What a script prints (and its error report, if any) when run in a fresh engine. */
function run(script: Prototype): string {
  let text = '';
  const engine = new Engine({ write: (s) => { text += s; } });
  const outcome: RunOutcome = engine.runScript(script, 'prog.mufi');
  return outcome.kind === 'runtime-error' ? `${text}ERROR ${outcome.error.report()}` : text;
}

function fresh(source: string): string {
  const r = compile(source, 'prog.mufi');
  assert.ok(r.script, 'the test program compiles');
  return run(r.script as Prototype);
}

/** A new cache directory and a program file; returns both and the entry files present. */
function setup(source = PROGRAM): { dir: string; file: string; entries: () => string[] } {
  const root = tempDir('mufiz-cache-');
  const dir = path.join(root, 'cache');
  const file = path.join(root, 'prog.mufi');
  writeFileSync(file, source);
  return { dir, file, entries: () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.mzc')) : []) };
}

function cachedRun(source: string, file: string, dir: string | null): { out: string; outcome: string; stored: boolean } {
  const c = compileCached(source, file, dir);
  assert.ok(c.result.script, 'compiles');
  return { out: run(c.result.script as Prototype), outcome: c.outcome, stored: c.stored };
}

test('a first run stores the compiled file; the next run loads it and prints the same', () => {
  const { dir, file, entries } = setup();
  const expected = fresh(PROGRAM);
  assert.match(expected, '-3\n42\n4.5\n');
  const first = cachedRun(PROGRAM, file, dir);
  assert.is(first.outcome, 'miss');
  assert.ok(first.stored);
  assert.is(first.out, expected);
  assert.is(entries().length, 1);
  const second = cachedRun(PROGRAM, file, dir);
  assert.is(second.outcome, 'hit');
  assert.is(second.out, expected);
});

test('an edited file misses and replaces its entry (one entry per file)', () => {
  const { dir, file, entries } = setup();
  cachedRun(PROGRAM, file, dir);
  const edited = PROGRAM + 'print "more";\n';
  const r = cachedRun(edited, file, dir);
  assert.is(r.outcome, 'rejected');
  assert.is(r.out, fresh(edited));
  assert.is(entries().length, 1);
  assert.is(cachedRun(edited, file, dir).outcome, 'hit');
});

test('runtime errors from a cached script name the same lines as a fresh compile', () => {
  const { dir, file } = setup(ERROR_PROGRAM);
  const expected = fresh(ERROR_PROGRAM);
  assert.match(expected, 'line 3');
  cachedRun(ERROR_PROGRAM, file, dir);
  const hit = cachedRun(ERROR_PROGRAM, file, dir);
  assert.is(hit.outcome, 'hit');
  assert.is(hit.out, expected);
});

/** Damages the one entry of `dir` with `damage` and checks the next run recompiles correctly. */
function plant(damage: (bytes: Buffer) => Buffer): void {
  const { dir, file, entries } = setup();
  cachedRun(PROGRAM, file, dir);
  const entry = path.join(dir, entries()[0]);
  writeFileSync(entry, damage(readFileSync(entry)));
  const r = cachedRun(PROGRAM, file, dir);
  assert.is(r.outcome, 'rejected');
  assert.is(r.out, fresh(PROGRAM));
  assert.ok(r.stored, 'the entry is rewritten');
  assert.is(cachedRun(PROGRAM, file, dir).outcome, 'hit');
}

test('a corrupt entry (one payload byte flipped) is ignored and rebuilt', () => {
  plant((b) => { b[b.length - 10] ^= 0x40; return b; });
});

test('a corrupt header (magic, format version) is ignored and rebuilt', () => {
  plant((b) => { b[0] = 0x58; return b; });
  plant((b) => { b.writeUInt32LE(b.readUInt32LE(4) + 1, 4); return b; });
});

test('a truncated entry is ignored and rebuilt', () => {
  plant((b) => b.subarray(0, b.length >> 1));
  plant((b) => b.subarray(0, 3));
  plant(() => Buffer.alloc(0));
});

test('an entry from another compiler version is ignored and rebuilt', () => {
  plant((b) => {
    const script = compile(PROGRAM, 'prog.mufi').script as Prototype;
    const otherCompiler = new Digest().text('another compiler build').result();
    assert.not.equal(otherCompiler, new Uint8Array(b.subarray(8, 24)));
    return encodeEntry(script, otherCompiler);
  });
});

test('a hostile entry (valid key and checksum, unsafe bytecode) is refused by the verifier', () => {
  const script = compile(PROGRAM, 'prog.mufi').script as Prototype;
  const key = entryKey(PROGRAM);
  assert.ok(decodeEntry(encodeEntry(script, key), key), 'the honest entry decodes');
  const hostile = (patch: (code: Uint8Array) => void): Prototype => {
    const copy = decodePrototype(encodePrototype(script));
    patch(copy.code);
    return copy;
  };
  // a constant index past the pool, a local slot that is not live, a jump past the end,
  // running off the end, an unknown opcode
  const bad = [
    hostile((code) => { code[0] = Op.CONSTANT; code[1] = 0xff; code[2] = 0xff; }),
    hostile((code) => { code[0] = Op.GET_LOCAL; code[1] = 200; }),
    hostile((code) => { code[0] = Op.JUMP; code[1] = 0xff; code[2] = 0xff; }),
    hostile((code) => { code[code.length - 1] = Op.POP; }),
    hostile((code) => { code[0] = 250; }),
  ];
  for (const b of bad) {
    assert.ok(verifyScript(b) !== null, 'the verifier objects');
    assert.is(decodeEntry(encodeEntry(b, key), key), null);
  }
  plant(() => encodeEntry(bad[0], key));
});

test('the verifier accepts everything the compiler produces, and knows every opcode', () => {
  assert.equal(unverifiableOpcodes(), []);
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.mufi')) files.push(p);
    }
  };
  walk(path.join(ROOT, 'tests', 'golden'));
  walk(path.join(ROOT, 'examples'));
  let checked = 0;
  for (const f of files) {
    const r = compile(readFileSync(f, 'utf8'), f);
    if (r.script === null) continue;
    const back = decodePrototype(encodePrototype(r.script));
    assert.is(verifyScript(back), null, f);
    assert.equal(back, r.script, f);
    checked++;
  }
  assert.ok(checked > 100, `${checked} programs checked`);
});

test('the verifier and the opcode facts table agree on every fixed stack effect and operand width', () => {
  for (const [name, s] of Object.entries(OP_SPECS)) {
    const op = OP_NAMES.indexOf(name);
    assert.ok(op >= 0, name);
    const facts = OP_FACTS[op];
    if (typeof facts.stack === 'number') assert.is(s.push - s.pop, facts.stack, name);
  }
});

test('a file with compile errors is not cached (its diagnostics come every time)', () => {
  const { dir, file, entries } = setup('print 1 +;\n');
  for (let i = 0; i < 2; i++) {
    const c = compileCached('print 1 +;\n', file, dir);
    assert.is(c.result.script, null);
    assert.ok(c.result.errors.length > 0);
    assert.is(c.stored, false);
  }
  assert.equal(entries(), []);
});

test('a missing cache directory is created; one that cannot be created means no cache', () => {
  const { dir, file, entries } = setup();
  const nested = path.join(dir, 'a', 'b');
  assert.ok(cachedRun(PROGRAM, file, nested).stored);
  assert.ok(existsSync(nested));
  // a regular file where the directory should be
  mkdirSync(dir, { recursive: true });
  const blocker = path.join(dir, 'not-a-dir');
  writeFileSync(blocker, 'x');
  for (let i = 0; i < 2; i++) {
    const r = cachedRun(PROGRAM, file, path.join(blocker, 'cache'));
    assert.is(r.stored, false);
    assert.is(r.out, fresh(PROGRAM));
  }
  assert.equal(entries(), []);
});

test('a read-only cache directory means no cache, and the program still runs', () => {
  const { dir, file, entries } = setup();
  mkdirSync(dir);
  chmodSync(dir, 0o555);
  try {
    const r = cachedRun(PROGRAM, file, dir);
    assert.is(r.out, fresh(PROGRAM));
    // root ignores directory permissions; for anyone else nothing can have been written
    if (process.getuid?.() !== 0) {
      assert.is(r.stored, false);
      assert.equal(entries(), []);
    }
  } finally {
    chmodSync(dir, 0o755);
  }
});

test('an entry that cannot be read (a directory in its place) is a miss, never an error', () => {
  const { dir, file, entries } = setup();
  cachedRun(PROGRAM, file, dir);
  const name = entries()[0];
  const entry = path.join(dir, name);
  rmSync(entry);
  mkdirSync(entry);
  const r = cachedRun(PROGRAM, file, dir);
  assert.is(r.outcome, 'miss');
  assert.is(r.out, fresh(PROGRAM));
  assert.is(r.stored, false);
});

test('two processes compiling the same file at once both run it; the entry is whole', async () => {
  const { dir, file, entries } = setup();
  const expected = fresh(PROGRAM);
  const once = (): Promise<{ status: number | null; stdout: string }> => new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, file], { env: cleanEnv({ MUFIZ_CACHE_DIR: dir }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.on('close', (status) => resolve({ status, stdout }));
  });
  const results = await Promise.all([once(), once(), once()]);
  for (const r of results) {
    assert.is(r.status, 0);
    assert.is(r.stdout, expected);
  }
  assert.is(entries().length, 1);
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left');
  // The next run is a hit: it prints the same and leaves the entry as it was.
  // (In-process, under ts-node, the compiler's fingerprint differs from dist/'s: not shared.)
  const entry = path.join(dir, entries()[0]);
  const before = readFileSync(entry);
  const again = await once();
  assert.is(again.stdout, expected);
  assert.ok(readFileSync(entry).equals(before));
  assert.ok(decodeEntry(before, before.subarray(8, 24)), 'the entry is whole and verifies');
});

test('CLI: FILE is cached; --no-cache, -e CODE and stdin programs are not', () => {
  const { dir, file, entries } = setup();
  const env = { MUFIZ_CACHE_DIR: dir };
  const expected = fresh(PROGRAM);
  assert.is(mufiz(['--no-cache', file], { env }).stdout, expected);
  assert.is(mufiz(['-e', 'print 1;'], { env }).stdout, '1\n');
  assert.is(mufiz(['-'], { env, input: 'print 2;' }).stdout, '2\n');
  assert.equal(entries(), []);
  assert.is(mufiz([file], { env: { ...env, MUFIZ_OPTIONS: '--no-cache' } }).stdout, expected);
  assert.equal(entries(), []);
  assert.is(mufiz([file], { env }).stdout, expected);
  assert.is(entries().length, 1);
  assert.is(mufiz([file], { env }).stdout, expected);
});

test('pruning keeps the most recently written entries and drops stale temporary files', () => {
  const dir = tempDir('mufiz-prune-');
  const now = Date.now();
  const at = (name: string, secondsAgo: number): void => {
    writeFileSync(path.join(dir, name), 'x');
    const t = (now - secondsAgo * 1000) / 1000;
    utimesSync(path.join(dir, name), t, t);
  };
  for (let i = 0; i < 30; i++) at(`e${String(i).padStart(2, '0')}.mzc`, i * 10); // e00 newest
  at('old.x.tmp', 3600);
  at('fresh.x.tmp', 1); // possibly being written right now: kept
  at('README', 7200); // not the cache's: kept
  prune(dir, 10, now);
  const left = readdirSync(dir).sort();
  assert.equal(left.filter((f) => f.endsWith('.mzc')), Array.from({ length: 10 }, (_, i) => `e${String(i).padStart(2, '0')}.mzc`));
  assert.ok(left.includes('fresh.x.tmp') && left.includes('README') && !left.includes('old.x.tmp'));
  prune(path.join(dir, 'missing'), 10, now); // never throws
});

test('cache directory: MUFIZ_CACHE_DIR, else $XDG_CACHE_HOME/mufiz, else ~/.cache/mufiz', () => {
  assert.is(cacheDirectory({ MUFIZ_CACHE_DIR: '/x/y', XDG_CACHE_HOME: '/c' }), '/x/y');
  assert.is(cacheDirectory({ XDG_CACHE_HOME: '/c' }), path.join('/c', 'mufiz'));
  // a relative XDG_CACHE_HOME is invalid by the XDG spec: ignored
  assert.is(cacheDirectory({ XDG_CACHE_HOME: 'rel', HOME: '/home/u' }), path.join(homedir(), '.cache', 'mufiz'));
  assert.is(cacheDirectory({}), path.join(homedir(), '.cache', 'mufiz'));
  assert.ok(cleanEnv().MUFIZ_CACHE_DIR, 'CLI tests never use the user\'s cache');
});

test.run();
