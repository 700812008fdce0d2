/**
 * The MufiZ parser: a chevrotain EmbeddedActionsParser that builds the AST of ast.ts directly.
 * One instance per process (grammar recording is costly); `parseTokens` resets it per input.
 *
 * Precedence, lowest first (one rule per level, see LANGUAGE.md):
 *   assignment (= += -= *= /=, right) · or · and · == != · < <= > >= · => (right) · .. ..=
 *   · + - · * / % · unary - ! ++ -- · ^ (right; right operand may be unary) · postfix
 *
 * Error recovery (clox's `synchronize`): every declaration is parsed inside a try/catch in the
 * loop of its enclosing block or program; on a syntax error the parser skips to a statement
 * boundary and goes on, so every syntax error of a file is reported. Chevrotain's own messages
 * never reach users: every CONSUME carries an upstream message (ERR_MSG), and the message
 * provider maps the remaining cases to "Expected expression".
 */
import type { IOrAlt, IParserErrorMessageProvider, IRecognitionException, IToken, OrMethodOpts, TokenType } from 'chevrotain';
import { chevrotain } from './chevrotain';
import * as T from './lexer';
import type { AssignOp, BinaryOp, Expr, FunctionDecl, Name, Pos, Stmt, SwitchArm } from './ast';
import { decodeEscapes, EscapeError } from './escapes';

/** An error found while parsing (syntax, or a check the parser can make: assignment targets...). */
export interface ParseError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

const { EmbeddedActionsParser, EOF, isRecognitionException } = chevrotain;

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: (o) => `Expect ${o.expected.LABEL ?? o.expected.name}.`,
  buildNotAllInputParsedMessage: () => 'Expected expression',
  buildNoViableAltMessage: () => 'Expected expression',
  buildEarlyExitMessage: () => 'Expected expression',
};

/** Tokens that start a statement: where recovery resumes (clox's synchronize). */
const SYNC_TOKENS = new Set<TokenType>([
  T.Class, T.Fun, T.Var, T.Let, T.Const, T.For, T.Foreach, T.If, T.While, T.Print, T.Return, T.Switch,
]);

const I32_MAX = 2147483647;

/**
 * An alternation decided by its first token alone (chevrotain's per-OR MAX_LOOKAHEAD, which its
 * typings omit). A statement (or a switch arm's body) starting with '{' is a block, never a
 * vector literal, as upstream has it; the first alternative listed wins that tie. With the
 * parser's general lookahead of 3, chevrotain would instead enumerate every 3-token prefix of a
 * block and of an expression to tell them apart: about two thirds of building the parser.
 */
function firstTokenDecides<T>(alts: IOrAlt<T>[]): OrMethodOpts<T> {
  return { DEF: alts, MAX_LOOKAHEAD: 1 } as OrMethodOpts<T>;
}

type PosFn = (offset: number) => Pos;

class MufiParser extends EmbeddedActionsParser {
  private posOf: PosFn = () => ({ line: 0, column: 0 });
  private extraErrors: ParseError[] = [];

  constructor() {
    super(T.ALL_TOKENS, {
      recoveryEnabled: false,
      maxLookahead: 3,
      skipValidations: globalThis.process?.env.MUFI_DEV_VALIDATE !== '1', // no process in a browser
      errorMessageProvider: messages,
    });
    this.performSelfAnalysis();
  }

  parseTokens(tokens: IToken[], posOf: PosFn): { body: Stmt[]; errors: ParseError[]; tooDeep: boolean } {
    this.posOf = posOf;
    this.extraErrors = [];
    this.input = tokens;
    let body: Stmt[] = [];
    try {
      body = this.program();
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      // JS stack exhausted by deep nesting: a diagnostic, never a crash.
      // Other errors recorded while the stack was running out are not trustworthy: drop them.
      const t = this.LA(1);
      const nested = { ...posOf(t.tokenType === EOF ? NaN : t.startOffset), message: 'Program too deeply nested.' };
      this.extraErrors = [];
      this.input = [];
      return { body: [], errors: [nested], tooDeep: true };
    }
    const errors: ParseError[] = this.extraErrors.slice();
    for (const e of this.errors) errors.push({ ...posOf(errorOffset(e, tokens)), message: e.message });
    this.extraErrors = [];
    this.input = [];
    return { body: body ?? [], errors, tooDeep: false };
  }

