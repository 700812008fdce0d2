/**
 * f-strings: `f"Hello {name}, {a + b}"`. The lexer keeps the whole body as one token; here it is
 * split into literal text (escapes decoded, `{{`/`}}` as braces) and embedded expressions, each
 * parsed with the one parser. Every node of an embedded expression carries
 * the f-string's line (runtime errors inside it then report the right line).
 */
import type { Expr } from './ast';
import { lex } from './lexer';
import { getParser } from './parser';
import { decodeEscapes, EscapeError } from './escapes';

export type FStringPart = { readonly text: string } | { readonly expr: Expr };

export interface FStringError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export function splitFString(raw: string, line: number, column: number): { parts: FStringPart[]; errors: FStringError[] } {
  const parts: FStringPart[] = [];
  const errors: FStringError[] = [];
  let literal = '';
  const flush = () => {
    if (literal === '') return;
    const escapeErrors: EscapeError[] = [];
    parts.push({ text: decodeEscapes(literal, escapeErrors) });
    for (const e of escapeErrors) errors.push({ line, column, message: e.message });
    literal = '';
  };
  let i = 0;
  while (i < raw.length) {
    const c = raw[i];
    if (c === '\\') { literal += raw.slice(i, i + 2); i += 2; continue; }
    if (c === '{' && raw[i + 1] === '{') { literal += '\\{'; i += 2; continue; }
    if (c === '}' && raw[i + 1] === '}') { literal += '\\}'; i += 2; continue; }
    if (c !== '{') { literal += c; i++; continue; }
    const end = matchingBrace(raw, i + 1);
    if (end < 0) {
      errors.push({ line, column, message: "Unterminated '{' in f-string." });
      break;
    }
    flush();
    const source = raw.slice(i + 1, end);
    if (source.trim() === '') errors.push({ line, column, message: 'Expected expression inside f-string braces.' });
    else {
      const expr = parseEmbedded(source, line, column, errors);
      if (expr !== null) parts.push({ expr });
    }
    i = end + 1;
  }
  flush();
  return { parts, errors };
}

/** Index of the `}` closing a brace opened just before `from`, skipping string literals. */
function matchingBrace(raw: string, from: number): number {
  let depth = 1;
  for (let i = from; i < raw.length; i++) {
    const c = raw[i];
    if (c === '"') {
      i++;
      while (i < raw.length && raw[i] !== '"') i += raw[i] === '\\' ? 2 : 1;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function parseEmbedded(source: string, line: number, column: number, errors: FStringError[]): Expr | null {
  // Every node gets the f-string's own position (posOf below), so the text needs no padding.
  const text = source + ';';
  const lexed = lex(text);
  if (lexed.errors.length > 0) {
    for (const e of lexed.errors) errors.push({ line, column, message: e.message });
    return null;
  }
  const parsed = getParser().parseTokens(lexed.tokens, () => ({ line, column }));
  // Out of host stack: let the code generator's handler retry on a larger stack.
  if (parsed.tooDeep) throw new RangeError('nested too deeply');
  if (parsed.errors.length > 0) {
    for (const e of parsed.errors) errors.push({ line, column, message: e.message });
    return null;
  }
  const stmt = parsed.body.length === 1 ? parsed.body[0] : null;
  if (stmt === null || stmt.type !== 'ExprStmt') {
    errors.push({ line, column, message: 'Expected expression inside f-string braces.' });
    return null;
  }
  return stmt.expr;
}
