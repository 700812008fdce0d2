/**
 * The embedding API, and the whole pipeline in one place:
 *
 *   source ──compile()──► Prototype (plain data: bytecode, constants, lines)      src/compiler
 *          ──VM.run()───► loaded into the managed heap as function objects,       src/vm
 *                         executed by the interpreter loop; every object lives in
 *                         one ArrayBuffer heap (src/memory), reclaimed by the
 *                         mark-sweep collector (src/gc).
 *
 * An embedder gives one object: its Host (write, flush, readLine, trace, collected, now,
 * interrupt: src/vm/host.ts) and the engine's settings (allocator, gc, maxFrames, sandbox).
 * The CLI, the REPL's worker and the browser playground use only what is exported here; the
 * tests may also look inside (`engine.vm`). docs/embedding.md shows it in one page.
 */
// The compiler itself is NOT imported here (see loadCompiler): only its types and the parts
// that need no parser (diagnostics text, the disassembler).
import type { CompileOptions, TokenInfo, ParseResult } from './compiler';
import { formatDiagnostic, formatDiagnostics } from './compiler/diagnostics';
import { disassemble } from './compiler/disassembler';
import type { CompileResult, Diagnostic, Prototype } from './compiler/prototype';
import { VM, type VMOptions, MufiRuntimeError, ExitRequest, RuntimeError } from './vm';
import { Tag } from './vm/value';
import type { Host } from './vm/host';
import { type CollectionRecord, GcStats, type GcOptions, OutOfMemoryError, HeapCorruptionError, formatTraceLine, formatTraceJson } from './gc';
import { type AllocatorConfig, type MemStatsSnapshot, type LeakRow, Heap, HeapSafetyError, formatMemStats, MIB, DEFAULT_HEAP_LIMIT } from './memory';

type CompilerModule = typeof import('./compiler');
let compilerModule: CompilerModule | null = null;

/**
 * The compiler, loaded on first use: it pulls in chevrotain and builds the parser (most of a
 * cold start), which running an already-compiled (cached) program never needs. The one place
 * that loads it; everything else calls compile() below or this. Under Node it is required on
 * demand; a bundle without `require` (the browser playground) hands it over with useCompiler().
 */
export function loadCompiler(): CompilerModule {
  if (compilerModule === null) {
    if (typeof require !== 'function') throw new Error('the compiler is not loaded: call useCompiler(await import(\'./compiler\')) first');
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    compilerModule = require('./compiler') as CompilerModule;
  }
  return compilerModule;
}

/** Gives the engine its compiler module where it cannot be required lazily (an ES module bundle). */
export function useCompiler(module: CompilerModule): void {
  compilerModule = module;
}

/** Compiles a MufiZ source file into the script prototype, or reports every error found. */
export function compile(source: string, file: string, options: CompileOptions = {}): CompileResult {
  return loadCompiler().compile(source, file, options);
}

/** The source's tokens (--dump-tokens, editors). */
export function tokenize(source: string): TokenInfo[] {
  return loadCompiler().tokenize(source);
}

/** The source's syntax tree, or its errors (--dump-ast). */
export function parse(source: string, file: string): ParseResult {
  return loadCompiler().parse(source, file);
}

export type RunOutcome =
  | { kind: 'ok' }
  | { kind: 'compile-error'; diagnostics: readonly Diagnostic[]; omitted?: number }
  | { kind: 'runtime-error'; error: MufiRuntimeError }
  | { kind: 'exit'; status: number };

/** The host and the settings (every field optional). */
export type EngineOptions = Partial<VMOptions>;

/** The heap's counters now: cheap, for live views. */
export interface HeapNow {
  /** Bytes in live blocks, and how many. */
  liveBytes: number;
  liveBlocks: number;
  peakBytes: number;
  /** Bytes ever allocated. */
  allocatedBytes: number;
  /** The collector runs before an allocation that would take liveBytes past this. */
  nextThreshold: number;
  /** The heap's size (the reserved ArrayBuffer). */
  heapLimit: number;
  /** Seconds since the engine was created (the time base of CollectionRecord.at). */
  at: number;
  /** Whether live bytes by kind are counted (the allocator's enableTracking). */
  tracking: boolean;
}

export class Engine {
  /** The VM itself: for tests and tools that look inside; embedders need only the methods below. */
  readonly vm: VM;

  constructor(options: EngineOptions = {}) {
    this.vm = new VM(options);
  }

  /** Set by dispose(). */
  private disposed = false;
  /** Calls of run, runScript, collect and leakCheck under way (a host callback may call dispose in one). */
  private busy = 0;

