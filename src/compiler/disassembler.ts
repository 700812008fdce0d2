/**
 * Human-readable bytecode listing in clox's format, one chunk after another (nested functions
 * follow the function that holds them):
 *
 *   == <script> ==
 *   0000    1 CONSTANT            0 '1'
 *   0003    | PRINT
 */
import { Op, OPERAND_BYTES, OP_FACTS, OP_NAMES, Operand, instructionLength, operandAt } from './opcodes';
import type { Constant, Prototype } from './prototype';

function constantText(c: Constant | undefined): string {
  if (c === undefined) return '<bad constant>';
  switch (c.kind) {
    case 'int': return String(c.value);
    case 'double': {
      if (Object.is(c.value, -0)) return '-0.0';
      return Number.isInteger(c.value) && Math.abs(c.value) < 1e21 ? c.value.toFixed(1) : String(c.value);
    }
    case 'string': return JSON.stringify(c.value).slice(1, -1);
    case 'function': return `<fn ${c.proto.name || 'script'}>`;
  }
}

function upvaluesOf(c: Constant | undefined): number {
  return c !== undefined && c.kind === 'function' ? c.proto.upvalueCount : 0;
}

/**
 * The operands of the instruction at `at`, read by their kinds in the opcode table: numbers
 * padded, constants with their value, jumps with their target (after the instruction's own
 * offset when the jump is its first operand, as in clox), cache sites not at all. INVOKE-like (name, argc) pairs and
 * matrix sizes keep clox's compact forms.
 */
function operandsText(p: Prototype, at: number, length: number): string {
  const kinds = OP_FACTS[p.code[at]]?.operands ?? [];
  const value = (n: number) => operandAt(p.code, at, n);
  const constant = (n: number) => `${String(value(n)).padStart(4)} '${constantText(p.constants[value(n)])}'`;
  if (kinds.length >= 2 && kinds[0] === Operand.CONSTANT && kinds[1] === Operand.COUNT8) {
    return ` (${value(1)} args) ${constant(0)}`;
  }
  if (kinds.length === 2 && kinds[0] === Operand.COUNT16 && kinds[1] === Operand.COUNT16) return ` ${value(0)}x${value(1)}`;
  let text = '';
  kinds.forEach((kind, n) => {
    switch (kind) {
      case Operand.CONSTANT: case Operand.GLOBAL:
        // Inside a prototype a global operand is still its name constant (the loader rewrites it).
        text += p.code[at] === Op.CLOSURE ? ` ${String(value(n)).padStart(4)} ${constantText(p.constants[value(n)])}` : ` ${constant(n)}`;
        break;
      case Operand.JUMP: case Operand.LOOP: {
        const target = kind === Operand.JUMP ? at + length + value(n) : at + length - value(n);
        text += n === 0 ? ` ${String(at).padStart(4)} -> ${target}` : ` -> ${target}`;
        break;
      }
      case Operand.CACHE:
        break; // numbered in order of appearance: nothing to read in a listing
      default:
        text += ` ${String(value(n)).padStart(4)}`;
    }
  });
  return text;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function disassemble(proto: Prototype): string {
  const out: string[] = [];
  const queue: Prototype[] = [proto];
  while (queue.length > 0) {
    const p = queue.shift()!;
    out.push(`== ${p.name === '' ? '<script>' : p.name} ==`);
    const { code, lines } = p;
    let i = 0;
    while (i < code.length) {
      const op = code[i] as Op;
      const line = i > 0 && lines[i] === lines[i - 1] ? '   |' : String(lines[i]).padStart(4);
      const name = (OP_NAMES[op] ?? `UNKNOWN_${op}`).padEnd(16);
      let text = `${pad(i, 4)} ${line} ${name}`;
      const length = instructionLength(code, i, (k) => upvaluesOf(p.constants[k]));
      text += operandsText(p, i, length);
      if (op === Op.CLOSURE) {
        out.push(text);
        text = '';
        for (let at = i + 1 + OPERAND_BYTES[op]; at < i + length; at += 2) {
          out.push(`${pad(at, 4)}    |                     ${code[at] ? 'local' : 'upvalue'} ${code[at + 1]}`);
        }
      }
      if (text !== '') out.push(text.trimEnd());
      i += length;
    }
    for (const c of p.constants) if (c.kind === 'function') queue.push(c.proto);
  }
  return out.join('\n') + '\n';
}
