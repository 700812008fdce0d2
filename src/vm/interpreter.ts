import { Op } from '../compiler/opcodes';
import { Addr } from '../memory';
import { Runtime } from './runtime';
import { Tag } from './value';
import { Kind } from './kinds';
import { RuntimeError, MufiRuntimeError } from './errors';
import { OutOfMemoryError } from '../gc';
import { L } from './layout';
import { valuesEqual } from './operators';
import { objectArithmetic, negateComplex, ArithOp, constantArithmeticSlow } from './arith';
import { indexGet, indexSet } from './indexing';
import { TraceBuilder } from './stack-trace';
import { rareOp, constantObject } from './rare-ops';
import { closeUpvalues } from './upvalues';
import { TIER_NEVER, enterCompiled, runCompiledLoop } from './tier/state';
import { noUpvaluesFrom, runTrivial, TRIVIAL_START } from './trivial';
import { fieldSlot } from './field-slots';

/**
 * Before anything that may allocate, the loop also saves ip in the frame (`frameIp`), so an
 * allocation site (--track-sites) and a collection see the exact instruction.
 *
 * The dispatch loop. Runs from the frame on top of the stack until the frame count drops back
 * to `stopAt` (0 for a whole script). ip, sp, the frame base and the constants' address are
 * kept in locals; rt.sp is written back before anything that may allocate (the collector reads
 * it to find the live stack). Nothing here creates JS objects, except when formatting output
 * and raising errors.
 */
