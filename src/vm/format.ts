import { Addr } from '../memory';
import { Kind } from './kinds';
import { Tag } from './value';
import { StringStore } from './strings';
import { formatDouble, formatFixed } from './number-format';
import { L } from './layout';
import { RuntimeError } from './errors';

/** Containers nested deeper than this are a runtime error when printed (the host stack is finite). */
const MAX_PRINT_DEPTH = 2000;
const TOO_DEEP_TO_PRINT = 'Value nested too deeply to print.';

/**
 * The one value-to-text conversion (print, concatenation, str(), format, f-strings).
 * `nested` is true inside containers, where strings are quoted and escaped.
 */
export class Formatter {
  private readonly u8: Uint8Array;
  private readonly u32: Uint32Array;

  private readonly i32: Int32Array;
  private readonly f64: Float64Array;

  constructor(heap: { u8: Uint8Array; u32: Uint32Array; i32: Int32Array; f64: Float64Array }, private readonly strings: StringStore) {
    this.u8 = heap.u8;
    this.u32 = heap.u32;
    this.i32 = heap.i32;
    this.f64 = heap.f64;
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

  /** Containers being printed right now (innermost last): a container inside itself prints as `...`. */
  private readonly open: number[] = [];

  objectText(a: Addr, nested: boolean): string {
    const kind = this.u8[a - 4];
    if (kind !== Kind.HASH_TABLE && kind !== Kind.LINKED_LIST && kind !== Kind.PAIR) return this.leafText(a, nested);
    if (this.open.length === 0) {
      // The outermost container: whatever the depth limit, a host stack that runs out first
      // (printing from deep inside the program) is the same error, never an internal one.
      try {
        return this.containerText(a, kind);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        this.open.length = 0;
        this.openSet.clear();
        throw new RuntimeError(TOO_DEEP_TO_PRINT);
      }
    }
    return this.containerText(a, kind);
  }

  /** The containers in `open`, for the cycle test in constant time. */
  private readonly openSet = new Set<number>();

  private containerText(a: Addr, kind: number): string {
    if (this.openSet.has(a)) return kind === Kind.HASH_TABLE ? '#{...}' : kind === Kind.PAIR ? '(...)' : '[...]';
    if (this.open.length >= MAX_PRINT_DEPTH) throw new RuntimeError(TOO_DEEP_TO_PRINT);
    this.open.push(a);
    this.openSet.add(a);
    try {
      if (kind === Kind.HASH_TABLE) return this.hashText(a);
      if (kind === Kind.LINKED_LIST) return this.listText(a);
      return `(${this.slotText(a + L.PAIR_KEY)}, ${this.slotText(a + L.PAIR_VALUE)})`;
    } finally {
      this.openSet.delete(this.open.pop()!);
    }
  }

  private leafText(a: Addr, nested: boolean): string {
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
      case Kind.FLOAT_VECTOR: return this.vectorText(a);
      case Kind.RANGE: {
        const i32 = this.i32;
        const dots = u32[(a + L.RANGE_INCLUSIVE) >>> 2] !== 0 ? '..=' : '..';
        return `${i32[(a + L.RANGE_START) >>> 2]}${dots}${i32[(a + L.RANGE_END) >>> 2]}`;
      }
      case Kind.COMPLEX: return complexText(this.f64[(a + L.CPX_RE) >>> 3], this.f64[(a + L.CPX_IM) >>> 3]);
      case Kind.MATRIX: return this.matrixText(a);
      case Kind.MATRIX_ROW: {
        const m = u32[(a + L.ROW_MATRIX) >>> 2];
        return `MatrixRow[${u32[(a + L.ROW_INDEX) >>> 2] + 1}] from ${u32[(m + L.MAT_ROWS) >>> 2]}x${u32[(m + L.MAT_COLS) >>> 2]} matrix`;
      }
      default: return '<object>';
    }
  }

  /** A value slot in the heap (u32 tag, f64 payload) as it prints inside a container. */
  private slotText(slot: number): string {
    return this.text(this.u32[slot >>> 2], this.f64[(slot + 8) >>> 3], true);
  }

  /** `[1.00, 2.50]`: two decimals, half away from zero on the shortest digits. */
  private vectorText(v: Addr): string {
    const n = this.u32[(v + L.VEC_COUNT) >>> 2];
    const base = this.u32[(v + L.VEC_DATA) >>> 2] >>> 3;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(formatFixed(this.f64[base + i], 2));
    return '[' + parts.join(', ') + ']';
  }

  private hashText(h: Addr): string {
    const u32 = this.u32;
    const entries = u32[(h + L.HT_ENTRIES) >>> 2];
    const used = u32[(h + L.HT_USED) >>> 2];
    const parts: string[] = [];
    for (let i = 0; i < used; i++) {
      const e = entries + i * L.TABLE_ENTRY_SIZE;
      const key = u32[e >>> 2];
      if (key === 0) continue;
      parts.push(`${quote(this.strings.toJs(key))}: ${this.text(u32[(e + 4) >>> 2], this.f64[(e + 8) >>> 3], true)}`);
    }
    return '#{' + parts.join(', ') + '}';
  }

  private listText(l: Addr): string {
    const parts: string[] = [];
    for (let node = this.u32[(l + L.LIST_HEAD) >>> 2]; node !== 0; node = this.u32[(node + L.NODE_NEXT) >>> 2]) {
      const slot = node + L.NODE_VALUE;
      parts.push(this.text(this.u32[slot >>> 2], this.f64[(slot + 8) >>> 3], true));
    }
    return '[' + parts.join(', ') + ']';
  }

  /**
   * Upstream's layout: a newline, then per row three spaces and each element right-aligned in 8
   * columns with 4 decimals followed by two spaces, a newline; then one more newline.
   */
  private matrixText(m: Addr): string {
    const rows = this.u32[(m + L.MAT_ROWS) >>> 2], cols = this.u32[(m + L.MAT_COLS) >>> 2];
    const base = (m + L.MAT_DATA) >>> 3;
    let out = '\n';
    for (let r = 0; r < rows; r++) {
      out += '   ';
      for (let c = 0; c < cols; c++) out += formatFixed(this.f64[base + c * rows + r], 4).padStart(8) + '  ';
      out += '\n';
    }
    return out + '\n';
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

/** `3 + 4i`, `1 + -2i`: each part as a double prints. */
export function complexText(re: number, im: number): string {
  return `${formatDouble(re)} + ${formatDouble(im)}i`;
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
