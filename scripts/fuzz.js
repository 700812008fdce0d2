#!/usr/bin/env node
'use strict';
/**
 * The MufiZ fuzzer (issue 11). Two sources of programs, both seeded and reproducible:
 *
 *  - a grammar-based generator of well-formed programs mixing every feature: classes with
 *    inheritance and super, closures, vectors, lists, hash tables, pairs, ranges, indexing and
 *    slices, switch, foreach, f-strings, string building, deep recursion, and calls of every
 *    sandbox-safe native with odd arguments;
 *  - a mutator of the golden programs (tests/golden) and the conformance corpus
 *    (/work/shared/conformance/cases, or $MUFI_CORPUS): lines dropped, duplicated or swapped,
 *    tokens replaced by extreme numbers, odd strings or stray punctuation, the file truncated.
 *
 * Each program runs in-process (dist/index.js Engine) in a worker thread, with a heap limit, the
 * sandbox and a timeout (the worker is replaced when one expires), once plainly and once with
 * --gc-stress --heap-verify. A program fails when:
 *   - the engine throws (a JS exception, heap corruption, a heap-verify failure), or any text
 *     (output or diagnostic) shows a JS stack trace;
 *   - a diagnostic contains `Internal error`, `undefined`, `[object` or `NaN`;
 *   - the two modes disagree (output, diagnostics, status), unless one of them timed out;
 *   - the process RSS goes above --max-rss (default 1536 MB).
 * A timeout is not a failure (mutations can make endless loops), it is counted apart.
 * A failing program is minimised (lines, then characters of lines, removed while the same kind
 * of failure remains) and printed with the command that reproduces it.
 *
 *   node scripts/fuzz.js [--seed N] [--count N] [--only I] [--gen-only|--mutate-only]
 *                        [--timeout MS] [--heap-limit MB] [--max-rss MB] [--no-stress]
 *                        [--save DIR] [--print] [--quiet]
 *
 * --only I runs program I alone (as numbered in a run of the same seed); --print shows the
 * programs instead of running them.
 *
 * The last line is always `N passed, M failed`; the exit status is 1 when M > 0.
 * Needs a build (dist/).
 */
const path = require('path');
const fs = require('fs');
const { Worker, isMainThread, parentPort, workerData, MessageChannel, receiveMessageOnPort } = require('worker_threads');

const ROOT = path.join(__dirname, '..');

// ------------------------------------------------------------------ worker side

