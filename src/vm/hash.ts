/** FNV-1a (32-bit) over heap bytes. Incremental: hash(a ++ b) = fnv1a(b, hash(a)). */
export const FNV_OFFSET = 0x811c9dc5;

export function fnv1a(u8: Uint8Array, start: number, len: number, h: number): number {
  for (let i = start, end = start + len; i < end; i++) {
    h = Math.imul(h ^ u8[i], 0x01000193);
  }
  return h >>> 0;
}
