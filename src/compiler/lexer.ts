/**
 * The MufiZ lexer: chevrotain token definitions (built once per process) and `lex()`, which turns
 * source text into tokens plus diagnostics. Lexing never stops at an error: an unexpected
 * character is skipped, an unterminated string or comment runs to the end of the file and is
 * reported, so the parser still sees a complete token stream.
 *
 * Lines are counted by `\n` only (`\r` is whitespace). Columns are 1-based and count code points.
 */
import type { IToken, Lexer as LexerType, TokenType, CustomPatternMatcherFunc } from 'chevrotain';
import { chevrotain } from './chevrotain';

const { createToken, Lexer } = chevrotain;

export interface LexDiagnostic {
  readonly offset: number;
  readonly message: string;
}

// ---- custom matchers (nesting or escapes make regexes the wrong tool) ----

/** `/# ... #/`, nestable. An unterminated comment matches to the end of the text. */
const matchBlockComment: CustomPatternMatcherFunc = (text, offset) => {
  if (text.charCodeAt(offset) !== 47 /* / */ || text.charCodeAt(offset + 1) !== 35 /* # */) return null;
  let depth = 1;
  let i = offset + 2;
  while (i < text.length && depth > 0) {
    const c = text.charCodeAt(i);
    if (c === 47 && text.charCodeAt(i + 1) === 35) { depth++; i += 2; }
    else if (c === 35 && text.charCodeAt(i + 1) === 47) { depth--; i += 2; }
    else i++;
  }
  return [text.substring(offset, i)] as unknown as RegExpExecArray;
};

/** Scans a `"..."` body starting after the opening quote; returns the index after the closing quote, or -1. */
function scanQuoted(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) { i += 2; continue; }
    if (c === 34 /* " */) return i + 1;
    i++;
  }
  return -1;
}

const matchString: CustomPatternMatcherFunc = (text, offset) => {
  if (text.charCodeAt(offset) !== 34) return null;
  const end = scanQuoted(text, offset + 1);
  return [text.substring(offset, end < 0 ? text.length : end)] as unknown as RegExpExecArray;
};

/**
 * `f"...{expr}..."` as one token. Inside `{...}` the expression may contain string literals
 * (`f"{t["k"]}"`) and nested braces; `{{`, `}}` and escapes are literal text.
 */
const matchFString: CustomPatternMatcherFunc = (text, offset) => {
  if (text.charCodeAt(offset) !== 102 /* f */ || text.charCodeAt(offset + 1) !== 34) return null;
  let i = offset + 2;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 92) { i += 2; continue; }
    if (c === 34) return [text.substring(offset, i + 1)] as unknown as RegExpExecArray;
    if (c === 123 /* { */) {
      if (text.charCodeAt(i + 1) === 123) { i += 2; continue; }
      let depth = 1;
      i++;
      while (i < text.length && depth > 0) {
        const d = text.charCodeAt(i);
        if (d === 34) {
          const end = scanQuoted(text, i + 1);
          if (end < 0) { i = text.length; break; }
          i = end;
          continue;
        }
        if (d === 123) depth++;
        else if (d === 125) depth--;
        i++;
      }
      continue;
    }
    i++;
  }
  return [text.substring(offset)] as unknown as RegExpExecArray;
};

const matchBacktick: CustomPatternMatcherFunc = (text, offset) => {
  if (text.charCodeAt(offset) !== 96) return null;
  const end = text.indexOf('`', offset + 1);
  return [text.substring(offset, end < 0 ? text.length : end + 1)] as unknown as RegExpExecArray;
};

// ---- token types ----
//
// Every regex token states its possible first characters (start_chars_hint) and whether it can
// span lines (line_breaks): otherwise chevrotain parses each regex (regexp-to-ast) to find out,
// which was a third of building the lexer, paid by every compile of a process.

const DIGITS = [...'0123456789'];
const IDENT_START = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_'];

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, line_breaks: true, start_chars_hint: [' ', '\t', '\r', '\n'] });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n]*/, group: Lexer.SKIPPED, line_breaks: false, start_chars_hint: ['/'] });
export const BlockComment = createToken({
  name: 'BlockComment', pattern: matchBlockComment, line_breaks: true, group: 'comments', start_chars_hint: ['/'],
});

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, line_breaks: false, start_chars_hint: IDENT_START });

function keyword(word: string): TokenType {
  return createToken({
    name: word[0].toUpperCase() + word.slice(1), pattern: new RegExp(word), longer_alt: Identifier, label: `'${word}'`,
    line_breaks: false, start_chars_hint: [word[0]],
  });
}

export const And = keyword('and');
export const Or = keyword('or');
export const Class = keyword('class');
export const Self = keyword('self');
export const Super = keyword('super');
export const Fun = keyword('fun');
export const Return = keyword('return');
export const Var = keyword('var');
export const Let = keyword('let');
export const Const = keyword('const');
export const If = keyword('if');
export const Else = keyword('else');
export const While = keyword('while');
export const Foreach = keyword('foreach');
export const For = keyword('for');
export const In = keyword('in');
export const Break = keyword('break');
export const Continue = keyword('continue');
export const Switch = keyword('switch');
export const Case = keyword('case');
export const Print = keyword('print');
export const True = keyword('true');
export const False = keyword('false');
export const Nil = keyword('nil');
export const End = keyword('end');

export const FString = createToken({ name: 'FString', pattern: matchFString, line_breaks: true, start_chars_hint: ['f'] });
export const StringLit = createToken({ name: 'String', pattern: matchString, line_breaks: true, start_chars_hint: ['"'] });
export const Backtick = createToken({ name: 'Backtick', pattern: matchBacktick, line_breaks: true, start_chars_hint: ['`'] });

