import { Prototype } from '../compiler/prototype';
import { AllocatorConfig } from '../memory';
import { GcOptions, OutOfMemoryError } from '../gc';
import { Runtime } from './runtime';
import { Tag } from './value';
import { loadPrototype } from './loader';
import { resetStack } from './interpreter';
import { MufiRuntimeError, RuntimeError } from './errors';
import { allNatives } from './natives';
import { L } from './layout';
import { Kind } from './kinds';
import { installSiteProvider } from './alloc-sites';
import { installTier, runScript, TierState, TierMode } from './tier';
import { LeakRow } from '../memory';
import { Host, completeHost } from './host';

/**
 * The engine's settings and its host in one object: write, flush, readLine, trace, collected,
 * now and interrupt as in Host (all optional: output is dropped without `write`), and
 */
export interface VMOptions extends Host {
  /** heap limit, safety checks, allocation sites… (src/memory/config.ts) */
  allocator: Partial<AllocatorConfig>;
  /** threshold, growth, stress, verify, trace… (src/gc/options.ts) */
  gc: Partial<GcOptions>;
  /** Call depth limit: then `Stack overflow.` */
  maxFrames: number;
  /** Leave out the natives that reach files, the network or stdin (--sandbox; always in a browser). */
  sandbox: boolean;
  /** The second tier: 'interp' (default here), 'auto' or 'js'; see docs/internals.md. */
  tier?: TierMode;
  /** Print the generated JavaScript of functions with this name ('script' for the top level). */
  dumpJs?: string | null;
}

export const DEFAULT_MAX_FRAMES = 10000;

/** The VM as its embedder sees it: load a compiled script into the heap and run it. */
export class VM {
  readonly runtime: Runtime;

  constructor(options: Partial<VMOptions> = {}) {
    this.runtime = new Runtime({
      allocator: options.allocator ?? {},
      gc: options.gc ?? {},
      maxFrames: options.maxFrames ?? DEFAULT_MAX_FRAMES,
      host: completeHost(options),
      natives: allNatives({ sandbox: options.sandbox ?? false }),
      tier: new TierState(options.tier ?? 'interp', options.dumpJs ?? null),
    });
    installTier(this.runtime);
    installSiteProvider(this.runtime, () => this.file);
  }

  /** The file of the script being run (for allocation sites). */
  private file = '<script>';

  /** Runs a compiled script to completion. Throws MufiRuntimeError, ExitRequest or OutOfMemoryError. */
  run(script: Prototype, file = '<script>'): void {
    const rt = this.runtime;
    resetStack(rt, 0);
    this.file = file;
    let fn;
    try {
      fn = loadPrototype(rt, script);
      recordFile(rt, fn, file);
    } catch (e) {
      // Loading allocates (strings, code): running out of heap there is still the program's error.
      if (e instanceof OutOfMemoryError) throw new MufiRuntimeError(e.message, []);
      // A limit of the VM met while loading (more than 65,536 globals): the program's error too.
      if (e instanceof RuntimeError) throw new MufiRuntimeError(e.message, []);
      throw e;
    }
    rt.stackTags[0] = Tag.OBJ;
    rt.stackVals[0] = fn;
    rt.sp = 1; // the function is rooted by the stack while its closure is made
    let closure;
    try {
      closure = rt.objects.closure(fn);
    } catch (e) {
      resetStack(rt, 0);
      if (e instanceof OutOfMemoryError) throw new MufiRuntimeError(e.message, []);
      throw e;
    }
    // Calls check their callee's slots against the stack; the script is checked here (a huge
    // literal needs as many slots as it has elements, plus one above them for BUILD_HASH).
    if (rt.u32[(fn + L.FN_MAX_SLOTS) >>> 2] + 2 >= rt.stackCapacity) {
      resetStack(rt, 0);
      throw new MufiRuntimeError('Stack overflow.', []);
    }
    rt.stackVals[0] = closure;
    rt.frameClosure[0] = closure;
    rt.frameBase[0] = 0;
    rt.frameIp[0] = rt.u32[(fn + L.FN_CODE) >>> 2];
    rt.frameCount = 1;
    try {
      runScript(rt);
    } catch (e) {
      resetStack(rt, 0);
      rt.clearTempRoots();
      throw e;
    }
  }

  /** Full collection now; returns bytes freed. */
  collect(): number {
    return this.runtime.gc.collect('explicit');
  }

  /**
   * For --leak-check: drop every root, collect, and report what is still allocated.
   * Returns the live blocks by kind and allocation site (empty when nothing leaked). The VM
   * is unusable afterwards.
   */
  leakCheck(): LeakRow[] {
    const rt = this.runtime;
    rt.releaseRoots();
    rt.gc.collect('exit');
    return rt.allocator.checkForLeaks();
  }

  /**
   * The VM is unusable afterwards. `reuseHeap`: its reservation goes back for the next VM of this
   * thread (Allocator.giveBackHeap); false leaves it to V8.
   */
  dispose(reuseHeap: boolean): void {
    if (reuseHeap) this.runtime.allocator.giveBackHeap();
  }
}

/** Records `file` for the script function and every function nested in its constants. */
function recordFile(rt: Runtime, script: number, file: string): void {
  const u32 = rt.u32;
  const pending = [script];
  while (pending.length > 0) {
    const fn = pending.pop() as number;
    rt.functionFiles.set(fn, file);
    const constants = u32[(fn + L.FN_CONSTANTS) >>> 2];
    const count = u32[(fn + L.FN_CONSTANT_COUNT) >>> 2];
    for (let i = 0; i < count; i++) {
      const slot = constants + i * L.VALUE_SLOT;
      if (u32[slot >>> 2] !== Tag.OBJ) continue;
      const a = rt.f64[(slot + 8) >>> 3];
      if (rt.u8[a - 4] === Kind.FUNCTION) pending.push(a);
    }
  }
}
