/**
 * FNV-1a over heap bytes, kept to its low 30 bits. Incremental: hash(a ++ b) = fnv1a(b, hash(a)).
 *
 * Why 30 bits: a JS number in the Smi range (31-bit signed with V8's pointer compression) is
 * passed, returned and stored untagged; a full 32-bit hash is not, and about three hashes in
 * four became a heap-allocated HeapNumber at every call that did not inline (hashOf, allocString,
 * findConcat...): string_build ran V8's scavenger every few milliseconds. The low bits of a
 * product modulo 2^32 depend only on the low bits of its factors, so this is exactly the low 30
 * bits of 32-bit FNV-1a (the incremental property holds with the truncated state), and every
 * table indexes with the low bits anyway.
 */
export const HASH_MASK = 0x3fffffff;
export const FNV_OFFSET = 0x811c9dc5 & HASH_MASK;

export function fnv1a(u8: Uint8Array, start: number, len: number, h: number): number {
  for (let i = start, end = start + len; i < end; i++) {
    h = Math.imul(h ^ u8[i], 0x01000193);
  }
  return h & HASH_MASK;
}