  // ---------- helpers ----------

  /** Index of the last consumed token (chevrotain's lexer state; public at runtime, untyped). */
  private tokenIndex(): number {
    return (this as unknown as { exportLexerState(): number }).exportLexerState();
  }

  private at(tok: IToken): Pos {
    return this.posOf(tok.startOffset);
  }

  private name(tok: IToken): Name {
    const p = this.posOf(tok.startOffset);
    return { name: tok.image, line: p.line, column: p.column };
  }

  private report(tok: IToken, message: string): void {
    this.extraErrors.push({ ...this.posOf(tok.startOffset), message });
  }

  /**
   * Parses declarations until `}` (in a block) or end of file, recovering after each syntax error.
   * Called once per calling rule, so SUBRULE occurrence indexes stay unique.
   */
  private declarations(out: Stmt[], inBlock: boolean): void {
    let again = true;
    while (again) {
      this.MANY9(() => {
        if (this.RECORDING_PHASE) {
          this.SUBRULE9(this.declaration);
          return;
        }
        const start = this.tokenIndex();
        try {
          const s = this.SUBRULE9(this.declaration);
          if (s) out.push(s);
        } catch (e) {
          if (!isRecognitionException(e as Error)) throw e;
          this.synchronize(start, inBlock);
        }
      });
      again = false;
      if (!this.RECORDING_PHASE) {
        const t = this.LA(1);
        if (t.tokenType !== EOF && !(inBlock && t.tokenType === T.RBrace)) {
          // A token that starts no declaration (a stray ')' or '}'): report and skip it.
          this.report(t, 'Expected expression');
          const start = this.tokenIndex();
          this.SKIP_TOKEN();
          this.synchronize(start + 1, inBlock);
          again = true;
        }
      }
    }
  }

  /** Skips to a statement boundary: after a ';' or before a statement keyword (or a '}' in a block). */
  private synchronize(start: number, inBlock: boolean): void {
    if (this.tokenIndex() <= start) this.SKIP_TOKEN();
    for (;;) {
      const next = this.LA(1).tokenType;
      if (next === EOF) return;
      if (this.LA(0).tokenType === T.Semicolon) return;
      if (SYNC_TOKENS.has(next)) return;
      if (inBlock && next === T.RBrace) return;
      this.SKIP_TOKEN();
    }
  }

  // ---------- declarations and statements ----------

  private program = this.RULE('program', (): Stmt[] => {
    const body: Stmt[] = [];
    this.declarations(body, false);
    return body;
  });

  private declaration = this.RULE('declaration', (): Stmt => this.OR([
    { ALT: () => this.SUBRULE(this.varDecl) },
    { ALT: () => this.SUBRULE(this.funDecl) },
    { ALT: () => this.SUBRULE(this.classDecl) },
    { ALT: () => this.SUBRULE(this.statement) },
  ]));

  private varDecl = this.RULE('varDecl', (): Stmt => {
    const kw = this.OR([
      { ALT: () => this.CONSUME(T.Var) },
      { ALT: () => this.CONSUME(T.Let) },
      { ALT: () => this.CONSUME(T.Const) },
    ]);
    const isConst = !this.RECORDING_PHASE && kw.tokenType === T.Const;
    const nameTok = this.CONSUME(T.Identifier, { ERR_MSG: isConst ? 'Expect constant name.' : 'Expect variable name.' });
    let init: Expr | null = null;
    this.OPTION(() => {
      this.CONSUME(T.Eq);
      init = this.SUBRULE(this.expression);
    });
    this.CONSUME(T.Semicolon, {
      ERR_MSG: isConst ? "Expect ';' after constant declaration." : "Expect ';' after variable declaration.",
    });
    return this.ACTION((): Stmt => {
      if (isConst && init === null) this.report(nameTok, 'Constants must be initialized.');
      const p = this.at(kw);
      return { type: 'VarDecl', kind: kw.image as 'var' | 'let' | 'const', name: this.name(nameTok), init, line: p.line, column: p.column };
    });
  });

  private funDecl = this.RULE('funDecl', (): Stmt => {
    this.CONSUME(T.Fun);
    return this.SUBRULE(this.functionRule, { ARGS: [false] });
  });

