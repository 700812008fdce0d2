import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'fs';
import * as path from 'path';
import { compile } from '../src/compiler';
import type { Prototype } from '../src/compiler';
import * as opcodes from '../src/compiler/opcodes';
import { OP_FACTS, OP_NAMES, OPERAND_BYTES, OPERAND_WIDTH, instructionLength, stackEffect } from '../src/compiler/opcodes';

// The Op enum as an object (tsconfig keeps const enums at run time: preserveConstEnums).
const OpObject = (opcodes as unknown as { Op: Record<string, number | string> }).Op;
const members = Object.entries(OpObject).filter(([k, v]) => typeof v === 'number' && /^[A-Z_]+$/.test(k)) as [string, number][];

test('every opcode of the enum has its own entry in the instruction table', () => {
  assert.ok(members.length > 60, `only ${members.length} opcodes found`);
  for (const [name, value] of members) {
    const facts = OP_FACTS[value];
    assert.ok(facts !== undefined, `opcode ${name} (${value}) has no entry`);
    assert.is(facts.name, name, `entry at ${value} is named ${facts.name}, not ${name}`);
    assert.is(OP_NAMES[value], name);
    assert.ok(typeof facts.stack === 'number' || typeof facts.stack === 'function', `${name}: stack effect`);
    assert.is(typeof facts.allocates, 'boolean', `${name}: allocates`);
    for (const k of facts.operands) assert.ok(OPERAND_WIDTH[k] === 1 || OPERAND_WIDTH[k] === 2, `${name}: operand kind ${k} has no width`);
  }
  assert.is(OP_FACTS.length, members.length, 'the table has entries beyond the enum');
});

test('operand bytes and stack effects are read from the table', () => {
  assert.is(OPERAND_BYTES[OpObject.INVOKE as number], 5); // name, argc, cache site
  assert.is(OPERAND_BYTES[OpObject.BUILD_MATRIX as number], 4);
  assert.is(stackEffect(OpObject.CALL as number, 3), -3);
  assert.is(stackEffect(OpObject.SUPER_INVOKE as number, 7, 2), -3);
  assert.is(stackEffect(OpObject.BUILD_MATRIX as number, 2, 3), -5);
  assert.is(stackEffect(OpObject.LESS_JUMP_IF_FALSE as number), -2);
});

/** Walks every instruction with instructionLength; fails on an unknown opcode or a ragged end. */
function walk(p: Prototype, where: string): number {
  let i = 0, n = 0;
  while (i < p.code.length) {
    assert.ok(OP_FACTS[p.code[i]] !== undefined, `${where}: unknown opcode ${p.code[i]} at ${i}`);
    i += instructionLength(p.code, i, (k) => {
      const c = p.constants[k];
      return c.kind === 'function' ? c.proto.upvalueCount : 0;
    });
    n++;
  }
  assert.is(i, p.code.length, `${where}: instructions overrun the code`);
  for (const c of p.constants) if (c.kind === 'function') n += walk(c.proto, where);
  return n;
}

test('instructionLength steps exactly through every golden program', () => {
  const root = path.join(__dirname, 'golden');
  let programs = 0, instructions = 0;
  const seen = new Set<number>();
  for (const dir of readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(path.join(root, dir.name))) {
      if (!f.endsWith('.mufi')) continue;
      const file = path.join(root, dir.name, f);
      const r = compile(readFileSync(file, 'utf8'), file, {});
      if (!r.script) continue; // compile-error goldens
      programs++;
      instructions += walk(r.script, file);
      const mark = (p: Prototype): void => {
        for (let i = 0; i < p.code.length;) {
          seen.add(p.code[i]);
          i += instructionLength(p.code, i, (k) => { const c = p.constants[k]; return c.kind === 'function' ? c.proto.upvalueCount : 0; });
        }
        for (const c of p.constants) if (c.kind === 'function') mark(c.proto);
      };
      mark(r.script);
    }
  }
  assert.ok(programs > 50 && instructions > 1000, `${programs} programs, ${instructions} instructions`);
  assert.ok(seen.size > 50, `only ${seen.size} distinct opcodes seen`);
});

test.run();
