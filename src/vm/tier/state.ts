/**
 * The second tier's state as the interpreter sees it (no imports: the interpreter reads it
 * through `rt.tier`, and the compiler in compile.ts fills `compile`).
 *
 * Each function object has one u32 word, L.FN_TIER:
 *   0 .. NEVER-1   calls plus loop back-edges counted so far (hotness)
 *   LOOPS + i      (--tier=auto, a long function) its hot loops compiled alone: `loops[i]` maps a
 *                  loop header's offset to its compiled code (see compileLoop)
 *   NEVER          the tier cannot compile it (or counting stopped): always interpreted
 *   COMPILED + i   compiled: `fns[i]` runs it
 * A freed function's address may be reused, but the new function object starts with word 0, so
 * a stale compiled function is never reached.
 */
// Every word stays below 2^31: V8 optimises the interpreter's reads of it as int32, and the
// first word that does not fit (a compiled function's, when the tier starts) deoptimised the
// whole interpreter ("lost precision"), which then took another 100+ ms to optimise again.
export const TIER_LOOPS = 0x20000000;
export const TIER_NEVER = 0x3fffffff;
export const TIER_COMPILED = 0x40000000;

/**
 * Compiled code calls compiled code as JS calls, so the host stack grows with MufiZ frames.
 * Compiled code (or an interpreter re-entered from it) runs only in the first this many frames
 * (TierState.frames): a frame holds at most one compiled activation and one re-entered
 * interpreter, so the host stack stays bounded. Deeper calls run in the interpreter, whose frames
 * live only on the VM stack: deep recursion then keeps working up to --max-frames exactly as
 * with --tier=interp. (A bound on frames, not a count of activations: compiled calls need no
 * counter of their own beside the frame count they keep anyway.)
 */
export const TIER_MAX_DEPTH = 300;

export type TierMode = 'auto' | 'interp' | 'js';

/**
 * A compiled function: runs a frame (base = its slot 0) from bytecode offset `entry` (0, or a
 * loop header for on-stack entry) to its RETURN, which pops the frame and leaves the result in
 * slot `base`, and returns -1; code compiled from one loop (compileLoop) may instead return the
 * bytecode offset where the interpreter goes on with the frame (rt.sp set), or, after one
 * iteration, -2 minus the offset at which to call it again. Every call passes
 * the closure's address (arity already matched by the caller): the function makes the
 * interpreter's call checks and pushes the frame itself. Only an on-stack entry at a loop header
 * (the frame already running) passes callee 0.
 */
export type CompiledFn = (callee: number, base: number, entry: number) => number;

/**
 * The interpreter's one way into compiled code: `f(callee, base, entry)`.
 *
 * Why a function of its own: V8 inlines it into the interpreter loop, and a call site there that
 * had only ever seen one compiled function is optimised for that target alone; the first call
 * of another compiled function then threw the whole optimised interpreter away ("wrong call
 * target") and V8 spent another 50-100 ms optimising it again, once per new target seen first
 * in a different order (method_call: three to four rounds per run). The call below is made
 * megamorphic when this module loads (warmTierEntries), so optimised code never bets on a
 * target here: it makes an ordinary indirect call, which is what every call here needs anyway.
 */
export function enterCompiled(f: CompiledFn, callee: number, base: number, entry: number): number {
  return f(callee, base, entry);
}

/**
 * Runs a loop compiled alone (compile.ts, compileLoop) from bytecode offset `entry` of the frame
 * at `base`: its code runs one iteration per call and returns -2 minus the offset to call it again
 * at, then the loop's exit offset (>= 0) or -1 when the frame returned, which this returns.
 *
 * Why not in the interpreter's loop: there, these repetitions were back-edges of `execute`,
 * the interpreter itself, and V8 answered a long compiled loop by optimising all of `execute` on
 * stack (OSR: 40 ms of TurboFan on the second core, began near the end of method_call, and the
 * process's exit waited for it; a further 74 ms for its ordinary optimisation). Here they make
 * V8 optimise this small function instead.
 */
export function runCompiledLoop(f: CompiledFn, base: number, entry: number): number {
  // One call site, made megamorphic with enterCompiled's (a second one, in the loop, recorded the
  // first loop's code alone, and V8 deoptimised this at the next loop's first call).
  let exit = -2 - entry;
  do exit = f(0, base, -2 - exit); while (exit <= -2);
  return exit;
}

/**
 * Feeds the call sites of enterCompiled and runCompiledLoop several targets. V8 starts recording
 * a function's feedback only after its first few calls, hence the repetitions.
 */
function warmTierEntries(): void {
  const targets: CompiledFn[] = [(a) => a, (a, b) => b, (a, b, c) => c, (a, b, c) => a + b + c];
  for (let i = 0; i < 64; i++) enterCompiled(targets[i & 3], i, 1, 2);
  for (let i = 0; i < 64; i++) runCompiledLoop(targets[i & 3], i, 2);
}
warmTierEntries();

/**
 * Calls plus back-edges before --tier=auto compiles a long function or a loop of one (short
 * functions are compiled at their second call: compile.ts, EARLY_MAX_CODE and EARLY_COUNT).
 */
export const AUTO_HOT = 600;

export class TierState {
  /**
   * Whether calls and back-edges go to the tier (every mode but --tier=interp): `compile` and
   * `loopEntry` count them and apply the thresholds (compile.ts: the second call for short
   * functions, AUTO_HOT and per-byte counts for long ones and loops).
   */
  readonly counting: boolean;
  readonly fns: CompiledFn[] = [];
  /** Compiled code runs in frames below this index: min(TIER_MAX_DEPTH, --max-frames), set by installTier. */
  frames = TIER_MAX_DEPTH;
  /** Compiles function object `fn`; returns its new FN_TIER word (COMPILED + i, or NEVER). */
  compile: (fn: number) => number = () => TIER_NEVER;
  /**
   * The interpreter at a hot back-edge of function `fn` (bytecode offsets of the loop header and
   * the LOOP instruction): the compiled code to enter at the header, or null to go on interpreting.
   */
  loopEntry: (fn: number, header: number, back: number) => CompiledFn | null = () => null;
  /** Compiled loops of long functions (FN_TIER = LOOPS + i): header offset -> code (null: cannot). */
  readonly loops: Map<number, CompiledFn | null>[] = [];
  /**
   * The inline caches of each compiled function: a callback that empties them when a collection
   * frees an object they hold (its address may then be reused by another class or closure).
   */
  readonly caches: ((isLive: (a: number) => boolean) => void)[] = [];

  constructor(readonly mode: TierMode, readonly dumpJs: string | null = null) {
    this.counting = mode !== 'interp';
  }

  /**
   * The compiled code to run a call of function object `fn` (FN_TIER word `word`) in frame `fc`
   * with, or null to interpret it: the one decision of the interpreter's calls and the compiled
   * code's helpers. Compiled code runs only in frames below `frames`; `compile` counts the call
   * first and compiles once the function is hot.
   */
  codeForCall(fn: number, word: number, fc: number): CompiledFn | null {
    if (word === TIER_NEVER || fc >= this.frames) return null;
    if (word < TIER_COMPILED) word = this.compile(fn);
    return word >= TIER_COMPILED ? this.fns[word - TIER_COMPILED] : null;
  }

  /**
   * Between a collection's marking and its sweep (the runtime's weak-reference phase): the caches
   * that hold an object `isLive` says is garbage are emptied; the others keep their entries, so
   * compiled code does not miss at every site after every collection.
   */
  clearCaches(isLive: (a: number) => boolean): void {
    for (const c of this.caches) c(isLive);
  }
}
