import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { compile, disassemble, formatDiagnostic, parse, tokenize } from '../src/compiler';
import type { Expr, Prototype, Stmt } from '../src/compiler';
import { OPERAND_BYTES, OP_NAMES } from '../src/compiler/opcodes';
import { skip } from './skip';

const CASES = path.resolve(__dirname, '../../shared/conformance/cases');

/** Plain code generation, without the peephole's superinstructions (tested on their own). */
function script(source: string, replEcho = false): Prototype {
  const r = compile(source, 'test.mufi', { replEcho, peephole: false });
  if (!r.script) throw new Error('unexpected errors: ' + r.errors.map((e) => e.message).join('; '));
  return r.script;
}

function errorsOf(source: string): string[] {
  const r = compile(source, 'test.mufi');
  assert.is(r.script, null, 'compile should fail');
  return r.errors.map((e) => e.message);
}

/** Opcode names of a prototype, in order (operands skipped). */
function ops(p: Prototype): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < p.code.length) {
    const op = p.code[i];
    out.push(OP_NAMES[op]);
    i += 1 + OPERAND_BYTES[op];
    if (OP_NAMES[op] === 'CLOSURE') {
      const c = p.constants[p.code[i - 2] | (p.code[i - 1] << 8)];
      if (c.kind === 'function') i += 2 * c.proto.upvalueCount;
    }
  }
  return out;
}

function fn(p: Prototype, name: string): Prototype {
  for (const c of p.constants) {
    if (c.kind === 'function') {
      if (c.proto.name === name) return c.proto;
      try { return fn(c.proto, name); } catch { /* keep looking */ }
    }
  }
  throw new Error('no function ' + name);
}

function firstExpr(source: string): Expr {
  const { program, errors } = parse(source, 't.mufi');
  assert.equal(errors, []);
  const s = program.body[0] as Stmt;
  if (s.type !== 'Print' && s.type !== 'ExprStmt') throw new Error('not an expression statement');
  return s.expr;
}

/** A compact s-expression of an expression tree. */
function shape(e: Expr): string {
  switch (e.type) {
    case 'Int': case 'Double': return String(e.value);
    case 'String': return JSON.stringify(e.value);
    case 'Variable': return e.name;
    case 'Unary': return `(${e.op} ${shape(e.operand)})`;
    case 'Binary': return `(${e.op} ${shape(e.left)} ${shape(e.right)})`;
    case 'Logical': return `(${e.op} ${shape(e.left)} ${shape(e.right)})`;
    case 'Range': return `(${e.inclusive ? '..=' : '..'} ${shape(e.low)} ${shape(e.high)})`;
    case 'Pair': return `(=> ${shape(e.key)} ${shape(e.value)})`;
    case 'Grouping': return shape(e.expr);
    case 'Assign': return `(${e.op} ${shape(e.target)} ${shape(e.value)})`;
    case 'Call': return `(call ${shape(e.callee)} ${e.args.map(shape).join(' ')})`;
    case 'Get': return `(. ${shape(e.object)} ${e.name.name})`;
    case 'Update': return `(${e.prefix ? 'pre' : 'post'}${e.op} ${shape(e.target)})`;
    default: return e.type;
  }
}

// ---------------- golden compile errors ----------------

/** The shared corpus is beside a full checkout (../shared); without it its tests are skipped. */
const HAVE_CORPUS = fs.existsSync(CASES);
const NO_CORPUS = `the shared corpus is not next to this checkout (${CASES})`;
const compileErrorDir = path.join(CASES, 'compile_errors');
if (!HAVE_CORPUS) test('compile error cases of the shared corpus report their .err phrase', () => skip(NO_CORPUS));
for (const file of HAVE_CORPUS ? fs.readdirSync(compileErrorDir).filter((f) => f.endsWith('.mufi')).sort() : []) {
  test(`compile error case ${file} reports its .err phrase`, () => {
    const source = fs.readFileSync(path.join(compileErrorDir, file), 'utf8');
    const phrase = fs.readFileSync(path.join(compileErrorDir, file.replace('.mufi', '.err')), 'utf8').split('\n')[0];
    const r = compile(source, file);
    assert.is(r.script, null);
    assert.ok(r.errors.some((d) => d.message.includes(phrase)), `${file}: ${r.errors.map((d) => d.message).join(' | ')}`);
    for (const d of r.errors) {
      assert.is(d.file, file);
      assert.ok(d.line >= 1 && d.column >= 1);
    }
  });
}

