import { Addr } from '../memory';
import { Kind } from './kinds';
import { Tag } from './value';
import { StringStore } from './strings';
import { formatDouble } from './number-format';
import { L } from './layout';

/**
 * The one value-to-text conversion (print, concatenation, str(), format, f-strings).
 * `nested` is true inside containers, where strings are quoted and escaped.
 */
export class Formatter {
  private readonly u8: Uint8Array;
  private readonly u32: Uint32Array;

  constructor(private readonly heap: { u8: Uint8Array; u32: Uint32Array; f64: Float64Array }, private readonly strings: StringStore) {
    this.u8 = heap.u8;
    this.u32 = heap.u32;
  }

  text(tag: number, payload: number, nested = false): string {
    switch (tag) {
      case Tag.NIL: return 'nil';
      case Tag.FALSE: return 'false';
      case Tag.TRUE: return 'true';
      case Tag.INT: return String(payload);
      case Tag.DOUBLE: return formatDouble(payload);
      case Tag.OBJ: return this.objectText(payload, nested);
      default: return '<empty>';
    }
  }

  objectText(a: Addr, nested: boolean): string {
    const u32 = this.u32;
    switch (this.u8[a - 4]) {
      case Kind.STRING: {
        const s = this.strings.toJs(a);
        return nested ? quote(s) : s;
      }
      case Kind.FUNCTION: return this.functionText(a);
      case Kind.CLOSURE: return this.functionText(u32[(a + L.CLOSURE_FN) >>> 2]);
      case Kind.BOUND_METHOD: return this.functionText(u32[(u32[(a + L.BOUND_METHOD) >>> 2] + L.CLOSURE_FN) >>> 2]);
      case Kind.NATIVE: return '<native fn>';
      case Kind.CLASS: return this.strings.toJs(u32[(a + L.CLASS_NAME) >>> 2]);
      case Kind.INSTANCE: return this.strings.toJs(u32[(u32[(a + L.INST_CLASS) >>> 2] + L.CLASS_NAME) >>> 2]) + ' instance';
      case Kind.UPVALUE: return 'upvalue';
      default: return '<object>';
    }
  }

  functionName(fn: Addr): string {
    const name = this.u32[(fn + L.FN_NAME) >>> 2];
    return name === 0 ? '' : this.strings.toJs(name);
  }

  private functionText(fn: Addr): string {
    const name = this.functionName(fn);
    return name === '' ? '<script>' : `<fn ${name}>`;
  }
}

/** A string as it appears inside a container: quoted, with ", \ and control characters escaped. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '"': out += '\\"'; break;
      case '\\': out += '\\\\'; break;
      case '\n': out += '\\n'; break;
      case '\t': out += '\\t'; break;
      case '\r': out += '\\r'; break;
      case '\0': out += '\\0'; break;
      default: {
        const c = ch.codePointAt(0) as number;
        out += c < 0x20 || c === 0x7f ? `\\u{${c.toString(16)}}` : ch;
      }
    }
  }
  return out + '"';
}