export function execute(rt: Runtime, stopAt: number): void {
  const u8 = rt.u8, u32 = rt.u32, i32 = rt.i32, f64 = rt.f64;
  const tags = rt.stackTags, vals = rt.stackVals;
  const gTags = rt.globalTags, gVals = rt.globalVals;
  const objects = rt.objects;
  const frameClosure = rt.frameClosure, frameIp = rt.frameIp, frameBase = rt.frameBase;
  const interrupt = rt.interrupt;
  const tier = rt.tier;
  // --tier=interp never compiles: then calls and back-edges skip the tier (a heap read each).
  const counting = tier.counting;
  // True while compiled code runs below this loop: its errors carry their own frame ip.
  let inTier = false;

  let closure: Addr = frameClosure[rt.frameCount - 1];
  let fn: Addr = u32[(closure + L.CLOSURE_FN) >>> 2];
  let constants: Addr = u32[(fn + L.FN_CONSTANTS) >>> 2];
  let base = frameBase[rt.frameCount - 1];
  let ip = frameIp[rt.frameCount - 1];
  let sp = rt.sp;

  try {
    for (;;) {
      switch (u8[ip++]) {
        case Op.CONSTANT: {
          const c = constants + (u8[ip] | (u8[ip + 1] << 8)) * L.VALUE_SLOT;
          ip += 2;
          tags[sp] = u32[c >>> 2];
          vals[sp++] = f64[(c + 8) >>> 3];
          break;
        }
        case Op.NIL: tags[sp++] = Tag.NIL; break;
        case Op.TRUE: tags[sp++] = Tag.TRUE; break;
        case Op.FALSE: tags[sp++] = Tag.FALSE; break;
        case Op.POP: sp--; break;
        case Op.POPN: sp -= u8[ip++]; break;
        case Op.GET_LOCAL: {
          const s = base + u8[ip++];
          tags[sp] = tags[s];
          vals[sp++] = vals[s];
          break;
        }
        case Op.GET_LOCAL_LOCAL: {
          const s = base + u8[ip], s2 = base + u8[ip + 1];
          ip += 2;
          tags[sp] = tags[s];
          vals[sp++] = vals[s];
          tags[sp] = tags[s2];
          vals[sp++] = vals[s2];
          break;
        }
        case Op.SET_LOCAL: {
          const s = base + u8[ip++];
          tags[s] = tags[sp - 1];
          vals[s] = vals[sp - 1];
          break;
        }
        case Op.SET_LOCAL_POP: {
          const s = base + u8[ip++];
          sp--;
          tags[s] = tags[sp];
          vals[s] = vals[sp];
          break;
        }
        case Op.GET_GLOBAL: {
          const g = u8[ip] | (u8[ip + 1] << 8);
          ip += 2;
          const t = gTags[g];
          if (t === Tag.EMPTY) throw new RuntimeError(`Undefined variable '${rt.globalNames[g]}'.`);
          tags[sp] = t;
          vals[sp++] = gVals[g];
          break;
        }
        case Op.SET_GLOBAL:
        case Op.SET_GLOBAL_POP: {
          const g = u8[ip] | (u8[ip + 1] << 8);
          ip += 2;
          if (gTags[g] === Tag.EMPTY) throw new RuntimeError(`Undefined variable '${rt.globalNames[g]}'.`);
          if (rt.globalConst[g] !== 0) throw new RuntimeError(`Cannot assign to constant variable '${rt.globalNames[g]}'.`);
          gTags[g] = tags[sp - 1];
          gVals[g] = vals[sp - 1];
          if (u8[ip - 3] === Op.SET_GLOBAL_POP) sp--;
          break;
        }
        case Op.GET_UPVALUE: {
          const upv = u32[(closure + L.CLOSURE_UPVALUES + u8[ip++] * 4) >>> 2];
          if (u32[(upv + L.UPV_CLOSED) >>> 2] !== 0) {
            tags[sp] = u32[(upv + L.UPV_SLOT) >>> 2];
            vals[sp++] = f64[(upv + L.UPV_SLOT + 8) >>> 3];
          } else {
            const s = u32[(upv + L.UPV_STACK_INDEX) >>> 2];
            tags[sp] = tags[s];
            vals[sp++] = vals[s];
          }
          break;
        }
        case Op.SET_UPVALUE: {
          const upv = u32[(closure + L.CLOSURE_UPVALUES + u8[ip++] * 4) >>> 2];
          if (u32[(upv + L.UPV_CLOSED) >>> 2] !== 0) {
            rt.gc.writeSlot(upv, upv + L.UPV_SLOT, tags[sp - 1], vals[sp - 1]);
          } else {
            const s = u32[(upv + L.UPV_STACK_INDEX) >>> 2];
            tags[s] = tags[sp - 1];
            vals[s] = vals[sp - 1];
          }
          break;
        }
        case Op.GET_PROPERTY: {
          const entry = cacheEntry(u8, u32, fn, ip + 2);
          const slot = cachedField(u8, u32, tags[sp - 1], vals[sp - 1], entry);
          if (slot !== 0) {
            tags[sp - 1] = u32[slot >>> 2];
            vals[sp - 1] = f64[(slot + 8) >>> 3];
            ip += 4;
            break;
          }
          const name = constantObject(u8, f64, constants, ip);
          ip += 4;
          rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
          getProperty(rt, sp - 1, name, entry);
          break;
        }
        case Op.GET_LOCAL_PROPERTY: {
          const s = base + u8[ip];
          const entry = cacheEntry(u8, u32, fn, ip + 3);
          const slot = cachedField(u8, u32, tags[s], vals[s], entry);
          if (slot !== 0) {
            tags[sp] = u32[slot >>> 2];
            vals[sp++] = f64[(slot + 8) >>> 3];
            ip += 5;
            break;
          }
          const name = constantObject(u8, f64, constants, ip + 1);
          ip += 5;
          tags[sp] = tags[s];
          vals[sp++] = vals[s];
          rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
          getProperty(rt, sp - 1, name, entry);
          break;
        }
        case Op.SET_PROPERTY:
        case Op.SET_PROPERTY_POP: {
          const entry = cacheEntry(u8, u32, fn, ip + 2);
          const slot = cachedFieldSlot(u8, u32, tags[sp - 2], vals[sp - 2], entry);
          if (slot !== 0) {
            // The inline-cache hit: the store still goes through the write barrier.
            objects.storeFieldSlot(vals[sp - 2] >>> 0, slot, tags[sp - 1], vals[sp - 1]);
          } else {
            const name = constantObject(u8, f64, constants, ip);
            rt.sp = sp; frameIp[rt.frameCount - 1] = ip + 4;
            setProperty(rt, sp - 2, name, entry);
          }
          ip += 4;
          if (u8[ip - 5] === Op.SET_PROPERTY) {
            tags[sp - 2] = tags[sp - 1];
            vals[sp - 2] = vals[sp - 1];
            sp--;
          } else {
            sp -= 2;
          }
          break;
        }
        case Op.GET_SUPER: {
          const entry = cacheEntry(u8, u32, fn, ip + 2);
          const superclass = vals[--sp] >>> 0;
          let method = cachedMethod(u32, superclass, entry);
          if (method === 0) method = superMethod(rt, superclass, constantObject(u8, f64, constants, ip), entry, 'property');
          ip += 4;
          rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
          const bound = objects.boundMethod(tags[sp - 1], vals[sp - 1], method);
          tags[sp - 1] = Tag.OBJ;
          vals[sp - 1] = bound;
          break;
        }
        case Op.EQUAL: {
          const eq = valuesEqual(rt, tags[sp - 2], vals[sp - 2], tags[sp - 1], vals[sp - 1]);
          tags[sp - 2] = eq ? Tag.TRUE : Tag.FALSE;
          sp--;
          break;
        }
        case Op.NOT_EQUAL: {
          const eq = valuesEqual(rt, tags[sp - 2], vals[sp - 2], tags[sp - 1], vals[sp - 1]);
          tags[sp - 2] = eq ? Tag.FALSE : Tag.TRUE;
          sp--;
          break;
        }
        case Op.GREATER: case Op.GREATER_EQUAL: case Op.LESS: case Op.LESS_EQUAL: {
          const ta = tags[sp - 2], tb = tags[sp - 1];
          if ((ta !== Tag.INT && ta !== Tag.DOUBLE) || (tb !== Tag.INT && tb !== Tag.DOUBLE)) throw new RuntimeError('Operands must be numbers.');
          const a = vals[sp - 2], b = vals[sp - 1];
          const op = u8[ip - 1];
          const r = op === Op.GREATER ? a > b : op === Op.GREATER_EQUAL ? a >= b : op === Op.LESS ? a < b : a <= b;
          tags[sp - 2] = r ? Tag.TRUE : Tag.FALSE;
          sp--;
          break;
        }
        case Op.ADD_CONSTANT:
        case Op.SUBTRACT_CONSTANT: {
          const c = constants + (u8[ip] | (u8[ip + 1] << 8)) * L.VALUE_SLOT;
          ip += 2;
          const ta = tags[sp - 1], tb = u32[c >>> 2];
          const a = vals[sp - 1], b = f64[(c + 8) >>> 3];
          const add = u8[ip - 3] === Op.ADD_CONSTANT;
          if (ta === Tag.INT && tb === Tag.INT) {
            vals[sp - 1] = add ? (a + b) | 0 : (a - b) | 0;
          } else if ((ta === Tag.INT || ta === Tag.DOUBLE) && (tb === Tag.INT || tb === Tag.DOUBLE)) {
            tags[sp - 1] = Tag.DOUBLE;
            vals[sp - 1] = add ? a + b : a - b;
          } else if (add && ta === Tag.OBJ && tb === Tag.OBJ && u8[a - 4] === Kind.STRING && u8[b - 4] === Kind.STRING) {
            rt.sp = sp; frameIp[rt.frameCount - 1] = ip; // the constant is held by its function
            vals[sp - 1] = rt.strings.concat(a >>> 0, b >>> 0);
          } else {
            tags[sp] = tb;
            vals[sp] = b;
            rt.sp = sp + 1; frameIp[rt.frameCount - 1] = ip;
            objectArithmetic(rt, add ? ArithOp.ADD : ArithOp.SUB, sp - 1);
          }
          break;
        }
        case Op.GET_LOCAL_CONSTANT: {
          const s = base + u8[ip];
          const c = constants + (u8[ip + 1] | (u8[ip + 2] << 8)) * L.VALUE_SLOT;
          ip += 3;
          tags[sp] = tags[s];
          vals[sp++] = vals[s];
          tags[sp] = u32[c >>> 2];
          vals[sp++] = f64[(c + 8) >>> 3];
          break;
        }
        case Op.LOCAL_ADD_CONSTANT:
        case Op.LOCAL_SUBTRACT_CONSTANT: {
          const s = base + u8[ip];
          const c = constants + (u8[ip + 1] | (u8[ip + 2] << 8)) * L.VALUE_SLOT;
          ip += 3;
          const add = u8[ip - 4] === Op.LOCAL_ADD_CONSTANT;
          const ta = tags[s], a = vals[s];
          tags[sp] = ta;
          if (ta === Tag.INT && u32[c >>> 2] === Tag.INT) {
            const b = f64[(c + 8) >>> 3];
            vals[sp++] = add ? (a + b) | 0 : (a - b) | 0;
          } else {
            vals[sp++] = a;
            rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
            constantArithmetic(rt, sp - 1, c, add);
          }
          break;
        }
        case Op.ADD: {
          const ta = tags[sp - 2], tb = tags[sp - 1];
          if (ta === Tag.INT && tb === Tag.INT) {
            vals[sp - 2] = (vals[sp - 2] + vals[sp - 1]) | 0;
          } else if ((ta === Tag.INT || ta === Tag.DOUBLE) && (tb === Tag.INT || tb === Tag.DOUBLE)) {
            tags[sp - 2] = Tag.DOUBLE;
            vals[sp - 2] = vals[sp - 2] + vals[sp - 1];
          } else if (ta === Tag.OBJ && tb === Tag.OBJ && u8[vals[sp - 2] - 4] === Kind.STRING && u8[vals[sp - 1] - 4] === Kind.STRING) {
            rt.sp = sp; frameIp[rt.frameCount - 1] = ip; // both operands stay on the stack (rooted) while the result is built
            vals[sp - 2] = rt.strings.concat(vals[sp - 2] >>> 0, vals[sp - 1] >>> 0);
          } else {
            rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
            objectArithmetic(rt, ArithOp.ADD, sp - 2);
          }
          sp--;
          break;
        }
        case Op.SUBTRACT: {
          const ta = tags[sp - 2], tb = tags[sp - 1];
          if (ta === Tag.INT && tb === Tag.INT) {
            vals[sp - 2] = (vals[sp - 2] - vals[sp - 1]) | 0;
          } else if ((ta === Tag.INT || ta === Tag.DOUBLE) && (tb === Tag.INT || tb === Tag.DOUBLE)) {
            tags[sp - 2] = Tag.DOUBLE;
            vals[sp - 2] = vals[sp - 2] - vals[sp - 1];
          } else {
            rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
            objectArithmetic(rt, ArithOp.SUB, sp - 2);
          }
          sp--;
          break;
        }
        case Op.MULTIPLY: {
          const ta = tags[sp - 2], tb = tags[sp - 1];
          if (ta === Tag.INT && tb === Tag.INT) {
            vals[sp - 2] = Math.imul(vals[sp - 2], vals[sp - 1]);
          } else if ((ta === Tag.INT || ta === Tag.DOUBLE) && (tb === Tag.INT || tb === Tag.DOUBLE)) {
            tags[sp - 2] = Tag.DOUBLE;
            vals[sp - 2] = vals[sp - 2] * vals[sp - 1];
          } else {
            rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
            objectArithmetic(rt, ArithOp.MUL, sp - 2);
          }
          sp--;
          break;
        }
        case Op.DIVIDE: {
          const ta = tags[sp - 2], tb = tags[sp - 1];
          if ((ta !== Tag.INT && ta !== Tag.DOUBLE) || (tb !== Tag.INT && tb !== Tag.DOUBLE)) {
            rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
            objectArithmetic(rt, ArithOp.DIV, sp - 2);
          } else {
            tags[sp - 2] = Tag.DOUBLE;
            vals[sp - 2] = vals[sp - 2] / vals[sp - 1];
          }
          sp--;
          break;
        }
        case Op.MODULO: {
          const ta = tags[sp - 2], tb = tags[sp - 1];
          const a = vals[sp - 2], b = vals[sp - 1];
          if (ta === Tag.INT && tb === Tag.INT) {
            if (b === 0) throw new RuntimeError('Division by zero.');
            let r = a % b;
            if (r !== 0 && (r < 0) !== (b < 0)) r += b;
            vals[sp - 2] = r | 0;
          } else if ((ta === Tag.INT || ta === Tag.DOUBLE) && (tb === Tag.INT || tb === Tag.DOUBLE)) {
            let r = a % b;
            if (r !== 0 && (r < 0) !== (b < 0)) r += b;
            tags[sp - 2] = Tag.DOUBLE;
            vals[sp - 2] = r;
          } else throw new RuntimeError('Operands must be numbers.');
          sp--;
          break;
        }
        case Op.NOT:
          tags[sp - 1] = tags[sp - 1] <= Tag.FALSE ? Tag.TRUE : Tag.FALSE;
          break;
        case Op.NEGATE: {
          const t = tags[sp - 1];
          if (t === Tag.INT) vals[sp - 1] = -vals[sp - 1] | 0;
          else if (t === Tag.DOUBLE) vals[sp - 1] = -vals[sp - 1];
          else if (t === Tag.OBJ && u8[vals[sp - 1] - 4] === Kind.COMPLEX) { rt.sp = sp; frameIp[rt.frameCount - 1] = ip; negateComplex(rt, sp - 1); }
          else throw new RuntimeError('Operand must be a number.');
          break;
        }
        case Op.JUMP:
          ip += 2 + (u8[ip] | (u8[ip + 1] << 8));
          break;
        case Op.LESS_JUMP_IF_FALSE: case Op.LESS_EQUAL_JUMP_IF_FALSE:
        case Op.GREATER_JUMP_IF_FALSE: case Op.GREATER_EQUAL_JUMP_IF_FALSE: {
          const ta = tags[sp - 2], tb = tags[sp - 1];
          if ((ta !== Tag.INT && ta !== Tag.DOUBLE) || (tb !== Tag.INT && tb !== Tag.DOUBLE)) throw new RuntimeError('Operands must be numbers.');
          const a = vals[sp - 2], b = vals[sp - 1];
          sp -= 2;
          const op = u8[ip - 1];
          const r = op === Op.LESS_JUMP_IF_FALSE ? a < b : op === Op.GREATER_JUMP_IF_FALSE ? a > b : op === Op.LESS_EQUAL_JUMP_IF_FALSE ? a <= b : a >= b;
          const off = u8[ip] | (u8[ip + 1] << 8); // read either way: see JUMP_IF_FALSE
          ip += 2 + (r ? 0 : off);
          break;
        }
        case Op.EQUAL_JUMP_IF_FALSE: case Op.NOT_EQUAL_JUMP_IF_FALSE: {
          let eq = valuesEqual(rt, tags[sp - 2], vals[sp - 2], tags[sp - 1], vals[sp - 1]);
          if (u8[ip - 1] === Op.NOT_EQUAL_JUMP_IF_FALSE) eq = !eq;
          sp -= 2;
          const off = u8[ip] | (u8[ip + 1] << 8); // read either way: see JUMP_IF_FALSE
          ip += 2 + (eq ? 0 : off);
          break;
        }
        case Op.JUMP_IF_FALSE: {
          // The offset is read whether or not the jump is taken: code on a path never run before
          // V8 optimised this loop has no type feedback, and reaching it (a loop's exit) would
          // deoptimise the whole loop and cost another compile.
          const off = u8[ip] | (u8[ip + 1] << 8);
          ip += 2 + (tags[sp - 1] <= Tag.FALSE ? off : 0);
          break;
        }
        case Op.JUMP_IF_TRUE: {
          const off = u8[ip] | (u8[ip + 1] << 8); // read either way: see JUMP_IF_FALSE
          ip += 2 + (tags[sp - 1] > Tag.FALSE ? off : 0);
          break;
        }
        case Op.POP_JUMP_IF_FALSE: {
          const off = u8[ip] | (u8[ip + 1] << 8); // read either way: see JUMP_IF_FALSE
          ip += 2 + (tags[--sp] <= Tag.FALSE ? off : 0);
          break;
        }
        case Op.LOOP: {
          const back = ip - 1;
          // Checked before the jump: the trace's line is then the back-edge's, inside the loop (after
          // it, ip - 1 was the instruction before the loop's header: the line before the loop).
          if (interrupt[0] !== 0) throw interrupted(interrupt);
          ip = ip + 2 - (u8[ip] | (u8[ip + 1] << 8));
          if (!counting) break;
          // Back-edges count toward the tier like calls; a hot loop enters compiled code at its header.
          const w = u32[(fn + L.FN_TIER) >>> 2];
          if (w === TIER_NEVER || rt.frameCount > tier.frames) break;
          const code = u32[(fn + L.FN_CODE) >>> 2];
          const compiled = tier.loopEntry(fn, ip - code, back - code);
          if (compiled === null) break;
          frameIp[rt.frameCount - 1] = ip;
          inTier = true;
          // Code compiled from this loop alone runs to the loop's exit: go on from there.
          const exit = runCompiledLoop(compiled, base, ip - code);
          inTier = false;
          if (exit >= 0) { ip = code + exit; sp = rt.sp; break; }
          // The compiled code ran the frame to its RETURN: continue as after that RETURN.
          const fc = rt.frameCount;
          if (fc === stopAt) {
            rt.sp = stopAt > 0 ? base + 1 : base;
            return;
          }
          sp = base + 1;
          closure = frameClosure[fc - 1];
          fn = u32[(closure + L.CLOSURE_FN) >>> 2];
          constants = u32[(fn + L.FN_CONSTANTS) >>> 2];
          base = frameBase[fc - 1];
          ip = frameIp[fc - 1];
          break;
        }

        case Op.CALL:
        case Op.INVOKE:
        case Op.SUPER_INVOKE:
        case Op.GLOBAL_INVOKE: {
          // Resolve the callee into the slot below the arguments, then call it.
          const op = u8[ip - 1];
          let argc: number;
          let callee: number;
          let calleeSlot: number;
          if (op === Op.CALL) {
            argc = u8[ip++];
            calleeSlot = sp - argc - 1;
            if (tags[calleeSlot] !== Tag.OBJ) throw new RuntimeError('Can only call functions and classes.');
            callee = vals[calleeSlot] >>> 0;
          } else if (op === Op.GLOBAL_INVOKE) {
            // GET_GLOBAL, then INVOKE with no arguments.
            const g = u8[ip] | (u8[ip + 1] << 8);
            const t = gTags[g];
            if (t === Tag.EMPTY) throw new RuntimeError(`Undefined variable '${rt.globalNames[g]}'.`);
            argc = 0;
            calleeSlot = sp;
            tags[sp] = t;
            vals[sp++] = gVals[g];
            const entry = cacheEntry(u8, u32, fn, ip + 4);
            callee = t === Tag.OBJ && u8[vals[calleeSlot] - 4] === Kind.INSTANCE
              ? cachedMethod(u32, u32[(vals[calleeSlot] + L.INST_CLASS) >>> 2], entry) : 0;
            if (callee === 0) callee = invokeTarget(rt, calleeSlot, constantObject(u8, f64, constants, ip + 2), entry);
            ip += 6;
          } else {
            argc = u8[ip + 2];
            const entry = cacheEntry(u8, u32, fn, ip + 3);
            if (op === Op.SUPER_INVOKE) {
              const superclass = vals[--sp] >>> 0;
              calleeSlot = sp - argc - 1;
              callee = cachedMethod(u32, superclass, entry);
              if (callee === 0) callee = superMethod(rt, superclass, constantObject(u8, f64, constants, ip), entry, 'method');
            } else {
              calleeSlot = sp - argc - 1;
              callee = tags[calleeSlot] === Tag.OBJ && u8[vals[calleeSlot] - 4] === Kind.INSTANCE
                ? cachedMethod(u32, u32[(vals[calleeSlot] + L.INST_CLASS) >>> 2], entry) : 0;
              if (callee === 0) callee = invokeTarget(rt, calleeSlot, constantObject(u8, f64, constants, ip), entry);
            }
            ip += 5;
          }
          if (u8[callee - 4] !== Kind.CLOSURE) {
            // Bound methods, classes and natives (none of them a frame of this loop).
            rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
            callee = callOther(rt, callee, calleeSlot, argc);
            if (callee === 0) {
              sp = rt.sp;
              break;
            }
          }
          const calleeFn = u32[(callee + L.CLOSURE_FN) >>> 2];
          const arity = u32[(calleeFn + L.FN_ARITY) >>> 2];
          if (argc !== arity) throw new RuntimeError(`Expected ${arity} arguments but got ${argc}.`);
          const fc = rt.frameCount;
          if (interrupt[0] !== 0) throw interrupted(interrupt);
          if (fc >= rt.maxFrames || calleeSlot + u32[(calleeFn + L.FN_MAX_SLOTS) >>> 2] + 1 >= rt.stackCapacity) {
            throw new RuntimeError('Stack overflow.');
          }
          const first = u32[(calleeFn + L.FN_CODE) >>> 2];
          if (op !== Op.CALL && TRIVIAL_START[u8[first]] !== 0 && (rt.openUpvalues === 0 || noUpvaluesFrom(rt, calleeSlot))) {
            // A trivial method runs without a frame (trivial.ts): a getter whose own cache hits and
            // an empty method here, the other kinds in runTrivial. A POP after it goes as after RETURN.
            let done = true;
            if (u8[first] === Op.RETURN_LOCAL_PROPERTY && u8[first + 1] === 0) {
              const slot = cachedField(u8, u32, tags[calleeSlot], vals[calleeSlot], cacheEntry(u8, u32, calleeFn, first + 4));
              if (slot !== 0) { tags[calleeSlot] = u32[slot >>> 2]; vals[calleeSlot] = f64[(slot + 8) >>> 3]; } else done = false;
            } else if (u8[first] === Op.RETURN_NIL) {
              tags[calleeSlot] = Tag.NIL; vals[calleeSlot] = 0;
            } else done = runTrivial(rt, calleeFn, calleeSlot);
            if (done) {
              if (u8[ip] === Op.POP) { ip++; sp = calleeSlot; } else sp = calleeSlot + 1;
              break;
            }
          }
          frameIp[fc - 1] = ip;
          if (counting) {
            const compiled = tier.codeForCall(calleeFn, u32[(calleeFn + L.FN_TIER) >>> 2], fc);
            if (compiled !== null) {
              // A compiled callee runs as a JS call on the same value stack; its prologue
              // pushes its frame (every call enters compiled code one way).
              inTier = true;
              enterCompiled(compiled, callee | 0, calleeSlot, 0);
              inTier = false;
              sp = calleeSlot + 1;
              break;
            }
          }
          frameClosure[fc] = callee;
          frameBase[fc] = calleeSlot;
          rt.frameCount = fc + 1;
          closure = callee;
          fn = calleeFn;
          constants = u32[(fn + L.FN_CONSTANTS) >>> 2];
          base = calleeSlot;
          ip = u32[(fn + L.FN_CODE) >>> 2];
          break;
        }

        case Op.RETURN_LOCAL_PROPERTY: {
          // A getter: GET_LOCAL_PROPERTY, then RETURN below. ip stays after the opcode (the
          // RETURN code tells the fused forms apart by it); a saved ip anywhere inside the
          // instruction names it for error lines and --track-sites.
          const s = base + u8[ip];
          const entry = cacheEntry(u8, u32, fn, ip + 3);
          const slot = cachedField(u8, u32, tags[s], vals[s], entry);
          tags[sp] = tags[s];
          vals[sp++] = vals[s];
          if (slot !== 0) {
            tags[sp - 1] = u32[slot >>> 2];
            vals[sp - 1] = f64[(slot + 8) >>> 3];
          } else {
            rt.sp = sp; frameIp[rt.frameCount - 1] = ip + 5;
            getProperty(rt, sp - 1, constantObject(u8, f64, constants, ip + 1), entry);
          }
        }
        // falls through
        case Op.RETURN:
        case Op.RETURN_LOCAL:
        case Op.RETURN_NIL: {
          const op = u8[ip - 1];
          let rTag: number, rVal: number;
          if (op === Op.RETURN_LOCAL) {
            const s = base + u8[ip];
            rTag = tags[s]; rVal = vals[s];
          } else if (op === Op.RETURN_NIL) {
            rTag = Tag.NIL; rVal = 0;
          } else {
            rTag = tags[sp - 1]; rVal = vals[sp - 1];
          }
          if (rt.openUpvalues !== 0) closeUpvalues(rt, base);
          const fc = rt.frameCount - 1;
          rt.frameCount = fc;
          sp = base;
          if (fc === stopAt) {
            rt.sp = sp;
            if (stopAt > 0) { tags[sp] = rTag; vals[sp] = rVal; rt.sp = sp + 1; }
            return;
          }
          closure = frameClosure[fc - 1];
          fn = u32[(closure + L.CLOSURE_FN) >>> 2];
          constants = u32[(fn + L.FN_CONSTANTS) >>> 2];
          base = frameBase[fc - 1];
          ip = frameIp[fc - 1];
          // A call made for its effect (`f();`) is followed by a POP of its result: do both here.
          if (u8[ip] === Op.POP) {
            ip++;
          } else {
            tags[sp] = rTag;
            vals[sp++] = rVal;
          }
          break;
        }
        case Op.INDEX_GET: {
          const t = tags[sp - 2], obj = vals[sp - 2] >>> 0;
          // Fast path: a float vector read at a non-negative int index in range.
          if (t === Tag.OBJ && u8[obj - 4] === Kind.FLOAT_VECTOR && tags[sp - 1] === Tag.INT) {
            const k = vals[sp - 1];
            if (k >= 0 && k < u32[(obj + L.VEC_COUNT) >>> 2]) {
              tags[sp - 2] = Tag.DOUBLE;
              vals[sp - 2] = f64[(u32[(obj + L.VEC_DATA) >>> 2] >>> 3) + k];
              sp--;
              break;
            }
          }
          rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
          indexGet(rt, sp - 2);
          sp--;
          break;
        }
        case Op.INDEX_SET: {
          const t = tags[sp - 3], obj = vals[sp - 3] >>> 0, vt = tags[sp - 1];
          if (t === Tag.OBJ && u8[obj - 4] === Kind.FLOAT_VECTOR && tags[sp - 2] === Tag.INT && (vt === Tag.INT || vt === Tag.DOUBLE)) {
            const k = vals[sp - 2];
            if (k >= 0 && k < u32[(obj + L.VEC_COUNT) >>> 2]) {
              f64[(u32[(obj + L.VEC_DATA) >>> 2] >>> 3) + k] = vals[sp - 1];
              tags[sp - 3] = vt;
              vals[sp - 3] = vals[sp - 1];
              sp -= 2;
              break;
            }
          }
          rt.sp = sp; frameIp[rt.frameCount - 1] = ip;
          indexSet(rt, sp - 3);
          sp -= 2;
          break;
        }
        default:
          // Definitions, output, container literals, ranges, foreach and rare operators run
          // out of line (rare-ops.ts says why); sp travels in rt.sp.
          rt.sp = sp;
          ip = rareOp(rt, u8[ip - 1], ip, base, closure, constants);
          sp = rt.sp;
          break;
      }
    }
  } catch (e) {
    if (rt.frameCount > 0 && !inTier) frameIp[rt.frameCount - 1] = ip;
    rt.sp = sp;
    throw unwind(rt, e, stopAt);
  }
}


