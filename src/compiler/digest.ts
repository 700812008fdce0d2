/**
 * A 128-bit non-cryptographic digest for the code cache's keys and checksums: four independent
 * 32-bit multiply-xorshift lanes (in the style of MurmurHash3's mixing). It replaces SHA-256
 * there because loading node's crypto module alone costs several milliseconds of every start.
 *
 * Collisions are astronomically unlikely for accidental changes (a damaged entry, an edited
 * file). A crafted collision buys nothing: whoever can write the cache directory can write any
 * bytes there anyway, which is why a loaded entry is also verified (verify.ts).
 */

const SEEDS = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f];

export class Digest {
  private readonly h = Int32Array.from(SEEDS);
  private length = 0;

  /** Adds the UTF-16 code units of `text` (no encoding step: the source is already a string). */
  text(text: string): this {
    const h = this.h;
    let a = h[0], b = h[1], c = h[2], d = h[3];
    for (let i = 0; i < text.length; i++) {
      const k = text.charCodeAt(i);
      a = Math.imul(a ^ k, 0xcc9e2d51); a ^= a >>> 15;
      b = Math.imul(b ^ k, 0x1b873593); b ^= b >>> 13;
      c = Math.imul(c ^ k, 0x85ebca6b); c ^= c >>> 16;
      d = Math.imul(d ^ k, 0xc2b2ae35); d ^= d >>> 11;
    }
    h[0] = a; h[1] = b; h[2] = c; h[3] = d;
    this.length += text.length;
    return this;
  }

  /** Adds bytes. */
  bytes(bytes: Uint8Array): this {
    const h = this.h;
    let a = h[0], b = h[1], c = h[2], d = h[3];
    for (let i = 0; i < bytes.length; i++) {
      const k = bytes[i] | 0x100; // distinct from a code unit of the same value fed through text()
      a = Math.imul(a ^ k, 0xcc9e2d51); a ^= a >>> 15;
      b = Math.imul(b ^ k, 0x1b873593); b ^= b >>> 13;
      c = Math.imul(c ^ k, 0x85ebca6b); c ^= c >>> 16;
      d = Math.imul(d ^ k, 0xc2b2ae35); d ^= d >>> 11;
    }
    h[0] = a; h[1] = b; h[2] = c; h[3] = d;
    this.length += bytes.length;
    return this;
  }

  /** The 16-byte digest (each lane finalised with the length and fmix32, then cross-mixed). */
  result(): Uint8Array {
    const out = new Uint8Array(16);
    const view = new DataView(out.buffer);
    const lanes = Array.from(this.h, (x) => fmix32((x ^ this.length) >>> 0));
    for (let i = 0; i < 4; i++) view.setUint32(4 * i, fmix32((lanes[i] + lanes[(i + 1) & 3]) >>> 0), true);
    return out;
  }

  hex(): string {
    return Array.from(this.result(), (b) => b.toString(16).padStart(2, '0')).join('');
  }
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
