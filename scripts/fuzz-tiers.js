#!/usr/bin/env node
'use strict';
/**
 * Differential fuzzing of the two tiers: generates random well-formed MufiZ programs (globals,
 * locals, closures, recursion, classes with fields, methods, inheritance and super, loops,
 * switch, strings, vectors, hash tables, int wrap-around, doubles, runtime errors) and runs each
 * in-process under --tier=interp and --tier=js; stdout, the runtime error text and its trace must
 * be identical. Each program is also run hot (150 rounds of it in a loop, see hotVariant) under
 * --tier=interp and --tier=auto, which must agree too: that reaches auto's compilation of hot
 * functions and of loops compiled alone, which the programs run once are too short for.
 *
 *   node scripts/fuzz-tiers.js [--count N] [--seed S] [--stress] [--keep DIR] [--verbose]
 *
 * --stress also runs the js tier, and the hot program's auto run, with a collection before every
 * allocation and heap verification.
 * Failing programs are written to DIR (default /tmp/fuzz-tiers). Needs a build (dist/).
 * The last line is `N passed, M failed`; the exit status is 1 when any failed.
 */
const fs = require('fs');
const path = require('path');
const { Engine } = require(path.join(__dirname, '..', 'dist', 'index.js'));

function parseArgs(argv) {
  const o = { count: 200, seed: Date.now() % 1000000, stress: false, keep: '/tmp/fuzz-tiers', verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--count') o.count = Number(argv[++i]);
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--stress') o.stress = true;
    else if (a === '--keep') o.keep = argv[++i];
    else if (a === '--verbose') o.verbose = true;
    else { console.error(`fuzz-tiers: unknown option ${a}`); process.exit(64); }
  }
  if (!(o.count >= 0) || !Number.isInteger(o.seed)) { console.error('fuzz-tiers: --count and --seed take integers'); process.exit(64); }
  return o;
}