test('every error of a file is reported, syntax and semantic alike', () => {
  if (!HAVE_CORPUS) return skip(NO_CORPUS);
  const two = compile(fs.readFileSync(path.join(compileErrorDir, '002_all_errors_reported.mufi'), 'utf8'), 'a');
  assert.ok(two.errors.length >= 2);
  const three = compile(fs.readFileSync(path.join(compileErrorDir, '003_three_errors.mufi'), 'utf8'), 'b');
  assert.ok(three.errors.length >= 3);
  assert.equal(three.errors.map((e) => e.line), [2, 3, 5]);
});

test('recovery inside a function body reports each broken statement', () => {
  const msgs = errorsOf('fun f() {\n  var a = ;\n  print 1 +;\n  return 1;\n}\nprint );\n');
  assert.equal(msgs, ['Expected expression', 'Expected expression', 'Expected expression']);
});

test('spine cases compile without errors', () => {
  if (!HAVE_CORPUS) return skip(NO_CORPUS);
  const spine = fs.readFileSync(path.join(CASES, '../spine.txt'), 'utf8').split('\n')
    .filter((l) => l.startsWith('cases/') && !l.includes('compile_errors'));
  assert.ok(spine.length > 40);
  for (const rel of spine) {
    const source = fs.readFileSync(path.join(CASES, '..', rel), 'utf8');
    const r = compile(source, rel);
    assert.equal(r.errors.map((e) => `${rel}:${e.line}: ${e.message}`), []);
  }
});

// ---------------- specific diagnostics ----------------

test('semantic errors use upstream texts', () => {
  assert.equal(errorsOf('return 1;'), ['Cannot return from top-level code']);
  assert.equal(errorsOf('class A { init() { return 1; } }'), ['Cannot return a value from an initializer']);
  assert.equal(errorsOf('print super.x;'), ["Cannot use 'super' outside of a class"]);
  assert.equal(errorsOf('class A < A {}'), ["Class 'A' cannot inherit from itself"]);
  assert.equal(errorsOf('continue;'), ["'continue' statement must be inside a loop."]);
  assert.equal(errorsOf('{ const c = 1; c += 1; }'), ["Cannot assign to constant variable 'c'"]);
  assert.equal(errorsOf('{ const c = 1; c++; }'), ["Cannot assign to constant variable 'c'"]);
  assert.equal(errorsOf('{ const c = 1; const c = 2; }'), ["Constant 'c' already declared in this scope"]);
  assert.equal(errorsOf('const c;'), ['Constants must be initialized.']);
  assert.equal(errorsOf('(a) = 1;'), ['Invalid assignment target']);
  assert.equal(errorsOf('var x = 1'), ["Expect ';' after variable declaration."]);
  assert.equal(errorsOf('print "abc'), ['Unterminated string.']);
  assert.equal(errorsOf('print 1 $ 2;'), ["Unexpected character '$'"]);
  assert.equal(errorsOf('/# open /# nested #/ still open\nprint 1;'), ['Unterminated block comment.']);
});

test('a global const is defined with DEFINE_CONST_GLOBAL and assigning it compiles (runtime error)', () => {
  const p = script('const k = 1; k = 2;');
  assert.equal(ops(p), ['CONSTANT', 'DEFINE_CONST_GLOBAL', 'CONSTANT', 'SET_GLOBAL', 'POP', 'NIL', 'RETURN']);
});

test('256 locals in a function is too many; 255 is fine', () => {
  const decls = (n: number) => Array.from({ length: n }, (_, i) => `var v${i} = ${i};`).join(' ');
  assert.ok(compile(`fun f() { ${decls(255)} }`, 't').script !== null);
  assert.ok(errorsOf(`fun f() { ${decls(256)} }`).includes('Too many local variables in function (maximum 256)'));
});

test('more than 255 arguments is an error', () => {
  const args = Array.from({ length: 256 }, () => '1').join(', ');
  assert.ok(errorsOf(`f(${args});`).includes('Cannot have more than 255 arguments'));
});

test('formatDiagnostic prints location, source line and caret', () => {
  const src = 'var a = 1;\nvar b = a @ 2;\n';
  const r = compile(src, 'x.mufi');
  const text = formatDiagnostic(r.errors[0], src, false);
  assert.is(text, "x.mufi:2:11: error: Unexpected character '@'\n    var b = a @ 2;\n              ^");
  assert.ok(formatDiagnostic(r.errors[0], src, true).includes('\x1b['));
});