export function interrupted(flag: Int32Array): RuntimeError {
  Atomics.store(flag, 0, 0);
  return new RuntimeError('Interrupted.');
}

/**
 * LOCAL_ADD_CONSTANT / LOCAL_SUBTRACT_CONSTANT when not both ints: the local's copy is in slot i
 * (rt.sp above it), the constant at address c; the result replaces the copy. As ADD_CONSTANT.
 */
function constantArithmetic(rt: Runtime, i: number, c: Addr, add: boolean): void {
  const tags = rt.stackTags, vals = rt.stackVals;
  const ta = tags[i], tb = rt.u32[c >>> 2];
  const a = vals[i], b = rt.f64[(c + 8) >>> 3];
  if ((ta === Tag.INT || ta === Tag.DOUBLE) && (tb === Tag.INT || tb === Tag.DOUBLE)) {
    tags[i] = ta === Tag.INT && tb === Tag.INT ? Tag.INT : Tag.DOUBLE;
    vals[i] = ta === Tag.INT && tb === Tag.INT ? (add ? (a + b) | 0 : (a - b) | 0) : add ? a + b : a - b;
  } else {
    constantArithmeticSlow(rt, i, add, tb, b);
  }
}

// --- Inline caches (layout: L.IC_*; one entry per cache site of a function, see opcodes.ts) ---
// An entry holds a class id (never reused, unlike a freed class's address) and what the lookup
// found for that class: a field index (property get/set) or a method closure (invoke, super).
// Field indices never change once given; a class's methods are fixed once it is defined, and a
// field that comes to shadow a method gives the class a new id (Objects.fieldIndexForWrite).