  private functionRule = this.RULE('function', (isMethod: boolean): FunctionDecl => {
    const nameTok = this.CONSUME(T.Identifier, { ERR_MSG: isMethod ? 'Expect method name.' : 'Expect function name.' });
    this.CONSUME(T.LParen, { ERR_MSG: "Expect '(' after function name." });
    const params: IToken[] = [];
    this.OPTION(() => {
      params.push(this.CONSUME1(T.Identifier, { ERR_MSG: 'Expect parameter name.' }));
      this.MANY(() => {
        this.CONSUME(T.Comma);
        params.push(this.CONSUME2(T.Identifier, { ERR_MSG: 'Expect parameter name.' }));
      });
    });
    this.CONSUME(T.RParen, { ERR_MSG: "Expect ')' after parameters." });
    this.CONSUME(T.LBrace, { ERR_MSG: "Expect '{' before function body." });
    const body: Stmt[] = [];
    this.declarations(body, true);
    const close = this.CONSUME(T.RBrace, { ERR_MSG: "Expect '}' after block." });
    return this.ACTION((): FunctionDecl => {
      if (params.length > 255) this.report(params[255], "Can't have more than 255 parameters.");
      const p = this.at(nameTok);
      return {
        type: 'Function', name: this.name(nameTok), params: params.map((t) => this.name(t)), body,
        endLine: this.at(close).line, line: p.line, column: p.column,
      };
    });
  });

  private classDecl = this.RULE('classDecl', (): Stmt => {
    const kw = this.CONSUME(T.Class);
    const nameTok = this.CONSUME(T.Identifier, { ERR_MSG: 'Expect class name.' });
    let superTok: IToken | null = null;
    this.OPTION(() => {
      this.CONSUME(T.Less);
      superTok = this.CONSUME1(T.Identifier, { ERR_MSG: 'Expect superclass name.' });
    });
    this.CONSUME(T.LBrace, { ERR_MSG: "Expect '{' before class body." });
    const methods: FunctionDecl[] = [];
    this.MANY(() => {
      methods.push(this.SUBRULE(this.functionRule, { ARGS: [true] }));
    });
    this.CONSUME(T.RBrace, { ERR_MSG: "Expect '}' after class body." });
    return this.ACTION((): Stmt => {
      const p = this.at(kw);
      const sup: IToken | null = superTok;
      return {
        type: 'ClassDecl', name: this.name(nameTok), superclass: sup ? this.name(sup) : null, methods,
        line: p.line, column: p.column,
      };
    });
  });

  private statement = this.RULE('statement', (): Stmt => this.OR(firstTokenDecides([
    { ALT: () => this.SUBRULE(this.printStmt) },
    { ALT: () => this.SUBRULE(this.ifStmt) },
    { ALT: () => this.SUBRULE(this.whileStmt) },
    { ALT: () => this.SUBRULE(this.forStmt) },
    { ALT: () => this.SUBRULE(this.foreachStmt) },
    { ALT: () => this.SUBRULE(this.switchStmt) },
    { ALT: () => this.SUBRULE(this.returnStmt) },
    { ALT: () => this.SUBRULE(this.breakStmt) },
    { ALT: () => this.SUBRULE(this.continueStmt) },
    // '{' at the start of a statement is a block, never a vector literal (upstream).
    { ALT: () => this.SUBRULE(this.block), IGNORE_AMBIGUITIES: true },
    { ALT: () => this.SUBRULE(this.exprStmt) },
  ])));

  private printStmt = this.RULE('printStmt', (): Stmt => {
    const kw = this.CONSUME(T.Print);
    const expr = this.SUBRULE(this.expression);
    this.CONSUME(T.Semicolon, { ERR_MSG: "Expect ';' after value." });
    return this.ACTION((): Stmt => ({ type: 'Print', expr, ...this.at(kw) }));
  });

  private exprStmt = this.RULE('exprStmt', (): Stmt => {
    const expr = this.SUBRULE(this.expression);
    this.CONSUME(T.Semicolon, { ERR_MSG: "Expect ';' after expression." });
    return this.ACTION((): Stmt => ({ type: 'ExprStmt', expr, line: expr.line, column: expr.column }));
  });

