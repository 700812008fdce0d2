import { Allocator, AllocatorConfig, Addr } from '../memory';
import { Collector, GcHost, GcOptions } from '../gc';
import { Tag } from './value';
import { Kind } from './kinds';
import { StringStore } from './strings';
import { NameTables } from './table';
import { Objects } from './objects';
import { Formatter } from './format';
import { registerKinds } from './trace';
import { RuntimeError } from './errors';
import { NativeDef, NativeFn } from './natives/native';
import { L } from './layout';
import { Vectors } from './vectors';
import { HashTables } from './hash-tables';
import { Lists } from './lists';
import { TierState } from './tier/state';
import { FullHost } from './host';

export interface RuntimeOptions {
  allocator: Partial<AllocatorConfig>;
  gc: Partial<GcOptions>;
  /** Call depth limit (frames, the script's included): then `Stack overflow.` */
  maxFrames: number;
  /** The embedder: output, input lines, clock, interrupt flag (see src/vm/host.ts). */
  host: FullHost;
  /** Natives to register as globals. */
  natives: readonly NativeDef[];
  /** The second tier (tier/): its mode and hot-function state. Default: interpreter only. */
  tier?: TierState;
}

const MAX_GLOBALS = 65536;
const MAX_TEMP_ROOTS = 1024;

/**
 * The VM's state: heap, collector, value stack, call frames, globals and natives. It is the
 * collector's host: `markRoots` lists exactly the places a live object can be referenced from
 * outside the heap.
 */
export class Runtime implements GcHost {
  readonly allocator: Allocator;
  readonly gc: Collector;
  readonly strings: StringStore;
  readonly tables: NameTables;
  readonly objects: Objects;
  readonly vectors: Vectors;
  readonly hashes: HashTables;
  readonly lists: Lists;
  readonly formatter: Formatter;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly host: FullHost;
  /** host.write, kept here for the print path. */
  readonly write: (text: string) => void;
  readonly maxFrames: number;
  readonly interrupt: Int32Array;
  /** The source file of each loaded function, by address (VM.run records it), for stack traces. */
  readonly functionFiles = new Map<number, string>();
  readonly tier: TierState;

  // The value stack: parallel tag and payload arrays. Slots [0, sp) are live (roots).
  readonly stackTags: Uint8Array;
  readonly stackVals: Float64Array;
  readonly stackCapacity: number;
  sp = 0;

  // Call frames: the closure, the saved ip (absolute heap address) and the base slot.
  readonly frameClosure: Uint32Array;
  readonly frameIp: Uint32Array;
  readonly frameBase: Int32Array;
  frameCount = 0;

  /** Open upvalues, sorted by stack index, highest first (linked through UPV_NEXT_OPEN). */
  openUpvalues: Addr = 0;

  // Globals, resolved to slots at load time. A slot whose tag is EMPTY is not defined.
  readonly globalTags = new Uint8Array(MAX_GLOBALS).fill(Tag.EMPTY);
  readonly globalVals = new Float64Array(MAX_GLOBALS);
  readonly globalConst = new Uint8Array(MAX_GLOBALS);
  readonly globalNames: string[] = [];
  readonly globalSlots = new Map<string, number>();

  readonly natives: NativeFn[] = [];
  readonly nativeNames: string[] = [];
  /** The native being called (its id), or -1: kept only with --track-sites, for allocation sites. */
  currentNative = -1;
  private readonly trackNatives: boolean;
  private readonly nativeObjects: Addr[] = [];

  /** Objects held by the host while it allocates more (loader, natives). */
  private readonly tempRoots = new Float64Array(MAX_TEMP_ROOTS);
  private tempCount = 0;

  /** Set by natives. */
  resultTag: number = Tag.NIL;
  resultVal = 0;

  /** Interned "init", the initializer's name. */
  initString: Addr = 0;
  /** With --leak-check at exit: mark nothing, so everything left is a leak. */
  rootsReleased = false;

  constructor(options: RuntimeOptions) {
    this.allocator = new Allocator(options.allocator);
    this.gc = new Collector(this.allocator, options.gc);
    // Before anything allocates: registering the natives may already collect (--gc-stress).
    if (options.host.trace !== null) this.gc.traceSink = options.host.trace;
    this.gc.observer = options.host.collected;
    const heap = this.allocator.heap;
    this.u8 = heap.u8;
    this.u32 = heap.u32;
    this.i32 = heap.i32;
    this.f64 = heap.f64;
    this.host = options.host;
    this.write = options.host.write;
    this.maxFrames = options.maxFrames;
    this.interrupt = options.host.interrupt;
    this.tier = options.tier ?? new TierState('interp');
    this.trackNatives = options.allocator.retainMetadata === true;
    // Room for maxFrames frames of a function with up to 128 slots; deeper stacks overflow.
    this.stackCapacity = options.maxFrames * 128 + 65536;
    this.stackTags = new Uint8Array(this.stackCapacity);
    this.stackVals = new Float64Array(this.stackCapacity);
    this.frameClosure = new Uint32Array(options.maxFrames + 1);
    this.frameIp = new Uint32Array(options.maxFrames + 1);
    this.frameBase = new Int32Array(options.maxFrames + 1);
    registerKinds(this.gc);
    this.strings = new StringStore(this.gc, this.allocator);
    this.tables = new NameTables(this.gc);
    this.objects = new Objects(this.gc, this.tables);
    this.vectors = new Vectors(this.gc, this);
    this.hashes = new HashTables(this.gc);
    this.lists = new Lists(this.gc);
    this.formatter = new Formatter(heap, this.strings);
    this.gc.setHost(this);
    this.initString = this.strings.fromJs('init');
    for (const def of options.natives) this.defineNative(def);
  }