/** Address of the cache entry whose site number is the u16 at `at` in `fn`'s code. */
function cacheEntry(u8: Uint8Array, u32: Uint32Array, fn: Addr, at: number): Addr {
  return u32[(fn + L.FN_CACHE) >>> 2] + (u8[at] | (u8[at + 1] << 8)) * L.IC_ENTRY;
}

/**
 * Cache probe for a field store: the address of the slot the entry names when the value is an
 * instance of the cached class with room for that field; 0 otherwise (a miss).
 */
function cachedFieldSlot(u8: Uint8Array, u32: Uint32Array, tag: number, val: number, entry: Addr): number {
  if (tag !== Tag.OBJ || u8[val - 4] !== Kind.INSTANCE) return 0;
  const inst = val >>> 0;
  if (u32[(u32[(inst + L.INST_CLASS) >>> 2] + L.CLASS_ID) >>> 2] !== u32[(entry + L.IC_CLASS_ID) >>> 2]) return 0;
  return fieldSlot(u32, inst, u32[(entry + L.IC_DATA) >>> 2]);
}

/** Cache probe for a field read: as cachedFieldSlot, and the field must be set (not EMPTY). */
function cachedField(u8: Uint8Array, u32: Uint32Array, tag: number, val: number, entry: Addr): number {
  const slot = cachedFieldSlot(u8, u32, tag, val, entry);
  return slot !== 0 && u32[slot >>> 2] !== Tag.EMPTY ? slot : 0;
}