test('absurdly deep nesting is a diagnostic, not a crash', () => {
  const src = 'print ' + '('.repeat(20000) + '1' + ')'.repeat(20000) + ';';
  assert.equal(errorsOf(src), ['Program too deeply nested.']);
  assert.ok(compile('print ' + '('.repeat(60) + '1' + ')'.repeat(60) + ';', 't').script !== null);
});

test('columns count code points', () => {
  const r = compile('print "😀😀" + @;', 'u');
  assert.is(r.errors[0].column, 14);
});

// ---------------- parsing and precedence ----------------

test('^ is right-associative and binds tighter than unary minus on its left', () => {
  assert.is(shape(firstExpr('2^3^2;')), '(^ 2 (^ 3 2))');
  assert.is(shape(firstExpr('-2^2;')), '(- (^ 2 2))');
  assert.is(shape(firstExpr('2^-1;')), '(^ 2 (- 1))');
  assert.is(shape(firstExpr('2 * 2 ^ 3;')), '(* 2 (^ 2 3))');
});

test('ranges bind looser than + and pairs looser than ranges', () => {
  assert.is(shape(firstExpr('0..n+1;')), '(.. 0 (+ n 1))');
  assert.is(shape(firstExpr('1..=2*3;')), '(..= 1 (* 2 3))');
  assert.is(shape(firstExpr('"k" => 1 + 2;')), '(=> "k" (+ 1 2))');
  assert.is(shape(firstExpr('"r" => 1..3;')), '(=> "r" (.. 1 3))');
  assert.is(shape(firstExpr('2 == 1..5;')), '(== 2 (.. 1 5))');
});

test('assignment is right-associative and lowest; logical operators nest', () => {
  assert.is(shape(firstExpr('a = b += 1 or 2 and 3;')), '(= a (+= b (or 1 (and 2 3))))');
  assert.is(shape(firstExpr('1 < 2 == true;')), '(== (< 1 2) true)'.replace('true', 'Literal'));
  assert.is(shape(firstExpr('o.f(1)(2).g++;')), '(post++ (. (call (call (. o f) 1) 2) g))');
  assert.is(shape(firstExpr('--x;')), '(pre-- x)');
});

test('print works with and without parentheses', () => {
  assert.equal(ops(script('print(1 + 2); print 3;')), ['CONSTANT', 'CONSTANT', 'ADD', 'PRINT', 'CONSTANT', 'PRINT', 'NIL', 'RETURN']);
});

test('each, item, this, default and _ are identifiers', () => {
  assert.ok(compile('var each = 1; var item = 2; var this = 3; var default = 4; var _ = 5;', 't').script !== null);
});

// ---------------- lexing ----------------

test('string escapes are decoded', () => {
  const p = script('print "a\\tb\\n\\"q\\" \\\\ \\{x\\} \\u{48}\\u{1F600}\\0";');
  assert.equal(p.constants[0], { kind: 'string', value: 'a\tb\n"q" \\ {x} H😀\0' });
});

test('backtick strings are raw and multi-line', () => {
  const p = script('print `a\\n\nb`;');
  assert.equal(p.constants[0], { kind: 'string', value: 'a\\n\nb' });
});

test('block comments nest and keep line numbers', () => {
  const toks = tokenize('/# a /# b #/ c #/ print /# x\n #/ 1;');
  assert.equal(toks.map((t) => t.image), ['print', '1', ';']);
  assert.is(toks[1].line, 2);
});

test('numbers, imaginary literals and operators lex longest-first', () => {
  const toks = tokenize('1..=5 1..5 2.5 4i 2.5i 1+i x++ a+=1 "s" f"x{y}" #{ => ..');
  assert.equal(toks.map((t) => t.type), [
    'Int', 'DotDotEq', 'Int', 'Int', 'DotDot', 'Int', 'Double', 'Imaginary', 'Imaginary',
    'Int', 'Plus', 'Identifier', 'Identifier', 'PlusPlus', 'Identifier', 'PlusEq', 'Int',
    'String', 'FString', 'HashOpen', 'Arrow', 'DotDot',
  ]);
});

test('an integer literal outside i32 becomes a double constant', () => {
  const p = script('print 2147483647; print 2147483648;');
  assert.equal(p.constants, [{ kind: 'int', value: 2147483647 }, { kind: 'double', value: 2147483648 }]);
});