  // --- roots ---

  markRoots(gc: Collector): void {
    if (this.rootsReleased) return;
    const tags = this.stackTags, vals = this.stackVals;
    for (let i = 0; i < this.sp; i++) if (tags[i] === Tag.OBJ) gc.markObject(vals[i]);
    for (let i = 0; i < this.frameCount; i++) gc.markObject(this.frameClosure[i]);
    for (let u = this.openUpvalues; u !== 0; u = this.u32[(u + L.UPV_NEXT_OPEN) >>> 2]) gc.markObject(u);
    const gt = this.globalTags, gv = this.globalVals;
    for (let i = 0; i < this.globalNames.length; i++) if (gt[i] === Tag.OBJ) gc.markObject(gv[i]);
    for (const n of this.nativeObjects) gc.markObject(n);
    for (let i = 0; i < this.tempCount; i++) gc.markObject(this.tempRoots[i]);
    gc.markObject(this.initString);
    this.strings.markTable(gc);
  }

  /** Whether the collection under way keeps object `a` (for weak references: tier caches). */
  private readonly isLive = (a: number): boolean => this.gc.isMarked(a);

  removeWeakReferences(gc: Collector): void {
    this.strings.removeWhite(gc);
    this.tier.clearCaches(this.isLive);
  }

  pushRoot(a: Addr): void {
    if (this.tempCount === MAX_TEMP_ROOTS) throw new RuntimeError('Too many objects under construction (temporary roots).');
    this.tempRoots[this.tempCount++] = a;
  }

  popRoot(): void {
    this.tempCount--;
  }

  /** After a failed run: no native is still building anything, so no temporary root is live. */
  clearTempRoots(): void {
    this.tempCount = 0;
  }

  /** Drops every root (and the intern table) so a final collection frees everything. */
  releaseRoots(): void {
    this.rootsReleased = true;
    this.sp = 0;
    this.frameCount = 0;
    this.openUpvalues = 0;
    this.tempCount = 0;
    this.strings.release();
  }

  // --- globals ---

  /** The slot for a global name, creating an undefined one when new. */
  globalSlot(name: string): number {
    let slot = this.globalSlots.get(name);
    if (slot === undefined) {
      slot = this.globalNames.length;
      if (slot >= MAX_GLOBALS) throw new RuntimeError(`Too many global variables (maximum ${MAX_GLOBALS}).`);
      this.globalNames.push(name);
      this.globalSlots.set(name, slot);
    }
    return slot;
  }

  defineNative(def: NativeDef): void {
    const id = this.natives.length;
    // With --track-sites, wrap the native so allocations inside it know which native made them
    // (the interpreter calls natives by id and records nothing itself); free otherwise.
    this.natives.push(this.trackNatives ? trackedNative(this, id, def.fn) : def.fn);
    this.nativeNames.push(def.name);
    const name = this.strings.fromJs(def.name);
    this.pushRoot(name);
    const native = this.objects.native(id, name);
    this.popRoot();
    this.nativeObjects.push(native);
    const slot = this.globalSlot(def.name);
    this.globalTags[slot] = Tag.OBJ;
    this.globalVals[slot] = native;
  }

  // --- helpers for natives and the interpreter ---

  text(tag: number, payload: number): string {
    return this.formatter.text(tag, payload);
  }

  /** The object kind of the value in stack slot i, or 0 when it is not an object. */
  kindAt(i: number): number {
    return this.stackTags[i] === Tag.OBJ ? this.u8[this.stackVals[i] - 4] : 0;
  }

  /** The user-facing type name (what_is, error messages). */
  typeName(tag: number, payload: number): string {
    switch (tag) {
      case Tag.NIL: return 'Nil';
      case Tag.FALSE: case Tag.TRUE: return 'Boolean';
      case Tag.INT: return 'Integer';
      case Tag.DOUBLE: return 'Double';
      case Tag.OBJ: return KIND_TYPE_NAMES[this.u8[payload - 4]] ?? 'Object';
      default: return 'Nil';
    }
  }

  returnString(text: string): void {
    this.resultVal = this.strings.fromJs(text);
    this.resultTag = Tag.OBJ;
  }
}

function trackedNative(rt: Runtime, id: number, fn: NativeFn): NativeFn {
  return (r, args, argc) => {
    const outer = rt.currentNative;
    rt.currentNative = id;
    try {
      fn(r, args, argc);
    } finally {
      rt.currentNative = outer;
    }
  };
}

const KIND_TYPE_NAMES: string[] = [];
KIND_TYPE_NAMES[Kind.STRING] = 'String';
KIND_TYPE_NAMES[Kind.FUNCTION] = 'Function';
KIND_TYPE_NAMES[Kind.CLOSURE] = 'Function';
KIND_TYPE_NAMES[Kind.NATIVE] = 'Native';
KIND_TYPE_NAMES[Kind.CLASS] = 'Class';
KIND_TYPE_NAMES[Kind.INSTANCE] = 'Instance';
KIND_TYPE_NAMES[Kind.BOUND_METHOD] = 'Bound Method';
KIND_TYPE_NAMES[Kind.FLOAT_VECTOR] = 'Float Vector';
KIND_TYPE_NAMES[Kind.HASH_TABLE] = 'Hash Table';
KIND_TYPE_NAMES[Kind.LINKED_LIST] = 'Linked List';
KIND_TYPE_NAMES[Kind.RANGE] = 'Range';
KIND_TYPE_NAMES[Kind.PAIR] = 'Pair';
KIND_TYPE_NAMES[Kind.MATRIX] = 'Matrix';
KIND_TYPE_NAMES[Kind.MATRIX_ROW] = 'Matrix Row';
KIND_TYPE_NAMES[Kind.COMPLEX] = 'Complex';