/** Cache probe for a method of class `klass`: the closure, or 0 on a miss. */
function cachedMethod(u32: Uint32Array, klass: Addr, entry: Addr): Addr {
  return u32[(klass + L.CLASS_ID) >>> 2] === u32[(entry + L.IC_CLASS_ID) >>> 2] ? u32[(entry + L.IC_DATA) >>> 2] : 0;
}

function fillCache(u32: Uint32Array, entry: Addr, klass: Addr, data: number): void {
  u32[(entry + L.IC_CLASS_ID) >>> 2] = u32[(klass + L.CLASS_ID) >>> 2];
  u32[(entry + L.IC_DATA) >>> 2] = data;
}

/**
 * `receiver.name` with the receiver in stack slot r: a field first, then a method bound to the
 * receiver. The result replaces the receiver. rt.sp must cover slot r (the bound method allocates).
 * A field found is remembered in the cache `entry`.
 */
export function getProperty(rt: Runtime, r: number, name: Addr, entry: Addr): void {
  const tags = rt.stackTags, vals = rt.stackVals, u8 = rt.u8, u32 = rt.u32, f64 = rt.f64;
  if (tags[r] !== Tag.OBJ || u8[vals[r] - 4] !== Kind.INSTANCE) throw new RuntimeError('Only instances have properties.');
  const inst = vals[r] >>> 0;
  const klass = u32[(inst + L.INST_CLASS) >>> 2];
  const fe = rt.tables.find(klass + L.CLASS_FIELDS, name);
  if (fe !== 0) {
    const index = f64[(fe + 8) >>> 3] >>> 0;
    const slot = rt.objects.fieldSlotForRead(inst, index);
    if (slot !== 0 && u32[slot >>> 2] !== Tag.EMPTY) {
      fillCache(u32, entry, klass, index);
      tags[r] = u32[slot >>> 2];
      vals[r] = f64[(slot + 8) >>> 3];
      return;
    }
  }
  const me = rt.tables.find(klass + L.CLASS_METHODS, name);
  if (me === 0) throw new RuntimeError(`Undefined property '${rt.strings.toJs(name)}'.`);
  const bound = rt.objects.boundMethod(Tag.OBJ, inst, f64[(me + 8) >>> 3] >>> 0);
  tags[r] = Tag.OBJ;
  vals[r] = bound;
}

