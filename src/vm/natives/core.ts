import { NativeModule } from './native';
import { Tag } from '../value';
import { RuntimeError } from '../errors';
import { expectArgCount, isString, returnInt, returnDouble } from './args';

const I32_MIN = -2147483648, I32_MAX = 2147483647;

/** core: what_is, str, int, double (upstream's prelude). */
export const coreNatives: NativeModule = [
  {
    name: 'what_is',
    fn(rt, args, argc) {
      expectArgCount('what_is', argc, 1);
      rt.write(`Type: ${rt.typeName(rt.stackTags[args], rt.stackVals[args])}\n`);
    },
  },
  {
    name: 'str',
    fn(rt, args, argc) {
      expectArgCount('str', argc, 1);
      if (isString(rt, args)) { rt.resultTag = Tag.OBJ; rt.resultVal = rt.stackVals[args]; return; }
      if (rt.stackTags[args] === Tag.INT) { rt.resultVal = rt.strings.fromInt(rt.stackVals[args]); rt.resultTag = Tag.OBJ; return; }
      rt.returnString(rt.text(rt.stackTags[args], rt.stackVals[args]));
    },
  },
  {
    name: 'int',
    fn(rt, args, argc) {
      expectArgCount('int', argc, 1);
      const t = rt.stackTags[args], v = rt.stackVals[args];
      if (t === Tag.INT) return returnInt(rt, v);
      if (t === Tag.DOUBLE) {
        const n = Math.trunc(v);
        if (!(n >= I32_MIN && n <= I32_MAX)) throw new RuntimeError('int() expects a number within the 32-bit integer range.');
        return returnInt(rt, n);
      }
      if (isString(rt, args)) {
        const text = rt.strings.toJs(v).trim();
        if (/^[+-]?\d+$/.test(text)) {
          const n = Number(text);
          if (n >= I32_MIN && n <= I32_MAX) return returnInt(rt, n);
          throw new RuntimeError('int() expects a number within the 32-bit integer range.');
        }
        if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
          const n = Math.trunc(Number(text));
          if (n >= I32_MIN && n <= I32_MAX) return returnInt(rt, n);
        }
      }
      throw new RuntimeError('int() expects a number or a numeric string.');
    },
  },
  {
    name: 'double',
    fn(rt, args, argc) {
      expectArgCount('double', argc, 1);
      const t = rt.stackTags[args], v = rt.stackVals[args];
      if (t === Tag.INT || t === Tag.DOUBLE) return returnDouble(rt, v);
      if (isString(rt, args)) {
        const text = rt.strings.toJs(v).trim();
        const lower = text.toLowerCase();
        if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return returnDouble(rt, Number(text));
        if (/^[+-]?(inf|infinity)$/.test(lower)) return returnDouble(rt, lower.startsWith('-') ? -Infinity : Infinity);
        if (/^[+-]?nan$/.test(lower)) return returnDouble(rt, NaN);
      }
      throw new RuntimeError('double() expects a number or a numeric string.');
    },
  },
];
