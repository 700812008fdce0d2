import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile } from '../src/compiler';
import type { Prototype } from '../src/compiler';
import { OPERAND_BYTES, OP_NAMES, Op } from '../src/compiler/opcodes';
import { Engine } from '../src/index';

function opsOf(p: Prototype): string[] {
  const out: string[] = [];
  for (let i = 0; i < p.code.length;) {
    const op = p.code[i];
    out.push(OP_NAMES[op]);
    i += 1 + OPERAND_BYTES[op];
    if (op === Op.CLOSURE) {
      const c = p.constants[p.code[i - 2] | (p.code[i - 1] << 8)];
      if (c.kind === 'function') i += 2 * c.proto.upvalueCount;
    }
  }
  return out;
}

function fnNamed(source: string, name: string, peephole = true): Prototype {
  const r = compile(source, 't.mufi', { peephole });
  if (!r.script) throw new Error(r.errors.map((e) => e.message).join('; '));
  const c = r.script.constants.find((k) => k.kind === 'function' && k.proto.name === name);
  if (!c || c.kind !== 'function') throw new Error(`no function ${name}`);
  return c.proto;
}

function run(source: string): string {
  const out: string[] = [];
  const outcome = new Engine({ write: (t) => out.push(t) }).run(source, 't.mufi');
  if (outcome.kind !== 'ok') throw new Error(`outcome ${outcome.kind}`);
  return out.join('');
}

test('a counting loop uses the fused compare-jump, add-constant and set-local-pop', () => {
  const ops = opsOf(fnNamed('fun f() { var i = 0; while (i < 10) { i = i + 1; } return i; }', 'f'));
  // i < 10: GET_LOCAL; CONSTANT fused, then the compare-jump; i = i + 1: one instruction and the store.
  assert.equal(ops.slice(0, 8), ['CONSTANT', 'GET_LOCAL_CONSTANT', 'LESS_JUMP_IF_FALSE', 'LOCAL_ADD_CONSTANT', 'SET_LOCAL_POP', 'LOOP', 'RETURN_LOCAL', 'RETURN_NIL']);
  assert.not.ok(ops.includes('POP_JUMP_IF_FALSE'));
  const other = opsOf(fnNamed('fun f(n) { var x = 2.5; x = x + 1; return n - 1; }', 'f'));
  assert.equal(other, ['CONSTANT', 'LOCAL_ADD_CONSTANT', 'SET_LOCAL_POP', 'LOCAL_SUBTRACT_CONSTANT', 'RETURN', 'RETURN_NIL']);
  const global = opsOf(fnNamed('var g = 0; fun f() { g = g + 1; }', 'f'));
  assert.equal(global, ['GET_GLOBAL', 'ADD_CONSTANT', 'SET_GLOBAL_POP', 'RETURN_NIL']);
});

test('self.field reads fuse into GET_LOCAL_PROPERTY, a getter into RETURN_LOCAL_PROPERTY', () => {
  assert.equal(opsOf(fnNamed('class A { get() { return self.x; } }', 'get')), ['RETURN_LOCAL_PROPERTY', 'RETURN_NIL']);
  assert.equal(opsOf(fnNamed('class A { get() { var y = self.x; return y; } }', 'get')), ['GET_LOCAL_PROPERTY', 'RETURN_LOCAL', 'RETURN_NIL']);
});

test('the fused returns give the values of the pairs they replace', () => {
  const src = `
    class A { init(x) { self.x = x; } get() { return self.x; } m() { return self.get; } same() { return self; } }
    fun f(a) { if (a) return a; }
    var a = A(7);
    print a.get(); print a.m()(); print a.same().get(); print f(3); print f(false);`;
  assert.is(run(src), '7\n7\n7\n3\nnil\n');
});

test('a statement that only reads a local emits nothing', () => {
  const fused = opsOf(fnNamed('fun f(a) { a; a; return a; }', 'f'));
  assert.equal(fused, ['RETURN_LOCAL', 'RETURN_NIL']);
  const plain = opsOf(fnNamed('fun f(a) { a; a; return a; }', 'f', false));
  assert.equal(plain.slice(0, 4), ['GET_LOCAL', 'POP', 'GET_LOCAL', 'POP']);
});

test('no fusion across a jump target: `a and b;` keeps the POP the jump lands on', () => {
  const ops = opsOf(fnNamed('fun f(a, b) { a and b; return 1; }', 'f'));
  assert.equal(ops.slice(0, 5), ['GET_LOCAL', 'JUMP_IF_FALSE', 'POP', 'GET_LOCAL', 'POP']);
  assert.is(run('fun f(a, b) { a and b; return 1; } print f(false, 2); print f(true, 2);'), '1\n1\n');
});

test('fused and unfused code compute the same results', () => {
  const src = `
    fun f(n) { var s = 0; var i = 0; while (i <= n) { if (i % 2 == 0) s = s + i; else s = s - 1; i = i + 1; } return s; }
    var g = 0; g = g + 5; print f(10) + g;
    class P { init() { self.v = 1; } bump() { self.v = self.v + 2; return self.v; } }
    var p = P(); p.bump(); print p.bump();
    print "a" + 1; var k = 3; k = k - 1; print k >= 2; print k != 2;`;
  assert.is(run(src), '30\n5\na1\ntrue\nfalse\n');
});

test.run();
