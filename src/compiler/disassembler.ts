/**
 * Human-readable bytecode listing in clox's format, one chunk after another (nested functions
 * follow the function that holds them):
 *
 *   == <script> ==
 *   0000    1 CONSTANT            0 '1'
 *   0003    | PRINT
 */
import { Op, OPERAND_BYTES, OP_NAMES } from './opcodes';
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
      const u8 = (at: number) => code[at];
      const u16 = (at: number) => code[at] | (code[at + 1] << 8);
      let next = i + 1 + (OPERAND_BYTES[op] ?? 0);
      switch (op) {
        case Op.CONSTANT: case Op.GET_GLOBAL: case Op.SET_GLOBAL: case Op.DEFINE_GLOBAL: case Op.DEFINE_CONST_GLOBAL:
        case Op.GET_PROPERTY: case Op.SET_PROPERTY: case Op.GET_SUPER: case Op.CLASS: case Op.METHOD:
        case Op.SET_GLOBAL_POP: case Op.SET_PROPERTY_POP: case Op.ADD_CONSTANT: case Op.SUBTRACT_CONSTANT: {
          const k = u16(i + 1);
          text += ` ${String(k).padStart(4)} '${constantText(p.constants[k])}'`;
          break;
        }
        case Op.GET_LOCAL_PROPERTY: {
          const k = u16(i + 2);
          text += ` ${String(u8(i + 1)).padStart(4)} '${constantText(p.constants[k])}'`;
          break;
        }
        case Op.GET_LOCAL: case Op.SET_LOCAL: case Op.GET_UPVALUE: case Op.SET_UPVALUE: case Op.CALL: case Op.POPN:
        case Op.SET_LOCAL_POP:
          text += ` ${String(u8(i + 1)).padStart(4)}`;
          break;
        case Op.JUMP: case Op.JUMP_IF_FALSE: case Op.JUMP_IF_TRUE: case Op.POP_JUMP_IF_FALSE:
        case Op.LESS_JUMP_IF_FALSE: case Op.LESS_EQUAL_JUMP_IF_FALSE: case Op.GREATER_JUMP_IF_FALSE:
        case Op.GREATER_EQUAL_JUMP_IF_FALSE: case Op.EQUAL_JUMP_IF_FALSE: case Op.NOT_EQUAL_JUMP_IF_FALSE:
          text += ` ${String(i).padStart(4)} -> ${i + 3 + u16(i + 1)}`;
          break;
        case Op.LOOP:
          text += ` ${String(i).padStart(4)} -> ${i + 3 - u16(i + 1)}`;
          break;
        case Op.BUILD_VECTOR: case Op.BUILD_HASH: case Op.BUILD_STRING:
          text += ` ${String(u16(i + 1)).padStart(4)}`;
          break;
        case Op.BUILD_MATRIX:
          text += ` ${u16(i + 1)}x${u16(i + 3)}`;
          break;
        case Op.FOREACH_NEXT:
          text += ` ${String(u8(i + 1)).padStart(4)} -> ${i + 4 + u16(i + 2)}`;
          break;
        case Op.INVOKE: case Op.SUPER_INVOKE: {
          const k = u16(i + 1);
          text += ` (${u8(i + 3)} args) ${String(k).padStart(4)} '${constantText(p.constants[k])}'`;
          break;
        }
        case Op.CLOSURE: {
          const k = u16(i + 1);
          const c = p.constants[k];
          text += ` ${String(k).padStart(4)} ${constantText(c)}`;
          out.push(text);
          text = '';
          if (c && c.kind === 'function') {
            for (let u = 0; u < c.proto.upvalueCount; u++) {
              const at = next + u * 2;
              out.push(`${pad(at, 4)}    |                     ${u8(at) ? 'local' : 'upvalue'} ${u8(at + 1)}`);
            }
            next += c.proto.upvalueCount * 2;
          }
          break;
        }
        default:
          break;
      }
      if (text !== '') out.push(text.trimEnd());
      i = next;
    }
    for (const c of p.constants) if (c.kind === 'function') queue.push(c.proto);
  }
  return out.join('\n') + '\n';
}