// ---------------- code generation ----------------

test('constants are deduplicated by kind and value', () => {
  const p = script('print 1; print 1; print 1.0; print "a"; print "a"; var a = "a";');
  assert.equal(p.constants, [
    { kind: 'int', value: 1 }, { kind: 'double', value: 1 }, { kind: 'string', value: 'a' },
  ]);
});

test('the line table has one entry per code byte', () => {
  const p = script('var a = 1;\nprint a;\n');
  assert.is(p.lines.length, p.code.length);
  assert.is(p.lines[0], 1);
  assert.is(p.lines[p.lines.length - 3], 2);
});

test('if/while use POP_JUMP_IF_FALSE; and/or keep their operand', () => {
  assert.equal(ops(script('if (a) print 1; else print 2;')), [
    'GET_GLOBAL', 'POP_JUMP_IF_FALSE', 'CONSTANT', 'PRINT', 'JUMP', 'CONSTANT', 'PRINT', 'NIL', 'RETURN',
  ]);
  assert.equal(ops(script('print a and b or c;')), [
    'GET_GLOBAL', 'JUMP_IF_FALSE', 'POP', 'GET_GLOBAL', 'JUMP_IF_TRUE', 'POP', 'GET_GLOBAL', 'PRINT', 'NIL', 'RETURN',
  ]);
});

test('comparison operators map to their own opcodes', () => {
  assert.equal(ops(script('print 1 != 2; print 1 <= 2; print 1 >= 2; print 2 % 3; print 2 ^ 3;')).filter((o) => !['CONSTANT', 'PRINT'].includes(o)), [
    'NOT_EQUAL', 'LESS_EQUAL', 'GREATER_EQUAL', 'MODULO', 'POWER', 'NIL', 'RETURN',
  ]);
});

test('locals, closures and upvalues', () => {
  const p = script('fun outer() { var x = 1; fun inner() { x = x + 1; return x; } return inner; }');
  const outer = fn(p, 'outer');
  const inner = fn(p, 'inner');
  assert.is(inner.upvalueCount, 1);
  assert.equal(ops(inner), ['GET_UPVALUE', 'CONSTANT', 'ADD', 'SET_UPVALUE', 'POP', 'GET_UPVALUE', 'RETURN', 'NIL', 'RETURN']);
  assert.equal(ops(outer), ['CONSTANT', 'CLOSURE', 'GET_LOCAL', 'RETURN', 'NIL', 'RETURN']);
  assert.ok(disassemble(p).includes('local 1'));
});

test('a captured local is closed when its block ends', () => {
  const p = script('{ var a = 1; fun f() { return a; } }');
  assert.equal(ops(p), ['CONSTANT', 'CLOSURE', 'POP', 'CLOSE_UPVALUE', 'NIL', 'RETURN']);
});

test('break and continue pop the locals they leave and close captured ones', () => {
  const p = script('while (true) { var a = 1; var b = 2; if (a) break; { var c = 3; fun f() { return c; } continue; } }');
  const o = ops(p);
  assert.ok(o.includes('POPN'));
  const closeIdx = o.indexOf('CLOSE_UPVALUE');
  // continue: pop f, close c, pop a and b, loop
  assert.equal(o.slice(closeIdx - 1, closeIdx + 3), ['POP', 'CLOSE_UPVALUE', 'POPN', 'LOOP']);
});

test('for loop: one loop variable, a fresh body scope per iteration', () => {
  const p = script('fun g() { for (var i = 0; i < 3; i = i + 1) { var j = i; fun f() { return i + j; } } }');
  const g = fn(p, 'g');
  const o = ops(g);
  // body end closes j (captured) and pops f; the loop variable i is closed once after the loop
  assert.equal(o.slice(-6), ['POP', 'CLOSE_UPVALUE', 'LOOP', 'CLOSE_UPVALUE', 'NIL', 'RETURN']);
});

