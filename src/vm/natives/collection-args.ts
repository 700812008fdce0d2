import type { Runtime } from '../runtime';
import { Tag } from '../value';
import { Kind } from '../kinds';
import { RuntimeError } from '../errors';
import { isI32 } from './args';

/** Argument helpers for the collection natives (kinds of heap objects). */

export function addr(rt: Runtime, i: number): number {
  return rt.stackVals[i] >>> 0;
}

/** The address of argument i when it is of `kind`, else the runtime error `message`. */
export function objectArg(rt: Runtime, i: number, kind: Kind, message: string): number {
  if (rt.kindAt(i) !== kind) throw new RuntimeError(message);
  return rt.stackVals[i] >>> 0;
}

/** An index or count: an int, or a finite double truncated toward zero (upstream §1). */
export function intArg(rt: Runtime, i: number, message: string): number {
  const t = rt.stackTags[i];
  if (t === Tag.INT) return rt.stackVals[i];
  if (t === Tag.DOUBLE && Number.isFinite(rt.stackVals[i])) return Math.trunc(rt.stackVals[i]);
  throw new RuntimeError(message);
}



export function returnObject(rt: Runtime, a: number): void {
  rt.resultTag = Tag.OBJ;
  rt.resultVal = a;
}

export function returnBool(rt: Runtime, b: boolean): void {
  rt.resultTag = b ? Tag.TRUE : Tag.FALSE;
}


/** A view of a float vector's elements (invalid after any allocation). */
export function vectorView(rt: Runtime, v: number): Float64Array {
  const base = rt.vectors.data(v) >>> 3;
  return rt.f64.subarray(base, base + rt.vectors.count(v));
}

/**
 * Returns a new hash table of `entries` (strings become heap strings; whole numbers in the i32
 * range become ints, other numbers doubles). The table, each key and each string value are
 * rooted while the next allocation runs.
 */
export function returnHashTable(rt: Runtime, entries: ReadonlyArray<readonly [string, string | number]>): void {
  const h = rt.hashes.make();
  rt.pushRoot(h);
  try {
    for (const [name, value] of entries) {
      const key = rt.strings.fromJs(name);
      rt.pushRoot(key);
      try {
        if (typeof value === 'string') {
          const text = rt.strings.fromJs(value);
          rt.pushRoot(text); // set() may grow the table, and so collect
          try { rt.hashes.set(h, key, Tag.OBJ, text); } finally { rt.popRoot(); }
        } else {
          rt.hashes.set(h, key, isI32(value) ? Tag.INT : Tag.DOUBLE, value);
        }
      } finally {
        rt.popRoot();
      }
    }
  } finally {
    rt.popRoot();
  }
  returnObject(rt, h);
}