/**
 * `receiver.name = value` with the receiver in slot r and the value in r + 1 (both rooted).
 * The field's index is remembered in the cache `entry`.
 */
export function setProperty(rt: Runtime, r: number, name: Addr, entry: Addr): void {
  const tags = rt.stackTags, vals = rt.stackVals, u8 = rt.u8, u32 = rt.u32;
  if (tags[r] !== Tag.OBJ || u8[vals[r] - 4] !== Kind.INSTANCE) throw new RuntimeError('Only instances have fields.');
  const inst = vals[r] >>> 0;
  const klass = u32[(inst + L.INST_CLASS) >>> 2];
  const index = rt.objects.fieldIndexForWrite(klass, name);
  rt.objects.setField(inst, index, tags[r + 1], vals[r + 1]);
  fillCache(u32, entry, klass, index); // after fieldIndexForWrite: it may have renewed the class id
}

/**
 * The callee of `receiver.name(...)` with the receiver in stack slot `calleeSlot`: a field holding
 * a callable wins over a method of the same name (and then replaces the receiver in the slot).
 * A method is remembered in the cache `entry` when no field of the class has that name.
 */
function invokeTarget(rt: Runtime, calleeSlot: number, name: Addr, entry: Addr): Addr {
  const tags = rt.stackTags, vals = rt.stackVals, u8 = rt.u8, u32 = rt.u32, f64 = rt.f64;
  if (tags[calleeSlot] !== Tag.OBJ || u8[vals[calleeSlot] - 4] !== Kind.INSTANCE) throw new RuntimeError('Only instances have methods.');
  const inst = vals[calleeSlot] >>> 0;
  const klass = u32[(inst + L.INST_CLASS) >>> 2];
  const fe = rt.tables.find(klass + L.CLASS_FIELDS, name);
  const slot = fe === 0 ? 0 : rt.objects.fieldSlotForRead(inst, f64[(fe + 8) >>> 3] >>> 0);
  if (slot !== 0 && u32[slot >>> 2] !== Tag.EMPTY) {
    tags[calleeSlot] = u32[slot >>> 2];
    vals[calleeSlot] = f64[(slot + 8) >>> 3];
    if (tags[calleeSlot] !== Tag.OBJ) throw new RuntimeError('Can only call functions and classes.');
    return vals[calleeSlot] >>> 0;
  }
  const me = rt.tables.find(klass + L.CLASS_METHODS, name);
  if (me === 0) throw new RuntimeError(`Undefined method '${rt.strings.toJs(name)}'.`);
  const method = f64[(me + 8) >>> 3] >>> 0;
  if (fe === 0) fillCache(u32, entry, klass, method);
  return method;
}

