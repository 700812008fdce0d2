import { Op, stackEffect } from '../compiler/opcodes';
import type { Addr } from '../memory';
import type { Runtime } from './runtime';
import { Tag } from './value';
import { Kind } from './kinds';
import { RuntimeError } from './errors';
import { L } from './layout';
import { inRange } from './operators';
import { slice } from './indexing';
import { foreachNext } from './iteration';
import { buildVector, buildMatrix, buildHash, buildString, buildRange } from './literals';
import { captureUpvalue, closeUpvalues } from './upvalues';

/**
 * The instructions the dispatch loop (interpreter.ts `execute`) runs out of line: definitions
 * (globals, classes, methods, closures), output, literals of containers, ranges, `foreach` and
 * the rarer operators. WHY: V8 compiles `execute` on stack (OSR) with TurboFan, and the time
 * that takes grows with every case that has run before (their type feedback makes them
 * compiled code); a case first reached after the compile deoptimises the whole loop and costs
 * another compile. Here they are one call site, reached at once by every program's definitions,
 * and this function is compiled (or not) on its own.
 *
 * `op` has been read, `ip` is just after it; the value stack's top is rt.sp. Returns the ip
 * after the instruction and leaves the new top in rt.sp. Saves the frame's ip before anything
 * that may allocate, as the loop does. An error thrown here leaves the loop's ip inside the
 * instruction, so its line is right.
 */
