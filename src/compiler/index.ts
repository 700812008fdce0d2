/**
 * The compiler's public API: source text in, plain prototypes (or diagnostics) out.
 *
 *   lex (lexer.ts) → parse (parser.ts, AST of ast.ts) → resolve + generate (codegen.ts)
 *
 * All errors of a file are reported, sorted by position. Nothing here touches the VM's heap.
 */
import type { IToken } from 'chevrotain';
import type { Program } from './ast';
import { CodeGenerator, TOO_DEEP } from './codegen';
import { onBigStack, runOnBigStack } from './big-stack';
import { lex } from './lexer';
import { getParser } from './parser';
import type { CompileResult, Diagnostic } from './prototype';
import { SourceMap } from './source-map';

export { formatDiagnostic, formatDiagnostics } from './diagnostics';

/**
 * A compilation reports at most this many errors (then "... and N more errors"): a binary file
 * or a generated script with one mistake repeated must not flood the terminal.
 */
export const MAX_REPORTED_ERRORS = 20;
export { disassemble } from './disassembler';
export type { CompileResult, Diagnostic, Prototype, Constant } from './prototype';
export type { Program, Stmt, Expr } from './ast';

export interface CompileOptions {
  /** Top-level expression statements print their value instead of discarding it (REPL). */
  readonly replEcho?: boolean;
  /** Superinstruction fusion (default on). */
  readonly peephole?: boolean;
}

export interface TokenInfo {
  readonly type: string;
  readonly image: string;
  readonly line: number;
  readonly column: number;
}

export interface ParseResult {
  readonly program: Program;
  readonly errors: readonly Diagnostic[];
  /** The host stack ran out: the program nests too deeply for this thread's stack. */
  readonly tooDeep?: boolean;
}

/** Tokens of `source` (for --dump-tokens); lexical errors are ignored here. */
export function tokenize(source: string): TokenInfo[] {
  source = withoutBom(source);
  const map = new SourceMap(source);
  return lex(source).tokens.map((t: IToken) => ({ type: t.tokenType.name, image: t.image, ...map.pos(t.startOffset) }));
}

/** The lexical errors of `source` (unterminated strings and comments, unexpected characters), for --dump-tokens. */
export function tokenErrors(source: string, file: string): Diagnostic[] {
  const map = new SourceMap(source);
  return lex(source).errors.map((e) => ({ file, ...map.pos(e.offset), message: e.message }));
}

/** Lexes and parses `source`: the AST of every declaration that parsed, plus all syntax errors. */
export function parse(source: string, file: string): ParseResult {
  source = withoutBom(source);
  const map = new SourceMap(source);
  const lexed = lex(source);
  const errors: Diagnostic[] = [];
  const lexLines = new Set<number>();
  let unterminatedAt = Infinity;
  for (const e of lexed.errors) {
    const p = map.pos(e.offset);
    errors.push({ file, ...p, message: e.message });
    lexLines.add(p.line);
    if (e.message.startsWith('Unterminated')) unterminatedAt = Math.min(unterminatedAt, p.line);
  }
  const parsed = getParser().parseTokens(lexed.tokens, (o) => map.pos(o));
  for (const e of parsed.errors) {
    // A lexical error already explains a syntax error on its line, or anywhere after an
    // unterminated string or comment (which swallowed the rest of the file).
    if (lexLines.has(e.line) || e.line >= unterminatedAt) continue;
    errors.push({ file, line: e.line, column: e.column, message: e.message });
  }
  return { program: { type: 'Program', body: parsed.body }, errors: sortDiagnostics(errors), tooDeep: parsed.tooDeep };
}

/**
 * Compiles a MufiZ source file into the script prototype, or reports every error found.
 * A program that nests too deeply for the host stack is compiled again on a larger one
 * (big-stack.ts); only beyond that is it a "Program too deeply nested." error.
 */
export function compile(source: string, file: string, options: CompileOptions = {}): CompileResult {
  const result = compileHere(source, file, options);
  if (result === TOO_DEEP_HERE) return runOnBigStack<CompileResult>({ fn: 'compile', args: [source, file, options] });
  return result;
}

const TOO_DEEP_HERE = Symbol('too deep for this stack');

function compileHere(source: string, file: string, options: CompileOptions): CompileResult | typeof TOO_DEEP_HERE {
  const { program, errors, tooDeep } = parse(source, file);
  if (tooDeep && !onBigStack) return TOO_DEEP_HERE;
  const gen = new CodeGenerator({ replEcho: options.replEcho, peephole: options.peephole });
  const script = gen.compileScript(program.body);
  if (gen.tooDeep && !onBigStack) return TOO_DEEP_HERE;
  const all: Diagnostic[] = errors.slice();
  for (const e of gen.errors) all.push({ file, line: e.line, column: e.column, message: e.message });
  if (all.length > 0) {
    const sorted = sortDiagnostics(all);
    return { script: null, errors: sorted.slice(0, MAX_REPORTED_ERRORS), omitted: Math.max(0, sorted.length - MAX_REPORTED_ERRORS) };
  }
  return { script, errors: [] };
}

/** --dump-ast: the syntax tree as indented JSON (on a larger stack when nesting requires). */
export function astJson(source: string, file: string): { text: string; errors: readonly Diagnostic[] } {
  if (!onBigStack) {
    try {
      const { program, errors, tooDeep } = parse(source, file);
      if (!tooDeep) return { text: JSON.stringify(program, null, 2), errors };
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
    }
    return runOnBigStack({ fn: 'astJson', args: [source, file] });
  }
  const { program, errors } = parse(source, file);
  try {
    return { text: JSON.stringify(program, null, 2), errors };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { text: '', errors: [{ file, line: 1, column: 1, message: TOO_DEEP }] };
  }
}

/**
 * A UTF-8 byte-order mark at the start of a file is not part of the program (node, python and
 * lua skip it too); columns of line 1 then count from the character after it, as editors show.
 */
function withoutBom(source: string): string {
  return source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
}

function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.line - b.d.line || a.d.column - b.d.column || a.i - b.i)
    .map((x) => x.d);
}
