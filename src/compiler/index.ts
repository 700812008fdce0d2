/**
 * The compiler's public API: source text in, plain prototypes (or diagnostics) out.
 *
 *   lex (lexer.ts) → parse (parser.ts, AST of ast.ts) → resolve + generate (codegen.ts)
 *
 * All errors of a file are reported, sorted by position. Nothing here touches the VM's heap.
 */
import type { IToken } from 'chevrotain';
import type { Program } from './ast';
import { CodeGenerator } from './codegen';
import { lex } from './lexer';
import { getParser } from './parser';
import type { CompileResult, Diagnostic } from './prototype';
import { SourceMap } from './source-map';

export { formatDiagnostic } from './diagnostics';
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
}

/** Tokens of `source` (for --dump-tokens); lexical errors are ignored here. */
export function tokenize(source: string): TokenInfo[] {
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
  return { program: { type: 'Program', body: parsed.body }, errors: sortDiagnostics(errors) };
}

/** Compiles a MufiZ source file into the script prototype, or reports every error found. */
export function compile(source: string, file: string, options: CompileOptions = {}): CompileResult {
  const { program, errors } = parse(source, file);
  const gen = new CodeGenerator({ replEcho: options.replEcho, peephole: options.peephole });
  const script = gen.compileScript(program.body);
  const all: Diagnostic[] = errors.slice();
  for (const e of gen.errors) all.push({ file, line: e.line, column: e.column, message: e.message });
  if (all.length > 0) return { script: null, errors: sortDiagnostics(all) };
  return { script, errors: [] };
}

function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.line - b.d.line || a.d.column - b.d.column || a.i - b.i)
    .map((x) => x.d);
}
