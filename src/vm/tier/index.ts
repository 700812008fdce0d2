import type { Runtime } from '../runtime';
import { execute, unwind } from '../interpreter';
import { L } from '../layout';
import { makeHelpers } from './helpers';
import { compileFunction } from './compile';
import { TIER_COMPILED } from './state';

export { TierState, type TierMode } from './state';

/** Connects the runtime's tier state to the compiler (the interpreter only sees rt.tier). */
export function installTier(rt: Runtime): void {
  const helpers = makeHelpers(rt);
  const mode = rt.tier.mode;
  rt.tier.compile = (fn) => compileFunction(rt, helpers, fn, mode);
}

/**
 * Runs the script frame on top of the stack: with --tier=js the script body is compiled too
 * (so tests exercise straight-line top-level code in the tier), otherwise it is interpreted and
 * its hot loops enter compiled code at their headers.
 */
export function runScript(rt: Runtime): void {
  rt.tier.depth = 0;
  if (rt.tier.mode !== 'js') return execute(rt, 0);
  const fn = rt.u32[(rt.frameClosure[0] + L.CLOSURE_FN) >>> 2];
  const w = rt.tier.compile(fn);
  if (w < TIER_COMPILED) return execute(rt, 0);
  try {
    rt.tier.fns[w - TIER_COMPILED](0, 0, 0);
    rt.sp = 0;
  } catch (e) {
    throw unwind(rt, e, 0);
  }
}