if (!isMainThread) {
  const { Engine, formatDiagnostics } = require(path.join(ROOT, 'dist', 'index'));
  const { heapLimitMb, port, flag } = workerData;
  parentPort.on('message', ({ id, source, stress }) => {
    let out = '';
    let bytes = 0;
    const write = (t) => { if (bytes < 1 << 20) { out += t; bytes += t.length; } };
    let result;
    try {
      const engine = new Engine({
        write, sandbox: true, maxFrames: 2000,
        allocator: { heapLimit: heapLimitMb * 1024 * 1024 },
        gc: stress ? { stress: true, verify: true } : {},
      });
      const o = engine.run(source, 'fuzz.mufi');
      let diag = '';
      let status = 0;
      let messages = [];
      if (o.kind === 'compile-error') {
        diag = formatDiagnostics(o.diagnostics, o.omitted || 0, source, false);
        messages = o.diagnostics.map((d) => d.message);
        status = 65;
      } else if (o.kind === 'runtime-error') {
        diag = o.error.report();
        messages = [o.error.mufiMessage];
        status = 70;
      } else if (o.kind === 'exit') status = o.status;
      result = { id, out, diag, messages, status };
      // The next program's engine reuses the heap (its report is already text).
      engine.dispose();
    } catch (e) {
      result = { id, out, diag: '', status: -1, thrown: `${e && e.name}: ${e && e.message}\n${e && e.stack}` };
    }
    result.rss = process.memoryUsage.rss();
    port.postMessage(result);
    Atomics.add(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
  return;
}

// ------------------------------------------------------------------ options

function parseArgs(argv) {
  const o = { seed: 1, count: 300, only: -1, gen: true, mutate: true, timeout: 5000, heapLimit: 16, maxRss: 1536, stress: true, save: null, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => { const v = Number(argv[++i]); if (!Number.isFinite(v)) throw new Error(`${a} needs a number`); return v; };
    if (a === '--seed') o.seed = num();
    else if (a === '--count') o.count = num();
    else if (a === '--only') o.only = num();
    else if (a === '--gen-only') o.mutate = false;
    else if (a === '--mutate-only') o.gen = false;
    else if (a === '--timeout') o.timeout = num();
    else if (a === '--heap-limit') o.heapLimit = num();
    else if (a === '--max-rss') o.maxRss = num();
    else if (a === '--no-stress') o.stress = false;
    else if (a === '--save') o.save = argv[++i];
    else if (a === '--quiet') o.quiet = true;
    else if (a === '--print') o.print = true;
    else if (a === '--help' || a === '-h') { console.log(fs.readFileSync(__filename, 'utf8').split('*/')[0]); process.exit(0); }
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

// ------------------------------------------------------------------ random numbers

/** mulberry32: small, fast, and the same sequence everywhere for a seed. */
function rng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
  };
  return r;
}

// ------------------------------------------------------------------ generator

const ODD_NUMBERS = ['0', '-1', '1', '2147483647', '-2147483648', '2147483648', '1e308', '-1e308', '1e-320', '0.5', '(0/0)', '(1/0)', '(-1/0)', '-0.0', '3i'];
const ODD_STRINGS = ['""', '"x"', '"héllo"', '"😀"', '"a\\0b"', '"\\n\\t"', '"{}"', '"%s%d"', '"nil"', '"  pad  "'];

function generator(r, natives) {
  let fresh = 0;
  const name = (p) => `${p}${fresh++}`;

  function atom(vars, depth) {
    const k = r.int(10);
    if (k < 3 && vars.length > 0) return r.pick(vars);
    if (k < 5) return r.pick(ODD_NUMBERS);
    if (k < 6) return r.pick(ODD_STRINGS);
    if (k < 7) return r.pick(['nil', 'true', 'false']);
    if (k < 8) return String(r.int(100));
    if (k < 9) return `"s${r.int(10)}"`;
    return depth > 0 ? expr(vars, depth - 1) : '1';
  }

  function expr(vars, depth) {
    if (depth <= 0) return atom(vars, 0);
    const e = () => expr(vars, depth - 1);
    switch (r.int(22)) {
      case 0: return `${e()} ${r.pick(['+', '-', '*', '/', '%', '^'])} ${e()}`;
      case 1: return `(${e()} ${r.pick(['==', '!=', '<', '<=', '>', '>='])} ${e()})`;
      case 2: return `(${e()} ${r.pick(['and', 'or'])} ${e()})`;
      case 3: return `${r.pick(['-', '!'])}${atom(vars, depth - 1)}`;
      case 4: return `[${Array.from({ length: r.int(5) }, e).join(', ')}]`;
      case 5: return `#{${Array.from({ length: r.int(4) }, (_, i) => `"k${i}": ${e()}`).join(', ')}}`;
      case 6: return `(${e()} => ${e()})`;
      case 7: return `(${r.int(5)}..${r.pick(['', '='])}${r.int(10)})`;
      case 8: return `${atom(vars, depth - 1)}[${r.pick([e(), 'end', 'end - 1', '0', '-1', '99'])}]`;
      case 9: return `${atom(vars, depth - 1)}[${r.pick(['0', '1', 'end', e()])}:${r.pick(['end', '2', e()])}]`;
      case 10: return `f"v={${e()}} w={${atom(vars, 0)}}"`;
      case 11: return nativeCall(vars, depth);
      case 12: return `str(${e()})`;
      case 13: return `${e()} + ""`;
      case 14: return `(${Array(2 + r.int(40)).fill(0).map(() => atom(vars, 0)).join(r.pick([' + ', ' and ', ' or ', ' * ']))})`;
      case 15: return `${'('.repeat(depth)}${e()}${')'.repeat(depth)}`;
      default: return atom(vars, depth - 1);
    }
  }

  function nativeCall(vars, depth) {
    const n = r.pick(natives);
    const argc = r.int(4);
    return `${n}(${Array.from({ length: argc }, () => (r.chance(0.6) ? atom(vars, 0) : expr(vars, depth - 1))).join(', ')})`;
  }

  /** A statement; `vars` are names in scope, `ctx` says what is allowed here. */
  function stmt(vars, depth, ctx) {
    const ex = () => expr(vars, 2 + r.int(2));
    const block = (extra) => `{\n${stmts(vars.concat(extra || []), depth - 1, ctx, 1 + r.int(3))}}`;
    const k = depth <= 0 ? r.int(4) : r.int(20);
    switch (k) {
      case 0: { const v = name('v'); vars.push(v); return `var ${v} = ${ex()};`; }
      case 1: return `print ${ex()};`;
      case 2: return vars.length ? `${r.pick(vars)} = ${ex()};` : `print ${ex()};`;
      case 3: return `${ex()};`;
      case 4: return `if (${ex()}) ${block()} else ${block()}`;
      case 5: { const i = name('i'); return `for (var ${i} = 0; ${i} < ${r.int(6)}; ${i}++) ${block([i])}`; }
      case 6: { const w = name('w'); return `var ${w} = 0;\nwhile (${w} < ${r.int(5)}) { ${w} += 1; ${stmt(vars.concat([w]), depth - 1, { ...ctx, loop: true })} }`; }
      case 7: { const x = name('x'); return `foreach (${x} in ${r.pick(['[1, 2, 3]', '"abc"', '1..4', '#{"a": 1, "b": 2}', ex()])}) ${block([x])}`; }
      case 8: {
        const arms = Array.from({ length: 1 + r.int(3) }, () => `  ${r.pick(['case ', ''])}${r.pick([String(r.int(5)), `${r.int(3)}..${r.int(6)}`, '"a"', 'nil'])} => ${r.pick([`print ${ex()};`, `{ print ${ex()}; }`])}`);
        if (r.chance(0.5)) arms.push(`  _ => print "default";`);
        return `switch (${ex()}) {\n${arms.join('\n')}\n}`;
      }
      case 9: { // a function, a call of it, maybe deep recursion
        const f = name('f');
        const p = name('p');
        const body = `if (${p} <= 0) return ${ex()};\n  return ${f}(${p} - 1) ${r.pick(['+', '-'])} 1;`;
        const n = r.pick(['3', '10', '500', '1999', '5000']);
        vars.push(f);
        return `fun ${f}(${p}) {\n  ${body}\n}\nprint ${f}(${n});`;
      }
      case 10: { // closures
        const mk = name('mk'), c = name('c'), cnt = name('cnt');
        vars.push(c);
        return `fun ${mk}() { var ${cnt} = 0; fun inc() { ${cnt} += 1; return ${cnt}; } return inc; }\nvar ${c} = ${mk}();\n${c}(); print ${c}();`;
      }
      case 11: { // classes, inheritance, super
        const A = name('A'), B = name('B'), o = name('o');
        vars.push(o);
        return `class ${A} { init(x) { self.x = x; } get() { return self.x; } }\n` +
          `class ${B} < ${A} { init(x) { super.init(x); self.y = ${ex()}; } get() { return super.get() + 1; } }\n` +
          `var ${o} = ${B}(${r.pick(['1', '2.5', '"s"', 'nil'])});\nprint ${o}.get();\nprint ${o}.y;\nprint ${o};`;
      }
      case 12: { // collections through natives
        const l = name('l');
        vars.push(l);
        return `var ${l} = ${r.pick(['linked_list()', '[1, 2, 3]', 'hash_table()', '[3, 1, 2]'])};\n` +
          `push(${l}, ${ex()});\nprint len(${l});\n${r.pick(['sort', 'reverse', 'print'])}(${l});\nprint ${l};`;
      }
      case 13: { // string building
        const s = name('s'), i = name('i');
        vars.push(s);
        return `var ${s} = "";\nfor (var ${i} = 0; ${i} < ${r.pick(['10', '100', '600'])}; ${i}++) { ${s} = ${s} + ${r.pick(['"ab"', 'str(' + i + ')', '"😀"'])}; }\nprint len(${s});`;
      }
      case 14: return `print ${nativeCall(vars, 2)};`;
      case 15: { // indexing assignments
        const v = name('t');
        vars.push(v);
        return `var ${v} = ${r.pick(['[1, 2, 3]', '#{"a": 1}', 'linked_list()', '"str"'])};\n${v}[${r.pick(['0', '"a"', 'end', '-1', '5'])}] ${r.pick(['=', '+='])} ${ex()};\nprint ${v};`;
      }
      case 16: return ctx.loop ? r.pick(['break;', 'continue;']) : `print ${ex()};`;
      case 17: return ctx.fn ? `return ${ex()};` : `{ ${stmt(vars.slice(), depth - 1, ctx)} }`;
      case 18: { // deep structure printing
        const d = name('d'), i = name('i');
        return `var ${d} = ${r.pick(['linked_list()', '#{}', '[1]'])};\nfor (var ${i} = 0; ${i} < ${r.pick(['5', '50', '2500'])}; ${i}++) { ${d} = ${r.pick([`#{"n": ${d}}`, `(${d} => 1)`, `[${i}]`])}; }\nprint ${d};`;
      }
      default: return `print ${ex()};`;
    }
  }

  function stmts(vars, depth, ctx, n) {
    let out = '';
    for (let i = 0; i < n; i++) out += stmt(vars, depth, ctx) + '\n';
    return out;
  }

  return () => {
    fresh = 0;
    return stmts([], 3, { loop: false, fn: false }, 3 + r.int(8));
  };
}

// ------------------------------------------------------------------ mutator

const TOKENS = ['(', ')', '{', '}', '[', ']', ';', ',', '.', '=>', '..', '+', '=', 'end', 'nil', 'self', 'super', 'fun', 'class', 'var', 'return', 'print', '"', 'f"{', '`', '#{', '\0', '\uFEFF', '\r', '😀', '\\u{110000}'];

function corpusFiles() {
  const dirs = [path.join(ROOT, 'tests', 'golden'), process.env.MUFI_CORPUS || '/work/shared/conformance/cases'];
  const files = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      if (fs.statSync(p).isDirectory()) walk(p);
      // A case with a .stress file is known to be quadratic under full --gc-stress, and one
      // that calls a nondeterministic native may print different values in the two modes.
      else if (n.endsWith('.mufi') && !fs.existsSync(p.slice(0, -5) + '.stress') && !NONDETERMINISTIC_CALL.test(fs.readFileSync(p, 'utf8'))) files.push(p);
    }
  };
  dirs.forEach(walk);
  return files;
}

function mutate(r, text) {
  let lines = text.split('\n');
  const rounds = 1 + r.int(4);
  for (let k = 0; k < rounds; k++) {
    const i = r.int(lines.length);
    switch (r.int(9)) {
      case 0: lines.splice(i, 1); break;
      case 1: lines.splice(i, 0, lines[r.int(lines.length)]); break;
      case 2: { const j = r.int(lines.length); [lines[i], lines[j]] = [lines[j], lines[i]]; break; }
      case 3: lines[i] = (lines[i] || '').replace(/\b\d+(\.\d+)?\b/, () => r.pick(ODD_NUMBERS)); break;
      case 4: lines[i] = (lines[i] || '').replace(/"[^"\\]*"/, () => r.pick(ODD_STRINGS)); break;
      case 5: { const l = lines[i] || ''; const at = r.int(l.length + 1); lines[i] = l.slice(0, at) + r.pick(TOKENS) + l.slice(at); break; }
      case 6: { const l = lines[i] || ''; const at = r.int(l.length + 1); lines[i] = l.slice(0, at) + l.slice(at + 1 + r.int(5)); break; }
      case 7: lines = lines.slice(0, Math.max(1, i)); break;
      default: lines[i] = (lines[i] || '').replace(/\b\d+\b/, () => r.pick(['100000', '3000', '-5']));
    }
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------ running

class Runner {
  constructor(o) {
    this.o = o;
    this.worker = null;
    this.next = 0;
  }

  start() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.flag = new Int32Array(new SharedArrayBuffer(4));
    this.worker = new Worker(__filename, {
      workerData: { heapLimitMb: this.o.heapLimit, port: port2, flag: this.flag },
      transferList: [port2],
      // The CLI runs on the main thread, whose V8 stack is about 1 MB; a worker's default is 4 MB
      // and would hide host stack overflows.
      resourceLimits: { maxOldGenerationSizeMb: 1024, stackSizeMb: 1 },
    });
    this.worker.on('error', () => { /* seen as a timeout: no answer */ });
    this.worker.unref();
  }

  /** Runs one program synchronously in the worker; a timeout or a dead worker replaces it. */
  run(source, stress) {
    if (this.worker === null) this.start();
    const id = ++this.next;
    // The worker answers on a port of our own and bumps `flag`: wait for it synchronously.
    const seen = Atomics.load(this.flag, 0);
    this.worker.postMessage({ id, source, stress });
    const deadline = Date.now() + this.o.timeout * (stress ? 4 : 1);
    for (;;) {
      const m = receiveMessageOnPort(this.port);
      if (m !== undefined && m.message.id === id) {
        // After a JS exception escaped the engine, module state may be inconsistent: the next
        // program gets a fresh worker, so one failure cannot cause others.
        if (m.message.thrown !== undefined) this.restart();
        return m.message;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        this.restart();
        return { id, timeout: true };
      }
      Atomics.wait(this.flag, 0, seen, Math.min(left, 100));
    }
  }

  restart() {
    void this.worker.terminate();
    this.port.close();
    this.worker = null;
  }

  stop() {
    if (this.worker !== null) void this.worker.terminate();
  }
}

/** Why an outcome is bad, or null. */
function problem(res, maxRssBytes) {
  if (res.timeout) return null;
  if (res.thrown !== undefined) return `engine threw: ${res.thrown.split('\n')[0]}`;
  const all = res.out + '\n' + res.diag;
  if (/\n\s+at .+:\d+:\d+\)?/.test(all) || /\bat Object\.<anonymous>/.test(all)) return 'JS stack trace in the output';
  if (/Internal error/.test(res.diag)) return 'Internal error';
  for (const m of res.messages) {
    // The program's own text (names, strings) appears quoted in messages: only the rest counts.
    const own = m.replace(/'[^']*'|"[^"]*"/g, "''");
    if (/undefined|\[object|NaN/.test(own)) return `bad word in a diagnostic: ${m.slice(0, 160)}`;
  }
  if (res.rss > maxRssBytes) return `RSS ${Math.round(res.rss / 1048576)} MB`;
  return null;
}

/** What the minimiser must keep: the kind of problem (for a JS exception, also its type and message start). */
function kindOf(p) {
  return p.startsWith('engine threw') ? p.slice(0, 60) : p.split(':')[0];
}

function check(runner, o, source) {
  const plain = runner.run(source, false);
  const p = problem(plain, o.maxRss * 1048576);
  if (p !== null) return { kind: kindOf(p), detail: p, timeout: false };
  if (plain.timeout) return { kind: null, timeout: true };
  if (!o.stress) return { kind: null, timeout: false };
  const stressed = runner.run(source, true);
  const q = problem(stressed, o.maxRss * 1048576);
  if (q !== null) return { kind: `stress ${kindOf(q)}`, detail: `under --gc-stress --heap-verify: ${q}`, timeout: false };
  if (stressed.timeout) return { kind: null, timeout: true };
  if (stressed.out !== plain.out || stressed.diag !== plain.diag || stressed.status !== plain.status) {
    return { kind: 'stress differs', detail: `plain and --gc-stress --heap-verify differ:\n  plain:  ${JSON.stringify((plain.out + plain.diag).slice(-300))}\n  stress: ${JSON.stringify((stressed.out + stressed.diag).slice(-300))}`, timeout: false };
  }
  return { kind: null, timeout: false };
}

/** Removes lines, then characters, while the same kind of failure remains. */
function minimise(runner, o, source, kind) {
  const fails = (s) => check(runner, o, s).kind === kind;
  let lines = source.split('\n');
  for (let chunk = Math.max(1, lines.length >> 1); chunk >= 1; chunk >>= 1) {
    for (let i = 0; i < lines.length;) {
      const tryLines = lines.slice(0, i).concat(lines.slice(i + chunk));
      if (tryLines.length > 0 && fails(tryLines.join('\n'))) lines = tryLines;
      else i += chunk;
    }
  }
  let text = lines.join('\n');
  for (let chunk = 16; chunk >= 1; chunk >>= 2) {
    for (let i = 0; i < text.length;) {
      const t = text.slice(0, i) + text.slice(i + chunk);
      if (t.trim() !== '' && fails(t)) text = t;
      else i += chunk;
    }
  }
  return text;
}

const NONDETERMINISTIC = new Set(['sleep', 'input', 'now', 'now_ms', 'now_ns', 'clock', 'rand', 'randn', 'gc_collect', 'mem_usage', 'gc_stats']);

const NONDETERMINISTIC_CALL = new RegExp(`\\b(${[...NONDETERMINISTIC].join('|')})\\s*\\(`);

function main() {
  const o = parseArgs(process.argv.slice(2));
  const { allNatives } = require(path.join(ROOT, 'dist', 'vm', 'natives'));
  // Sandbox-safe natives only: the programs run with --sandbox (no files, no network, no exit).
  // Natives whose results differ from run to run (time, randomness, heap figures) would make the
  // two modes disagree for no fault: left out.
  const natives = allNatives({ sandbox: true }).map((n) => n.name).filter((n) => !NONDETERMINISTIC.has(n));
  const files = o.mutate ? corpusFiles() : [];
  const texts = new Map();
  const runner = new Runner(o);
  let passed = 0, failed = 0, timeouts = 0;
  const t0 = Date.now();
  for (let i = 0; i < o.count; i++) {
    if (o.only >= 0 && i !== o.only) continue;
    const r = rng(o.seed * 1000003 + i);
    let source, origin;
    const useGen = o.gen && (!o.mutate || files.length === 0 || r.chance(0.5));
    if (useGen) {
      source = generator(r, natives)();
      origin = 'generated';
    } else {
      const f = r.pick(files);
      if (!texts.has(f)) texts.set(f, fs.readFileSync(f, 'utf8'));
      source = mutate(r, texts.get(f));
      origin = `mutated ${path.relative(ROOT, f)}`;
    }
    if (o.print) { console.log(`// #${i} (${origin})\n${source}`); continue; }
    const t1 = Date.now();
    const res = check(runner, o, source);
    if (process.env.FUZZ_SLOW && Date.now() - t1 > Number(process.env.FUZZ_SLOW)) console.log(`slow #${i} (${origin}): ${Date.now() - t1} ms`);
    if (res.timeout) timeouts++;
    if (res.kind === null) { passed++; continue; }
    failed++;
    const small = minimise(runner, o, source, res.kind);
    console.log(`FAIL #${i} (${origin}): ${res.detail}\n  reproduce: node scripts/fuzz.js --seed ${o.seed} --count ${i + 1} --only ${i}\n  minimised program:\n${small.split('\n').map((l) => '    | ' + l).join('\n')}\n`);
    if (o.save) {
      fs.mkdirSync(o.save, { recursive: true });
      fs.writeFileSync(path.join(o.save, `seed${o.seed}_${i}.mufi`), source);
      fs.writeFileSync(path.join(o.save, `seed${o.seed}_${i}.min.mufi`), small);
    }
  }
  runner.stop();
  if (!o.quiet || timeouts > 0) console.log(`${timeouts} timed out (not failures), ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main();
