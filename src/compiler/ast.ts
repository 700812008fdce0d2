/**
 * The typed AST produced by the parser. Every node carries the 1-based line and column of the
 * token that best identifies it (an operator for binary nodes, the name for declarations).
 * The tree covers the whole language; the code generator reports constructs it cannot compile yet.
 */

export interface Pos {
  readonly line: number;
  readonly column: number;
}

export interface Name extends Pos {
  readonly name: string;
}

// ---------------- expressions ----------------

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | '==' | '!=' | '<' | '<=' | '>' | '>=';
export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=';

export type Expr =
  | { readonly type: 'Int'; readonly value: number; readonly line: number; readonly column: number }
  | { readonly type: 'Double'; readonly value: number; readonly line: number; readonly column: number }
  | { readonly type: 'Imaginary'; readonly value: number; readonly line: number; readonly column: number }
  | { readonly type: 'String'; readonly value: string; readonly line: number; readonly column: number }
  /** Raw body of an f-string (between `f"` and `"`), not yet split into parts. */
  | { readonly type: 'FString'; readonly raw: string; readonly line: number; readonly column: number }
  | { readonly type: 'Literal'; readonly value: 'true' | 'false' | 'nil'; readonly line: number; readonly column: number }
  | { readonly type: 'Variable'; readonly name: string; readonly line: number; readonly column: number }
  | { readonly type: 'Self'; readonly line: number; readonly column: number }
  /** `super.method` (a call `super.m(...)` is a Call whose callee is this node). */
  | { readonly type: 'Super'; readonly method: Name; readonly line: number; readonly column: number }
  /** `end` inside an index or slice. */
  | { readonly type: 'End'; readonly line: number; readonly column: number }
  | { readonly type: 'Grouping'; readonly expr: Expr; readonly line: number; readonly column: number }
  | { readonly type: 'Unary'; readonly op: '-' | '!'; readonly operand: Expr; readonly line: number; readonly column: number }
  | { readonly type: 'Binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly line: number; readonly column: number }
  | { readonly type: 'Logical'; readonly op: 'and' | 'or'; readonly left: Expr; readonly right: Expr; readonly line: number; readonly column: number }
  | { readonly type: 'Range'; readonly inclusive: boolean; readonly low: Expr; readonly high: Expr; readonly line: number; readonly column: number }
  | { readonly type: 'Pair'; readonly key: Expr; readonly value: Expr; readonly line: number; readonly column: number }
  | { readonly type: 'Call'; readonly callee: Expr; readonly args: readonly Expr[]; readonly line: number; readonly column: number }
  | { readonly type: 'Get'; readonly object: Expr; readonly name: Name; readonly line: number; readonly column: number }
  | { readonly type: 'Index'; readonly object: Expr; readonly index: Expr; readonly line: number; readonly column: number }
  | { readonly type: 'Slice'; readonly object: Expr; readonly low: Expr; readonly high: Expr; readonly line: number; readonly column: number }
  /** `target op value`; target is a Variable, Get or Index (checked by the parser). */
  | { readonly type: 'Assign'; readonly op: AssignOp; readonly target: Expr; readonly value: Expr; readonly line: number; readonly column: number }
  /** `++x`, `x++`, `--x`, `x--`. */
  | { readonly type: 'Update'; readonly op: '++' | '--'; readonly prefix: boolean; readonly target: Expr; readonly line: number; readonly column: number }
  /** `[a, b]` or `{a, b}`. */
  | { readonly type: 'Vector'; readonly bracket: '[' | '{'; readonly elements: readonly Expr[]; readonly line: number; readonly column: number }
  | { readonly type: 'Hash'; readonly entries: readonly { readonly key: Name; readonly value: Expr }[]; readonly line: number; readonly column: number };

// ---------------- statements ----------------

export interface FunctionDecl extends Pos {
  readonly type: 'Function';
  readonly name: Name;
  readonly params: readonly Name[];
  readonly body: readonly Stmt[];
  /** Line of the closing brace (where the implicit return is emitted). */
  readonly endLine: number;
}

export interface SwitchArm extends Pos {
  /** null for the default arm `_ =>`. */
  readonly value: Expr | null;
  readonly body: Stmt;
}

export type Stmt =
  | { readonly type: 'VarDecl'; readonly kind: 'var' | 'let' | 'const'; readonly name: Name; readonly init: Expr | null; readonly line: number; readonly column: number }
  | FunctionDecl
  | { readonly type: 'ClassDecl'; readonly name: Name; readonly superclass: Name | null; readonly methods: readonly FunctionDecl[]; readonly line: number; readonly column: number }
  | { readonly type: 'Print'; readonly expr: Expr; readonly line: number; readonly column: number }
  | { readonly type: 'ExprStmt'; readonly expr: Expr; readonly line: number; readonly column: number }
  | { readonly type: 'Block'; readonly body: readonly Stmt[]; readonly line: number; readonly column: number }
  | { readonly type: 'If'; readonly cond: Expr; readonly then: Stmt; readonly else: Stmt | null; readonly line: number; readonly column: number }
  | { readonly type: 'While'; readonly cond: Expr; readonly body: Stmt; readonly line: number; readonly column: number }
  | { readonly type: 'For'; readonly init: Stmt | null; readonly cond: Expr | null; readonly incr: Expr | null; readonly body: Stmt; readonly line: number; readonly column: number }
  | { readonly type: 'Foreach'; readonly name: Name; readonly iterable: Expr; readonly body: Stmt; readonly line: number; readonly column: number }
  | { readonly type: 'Switch'; readonly subject: Expr; readonly arms: readonly SwitchArm[]; readonly line: number; readonly column: number }
  | { readonly type: 'Return'; readonly value: Expr | null; readonly line: number; readonly column: number }
  | { readonly type: 'Break'; readonly line: number; readonly column: number }
  | { readonly type: 'Continue'; readonly line: number; readonly column: number };

export interface Program {
  readonly type: 'Program';
  readonly body: readonly Stmt[];
}