/** Method `name` of `superclass` for `super.name` (`what`: property or method, for the error). */
function superMethod(rt: Runtime, superclass: Addr, name: Addr, entry: Addr, what: 'property' | 'method'): Addr {
  const me = rt.tables.find(superclass + L.CLASS_METHODS, name);
  if (me === 0) throw new RuntimeError(`Undefined ${what} '${rt.strings.toJs(name)}'.`);
  const method = rt.f64[(me + 8) >>> 3] >>> 0;
  fillCache(rt.u32, entry, superclass, method);
  return method;
}

/**
 * Calls a callee that is not a closure: a bound method (its receiver goes into the callee slot),
 * a class (a new instance, then its initializer) or a native. Returns the closure the loop must
 * enter, or 0 when the call is complete (its result in the callee slot, rt.sp just above it).
 * rt.sp and the frame's ip must be saved (this allocates).
 */
function callOther(rt: Runtime, callee: Addr, calleeSlot: number, argc: number): Addr {
  const tags = rt.stackTags, vals = rt.stackVals, u8 = rt.u8, u32 = rt.u32;
  const kind = u8[callee - 4];
  if (kind === Kind.BOUND_METHOD) {
    tags[calleeSlot] = u32[(callee + L.BOUND_RECEIVER) >>> 2];
    vals[calleeSlot] = rt.f64[(callee + L.BOUND_RECEIVER + 8) >>> 3];
    return u32[(callee + L.BOUND_METHOD) >>> 2];
  }
  if (kind === Kind.CLASS) {
    const inst = rt.objects.instance(callee);
    tags[calleeSlot] = Tag.OBJ;
    vals[calleeSlot] = inst;
    const init = u32[(callee + L.CLASS_INIT) >>> 2];
    if (init !== 0) return init;
    if (argc !== 0) throw new RuntimeError(`Expected 0 arguments but got ${argc}.`);
    rt.sp = calleeSlot + 1 + argc;
    return 0;
  }
  if (kind === Kind.NATIVE) {
    rt.resultTag = Tag.NIL;
    rt.natives[u32[(callee + L.NATIVE_ID) >>> 2]](rt, calleeSlot + 1, argc);
    tags[calleeSlot] = rt.resultTag;
    vals[calleeSlot] = rt.resultVal;
    rt.sp = calleeSlot + 1;
    return 0;
  }
  throw new RuntimeError('Can only call functions and classes.');
}

