import type { Runtime } from '../runtime';
import { NativeModule } from './native';
import { Tag } from '../value';
import { expectArgCount } from './args';
import { returnObject } from './collection-args';

/**
 * args(): the command-line arguments after the program (`mufiz main.mufi a b` gives ["a", "b"]),
 * as a new linked list of strings, like Python's sys.argv[1:] or Lua's arg[1..n]. The embedder
 * (the CLI) sets them with setProgramArgs; without them the list is empty. The arguments come
 * from whoever started the process, so --sandbox keeps args().
 */
const programArgs = new WeakMap<Runtime, readonly string[]>();

export function setProgramArgs(rt: Runtime, args: readonly string[]): void {
  programArgs.set(rt, args.slice());
}

export const processNatives: NativeModule = [
  {
    name: 'args',
    fn(rt, _args, argc) {
      expectArgCount('args', argc, 0);
      const list = rt.lists.make();
      rt.pushRoot(list);
      try {
        for (const a of programArgs.get(rt) ?? []) {
          const s = rt.strings.fromJs(a);
          rt.pushRoot(s);
          try { rt.lists.pushBack(list, Tag.OBJ, s); } finally { rt.popRoot(); }
        }
      } finally {
        rt.popRoot();
      }
      returnObject(rt, list);
    },
  },
];
