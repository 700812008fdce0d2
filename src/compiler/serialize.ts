/**
 * The compiled-code cache's payload format: a script prototype (and the functions nested in its
 * constants) as bytes, and back. Plain data in, plain data out: no heap, no file system.
 *
 * Layout (little-endian; `uv` = unsigned LEB128 varint, `sv` = zigzag varint):
 *
 *   proto    := name:str kind:u8 arity:uv upvalueCount:uv maxSlots:uv cacheSites:uv
 *               codeLength:uv code:u8[codeLength] lines constantCount:uv constant*
 *   lines    := runCount:uv (delta:sv repeat:uv)*       line numbers, run-length encoded
 *   constant := 0 int:sv | 1 double:f64 | 2 str | 3 proto
 *   str      := byteLength:uv utf8:u8[byteLength]
 *
 * Decoding trusts nothing: every length is checked against the bytes left, every count against
 * a limit, nesting is bounded, and trailing bytes are an error. A decoded prototype is then
 * checked by verify.ts before the VM may load it. Any change to this layout must bump
 * FORMAT_VERSION (the cache key includes it, so old entries are simply rebuilt).
 */
import { Constant, FunctionKind, Prototype } from './prototype';

// 3: the superinstructions GET_LOCAL_CONSTANT .. GLOBAL_INVOKE (a cached program of version 2 has none).
export const FORMAT_VERSION = 3;

/** Deeper nesting of functions than this is not cached (decoding recurses once per level). */
export const MAX_NESTING = 200;

/** A payload that is not a well-formed prototype. */
export class FormatError extends Error {}

const enum ConstTag { Int, Double, String, Function }

class Writer {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void { this.room(1); this.buf[this.length++] = v; }

  uv(v: number): void {
    this.room(5);
    while (v >= 0x80) { this.buf[this.length++] = (v & 0x7f) | 0x80; v >>>= 7; }
    this.buf[this.length++] = v;
  }

  sv(v: number): void { this.uv(((v << 1) ^ (v >> 31)) >>> 0); }

  f64(v: number): void { this.room(8); this.view.setFloat64(this.length, v, true); this.length += 8; }

  bytes(b: Uint8Array): void { this.room(b.length); this.buf.set(b, this.length); this.length += b.length; }

  str(s: string): void { const b = Buffer.from(s, 'utf8'); this.uv(b.length); this.bytes(b); }

  result(): Uint8Array { return this.buf.slice(0, this.length); }
}

class Reader {
  private pos = 0;
  private readonly view: DataView;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean { return this.pos === this.buf.length; }

  private need(n: number): void {
    if (n > this.buf.length - this.pos) throw new FormatError('truncated');
  }

  u8(): number { this.need(1); return this.buf[this.pos++]; }

  /** At most 32 bits: a longer varint is malformed. */
  uv(): number {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8();
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (v > 0xffffffff) throw new FormatError('varint out of range');
        return v;
      }
    }
    throw new FormatError('varint too long');
  }

  /** An unsigned count no larger than `max`. */
  count(max: number): number {
    const n = this.uv();
    if (n > max) throw new FormatError('count out of range');
    return n;
  }

  sv(): number { const u = this.uv(); return (u >>> 1) ^ -(u & 1); }

  f64(): number { this.need(8); const v = this.view.getFloat64(this.pos, true); this.pos += 8; return v; }

  bytes(n: number): Uint8Array { this.need(n); const b = this.buf.slice(this.pos, this.pos + n); this.pos += n; return b; }

  str(): string {
    const n = this.uv();
    this.need(n);
    const s = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.pos, n).toString('utf8');
    this.pos += n;
    return s;
  }
}

/** The payload bytes of a script prototype. */
export function encodePrototype(proto: Prototype): Uint8Array {
  const w = new Writer();
  writeProto(w, proto, 0);
  return w.result();
}

/** The prototype of a payload; throws FormatError when the bytes are not one whole prototype. */
export function decodePrototype(bytes: Uint8Array): Prototype {
  const r = new Reader(bytes);
  const proto = readProto(r, 0);
  if (!r.done) throw new FormatError('trailing bytes');
  return proto;
}

function writeProto(w: Writer, p: Prototype, depth: number): void {
  if (depth > MAX_NESTING) throw new FormatError('functions nested too deeply to cache');
  w.str(p.name);
  w.u8(p.kind);
  w.uv(p.arity);
  w.uv(p.upvalueCount);
  w.uv(p.maxSlots);
  w.uv(p.cacheSites);
  w.uv(p.code.length);
  w.bytes(p.code);
  writeLines(w, p.lines);
  w.uv(p.constants.length);
  for (const c of p.constants) {
    switch (c.kind) {
      case 'int': w.u8(ConstTag.Int); w.sv(c.value); break;
      case 'double': w.u8(ConstTag.Double); w.f64(c.value); break;
      case 'string': w.u8(ConstTag.String); w.str(c.value); break;
      case 'function': w.u8(ConstTag.Function); writeProto(w, c.proto, depth + 1); break;
    }
  }
}

function writeLines(w: Writer, lines: Int32Array): void {
  let runs = 0;
  for (let i = 0; i < lines.length; i++) if (i === 0 || lines[i] !== lines[i - 1]) runs++;
  w.uv(runs);
  let prev = 0;
  for (let i = 0; i < lines.length;) {
    let j = i + 1;
    while (j < lines.length && lines[j] === lines[i]) j++;
    w.sv(lines[i] - prev);
    w.uv(j - i);
    prev = lines[i];
    i = j;
  }
}

function readProto(r: Reader, depth: number): Prototype {
  if (depth > MAX_NESTING) throw new FormatError('nesting too deep');
  const name = r.str();
  const kind = r.u8();
  if (kind > FunctionKind.Initializer) throw new FormatError('bad function kind');
  const arity = r.count(255);
  const upvalueCount = r.count(255);
  const maxSlots = r.count(0xffffff);
  const cacheSites = r.count(0x10000);
  const code = r.bytes(r.uv());
  const lines = readLines(r, code.length);
  const count = r.count(0x10000);
  const constants: Constant[] = [];
  for (let i = 0; i < count; i++) {
    const tag = r.u8();
    switch (tag) {
      case ConstTag.Int: constants.push({ kind: 'int', value: r.sv() }); break;
      case ConstTag.Double: constants.push({ kind: 'double', value: r.f64() }); break;
      case ConstTag.String: constants.push({ kind: 'string', value: r.str() }); break;
      case ConstTag.Function: constants.push({ kind: 'function', proto: readProto(r, depth + 1) }); break;
      default: throw new FormatError('bad constant tag');
    }
  }
  return { name, kind, arity, upvalueCount, code, lines, constants, maxSlots, cacheSites };
}

/** Exactly `length` line numbers (one per code byte), or a FormatError. */
function readLines(r: Reader, length: number): Int32Array {
  const lines = new Int32Array(length);
  const runs = r.count(length);
  let at = 0, line = 0;
  for (let k = 0; k < runs; k++) {
    line = (line + r.sv()) | 0;
    const repeat = r.count(length - at);
    lines.fill(line, at, at + repeat);
    at += repeat;
  }
  if (at !== length) throw new FormatError('line table does not cover the code');
  return lines;
}
