import { NativeModule } from './native';
import { RuntimeError } from '../errors';
import { expectArgCount, isString, returnInt } from './args';

/** collections (the spine's part: len of strings). */
export const collectionsNatives: NativeModule = [
  {
    name: 'len',
    fn(rt, args, argc) {
      expectArgCount('len', argc, 1);
      if (isString(rt, args)) return returnInt(rt, rt.strings.charCount(rt.stackVals[args]));
      throw new RuntimeError(`len() expects a string or a collection, got ${rt.typeName(rt.stackTags[args], rt.stackVals[args])}.`);
    },
  },
];