/** mulberry32: a small deterministic PRNG, so a seed reproduces a program exactly. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(rand) {
  const int = (n) => Math.floor(rand() * n);
  const pick = (xs) => xs[int(xs.length)];
  const chance = (p) => rand() < p;
  let uid = 0;
  const fresh = (p) => `${p}${uid++}`;

  const INTS = ['0', '1', '2', '3', '7', '-5', '100', '2147483647', '-2147483648', '65536', '46341'];
  const DOUBLES = ['0.5', '1.25', '-2.5', '3.0', '1000.0', '0.1'];
  const STRINGS = ['"a"', '"bc"', '""', '"xyz"', '"a"'];

  /**
   * A numeric expression over the variables in scope (variables and fields only ever hold
   * numbers, so most programs run to the end; errors come from `% 0`, wrong-type atoms now and
   * then, and the deliberate error some programs end with).
   */
  function expr(ctx, depth) {
    if (depth <= 0 || chance(0.3)) return atom(ctx);
    switch (int(12)) {
      case 0: case 1: case 2: return `(${expr(ctx, depth - 1)} ${pick(['+', '-', '*', '+', '-'])} ${expr(ctx, depth - 1)})`;
      case 3: return `(${expr(ctx, depth - 1)} ${pick(['/', '%', '^', '/'])} ${expr(ctx, depth - 1)})`;
      case 4: return `len(${pick(['"abc"', '[1, 2]', '0..3'])})`;
      case 5: return `(${expr(ctx, depth - 1)} ${pick(['+', '*'])} ${atom(ctx)})`;
      case 6: return `-(${atom(ctx)})`;
      case 7: if (ctx.funs.length > 0) { const f = pick(ctx.funs); return `${f.name}(${args(ctx, f.arity, depth)})`; } return atom(ctx);
      case 8: if (ctx.objs.length > 0) return `${pick(ctx.objs)}.${pick(['x', 'y', 'get()', 'sum(1)', 'x'])}`; return atom(ctx);
      case 9: return `len(${pick(STRINGS)} + str(${atom(ctx)}))`;
      case 10: if (ctx.vecs.length > 0) return `${pick(ctx.vecs)}[${int(4)}]`; return atom(ctx);
      default: return `${pick(ctx.vecs.length > 0 ? ctx.vecs : ['[1]'])}[${int(4)}]`;
    }
  }
  /** A condition: comparisons, equality across types, and/or, not. */
  function cond(ctx, depth) {
    switch (int(5)) {
      case 0: case 1: return `${expr(ctx, depth)} ${pick(['<', '<=', '>', '>=', '==', '!='])} ${expr(ctx, depth)}`;
      case 2: return `(${cond(ctx, depth - 1)}) ${pick(['and', 'or'])} (${cond(ctx, depth - 1)})`;
      case 3: return `!(${cond(ctx, depth - 1)})`;
      default: return `${atom(ctx)} == ${pick(['nil', 'true', '"a"', '1.0', atom(ctx)])}`;
    }
  }
  function args(ctx, n, depth) {
    const a = [];
    for (let i = 0; i < n; i++) a.push(expr(ctx, Math.min(depth - 1, 1)));
    return a.join(', ');
  }
  function atom(ctx) {
    const r = int(10);
    if (r < 3 && ctx.vars.length > 0) return pick(ctx.vars);
    if (r < 4 && ctx.ro.length > 0) return pick(ctx.ro);
    if (r < 6) return pick(INTS);
    if (r < 7) return pick(DOUBLES);
    if (r < 8 && chance(0.05)) return pick(['nil', 'true', '"s"']);
    if (r < 9 && ctx.upvals.length > 0) return pick(ctx.upvals);
    return pick(INTS);
  }

  function block(ctx, depth, n) {
    const out = [];
    for (let i = 0; i < n; i++) out.push(...stmt(ctx, depth));
    return out;
  }

  function stmt(ctx, depth) {
    const r = int(depth > 0 ? 14 : 6);
    const v = ctx.vars.length > 0 ? pick(ctx.vars) : null; // assignable (loop counters are in ctx.ro)
    switch (r) {
      case 0: { const n = fresh('v'); const s = `var ${n} = ${expr(ctx, 2)};`; ctx.vars.push(n); return [s]; }
      case 1: return [chance(0.7) ? `print ${expr(ctx, 3)};` : chance(0.5) ? `print ${cond(ctx, 2)};` : `print "v" + str(${expr(ctx, 2)}) + ${pick(STRINGS)};`];
      case 2: return v ? [`${v} = ${expr(ctx, 2)};`] : [`print ${atom(ctx)};`];
      case 3: return v ? [`${v} ${pick(['+=', '-=', '*='])} ${atom(ctx)};`] : [`print 1;`];
      case 4: return ctx.objs.length > 0 ? [`${pick(ctx.objs)}.${pick(['x', 'y'])} = ${expr(ctx, 2)};`] : [`print 2;`];
      case 5: return v ? [`${v}++;`] : [`print 3;`];
      case 6: return [`if (${cond(ctx, 2)}) {`, ...block(scope(ctx), depth - 1, 2), `} else {`, ...block(scope(ctx), depth - 1, 1), `}`];
      case 7: {
        const i = fresh('i');
        const inner = scope(ctx); inner.ro.push(i);
        return [`for (var ${i} = 0; ${i} < ${1 + int(12)}; ${i} = ${i} + 1) {`, ...block(inner, depth - 1, 2), `}`];
      }
      case 8: {
        const c = fresh('c');
        const inner = scope(ctx); inner.ro.push(c);
        const body = block(inner, depth - 1, 2);
        if (chance(0.3)) body.push(`if (${c} == ${int(5)}) break;`);
        return [`var ${c} = 0;`, `while (${c} < ${1 + int(9)}) {`, `${c} = ${c} + 1;`, ...body, `}`];
      }
      case 9: {
        // A closure over a local, called a few times: upvalues open and closed.
        const f = fresh('mk'), cnt = fresh('n'), g = fresh('g');
        return [`fun ${f}() { var ${cnt} = ${atom(ctx)}; fun inc(d) { ${cnt} = ${cnt} + d; return ${cnt}; } return inc; }`,
          `var ${g} = ${f}();`, `print ${g}(1);`, `print ${g}(${atom(ctx)});`];
      }
      case 10: {
        const x = fresh('e');
        return [`foreach (${x} in ${pick(['0..4', '[1, 2.5, 3]', '"abc"', '1..=3'])}) {`, `print ${x};`, ...block(scope(ctx), depth - 1, 1), `}`];
      }
      case 11: {
        const s = expr(ctx, 1);
        return [`switch (${s}) {`, `case 1 => { print "one"; }`, `case 2..5 => { print "few"; }`, `_ => { print "other"; }`, `}`];
      }
      case 12: return ctx.objs.length > 0 ? [`print ${pick(ctx.objs)}.sum(${atom(ctx)});`] : [`print 4;`];
      default: return [`print ${expr(ctx, 2)};`];
    }
  }

  function scope(ctx) {
    return { vars: ctx.vars.slice(), ro: ctx.ro.slice(), funs: ctx.funs, objs: ctx.objs, upvals: ctx.upvals, vecs: ctx.vecs };
  }

  return function program() {
    uid = 0;
    const lines = [];
    const ctx = { vars: [], ro: [], funs: [], objs: [], upvals: [], vecs: [] };
    lines.push('class P { init(x) { self.x = x; self.y = 0; } get() { return self.x; } sum(d) { return self.x + self.y + d; } }');
    lines.push('class Q < P { init(x) { super.init(x); self.y = 2; } get() { return super.get() * 2; } }');
    for (let i = 0; i < 2; i++) {
      const o = fresh('o');
      lines.push(`var ${o} = ${pick(['P', 'Q'])}(${pick(INTS)});`);
      ctx.objs.push(o);
    }
    const vec = fresh('vec');
    lines.push(`var ${vec} = [1, 2, 3.5, 4];`);
    ctx.vecs.push(vec);
    const h = fresh('h');
    lines.push(`var ${h} = #{"a": 1, "b": 2};`);
    // Functions: straight, recursive with a bounded depth, calling earlier functions.
    for (let i = 0; i < 1 + int(3); i++) {
      const name = fresh('f');
      const params = ['a', 'b'].slice(0, 1 + int(2));
      const fctx = { vars: params.slice(), ro: [], funs: ctx.funs.slice(), objs: ctx.objs, upvals: [], vecs: ctx.vecs };
      const body = block(fctx, 2, 2 + int(3));
      const rec = chance(0.5) ? [`if (${params[0]} > 0 and ${params[0]} < 6) return ${name}(${params[0]} - 1${params.length > 1 ? ', ' + params[1] : ''}) + 1;`] : [];
      lines.push(`fun ${name}(${params.join(', ')}) {`, ...rec, ...body, `return ${expr(fctx, 2)};`, '}');
      ctx.funs.push({ name, arity: params.length });
    }
    lines.push(...block(ctx, 3, 6 + int(8)));
    lines.push(`print ${h}["a"];`);
    if (chance(0.25)) lines.push(pick(['print nil + 1;', 'undefined_fn(1);', `${ctx.funs[0].name}();`, `${ctx.objs[0]}.nope();`, 'print 1 % 0;', `print ${vec}[10];`]));
    // A loop long enough to be hot (its body runs through the tiers' loop entry).
    const k = fresh('k');
    const inner = scope(ctx); inner.ro.push(k);
    lines.push(`for (var ${k} = 0; ${k} < 30; ${k} = ${k} + 1) {`, ...block(inner, 1, 2), '}');
    return lines.join('\n') + '\n';
  };
}

