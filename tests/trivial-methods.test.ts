import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine, RunOutcome } from '../src/index';
import { L } from '../src/vm/layout';
import { AUTO_HOT, TIER_COMPILED } from '../src/vm/tier/state';

// Trivial methods (src/vm/trivial.ts) run at the invoke site without a frame. Each program here
// is run twice: as written, and with every trivial body made non-trivial by a leading no-op
// statement on the same line (`var _t = 0;`), which the compiler cannot fold away, so every call
// is a real call. Both must give the same text (output, error, trace) in every tier.

type Tier = 'interp' | 'js' | 'auto';

function run(source: string, tier: Tier, extra: { gc?: Record<string, unknown>; maxFrames?: number } = {}) {
  let out = '';
  const engine = new Engine({ tier, write: (s) => { out += s; }, gc: extra.gc ?? {}, maxFrames: extra.maxFrames });
  const outcome = engine.run(source, 'trivial.mufi');
  return { engine, text: out + describe(outcome) };
}

function describe(o: RunOutcome): string {
  if (o.kind === 'runtime-error') return `\n<error>\n${o.error.report()}`;
  if (o.kind === 'compile-error') return `\n<compile error>`;
  if (o.kind === 'exit') return `\n<exit ${o.status}>`;
  return '';
}

/** The source with each `/*T*\/` marker (placed at the start of a method body) a no-op statement. */
function nonTrivial(source: string): string {
  return source.replace(/\/\*T\*\//g, 'var _t = 0;');
}

/** The source with the markers removed: the marked methods are trivial. */
function trivial(source: string): string {
  return source.replace(/\/\*T\*\//g, '');
}

/** Same text in every tier, inlined or not; returns it. */
function same(source: string, extra: { gc?: Record<string, unknown>; maxFrames?: number } = {}): string {
  assert.ok(source.includes('/*T*/'), 'the program marks its trivial methods');
  const reference = run(nonTrivial(source), 'interp', extra).text;
  for (const tier of ['interp', 'js', 'auto'] as Tier[]) {
    assert.is(run(trivial(source), tier, extra).text, reference, `${tier}, inlined`);
    assert.is(run(nonTrivial(source), tier, extra).text, reference, `${tier}, real calls`);
  }
  return reference;
}

const KINDS = `
class A {
  init(x) { self.x = x; }
  getx() { /*T*/ return self.x; }
  nothing() { /*T*/ }
  me() { /*T*/ return self; }
  first(a, b) { /*T*/ return a; }
  second(a, b) { /*T*/ return b; }
  three() { /*T*/ return 3; }
  half() { /*T*/ return 2.5; }
  str() { /*T*/ return "s"; }
  yes() { /*T*/ return true; }
  no() { /*T*/ return false; }
  bm() { /*T*/ return self.getx; }
}
class B < A { getx() { return self.x * 10; } sup() { return super.getx() + super.three(); } }
var a = A(1);
var b = B(2);
var s = 0;
for (var i = 0; i < 3000; i = i + 1) {
  var o = a;
  if (i % 3 == 1) o = b;
  s = s + o.getx();
  o.nothing();
  s = s + o.me().getx() + o.first(i, 2) + o.second(1, i) + o.three() + o.half();
  if (o.yes() and !o.no()) s = s + 1;
  if (o.nothing() != nil) s = s + 1000000;
  if (i % 3 == 1) s = s + o.sup();
}
print s;
print a.str() + b.str();
print a.bm()();
print b.bm()();
`;

test('every trivial kind: the same results inlined and called, in every tier', () => {
  const text = same(KINDS);
  assert.ok(/^\d+(\.\d+)?\ns{2}\n1\n20\n$/.test(text), text);
});

test('an unset field through an inlined getter: the real call raises the same error and trace', () => {
  // One site (in get) first sees instances that have the field, then one whose slot is empty.
  const source = 'class A { gety() { /*T*/ return self.y; } }\nfun get(o) { return o.gety(); }\nvar a = A();\nvar n = 0;\n' +
    'for (var i = 0; i < 5000; i = i + 1) { a.y = i; n = n + get(a); }\nprint n;\na.y = nil;\nprint get(a);\n' +
    'var c = A();\nprint get(c);\n';
  const text = same(source);
  assert.ok(text.includes("\nnil\n\n<error>\nUndefined property 'y'.\n[line 1] in gety() (trivial.mufi:1)\n[line 2] in get() (trivial.mufi:2)\n[line 10] in script"), text);
});

test('an arity mismatch at a cached trivial site raises the call\'s error', () => {
  const text = same('class A { e() { /*T*/ } }\nvar a = A();\nfun f(n) { return a.e(n); }\nfor (var i = 0; i < 700; i = i + 1) a.e();\nf(1);\n');
  assert.ok(text.includes('Expected 0 arguments but got 1.'), text);
});

test('stack overflow at exactly the same call: a trivial method invoked at the frame limit', () => {
  // r and r2 recurse through each other; which call meets the limit depends on its parity.
  const source = `class A { init() { self.f = 1; } g() { /*T*/ return self.f; } e() { /*T*/ } }
var a = A();
fun r() {
  r2();
  a.g();
}
fun r2() {
  a.e();
  r();
}
r();
`;
  const lines = new Set<string>();
  for (const maxFrames of [50, 51, 400, 401]) {
    const text = same(source, { maxFrames });
    assert.ok(text.startsWith('\n<error>\nStack overflow.\n'), text);
    lines.add(text.split('\n')[3].replace(/ \(.*/, ''));
  }
  assert.ok(lines.has('[line 8] in r2()'), `the limit met at the trivial call a.e(): ${[...lines].join(' | ')}`);
});

test('stack overflow at the same call when the compiled caller was made hot first (the tier writes the body out at the site)', () => {
  // --tier=auto compiles r and r2 during the warm-up loop, after the interpreter's caches saw
  // the getter and the empty method at their sites; then r(-1) recurses to the limit.
  const source = `class A { init() { self.f = 1; } g() { /*T*/ return self.f; } e() { /*T*/ } }
var a = A();
fun r(n) {
  if (n == 0) return 0;
  r2(n);
  a.g();
  return 0;
}
fun r2(n) {
  a.e();
  r(n - 1);
}
for (var i = 0; i < 6000; i = i + 1) r(3);
print "warm";
r(-1);
`;
  const lines = new Set<string>();
  for (const maxFrames of [50, 51]) {
    const text = same(source, { maxFrames });
    assert.ok(text.startsWith('warm\n\n<error>\nStack overflow.\n'), text);
    lines.add(text.split('\n')[4].replace(/ \(.*/, ''));
  }
  assert.ok(lines.has('[line 10] in r2()'), `the limit met at the trivial call a.e(): ${[...lines].join(' | ')}`);
});

test('inline-cache misses: a subclass, a redefined class, a field that comes to shadow the method', () => {
  const text = same(`
class P { init() { self.v = 1; } get() { /*T*/ return self.v; } }
class Q < P { get() { return self.v + 100; } }
class R < P { init() { self.w = 5; self.v = 2; } }
fun total(o, n) { var s = 0; for (var i = 0; i < n; i = i + 1) s = s + o.get(); return s; }
var p0 = P();
var q0 = Q();
var r0 = R();
var s = 0;
for (var k = 0; k < 30; k = k + 1) { var o = p0; if (k % 3 == 1) o = q0; if (k % 3 == 2) o = r0; s = s + total(o, 100); }
print s;
class P { init() { self.v = 7; } get() { /*T*/ return -self.v; } }
print total(P(), 10);
var p = P();
fun shadow() { return 42; }
for (var i = 0; i < 800; i = i + 1) { if (i == 700) p.get = shadow; s = p.get(); }
print s;
`);
  assert.ok(text.endsWith('\n-70\n42\n'), text);
});

test('an open upvalue below the receiver does not stop inlining, and the values stay right', () => {
  same(`
class A { init(x) { self.x = x; } getx() { /*T*/ return self.x; } }
fun mk() {
  var c = A(5);
  var t = 0;
  fun add() { t = t + c.getx(); return t; }
  for (var i = 0; i < 800; i = i + 1) { add(); t = t + c.getx(); }
  return add;
}
print mk()();
`);
});

test('a getter loop under a collection at every allocation with heap verification', () => {
  const source = `
class A { init(n) { self.n = n; self.s = "x" + str(n); } num() { /*T*/ return self.n; } text() { /*T*/ return self.s; } }
var total = 0;
var text = "";
for (var i = 0; i < 300; i = i + 1) {
  var a = A(i);
  total = total + a.num();
  if (i % 50 == 0) text = text + a.text();
}
print total;
print text;
`;
  const reference = run(nonTrivial(source), 'interp').text;
  for (const tier of ['interp', 'js', 'auto'] as Tier[]) {
    assert.is(run(trivial(source), tier, { gc: { stress: 1, verify: true } }).text, reference, tier);
  }
});

test('--tier=auto: a getter called in a hot loop is run inline, never called (so never compiled)', () => {
  const source = 'class A { init() { self.f = 2; } g() { return self.f; } h() { var z = 0; return self.f; } }\n' +
    'var a = A();\nvar s = 0;\nfor (var i = 0; i < 5000; i = i + 1) s = s + a.g() + a.h();\nprint s;\n';
  const r = run(source, 'auto');
  assert.is(r.text, '20000\n');
  const rt = r.engine.vm.runtime;
  const klass = rt.globalVals[rt.globalSlots.get('A') as number] >>> 0;
  const word = (name: string) => {
    const e = rt.tables.find(klass + L.CLASS_METHODS, rt.strings.fromJs(name));
    const closure = rt.f64[(e + 8) >>> 3] >>> 0;
    return rt.u32[(rt.u32[(closure + L.CLOSURE_FN) >>> 2] + L.FN_TIER) >>> 2];
  };
  assert.ok(word('g') < AUTO_HOT, `g: FN_TIER word ${word('g')}`);
  assert.ok(word('h') >= TIER_COMPILED, 'the non-trivial twin was compiled');
});

test.run();
