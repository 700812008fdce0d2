import type { Runtime } from '../runtime';
import { Tag } from '../value';
import { Kind } from '../kinds';
import { RuntimeError } from '../errors';

/** Argument checks shared by natives; every message names the native. */

export function expectArgCount(name: string, argc: number, min: number, max = min): void {
  if (argc >= min && argc <= max) return;
  const want = min === max ? `${min} argument${min === 1 ? '' : 's'}` : max === Infinity ? `at least ${min} argument${min === 1 ? '' : 's'}` : `${min} to ${max} arguments`;
  throw new RuntimeError(`${name}() expects ${want} but got ${argc}.`);
}

export function isNumber(rt: Runtime, i: number): boolean {
  const t = rt.stackTags[i];
  return t === Tag.INT || t === Tag.DOUBLE;
}

export function numberArg(rt: Runtime, name: string, i: number): number {
  if (!isNumber(rt, i)) throw new RuntimeError(`${name}() expects a number.`);
  return rt.stackVals[i];
}

export function isString(rt: Runtime, i: number): boolean {
  return rt.stackTags[i] === Tag.OBJ && rt.u8[rt.stackVals[i] - 4] === Kind.STRING;
}

export function stringArg(rt: Runtime, name: string, i: number): string {
  if (!isString(rt, i)) throw new RuntimeError(`${name}() expects a string.`);
  return rt.strings.toJs(rt.stackVals[i]);
}

export function returnInt(rt: Runtime, n: number): void {
  rt.resultTag = Tag.INT;
  rt.resultVal = n | 0;
}

/** A whole number: an int when it fits the i32 range, else a double (never a wrapped int). */
export function returnWhole(rt: Runtime, n: number): void {
  if (isI32(n)) returnInt(rt, n);
  else returnDouble(rt, n);
}

export function isI32(n: number): boolean {
  return Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff;
}

export function returnDouble(rt: Runtime, x: number): void {
  rt.resultTag = Tag.DOUBLE;
  rt.resultVal = x;
}
