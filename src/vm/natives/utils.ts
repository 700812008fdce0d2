import { NativeModule } from './native';
import { Tag } from '../value';
import { RuntimeError, ExitRequest } from '../errors';
import { valuesEqual } from '../operators';
import { expectArgCount, isString } from './args';

/** utils: assert, exit, panic. */
export const utilsNatives: NativeModule = [
  {
    name: 'assert',
    fn(rt, args, argc) {
      expectArgCount('assert', argc, 1, 2);
      const ta = rt.stackTags[args], a = rt.stackVals[args];
      if (argc === 1) {
        if (ta <= Tag.FALSE) throw new RuntimeError(`Assertion failed: Expected truthy value, got ${rt.text(ta, a)} (${rt.typeName(ta, a)})`);
        return;
      }
      const tb = rt.stackTags[args + 1], b = rt.stackVals[args + 1];
      if (!valuesEqual(rt, ta, a, tb, b)) {
        throw new RuntimeError(`Assertion failed: Expected value '${rt.text(tb, b)}' (${rt.typeName(tb, b)}), got '${rt.text(ta, a)}' (${rt.typeName(ta, a)})`);
      }
    },
  },
  {
    name: 'exit',
    unsafe: true,
    fn(rt, args, argc) {
      expectArgCount('exit', argc, 0, 1);
      if (argc === 0) throw new ExitRequest(0);
      if (rt.stackTags[args] !== Tag.INT) throw new RuntimeError('exit() expects an integer status.');
      throw new ExitRequest(rt.stackVals[args] & 0xff);
    },
  },
  {
    name: 'panic',
    fn(rt, args, argc) {
      expectArgCount('panic', argc, 0, 1);
      if (argc === 0) throw new RuntimeError('panic called');
      if (!isString(rt, args)) throw new RuntimeError('panic() expects a string.');
      throw new RuntimeError(rt.strings.toJs(rt.stackVals[args]));
    },
  },
];