export function rareOp(rt: Runtime, op: number, ip: number, base: number, closure: Addr, constants: Addr): number {
  const u8 = rt.u8, u32 = rt.u32;
  const tags = rt.stackTags, vals = rt.stackVals;
  const frameIp = rt.frameIp;
  let sp = rt.sp;
  switch (op) {
    case Op.DEFINE_GLOBAL:
    case Op.DEFINE_CONST_GLOBAL: {
      const g = u8[ip] | (u8[ip + 1] << 8);
      ip += 2;
      if (rt.globalConst[g] !== 0) throw new RuntimeError(`Cannot assign to constant variable '${rt.globalNames[g]}'.`);
      rt.globalTags[g] = tags[sp - 1];
      rt.globalVals[g] = vals[sp - 1];
      if (op === Op.DEFINE_CONST_GLOBAL) rt.globalConst[g] = 1;
      sp--;
      break;
    }
    case Op.POWER: {
      const ta = tags[sp - 2], tb = tags[sp - 1];
      if ((ta !== Tag.INT && ta !== Tag.DOUBLE) || (tb !== Tag.INT && tb !== Tag.DOUBLE)) throw new RuntimeError('Operands must be numbers.');
      tags[sp - 2] = Tag.DOUBLE;
      vals[sp - 2] = Math.pow(vals[sp - 2], vals[sp - 1]);
      sp--;
      break;
    }
    case Op.PRINT:
      sp--;
      rt.write(rt.formatter.text(tags[sp], vals[sp]) + '\n');
      break;
    case Op.ECHO:
      // The REPL shows a value as it would appear inside a container: strings quoted.
      sp--;
      rt.write(rt.formatter.text(tags[sp], vals[sp], true) + '\n');
      break;
    case Op.CLOSURE: {
      const proto = constantObject(rt.u8, rt.f64, constants, ip);
      ip += 2;
      rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
      const c = rt.objects.closure(proto);
      tags[sp] = Tag.OBJ;
      vals[sp++] = c;
      rt.sp = sp; frameIp[rt.frameCount - 1] = ip; // the new closure is rooted while its upvalues are captured
      const n = u32[(proto + L.FN_UPVALUES) >>> 2];
      for (let i = 0; i < n; i++) {
        const isLocal = u8[ip++];
        const index = u8[ip++];
        const upv = isLocal !== 0
          ? captureUpvalue(rt, base + index)
          : u32[(closure + L.CLOSURE_UPVALUES + index * 4) >>> 2];
        rt.gc.writeRef(c, c + L.CLOSURE_UPVALUES + i * 4, upv);
      }
      break;
    }
    case Op.CLOSE_UPVALUE:
      closeUpvalues(rt, sp - 1);
      sp--;
      break;
    case Op.CLASS: {
      const name = constantObject(rt.u8, rt.f64, constants, ip);
      ip += 2;
      rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
      tags[sp] = Tag.OBJ;
      vals[sp++] = rt.objects.classObject(name);
      break;
    }
    case Op.INHERIT: {
      const superTag = tags[sp - 2], superclass = vals[sp - 2] >>> 0;
      if (superTag !== Tag.OBJ || u8[superclass - 4] !== Kind.CLASS) throw new RuntimeError('Superclass must be a class.');
      const sub = vals[sp - 1] >>> 0;
      rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
      rt.tables.copyAll(superclass + L.CLASS_METHODS, sub, sub + L.CLASS_METHODS);
      rt.gc.writeRef(sub, sub + L.CLASS_INIT, u32[(superclass + L.CLASS_INIT) >>> 2]);
      sp--;
      break;
    }
    case Op.METHOD: {
      const name = constantObject(rt.u8, rt.f64, constants, ip);
      ip += 2;
      const klass = vals[sp - 2] >>> 0;
      const method = vals[sp - 1];
      rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
      rt.tables.set(klass, klass + L.CLASS_METHODS, name, Tag.OBJ, method);
      if (name === rt.initString) rt.gc.writeRef(klass, klass + L.CLASS_INIT, method);
      sp--;
      break;
    }
    case Op.SLICE:
      frameIp[rt.frameCount - 1] = ip;
      slice(rt, sp - 3);
      sp -= 2;
      break;
    case Op.FOREACH_NEXT: {
      const slot = base + u8[ip];
      frameIp[rt.frameCount - 1] = ip;
      if (foreachNext(rt, slot, sp)) {
        sp++;
        ip += 3;
      } else {
        ip += 3 + (u8[ip + 1] | (u8[ip + 2] << 8));
      }
      break;
    }
    case Op.BUILD_VECTOR:
    case Op.BUILD_HASH:
    case Op.BUILD_STRING: {
      // u16 count of elements (pairs for a hash); the opcode table knows how many values that pops.
      const n = u8[ip] | (u8[ip + 1] << 8);
      ip += 2;
      frameIp[rt.frameCount - 1] = ip;
      const from = sp - 1 + stackEffect(op, n);
      (op === Op.BUILD_VECTOR ? buildVector : op === Op.BUILD_HASH ? buildHash : buildString)(rt, from, n);
      sp = from + 1;
      break;
    }
    case Op.BUILD_MATRIX: {
      const rows = u8[ip] | (u8[ip + 1] << 8), cols = u8[ip + 2] | (u8[ip + 3] << 8);
      ip += 4;
      frameIp[rt.frameCount - 1] = ip;
      buildMatrix(rt, sp - rows * cols, rows, cols);
      sp = sp - rows * cols + 1;
      break;
    }
    case Op.RANGE:
    case Op.RANGE_INCLUSIVE:
      frameIp[rt.frameCount - 1] = ip;
      buildRange(rt, sp - 2, op === Op.RANGE_INCLUSIVE);
      sp--;
      break;
    case Op.IN_RANGE:
    case Op.IN_RANGE_INCLUSIVE: {
      // The bounds follow the rule of `..` (ints); the subject is tested like `subject == range`.
      if (tags[sp - 2] !== Tag.INT || tags[sp - 1] !== Tag.INT) throw new RuntimeError('Range operands must be integers.');
      const t = tags[sp - 3];
      const hit = (t === Tag.INT || t === Tag.DOUBLE) && inRange(vals[sp - 2], vals[sp - 1], op === Op.IN_RANGE_INCLUSIVE, vals[sp - 3]);
      tags[sp - 3] = hit ? Tag.TRUE : Tag.FALSE;
      sp -= 2;
      break;
    }
    case Op.PAIR: {
      frameIp[rt.frameCount - 1] = ip;
      const pair = rt.objects.pair(tags[sp - 2], vals[sp - 2], tags[sp - 1], vals[sp - 1]);
      tags[sp - 2] = Tag.OBJ;
      vals[sp - 2] = pair;
      sp--;
      break;
    }
    case Op.IMAGINARY: {
      const t = tags[sp - 1];
      if (t !== Tag.INT && t !== Tag.DOUBLE) throw new RuntimeError('Operand must be a number.');
      frameIp[rt.frameCount - 1] = ip;
      vals[sp - 1] = rt.objects.complex(0, vals[sp - 1]);
      tags[sp - 1] = Tag.OBJ;
      break;
    }
    default:
      throw new RuntimeError(`Unknown opcode: ${op}`);
  }
  rt.sp = sp;
  return ip;
}

/** The string or function address held by the u16 constant at ip (as an integer: no boxing). */
export function constantObject(u8: Uint8Array, f64: Float64Array, constants: Addr, ip: number): Addr {
  return f64[(constants + (u8[ip] | (u8[ip + 1] << 8)) * L.VALUE_SLOT + 8) >>> 3] >>> 0;
}
