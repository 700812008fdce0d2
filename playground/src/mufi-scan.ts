/**
 * MufiZ highlighting as a line-by-line scanner in CodeMirror's StreamParser shape (token(stream,
 * state) with state carried across lines), without importing CodeMirror, so the editors test
 * can run it in Node against the TextMate grammar (editors/vscode-mufiz/syntaxes/mufi.tmLanguage.json).
 *
 * Token classes, the vocabulary both highlighters share (TextMate scope in brackets):
 *   comment [comment.*]  string [string.*]  escape [constant.character.escape]
 *   number [constant.numeric]  keyword [keyword.*, storage.type]  atom [constant.language]
 *   self [variable.language]  builtin [support.function]  operator [keyword.operator]
 *   interpolation [punctuation.section.interpolation]
 * The lexical rules follow src/compiler/lexer.ts.
 */
import words from '../../editors/mufi-words.json';

export type TokenClass =
  | 'comment' | 'string' | 'escape' | 'number' | 'keyword' | 'atom' | 'self' | 'builtin' | 'operator' | 'interpolation';

/** The part of CodeMirror's StringStream the scanner uses. */
export interface Stream {
  pos: number;
  string: string;
  eol(): boolean;
  peek(): string | undefined;
  next(): string | void;
  match(pattern: RegExp | string, consume?: boolean): unknown;
  eatSpace(): boolean;
  skipToEnd(): void;
}

/** Open constructs, innermost last: `"` a string, `` ` `` a raw string, `f` an f-string's text, a number the brace depth of an f-string expression. */
export interface ScanState {
  comment: number;
  stack: (string | number)[];
}

const KEYWORDS = new Set(words.keywords);
const ATOMS = new Set(words.atoms);
const SELF = new Set(words.self);
const NATIVES = new Set(words.natives);

export function startState(): ScanState {
  return { comment: 0, stack: [] };
}

export function copyState(s: ScanState): ScanState {
  return { comment: s.comment, stack: s.stack.slice() };
}

/** Inside `/# ... #/` (nestable): to the end of the comment or of the line. */
function blockComment(stream: Stream, state: ScanState): TokenClass {
  while (!stream.eol()) {
    if (stream.match('/#')) state.comment++;
    else if (stream.match('#/')) { if (--state.comment === 0) break; }
    else stream.next();
  }
  return 'comment';
}

/** String text up to an escape, the closing quote, (in an f-string) a brace, or the line end. */
function stringBody(stream: Stream, state: ScanState, f: boolean): TokenClass {
  if (stream.match(/^\\(u\{[0-9A-Fa-f]*\}?|.)/)) return 'escape';
  if (f && (stream.match('{{') || stream.match('}}'))) return 'string';
  if (f && stream.match('{')) { state.stack.push(0); return 'interpolation'; }
  if (stream.match('"')) { state.stack.pop(); return 'string'; }
  stream.match(f ? /^[^\\"{}]+/ : /^[^\\"]+/) || stream.next();
  return 'string';
}

export function token(stream: Stream, state: ScanState): TokenClass | null {
  if (state.comment > 0) return blockComment(stream, state);
  const top = state.stack[state.stack.length - 1];
  if (top === '"' || top === 'f') return stringBody(stream, state, top === 'f');
  if (top === '`') {
    if (stream.match(/^[^`]*`/)) state.stack.pop();
    else stream.skipToEnd();
    return 'string';
  }
  if (stream.eatSpace()) return null;
  if (typeof top === 'number') {
    // An f-string's {expression}: code, until the brace that closes it.
    if (stream.match('{')) { state.stack[state.stack.length - 1] = top + 1; return null; }
    if (stream.peek() === '}') {
      stream.next();
      if (top === 0) { state.stack.pop(); return 'interpolation'; }
      state.stack[state.stack.length - 1] = top - 1;
      return null;
    }
  }
  if (stream.match('//')) { stream.skipToEnd(); return 'comment'; }
  if (stream.match('/#')) { state.comment = 1; return blockComment(stream, state); }
  if (stream.match('f"')) { state.stack.push('f'); return 'string'; }
  if (stream.match('"')) { state.stack.push('"'); return 'string'; }
  if (stream.match('`')) { state.stack.push('`'); return token(stream, state) ?? 'string'; }
  if (stream.match(/^\d+(\.\d+)?i(?![A-Za-z0-9_])/) || stream.match(/^\d+\.\d+/) || stream.match(/^\d+/)) return 'number';
  const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray | null;
  if (word) {
    const w = word[0];
    if (KEYWORDS.has(w)) return 'keyword';
    if (ATOMS.has(w)) return 'atom';
    if (SELF.has(w)) return 'self';
    if (NATIVES.has(w) && stream.match(/^\s*\(/, false)) return 'builtin';
    return null;
  }
  if (stream.match(/^(\.\.=?|\+\+|--|=>|[-+*/%^!=<>]=?)/)) return 'operator';
  stream.next();
  return null;
}
