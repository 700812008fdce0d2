import type { Runtime } from '../runtime';
import { execute, unwind } from '../interpreter';
import { L } from '../layout';
import { makeHelpers } from './helpers';
import { compileFunction, compileLoop, loopHot, loopRegion, LOOP_ALONE_BYTES } from './compile';
import { TIER_COMPILED, TIER_LOOPS, TIER_NEVER, TIER_MAX_DEPTH, CompiledFn } from './state';

export { TierState, type TierMode } from './state';

/** Connects the runtime's tier state to the compiler (the interpreter only sees rt.tier). */
export function installTier(rt: Runtime): void {
  const helpers = makeHelpers(rt);
  const mode = rt.tier.mode;
  const tier = rt.tier, u32 = rt.u32;
  tier.frames = Math.min(TIER_MAX_DEPTH, rt.maxFrames);
  tier.compile = (fn) => compileFunction(rt, helpers, fn, mode);
  tier.loopEntry = (fn: number, header: number, back: number): CompiledFn | null => {
    let w = u32[(fn + L.FN_TIER) >>> 2];
    if (w < TIER_LOOPS && (mode !== 'auto' || u32[(fn + L.FN_CODE_LEN) >>> 2] <= LOOP_ALONE_BYTES)) {
      // A short function: compiled whole (when hot enough), entered at the loop header.
      if (w < TIER_COMPILED) w = tier.compile(fn);
      return w >= TIER_COMPILED ? tier.fns[w - TIER_COMPILED] : null;
    }
    if (w >= TIER_COMPILED) return tier.fns[w - TIER_COMPILED];
    if (w === TIER_NEVER) return null;
    if (w < TIER_LOOPS) {
      if (!loopHot(w)) { u32[(fn + L.FN_TIER) >>> 2] = w + 1; return null; }
      w = TIER_LOOPS + tier.loops.length;
      tier.loops.push(new Map());
      u32[(fn + L.FN_TIER) >>> 2] = w;
    }
    const loops = tier.loops[w - TIER_LOOPS];
    let f = loops.get(header);
    if (f === undefined) {
      // A loop's other back-edge (a for loop has two) may have compiled the same region already.
      const region = loopRegion(rt, fn, header, back);
      f = loops.get(region.from);
      if (f === undefined) {
        f = compileLoop(rt, helpers, fn, region);
        loops.set(region.from, f);
      }
      loops.set(header, f);
    }
    return f;
  };
}

/**
 * Runs the script frame on top of the stack: with --tier=js the script body is compiled too
 * (so tests exercise straight-line top-level code in the tier), otherwise it is interpreted and
 * its hot loops enter compiled code at their headers.
 */
export function runScript(rt: Runtime): void {
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