/**
 * Turns an error raised while running into a MufiRuntimeError carrying the stack trace, and
 * resets the frames above `stopAt` so the engine stays usable. Non-MufiZ errors pass through.
 */
export function unwind(rt: Runtime, e: unknown, stopAt: number): unknown {
  // Out of memory is a runtime error of the program (with a trace), not a crash.
  if (!(e instanceof RuntimeError) && !(e instanceof OutOfMemoryError)) return e;
  const trace = new TraceBuilder();
  for (let i = rt.frameCount - 1; i >= 0; i--) {
    const closure = rt.frameClosure[i];
    const fn = rt.u32[(closure + L.CLOSURE_FN) >>> 2];
    const code = rt.u32[(fn + L.FN_CODE) >>> 2];
    const lines = rt.u32[(fn + L.FN_LINES) >>> 2];
    const offset = Math.max(0, rt.frameIp[i] - 1 - code);
    trace.frame(fn, rt.i32[(lines >>> 2) + offset]);
  }
  const text = trace.lines((fn, line) => {
    const name = rt.formatter.functionName(fn);
    // Upstream's `[line N] in f()`, then where that is when the function comes from a named file.
    const file = rt.functionFiles.get(fn);
    const at = file === undefined || file.startsWith('<') ? '' : ` (${file}:${line})`;
    return (name === '' ? `[line ${line}] in script` : `[line ${line}] in ${name}()`) + at;
  });
  resetStack(rt, stopAt);
  return new MufiRuntimeError((e as Error).message, text);
}

export function resetStack(rt: Runtime, toFrame: number): void {
  const sp = toFrame === 0 ? 0 : rt.frameBase[toFrame];
  closeUpvalues(rt, sp);
  rt.frameCount = toFrame;
  rt.sp = sp;
}