  private block = this.RULE('block', (): Stmt => {
    const open = this.CONSUME(T.LBrace);
    const body: Stmt[] = [];
    this.declarations(body, true);
    this.CONSUME(T.RBrace, { ERR_MSG: "Expect '}' after block." });
    return this.ACTION((): Stmt => ({ type: 'Block', body, ...this.at(open) }));
  });

  private ifStmt = this.RULE('ifStmt', (): Stmt => {
    const kw = this.CONSUME(T.If);
    this.CONSUME(T.LParen, { ERR_MSG: "Expect '(' after 'if'." });
    const cond = this.SUBRULE(this.expression);
    this.CONSUME(T.RParen, { ERR_MSG: "Expect ')' after condition." });
    const then = this.SUBRULE(this.statement);
    let otherwise: Stmt | null = null;
    this.OPTION(() => {
      this.CONSUME(T.Else);
      otherwise = this.SUBRULE2(this.statement);
    });
    return this.ACTION((): Stmt => ({ type: 'If', cond, then, else: otherwise, ...this.at(kw) }));
  });

  private whileStmt = this.RULE('whileStmt', (): Stmt => {
    const kw = this.CONSUME(T.While);
    this.CONSUME(T.LParen, { ERR_MSG: "Expect '(' after 'while'." });
    const cond = this.SUBRULE(this.expression);
    this.CONSUME(T.RParen, { ERR_MSG: "Expect ')' after condition." });
    const body = this.SUBRULE(this.statement);
    return this.ACTION((): Stmt => ({ type: 'While', cond, body, ...this.at(kw) }));
  });

  private forStmt = this.RULE('forStmt', (): Stmt => {
    const kw = this.CONSUME(T.For);
    this.CONSUME(T.LParen, { ERR_MSG: "Expect '(' after 'for'." });
    const init = this.OR([
      { ALT: () => { this.CONSUME(T.Semicolon); return null; } },
      { ALT: () => this.SUBRULE(this.varDecl) },
      { ALT: () => this.SUBRULE(this.exprStmt) },
    ]);
    let cond: Expr | null = null;
    let incr: Expr | null = null;
    this.OPTION(() => { cond = this.SUBRULE(this.expression); });
    this.CONSUME2(T.Semicolon, { ERR_MSG: "Expect ';' after loop condition." });
    this.OPTION2(() => { incr = this.SUBRULE2(this.expression); });
    this.CONSUME(T.RParen, { ERR_MSG: "Expect ')' after for clauses." });
    const body = this.SUBRULE(this.statement);
    return this.ACTION((): Stmt => ({ type: 'For', init, cond, incr, body, ...this.at(kw) }));
  });

  private foreachStmt = this.RULE('foreachStmt', (): Stmt => {
    const kw = this.CONSUME(T.Foreach);
    this.CONSUME(T.LParen, { ERR_MSG: "Expect '(' after 'foreach'." });
    const nameTok = this.CONSUME(T.Identifier, { ERR_MSG: 'Expect variable name.' });
    this.CONSUME(T.In, { ERR_MSG: "Expect 'in' after loop variable." });
    const iterable = this.SUBRULE(this.expression);
    this.CONSUME(T.RParen, { ERR_MSG: "Expect ')' after collection." });
    const body = this.SUBRULE(this.statement);
    return this.ACTION((): Stmt => ({ type: 'Foreach', name: this.name(nameTok), iterable, body, ...this.at(kw) }));
  });

