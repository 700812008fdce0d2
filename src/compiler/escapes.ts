/**
 * Decoding of `"..."` string bodies: `\n \t \r \\ \" \0 \{ \}` and `\u{HEX}`. Any other escape
 * is reported (with its offset inside the body) and kept as written, so decoding always yields a
 * string.
 */
export interface EscapeError {
  /** Offset of the backslash inside `body`. */
  readonly index: number;
  readonly message: string;
}

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', '0': '\0', '{': '{', '}': '}' };

export function decodeEscapes(body: string, errors: EscapeError[]): string {
  if (body.indexOf('\\') < 0) return body;
  let out = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c !== '\\') { out += c; i++; continue; }
    const next = body[i + 1];
    if (next === undefined) {
      errors.push({ index: i, message: "Invalid escape sequence '\\'." });
      out += '\\';
      i++;
      continue;
    }
    const simple = SIMPLE[next];
    if (simple !== undefined) { out += simple; i += 2; continue; }
    if (next === 'u') {
      const m = /^\{([0-9A-Fa-f]{1,6})\}/.exec(body.slice(i + 2, i + 12));
      const code = m ? parseInt(m[1], 16) : -1;
      if (m && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) {
        out += String.fromCodePoint(code);
        i += 2 + m[0].length;
        continue;
      }
      errors.push({ index: i, message: "Invalid escape sequence '\\u': expected \\u{HEX} with a valid code point." });
      out += '\\u';
      i += 2;
      continue;
    }
    const cp = String.fromCodePoint(body.codePointAt(i + 1) ?? 0);
    errors.push({ index: i, message: `Invalid escape sequence '\\${cp}'.` });
    out += '\\' + cp;
    i += 1 + cp.length;
  }
  return out;
}
