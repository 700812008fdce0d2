import { NativeModule } from './native';
import { RuntimeError } from '../errors';
import { expectArgCount, numberArg, returnInt, returnDouble } from './args';
import { flushOutput, waitFor } from './host';

/**
 * time: now, now_ms, now_ns, sleep (upstream's utils module has it), and clock (an extension:
 * seconds of process time, as in clox).
 */
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
    // Synchronous: the VM thread blocks in Atomics.wait. Output printed before is flushed first.
    name: 'sleep',
    fn(rt, args, argc) {
      expectArgCount('sleep', argc, 1);
      const seconds = numberArg(rt, 'sleep', args);
      // NaN, negative and infinite durations would never end or make no sense.
      if (!(seconds >= 0) || seconds === Infinity) throw new RuntimeError('sleep() expects a finite non-negative number of seconds.');
      flushOutput(rt);
      waitFor(rt, seconds * 1000);
    },
  },
  {
    name: 'clock',
    fn(rt, _args, argc) {
      expectArgCount('clock', argc, 0);
      // The host's clock() (the CLI's: CPU time, user + system, as C's clock() in clox).
      returnDouble(rt, rt.host.clock());
    },
  },
];