  private switchStmt = this.RULE('switchStmt', (): Stmt => {
    const kw = this.CONSUME(T.Switch);
    this.CONSUME(T.LParen, { ERR_MSG: "Expect '(' after 'switch'." });
    const subject = this.SUBRULE(this.expression);
    this.CONSUME(T.RParen, { ERR_MSG: "Expect ')' after switch condition." });
    this.CONSUME(T.LBrace, { ERR_MSG: "Expect '{' before switch cases." });
    const arms: SwitchArm[] = [];
    this.MANY(() => {
      arms.push(this.SUBRULE(this.switchArm));
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBrace, { ERR_MSG: "Expect '}' after switch cases." });
    return this.ACTION((): Stmt => {
      let defaults = 0;
      for (const a of arms) {
        if (a.value === null && ++defaults === 2) {
          this.extraErrors.push({ line: a.line, column: a.column, message: 'Cannot have more than one default case in a switch statement.' });
        }
      }
      return { type: 'Switch', subject, arms, ...this.at(kw) };
    });
  });

  private switchArm = this.RULE('switchArm', (): SwitchArm => this.OR([
    {
      GATE: () => this.LA(1).image === '_' && this.LA(2).tokenType === T.Arrow,
      ALT: () => {
        const u = this.CONSUME(T.Identifier);
        this.CONSUME(T.Arrow, { ERR_MSG: "Expect '=>' after default case." });
        const body = this.SUBRULE(this.armBody);
        return this.ACTION((): SwitchArm => ({ value: null, body, ...this.at(u) }));
      },
    },
    {
      ALT: () => {
        const kw = this.CONSUME(T.Case);
        const value = this.SUBRULE(this.rangeExpr);
        this.CONSUME2(T.Arrow, { ERR_MSG: "Expect '=>' after case value." });
        const body = this.SUBRULE2(this.armBody);
        return this.ACTION((): SwitchArm => ({ value, body, ...this.at(kw) }));
      },
    },
    {
      ALT: () => {
        const value = this.SUBRULE2(this.rangeExpr);
        this.CONSUME3(T.Arrow, { ERR_MSG: "Expect '=>' after case value." });
        const body = this.SUBRULE3(this.armBody);
        return this.ACTION((): SwitchArm => ({ value, body, line: value.line, column: value.column }));
      },
    },
  ]));

  private armBody = this.RULE('armBody', (): Stmt => this.OR(firstTokenDecides([
    { ALT: () => this.SUBRULE(this.block), IGNORE_AMBIGUITIES: true },
    { ALT: () => this.SUBRULE(this.breakStmt) },
    {
      ALT: () => {
        const expr = this.SUBRULE(this.expression);
        this.OPTION(() => this.CONSUME(T.Semicolon));
        return this.ACTION((): Stmt => ({ type: 'ExprStmt', expr, line: expr.line, column: expr.column }));
      },
    },
  ])));

  private returnStmt = this.RULE('returnStmt', (): Stmt => {
    const kw = this.CONSUME(T.Return);
    let value: Expr | null = null;
    this.OPTION(() => { value = this.SUBRULE(this.expression); });
    this.CONSUME(T.Semicolon, { ERR_MSG: "Expect ';' after return value." });
    return this.ACTION((): Stmt => ({ type: 'Return', value, ...this.at(kw) }));
  });

  private breakStmt = this.RULE('breakStmt', (): Stmt => {
    const kw = this.CONSUME(T.Break);
    this.CONSUME(T.Semicolon, { ERR_MSG: "Expect ';' after 'break'." });
    return this.ACTION((): Stmt => ({ type: 'Break', ...this.at(kw) }));
  });

  private continueStmt = this.RULE('continueStmt', (): Stmt => {
    const kw = this.CONSUME(T.Continue);
    this.CONSUME(T.Semicolon, { ERR_MSG: "Expect ';' after 'continue'." });
    return this.ACTION((): Stmt => ({ type: 'Continue', ...this.at(kw) }));
  });

  // ---------- expressions ----------

  expression = this.RULE('expression', (): Expr => this.SUBRULE(this.assignment));

  private assignment = this.RULE('assignment', (): Expr => {
    let result = this.SUBRULE(this.orExpr);
    this.OPTION(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(T.Eq) },
        { ALT: () => this.CONSUME(T.PlusEq) },
        { ALT: () => this.CONSUME(T.MinusEq) },
        { ALT: () => this.CONSUME(T.StarEq) },
        { ALT: () => this.CONSUME(T.SlashEq) },
      ]);
      const value = this.SUBRULE(this.assignment);
      result = this.ACTION((): Expr => {
        this.checkTarget(result, op);
        const p = this.at(op);
        return { type: 'Assign', op: op.image as AssignOp, target: result, value, line: p.line, column: p.column };
      });
    });
    return result;
  });

  private checkTarget(target: Expr, op: IToken): void {
    if (target.type !== 'Variable' && target.type !== 'Get' && target.type !== 'Index') {
      this.report(op, 'Invalid assignment target');
    }
  }

  private orExpr = this.RULE('orExpr', (): Expr => {
    let left = this.SUBRULE(this.andExpr);
    this.MANY(() => {
      const op = this.CONSUME(T.Or);
      const right = this.SUBRULE2(this.andExpr);
      left = this.ACTION((): Expr => ({ type: 'Logical', op: 'or', left, right, ...this.at(op) }));
    });
    return left;
  });

  private andExpr = this.RULE('andExpr', (): Expr => {
    let left = this.SUBRULE(this.equality);
    this.MANY(() => {
      const op = this.CONSUME(T.And);
      const right = this.SUBRULE2(this.equality);
      left = this.ACTION((): Expr => ({ type: 'Logical', op: 'and', left, right, ...this.at(op) }));
    });
    return left;
  });

  private binary(left: Expr, op: IToken, right: Expr): Expr {
    return { type: 'Binary', op: op.image as BinaryOp, left, right, ...this.at(op) };
  }

  private equality = this.RULE('equality', (): Expr => {
    let left = this.SUBRULE(this.comparison);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.EqEq) }, { ALT: () => this.CONSUME(T.BangEq) }]);
      const right = this.SUBRULE2(this.comparison);
      left = this.ACTION(() => this.binary(left, op, right));
    });
    return left;
  });

  private comparison = this.RULE('comparison', (): Expr => {
    let left = this.SUBRULE(this.pairExpr);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(T.Less) },
        { ALT: () => this.CONSUME(T.LessEq) },
        { ALT: () => this.CONSUME(T.Greater) },
        { ALT: () => this.CONSUME(T.GreaterEq) },
      ]);
      const right = this.SUBRULE2(this.pairExpr);
      left = this.ACTION(() => this.binary(left, op, right));
    });
    return left;
  });

  private pairExpr = this.RULE('pairExpr', (): Expr => {
    let result = this.SUBRULE(this.rangeExpr);
    this.OPTION(() => {
      const op = this.CONSUME(T.Arrow);
      const value = this.SUBRULE(this.pairExpr);
      result = this.ACTION((): Expr => ({ type: 'Pair', key: result, value, ...this.at(op) }));
    });
    return result;
  });

  private rangeExpr = this.RULE('rangeExpr', (): Expr => {
    let result = this.SUBRULE(this.term);
    this.OPTION(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.DotDot) }, { ALT: () => this.CONSUME(T.DotDotEq) }]);
      const high = this.SUBRULE2(this.term);
      result = this.ACTION((): Expr => ({
        type: 'Range', inclusive: op.tokenType === T.DotDotEq, low: result, high, ...this.at(op),
      }));
    });
    return result;
  });

  private term = this.RULE('term', (): Expr => {
    let left = this.SUBRULE(this.factor);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      const right = this.SUBRULE2(this.factor);
      left = this.ACTION(() => this.binary(left, op, right));
    });
    return left;
  });

  private factor = this.RULE('factor', (): Expr => {
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(T.Star) },
        { ALT: () => this.CONSUME(T.Slash) },
        { ALT: () => this.CONSUME(T.Percent) },
      ]);
      const right = this.SUBRULE2(this.unary);
      left = this.ACTION(() => this.binary(left, op, right));
    });
    return left;
  });

  private unary = this.RULE('unary', (): Expr => this.OR([
    {
      ALT: () => {
        const op = this.OR2([{ ALT: () => this.CONSUME(T.Minus) }, { ALT: () => this.CONSUME(T.Bang) }]);
        const operand = this.SUBRULE(this.unary);
        return this.ACTION((): Expr => ({ type: 'Unary', op: op.image as '-' | '!', operand, ...this.at(op) }));
      },
    },
    {
      ALT: () => {
        const op = this.OR3([{ ALT: () => this.CONSUME(T.PlusPlus) }, { ALT: () => this.CONSUME(T.MinusMinus) }]);
        const target = this.SUBRULE2(this.unary);
        return this.ACTION((): Expr => {
          this.checkTarget(target, op);
          return { type: 'Update', op: op.image as '++' | '--', prefix: true, target, ...this.at(op) };
        });
      },
    },
    { ALT: () => this.SUBRULE(this.power) },
  ]));

  private power = this.RULE('power', (): Expr => {
    let result = this.SUBRULE(this.postfix);
    this.OPTION(() => {
      const op = this.CONSUME(T.Caret);
      const exponent = this.SUBRULE(this.unary);
      result = this.ACTION(() => this.binary(result, op, exponent));
    });
    return result;
  });

  private postfix = this.RULE('postfix', (): Expr => {
    let e = this.SUBRULE(this.primary);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const open = this.CONSUME(T.LParen);
            const args: Expr[] = [];
            this.OPTION(() => {
              args.push(this.SUBRULE(this.expression));
              this.MANY2(() => {
                this.CONSUME(T.Comma);
                args.push(this.SUBRULE2(this.expression));
              });
            });
            this.CONSUME(T.RParen, { ERR_MSG: "Expect ')' after arguments." });
            e = this.ACTION((): Expr => {
              if (args.length > 255) this.report(open, 'Cannot have more than 255 arguments');
              return { type: 'Call', callee: e, args, ...this.at(open) };
            });
          },
        },
        {
          ALT: () => {
            const dot = this.CONSUME(T.Dot);
            const nameTok = this.CONSUME(T.Identifier, { ERR_MSG: "Expect property name after '.'." });
            e = this.ACTION((): Expr => ({ type: 'Get', object: e, name: this.name(nameTok), ...this.at(dot) }));
          },
        },
        {
          ALT: () => {
            const open = this.CONSUME(T.LBracket);
            const index = this.SUBRULE3(this.expression);
            let high: Expr | null = null;
            this.OPTION2(() => {
              this.CONSUME(T.Colon);
              high = this.SUBRULE4(this.expression);
            });
            this.CONSUME(T.RBracket, { ERR_MSG: "Expect ']' after index expression." });
            e = this.ACTION((): Expr => {
              const p = this.at(open);
              const hi: Expr | null = high;
              return hi === null
                ? { type: 'Index', object: e, index, ...p }
                : { type: 'Slice', object: e, low: index, high: hi, ...p };
            });
          },
        },
        {
          ALT: () => {
            const op = this.OR2([{ ALT: () => this.CONSUME(T.PlusPlus) }, { ALT: () => this.CONSUME(T.MinusMinus) }]);
            e = this.ACTION((): Expr => {
              this.checkTarget(e, op);
              return { type: 'Update', op: op.image as '++' | '--', prefix: false, target: e, ...this.at(op) };
            });
          },
        },
      ]);
    });
    return e;
  });

  private primary = this.RULE('primary', (): Expr => this.OR({ ERR_MSG: 'Expected expression', DEF: [
    {
      ALT: () => {
        const t = this.CONSUME(T.IntLit);
        return this.ACTION((): Expr => {
          const v = Number(t.image);
          return v <= I32_MAX ? { type: 'Int', value: v, ...this.at(t) } : { type: 'Double', value: v, ...this.at(t) };
        });
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(T.DoubleLit);
        return this.ACTION((): Expr => ({ type: 'Double', value: Number(t.image), ...this.at(t) }));
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(T.Imaginary);
        return this.ACTION((): Expr => ({ type: 'Imaginary', value: Number(t.image.slice(0, -1)), ...this.at(t) }));
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(T.StringLit);
        return this.ACTION((): Expr => {
          const body = t.image.length >= 2 && t.image.endsWith('"') ? t.image.slice(1, -1) : t.image.slice(1);
          const errs: EscapeError[] = [];
          const value = decodeEscapes(body, errs);
          for (const e of errs) this.extraErrors.push({ ...this.posOf(t.startOffset + 1 + e.index), message: e.message });
          return { type: 'String', value, ...this.at(t) };
        });
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(T.Backtick);
        return this.ACTION((): Expr => {
          const value = t.image.length >= 2 && t.image.endsWith('`') ? t.image.slice(1, -1) : t.image.slice(1);
          return { type: 'String', value, ...this.at(t) };
        });
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(T.FString);
        return this.ACTION((): Expr => ({ type: 'FString', raw: t.image.slice(2, t.image.endsWith('"') ? -1 : undefined), ...this.at(t) }));
      },
    },
    { ALT: () => { const t = this.CONSUME(T.True); return this.ACTION((): Expr => ({ type: 'Literal', value: 'true', ...this.at(t) })); } },
    { ALT: () => { const t = this.CONSUME(T.False); return this.ACTION((): Expr => ({ type: 'Literal', value: 'false', ...this.at(t) })); } },
    { ALT: () => { const t = this.CONSUME(T.Nil); return this.ACTION((): Expr => ({ type: 'Literal', value: 'nil', ...this.at(t) })); } },
    { ALT: () => { const t = this.CONSUME(T.Self); return this.ACTION((): Expr => ({ type: 'Self', ...this.at(t) })); } },
    { ALT: () => { const t = this.CONSUME(T.End); return this.ACTION((): Expr => ({ type: 'End', ...this.at(t) })); } },
    {
      ALT: () => {
        const t = this.CONSUME(T.Super);
        this.CONSUME(T.Dot, { ERR_MSG: "Expect '.' after 'super'." });
        const m = this.CONSUME(T.Identifier, { ERR_MSG: 'Expect superclass method name.' });
        return this.ACTION((): Expr => ({ type: 'Super', method: this.name(m), ...this.at(t) }));
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME2(T.Identifier);
        return this.ACTION((): Expr => ({ type: 'Variable', name: t.image, ...this.at(t) }));
      },
    },
    {
      ALT: () => {
        const open = this.CONSUME(T.LParen);
        const expr = this.SUBRULE(this.expression);
        this.CONSUME(T.RParen, { ERR_MSG: "Expect ')' after expression." });
        return this.ACTION((): Expr => ({ type: 'Grouping', expr, ...this.at(open) }));
      },
    },
    {
      ALT: () => {
        const open = this.CONSUME(T.LBracket);
        const elements = this.SUBRULE(this.elementList, { ARGS: [T.RBracket] });
        this.CONSUME(T.RBracket, { ERR_MSG: "Expect ']' after vector elements." });
        return this.ACTION((): Expr => ({ type: 'Vector', bracket: '[', elements, ...this.at(open) }));
      },
    },
    {
      ALT: () => {
        const open = this.CONSUME(T.LBrace);
        const elements = this.SUBRULE2(this.elementList, { ARGS: [T.RBrace] });
        this.CONSUME(T.RBrace, { ERR_MSG: "Expect '}' after vector elements." });
        return this.ACTION((): Expr => ({ type: 'Vector', bracket: '{', elements, ...this.at(open) }));
      },
    },
    {
      ALT: () => {
        const open = this.CONSUME(T.HashOpen);
        const entries: { key: Name; value: Expr }[] = [];
        this.MANY(() => {
          const key = this.OR2({
            DEF: [{ ALT: () => this.CONSUME2(T.StringLit) }, { ALT: () => this.CONSUME3(T.Identifier) }],
            ERR_MSG: 'Dictionary key must be a string or identifier',
          });
          this.CONSUME(T.Colon, { ERR_MSG: "Expect ':' after dictionary key" });
          const value = this.SUBRULE3(this.expression);
          this.OPTION(() => this.CONSUME(T.Comma));
          this.ACTION(() => {
            const k = this.name(key);
            const text = key.tokenType === T.StringLit ? decodeEscapes(key.image.slice(1, -1), []) : key.image;
            entries.push({ key: { ...k, name: text }, value });
          });
        });
        this.CONSUME2(T.RBrace, { ERR_MSG: "Expect '}' after object literal" });
        return this.ACTION((): Expr => ({ type: 'Hash', entries, ...this.at(open) }));
      },
    },
  ] }));

  /** Comma-separated expressions with an optional trailing comma, up to (not including) `closer`. */
  private elementList = this.RULE('elementList', (closer: TokenType): Expr[] => {
    const out: Expr[] = [];
    this.OPTION(() => {
      out.push(this.SUBRULE(this.expression));
      this.MANY({
        GATE: () => this.LA(2).tokenType !== closer,
        DEF: () => {
          this.CONSUME(T.Comma);
          out.push(this.SUBRULE2(this.expression));
        },
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    return out;
  });
}

function errorOffset(e: IRecognitionException, tokens: IToken[]): number {
  const t = e.token;
  if (t && t.tokenType !== EOF && t.startOffset >= 0) return t.startOffset;
  // At end of input: point just after the last token.
  const last = tokens[tokens.length - 1];
  return last ? (last.endOffset ?? last.startOffset) + 1 : 0;
}

let instance: MufiParser | null = null;

/** The process-wide parser (grammar analysis runs once). */
export function getParser(): MufiParser {
  if (instance === null) instance = new MufiParser();
  return instance;
}

export type { MufiParser };