  /**
   * Gives the engine's heap reservation back: the next engine made in this thread with the same
   * heap limit reuses it (cleared) instead of reserving another, so a process that runs engine
   * after engine holds as many reservations as it has live engines (docs/embedding.md, "Many
   * engines in one process"). Call it when done with the engine, after its last report: every
   * method then throws, and the heap's memory may already belong to another engine, so nothing
   * read from `vm` may be used either. `reuseHeap: false` drops the reservation instead (after an
   * internal error the heap may hold stray bytes anywhere). Throws while the engine runs (from a
   * host callback); a second call does nothing.
   */
  dispose(options: { reuseHeap?: boolean } = {}): void {
    if (this.disposed) return;
    if (this.busy > 0) throw new Error('an engine cannot be disposed while it runs');
    this.disposed = true;
    this.vm.dispose(options.reuseHeap ?? true);
  }

  /** Throws when the engine was disposed: its heap may be another engine's now. */
  private live(): void {
    if (this.disposed) throw new Error('this engine was disposed: its heap may belong to another engine now');
  }

  /** `body` with the engine marked busy (see dispose). */
  private running<T>(body: () => T): T {
    this.live();
    this.busy++;
    try {
      return body();
    } finally {
      this.busy--;
    }
  }

  /** Compiles and runs one program. Internal faults (heap corruption, bugs) propagate as JS errors. */
  run(source: string, file: string, options: { replEcho?: boolean } = {}): RunOutcome {
    this.live();
    const result = compile(source, file, options);
    if (result.script === null) return { kind: 'compile-error', diagnostics: result.errors, omitted: result.omitted };
    return this.runScript(result.script, file);
  }

  /** Runs an already compiled script (from compile() or the code cache). */
  runScript(script: Prototype, file: string): RunOutcome {
    return this.running(() => {
      try {
        this.vm.run(script, file);
        return { kind: 'ok' };
      } catch (e) {
        if (e instanceof MufiRuntimeError) return { kind: 'runtime-error', error: e };
        if (e instanceof ExitRequest) return { kind: 'exit', status: e.status };
        throw e;
      }
    });
  }

  /** A full collection now; returns the bytes freed. */
  collect(): number {
    return this.running(() => this.vm.collect());
  }

  /** --leak-check: releases every root, collects, returns what is still allocated. The engine is unusable afterwards. */
  leakCheck(): LeakRow[] {
    return this.running(() => this.vm.leakCheck());
  }

  heapNow(): HeapNow {
    this.live();
    const rt = this.vm.runtime, s = rt.allocator.stats;
    return {
      liveBytes: s.currentBytes, liveBlocks: s.currentAllocations, peakBytes: s.peakBytes,
      allocatedBytes: s.bytesAllocated, nextThreshold: rt.gc.nextGC, heapLimit: rt.allocator.heap.size,
      at: rt.gc.elapsedSeconds(), tracking: rt.allocator.config.enableTracking,
    };
  }

  /** The collector's settings (mode, threshold, growth…) with the defaults filled in. */
  gcOptions(): Readonly<GcOptions> {
    this.live();
    return this.vm.runtime.gc.options;
  }

  /** The collector's totals and every collection's record. */
  gcStats(): Readonly<GcStats> {
    this.live();
    return this.vm.runtime.gc.stats;
  }

  /** The allocator's full statistics (walks the free lists: not for every frame of a live view). */
  memStats(): MemStatsSnapshot {
    this.live();
    return this.vm.runtime.allocator.getMemStats();
  }

  /** Live objects by kind (empty without tracking). */
  liveByKind(): { kind: string; count: number; bytes: number }[] {
    this.live();
    const a = this.vm.runtime.allocator, s = a.stats, rows = [];
    for (let k = 1; k < 255; k++) {
      const count = s.liveCountByKind[k];
      if (count > 0) rows.push({ kind: a.kindNames[k] ?? `kind ${k}`, count, bytes: s.liveBytesByKind[k] });
    }
    return rows;
  }

  /** --mem-profile: the top allocation sites, or null when sites are not recorded (allocator.retainMetadata). */
  topSites(by: 'bytes' | 'count', limit: number): { site: string; count: number; bytes: number }[] | null {
    this.live();
    const table = this.vm.runtime.allocator.siteTable;
    return table === null ? null : table.top(by, limit);
  }

  /** The names of the globals defined so far (the REPL completes them). */
  globalNames(): string[] {
    this.live();
    const rt = this.vm.runtime;
    return rt.globalNames.filter((_, slot) => rt.globalTags[slot] !== Tag.EMPTY);
  }
}

export {
  disassemble, formatDiagnostic, formatDiagnostics, VM, MufiRuntimeError, ExitRequest,
  /** Thrown by a host callback (readLine) to stop the program with a runtime error at the current line. */
  RuntimeError,
  GcStats, OutOfMemoryError, HeapCorruptionError, HeapSafetyError, formatTraceLine, formatTraceJson,
  formatMemStats, MIB, DEFAULT_HEAP_LIMIT,
  /** Heap.beforeReserve: see docs/embedding.md, "Many engines in one process". */
  Heap,
};
export type {
  CompileOptions, CompileResult, Diagnostic, Prototype, TokenInfo, ParseResult,
  VMOptions, Host, CollectionRecord, GcOptions, AllocatorConfig, MemStatsSnapshot, LeakRow,
};
export { gcStatsReport } from './gc-summary';