export const Imaginary = createToken({ name: 'Imaginary', pattern: /\d+(?:\.\d+)?i(?![A-Za-z0-9_])/, line_breaks: false, start_chars_hint: DIGITS });
export const DoubleLit = createToken({ name: 'Double', pattern: /\d+\.\d+/, line_breaks: false, start_chars_hint: DIGITS });
export const IntLit = createToken({ name: 'Int', pattern: /\d+/, line_breaks: false, start_chars_hint: DIGITS });

function punct(name: string, image: string): TokenType {
  const escaped = image.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return createToken({ name, pattern: new RegExp(escaped), label: `'${image}'`, line_breaks: false, start_chars_hint: [image[0]] });
}

export const DotDotEq = punct('DotDotEq', '..=');
export const DotDot = punct('DotDot', '..');
export const Dot = punct('Dot', '.');
export const MinusEq = punct('MinusEq', '-=');
export const MinusMinus = punct('MinusMinus', '--');
export const Minus = punct('Minus', '-');
export const PlusEq = punct('PlusEq', '+=');
export const PlusPlus = punct('PlusPlus', '++');
export const Plus = punct('Plus', '+');
export const SlashEq = punct('SlashEq', '/=');
export const Slash = punct('Slash', '/');
export const StarEq = punct('StarEq', '*=');
export const Star = punct('Star', '*');
export const BangEq = punct('BangEq', '!=');
export const Bang = punct('Bang', '!');
export const EqEq = punct('EqEq', '==');
export const Arrow = punct('Arrow', '=>');
export const Eq = punct('Eq', '=');
export const LessEq = punct('LessEq', '<=');
export const Less = punct('Less', '<');
export const GreaterEq = punct('GreaterEq', '>=');
export const Greater = punct('Greater', '>');
export const Percent = punct('Percent', '%');
export const Caret = punct('Caret', '^');
export const HashOpen = punct('HashOpen', '#{');
export const Colon = punct('Colon', ':');
export const Semicolon = punct('Semicolon', ';');
export const Comma = punct('Comma', ',');
export const LParen = punct('LParen', '(');
export const RParen = punct('RParen', ')');
export const LBrace = punct('LBrace', '{');
export const RBrace = punct('RBrace', '}');
export const LBracket = punct('LBracket', '[');
export const RBracket = punct('RBracket', ']');

const KEYWORDS = [
  And, Or, Class, Self, Super, Fun, Return, Var, Let, Const, If, Else, While, Foreach, For, In,
  Break, Continue, Switch, Case, Print, True, False, Nil, End,
];

/** Lexer order: comments before `/`, f-strings before identifiers, longer operators first. */
export const ALL_TOKENS: TokenType[] = [
  WhiteSpace, LineComment, BlockComment,
  FString, StringLit, Backtick,
  Imaginary, DoubleLit, IntLit,
  ...KEYWORDS,
  Identifier,
  DotDotEq, DotDot, Dot, MinusEq, MinusMinus, Minus, PlusEq, PlusPlus, Plus, SlashEq, Slash,
  StarEq, Star, BangEq, Bang, EqEq, Arrow, Eq, LessEq, Less, GreaterEq, Greater, Percent, Caret,
  HashOpen, Colon, Semicolon, Comma, LParen, RParen, LBrace, RBrace, LBracket, RBracket,
];

let lexerInstance: LexerType | null = null;

function getLexer(): LexerType {
  if (lexerInstance === null) {
    lexerInstance = new Lexer(ALL_TOKENS, {
      positionTracking: 'full',
      lineTerminatorsPattern: /\n/g,
      lineTerminatorCharacters: ['\n'],
      ensureOptimizations: false,
      skipValidations: globalThis.process?.env.MUFI_DEV_VALIDATE !== '1', // no process in a browser
    });
  }
  return lexerInstance;
}

export interface LexResult {
  readonly tokens: IToken[];
  readonly errors: LexDiagnostic[];
}

/** Tokenizes `source`. Comments are dropped; lexical errors are returned, never thrown. */
export function lex(source: string): LexResult {
  const result = getLexer().tokenize(source);
  const errors: LexDiagnostic[] = [];
  for (const e of result.errors) {
    const ch = String.fromCodePoint(source.codePointAt(e.offset) ?? 0);
    errors.push({ offset: e.offset, message: `Unexpected character '${ch}'` });
  }
  for (const c of result.groups.comments ?? []) {
    if (!c.image.endsWith('#/') || c.image.length < 4) {
      errors.push({ offset: c.startOffset, message: 'Unterminated block comment.' });
    }
  }
  for (const t of result.tokens) {
    const type = t.tokenType;
    if (type === StringLit || type === FString) {
      const start = type === FString ? 2 : 1;
      if (t.image.length <= start || !t.image.endsWith('"') || !closesString(t.image, start)) {
        errors.push({ offset: t.startOffset, message: 'Unterminated string.' });
      }
    } else if (type === Backtick && (t.image.length < 2 || !t.image.endsWith('`'))) {
      errors.push({ offset: t.startOffset, message: 'Unterminated string.' });
    }
  }
  errors.sort((a, b) => a.offset - b.offset);
  return { tokens: result.tokens, errors };
}

/** True when the final `"` of a string image is a real closing quote (not escaped). */
function closesString(image: string, start: number): boolean {
  let i = start;
  const last = image.length - 1;
  while (i < last) {
    if (image.charCodeAt(i) === 92) i += 2;
    else i++;
  }
  return i === last;
}