/**
 * The program run HOT_REPS times in a loop (its top-level statements become the loop's body,
 * printing only on the last round), so --tier=auto's thresholds are reached: the script is long,
 * so its loops are compiled alone, and functions called every round get compiled.
 */
const HOT_REPS = 150;
function hotVariant(source) {
  return `for (var rep = 0; rep < ${HOT_REPS}; rep = rep + 1) {\n` +
    source.replace(/^print /gm, `if (rep == ${HOT_REPS - 1}) print `) + '}\n';
}

function run(source, tier, stress) {
  let out = '';
  const engine = new Engine({
    tier, write: (t) => { out += t; }, sandbox: true,
    gc: stress ? { stress: 1, verify: true } : {},
    allocator: { heapLimit: 64 * 1024 * 1024 },
  });
  let outcome;
  try {
    outcome = engine.run(source, 'fuzz.mufi');
  } catch (e) {
    // The heap may hold stray bytes anywhere: not for the next program.
    engine.dispose({ reuseHeap: false });
    return `${out}\n<internal error> ${e && e.message}`;
  }
  // The report is read before the heap goes back for the next program's engine.
  const report = outcome.kind === 'runtime-error' ? outcome.error.report() : '';
  engine.dispose();
  if (outcome.kind === 'runtime-error') return `${out}\n<error>\n${report}`;
  if (outcome.kind === 'compile-error') return `${out}\n<compile error> ${outcome.diagnostics.map((d) => d.message).join('; ')}`;
  if (outcome.kind === 'exit') return `${out}\n<exit ${outcome.status}>`;
  return out;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const rand = prng(o.seed);
  const program = generator(rand);
  let passed = 0, failed = 0, compileErrors = 0, errors = 0, lines = 0;
  for (let n = 0; n < o.count; n++) {
    const source = program();
    const a = run(source, 'interp', false);
    const b = run(source, 'js', false);
    const c = o.stress ? run(source, 'js', true) : b;
    // The same program made hot for --tier=auto (its loops compiled alone, hot functions compiled
    // after hundreds of calls), against the interpreter running the same hot program.
    const hot = hotVariant(source);
    const d = run(hot, 'interp', false);
    const e = run(hot, 'auto', o.stress);
    if (a.includes("<compile error>") || d.includes("<compile error>")) { compileErrors++; if (o.verbose) console.log(a, d); }
    if (a.includes('\n<error>\n')) errors++;
    lines += a.split('\n').length;
    if (a === b && b === c && d === e && !a.includes('<internal error>') && !d.includes('<internal error>')) { passed++; continue; }
    failed++;
    fs.mkdirSync(o.keep, { recursive: true });
    const file = path.join(o.keep, `seed${o.seed}-${n}.mufi`);
    fs.writeFileSync(file, source);
    console.log(`FAIL ${file}`);
    if (o.verbose) console.log(`--- interp\n${a}\n--- js\n${b}${o.stress ? `\n--- js stress\n${c}` : ''}\n--- hot, interp\n${d}\n--- hot, auto${o.stress ? ' stress' : ''}\n${e}`);
  }
  if (compileErrors > 0) console.log(`(${compileErrors} generated programs did not compile: a generator bug)`);
  console.log(`(${errors} of ${o.count} programs ended in a runtime error; ${Math.round(lines / Math.max(1, o.count))} output lines on average)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && compileErrors === 0 ? 0 : 1);
}

main();