test('classes: methods, initializer, inheritance and super', () => {
  const p = script('class A { init(x) { self.x = x; return; } m() { return self.x; } } class B < A { m() { return super.m() + super.m; } }');
  assert.equal(ops(p), [
    'CLASS', 'DEFINE_GLOBAL', 'GET_GLOBAL', 'CLOSURE', 'METHOD', 'CLOSURE', 'METHOD', 'POP',
    'CLASS', 'DEFINE_GLOBAL', 'GET_GLOBAL', 'GET_GLOBAL', 'INHERIT', 'GET_GLOBAL', 'CLOSURE', 'METHOD', 'POP', 'CLOSE_UPVALUE',
    'NIL', 'RETURN',
  ]);
  const init = fn(p, 'init');
  assert.is(init.kind, 3); // FunctionKind.Initializer
  assert.equal(ops(init), ['GET_LOCAL', 'GET_LOCAL', 'SET_PROPERTY', 'POP', 'GET_LOCAL', 'RETURN', 'GET_LOCAL', 'RETURN']);
  const m = fn(p, 'm');
  assert.equal(ops(m), ['GET_LOCAL', 'GET_PROPERTY', 'RETURN', 'NIL', 'RETURN']);
  const bm = (p.constants.filter((c) => c.kind === 'function').map((c) => (c as { proto: Prototype }).proto).find((x) => x.upvalueCount === 1))!;
  assert.equal(ops(bm), ['GET_LOCAL', 'GET_UPVALUE', 'SUPER_INVOKE', 'GET_LOCAL', 'GET_UPVALUE', 'GET_SUPER', 'ADD', 'RETURN', 'NIL', 'RETURN']);
});

test('method calls use INVOKE', () => {
  assert.equal(ops(script('o.m(1, 2);')), ['GET_GLOBAL', 'CONSTANT', 'CONSTANT', 'INVOKE', 'POP', 'NIL', 'RETURN']);
});

test('++, -- and compound assignment on variables and fields', () => {
  assert.equal(ops(script('var x = 1; print x++;')).slice(2), [
    'GET_GLOBAL', 'GET_LOCAL', 'CONSTANT', 'SUBTRACT', 'SET_GLOBAL', 'POP', 'PRINT', 'NIL', 'RETURN',
  ]);
  assert.equal(ops(script('o.f += 2;')), ['GET_GLOBAL', 'GET_LOCAL', 'GET_PROPERTY', 'CONSTANT', 'ADD', 'SET_PROPERTY', 'POP', 'NIL', 'RETURN']);
});

test('maxSlots bounds locals and temporaries', () => {
  const p = script('fun f(a, b) { var c = a + b * (a - b); return c; }');
  const f = fn(p, 'f');
  assert.is(f.arity, 2);
  assert.is(f.maxSlots, 7); // slot 0, a, b, then a + b * (a - b) needs 4 temporaries
});

test('replEcho echoes top-level expression statements (ECHO quotes strings, unlike PRINT)', () => {
  assert.equal(ops(script('1 + 2;', true)), ['CONSTANT', 'CONSTANT', 'ADD', 'ECHO', 'NIL', 'RETURN']);
  assert.equal(ops(script('{ 1; }', true)), ['CONSTANT', 'POP', 'NIL', 'RETURN']);
});

test('switch compiles arms in order with the default last', () => {
  const p = script('switch (x) { _ => { print "other"; } case 1 => { print "one"; } case 2..5 => { print "few"; } case 9 => x = 1; }');
  assert.equal(ops(p), [
    'GET_GLOBAL',
    'GET_LOCAL', 'CONSTANT', 'EQUAL', 'POP_JUMP_IF_FALSE', 'CONSTANT', 'PRINT', 'JUMP',
    'GET_LOCAL', 'CONSTANT', 'CONSTANT', 'IN_RANGE', 'POP_JUMP_IF_FALSE', // range arm: membership, no range object
    'CONSTANT', 'PRINT', 'JUMP',
    'GET_LOCAL', 'CONSTANT', 'EQUAL', 'POP_JUMP_IF_FALSE', 'CONSTANT', 'SET_GLOBAL', 'POP', 'JUMP',
    'CONSTANT', 'PRINT', // default
    'POP', 'NIL', 'RETURN',
  ]);
  assert.ok(errorsOf('switch (1) { _ => {} _ => {} }').includes('Cannot have more than one default case in a switch statement.'));
});

test('disassembler lists every function in clox format', () => {
  const text = disassemble(script('fun f() { return 1; }\nprint f();'));
  assert.ok(text.startsWith('== <script> ==\n0000    1 CLOSURE'));
  assert.ok(text.includes("'f'"));
  assert.ok(text.includes('== f =='));
  assert.ok(/0003    \| DEFINE_GLOBAL/.test(text));
  assert.ok(/\d{4}    2 GET_GLOBAL/.test(text));
});

test.run();
