/**
 * Byte helpers that use Node's Buffer where it exists (its native search is much faster) and
 * plain loops in a browser, which has no Buffer.
 */
const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/** Bytes of `text` in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  if (NodeBuffer !== undefined) return NodeBuffer.byteLength(text, 'utf8');
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3; // a lone surrogate encodes as U+FFFD, also 3 bytes
  }
  return n;
}

/** Index of the first occurrence of `needle` in `haystack`, or -1 (0 for an empty needle). */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  if (NodeBuffer !== undefined) {
    return NodeBuffer.from(haystack.buffer, haystack.byteOffset, haystack.length)
      .indexOf(NodeBuffer.from(needle.buffer, needle.byteOffset, needle.length));
  }
  const n = needle.length, last = haystack.length - n;
  outer: for (let i = 0; i <= last; i++) {
    for (let j = 0; j < n; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
