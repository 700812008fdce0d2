import { NativeModule } from './native';
import { expectArgCount, returnInt, returnDouble } from './args';

/** time: now, now_ms, now_ns, and clock (an extension: seconds of process time, as in clox). */
export const timeNatives: NativeModule = [
  {
    name: 'now',
    fn(rt, _args, argc) {
      expectArgCount('now', argc, 0);
      returnInt(rt, Math.floor(Date.now() / 1000));
    },
  },
  {
    name: 'now_ms',
    fn(rt, _args, argc) {
      expectArgCount('now_ms', argc, 0);
      returnDouble(rt, performance.timeOrigin + performance.now());
    },
  },
  {
    name: 'now_ns',
    fn(rt, _args, argc) {
      expectArgCount('now_ns', argc, 0);
      returnDouble(rt, (performance.timeOrigin + performance.now()) * 1e6);
    },
  },
  {
    name: 'clock',
    fn(rt, _args, argc) {
      expectArgCount('clock', argc, 0);
      returnDouble(rt, performance.now() / 1000);
    },
  },
];
