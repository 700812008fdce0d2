import type { Runtime } from '../runtime';
import { NativeModule, NativeDef } from './native';
import { Tag } from '../value';
import { L } from '../layout';
import { RuntimeError } from '../errors';
import { expectArgCount, isString, returnInt } from './args';
import { indexOfBytes } from '../bytes';

/**
 * Strings: upstream's VM "SIMD" string natives (find, equals, compare and their simd_* twins)
 * and the utils module's format/f, gathered here because they are the string functions.
 *
 * Strings are UTF-8 in the heap. find and compare work on the bytes: a match of valid UTF-8 in
 * valid UTF-8 always starts on a character boundary, and byte order of UTF-8 is code point order,
 * so counting the lead bytes before a match gives the code-point index LANGUAGE.md asks for.
 */

/** The UTF-8 bytes of the string argument at stack slot i (a view into the heap: read at once). */
function stringBytes(rt: Runtime, name: string, i: number): Uint8Array {
  if (!isString(rt, i)) throw new RuntimeError(`${name}() expects a string.`);
  const s = rt.stackVals[i];
  const start = s + L.STR_BYTES;
  return rt.u8.subarray(start, start + rt.strings.byteLength(s));
}

/** Code-point index of the first occurrence of needle in haystack (UTF-8 bytes), or -1. */
export function findCodePoint(haystack: Uint8Array, needle: Uint8Array): number {
  const at = indexOfBytes(haystack, needle);
  if (at < 0) return -1;
  let count = 0;
  for (let i = 0; i < at; i++) if ((haystack[i] & 0xc0) !== 0x80) count++;
  return count;
}

/** -1, 0 or 1: lexicographic by byte (= by code point); a proper prefix is smaller. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * format's template expansion: `{}` takes the next value's text (or stays `{}` when none is
 * left), `{{` is `{`, `}}` is `}`, anything else is copied. Extra values are ignored (and
 * never converted). textOf(k) is the text of value k, 0-based.
 */
export function expandTemplate(template: string, count: number, textOf: (k: number) => string): string {
  let out = '';
  let next = 0;
  let from = 0; // start of the pending literal run
  for (let i = 0; i < template.length; i++) {
    const c = template.charCodeAt(i);
    if (c !== 0x7b && c !== 0x7d) continue; // neither '{' nor '}'
    const d = template.charCodeAt(i + 1);
    let piece: string;
    if (c === 0x7b && d === 0x7d) piece = next < count ? textOf(next++) : '{}';
    else if (c === d) piece = c === 0x7b ? '{' : '}';
    else continue;
    out += template.slice(from, i) + piece;
    i++;
    from = i + 1;
  }
  return out + template.slice(from);
}

function find(name: string): NativeDef {
  return {
    name,
    fn(rt, args, argc) {
      expectArgCount(name, argc, 2);
      returnInt(rt, findCodePoint(stringBytes(rt, name, args), stringBytes(rt, name, args + 1)));
    },
  };
}

function equals(name: string): NativeDef {
  return {
    name,
    fn(rt, args, argc) {
      expectArgCount(name, argc, 2);
      if (!isString(rt, args) || !isString(rt, args + 1)) throw new RuntimeError(`${name}() expects a string.`);
      // Strings are interned: equal contents means the same object.
      rt.resultTag = rt.stackVals[args] === rt.stackVals[args + 1] ? Tag.TRUE : Tag.FALSE;
    },
  };
}

function compare(name: string): NativeDef {
  return {
    name,
    fn(rt, args, argc) {
      expectArgCount(name, argc, 2);
      returnInt(rt, compareBytes(stringBytes(rt, name, args), stringBytes(rt, name, args + 1)));
    },
  };
}

function format(name: string): NativeDef {
  return {
    name,
    fn(rt, args, argc) {
      expectArgCount(name, argc, 1, Infinity);
      if (!isString(rt, args)) throw new RuntimeError(`${name}() expects a string as its first argument.`);
      const first = args + 1;
      const text = expandTemplate(rt.strings.toJs(rt.stackVals[args]), argc - 1, (k) => rt.text(rt.stackTags[first + k], rt.stackVals[first + k]));
      rt.returnString(text);
    },
  };
}

export const stringsNatives: NativeModule = [
  find('find'),
  equals('equals'),
  compare('compare'),
  find('simd_find'),
  equals('simd_equals'),
  compare('simd_compare'),
  format('format'),
  format('f'),
];
