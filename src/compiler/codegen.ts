/**
 * Code generation with scope resolution (clox's single pass over the AST, MufiZ names).
 *
 * Frames: slot 0 holds the callee (plain functions, script) or `self` (methods, initializers);
 * parameters and locals follow in declaration order. Top-level declarations are globals,
 * late-bound by name. A captured local is closed by CLOSE_UPVALUE when its scope ends (or when
 * break/continue leaves it). Local consts (also through upvalues) reject assignment here;
 * global consts are defined with DEFINE_CONST_GLOBAL and rejected by the VM.
 *
 * Temporaries: a value already on the stack at depth d is re-read with GET_LOCAL d (the stack
 * above the locals is part of the frame), which is how `o.f += v` and `o.f++` duplicate `o`.
 */
import type { Expr, FunctionDecl, Name, Pos, Stmt, SwitchArm } from './ast';
import { Emitter } from './emitter';
import { Op } from './opcodes';
import { FunctionKind, Prototype } from './prototype';
import { splitFString } from './fstring';

export interface CodegenError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface CodegenOptions {
  /** Top-level expression statements print their value (REPL). */
  readonly replEcho?: boolean;
  /** Fuse instruction pairs into superinstructions (default on; tests of plain codegen turn it off). */
  readonly peephole?: boolean;
}

const MAX_LOCALS = 256;
/** Constants after which the top-level script starts a new chunk (see compileScript). */
const SCRIPT_CHUNK_CONSTANTS = 32768;
export const TOO_DEEP = 'Program too deeply nested.';
const MAX_UPVALUES = 256;
/** A hidden local name no identifier can spell. */
const SWITCH_LOCAL = ' switch';
const FOREACH_SEQUENCE = ' sequence';
const FOREACH_CURSOR = ' cursor';
const FOREACH_LAST_KEY = ' last key';
/** Elements of one literal (BUILD_VECTOR / BUILD_HASH / BUILD_STRING have u16 counts). */
const MAX_LITERAL_ELEMENTS = 65535;

interface Local {
  readonly name: string;
  /** Scope depth, or -1 while its initializer is being compiled. */
  depth: number;
  captured: boolean;
  readonly isConst: boolean;
}

interface Upvalue {
  readonly index: number;
  readonly isLocal: boolean;
  readonly isConst: boolean;
}

interface JumpContext {
  readonly kind: 'loop' | 'switch';
  /** Number of locals alive where the loop body / switch arms start (break pops down to it). */
  readonly localCount: number;
  /** Loop only: where `continue` goes. */
  readonly continueTarget: number;
  readonly breakJumps: number[];
}

class FunctionState {
  readonly locals: Local[] = [];
  readonly upvalues: Upvalue[] = [];
  readonly jumps: JumpContext[] = [];
  scopeDepth = 0;
  readonly emit: Emitter;

  constructor(
    readonly enclosing: FunctionState | null,
    readonly kind: FunctionKind,
    readonly name: string,
    onError: (message: string) => void,
    peephole: boolean,
  ) {
    const isMethod = kind === FunctionKind.Method || kind === FunctionKind.Initializer;
    this.locals.push({ name: isMethod ? 'self' : '', depth: 0, captured: false, isConst: false });
    this.emit = new Emitter(1, onError, peephole);
  }
}

interface ClassState {
  readonly enclosing: ClassState | null;
  hasSuperclass: boolean;
}

type VarRef =
  | { readonly kind: 'local'; readonly slot: number; readonly isConst: boolean }
  | { readonly kind: 'upvalue'; readonly slot: number; readonly isConst: boolean }
  | { readonly kind: 'global'; readonly name: number };

export class CodeGenerator {
  readonly errors: CodegenError[] = [];
  private fs!: FunctionState;
  private cls: ClassState | null = null;
  private pos: Pos = { line: 1, column: 1 };

  constructor(private readonly options: CodegenOptions = {}) {}

  /** Set when the host stack ran out (the program nests too deeply for it). */
  tooDeep = false;

  /**
   * The top-level script. Its operands address at most 65,536 constants, which a large generated
   * script exceeds; so the script is cut into chunks at top-level statement boundaries (where no
   * local is alive) once a chunk holds SCRIPT_CHUNK_CONSTANTS constants. Each chunk ends by
   * calling the next one as a script-kind closure, so globals, echo and `return` rules are
   * unchanged and every chunk has its own constant pool.
   */
  compileScript(body: readonly Stmt[]): Prototype {
    const chunks: FunctionState[] = [];
    const newChunk = () => {
      this.fs = new FunctionState(null, FunctionKind.Script, '', (m) => this.error(m), this.options.peephole !== false);
      chunks.push(this.fs);
    };
    newChunk();
    try {
      for (const s of body) {
        if (this.fs.emit.constants.length >= SCRIPT_CHUNK_CONSTANTS) newChunk();
        this.stmt(s);
      }
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      // The deepest position reached is the best place to point at.
      this.tooDeep = true;
      this.error(TOO_DEEP);
    }
    this.emitReturn();
    let proto = this.finish(0);
    for (let i = chunks.length - 2; i >= 0; i--) {
      this.fs = chunks[i];
      const next = this.e.constant({ kind: 'function', proto });
      this.e.closure(next, []);
      this.e.op(Op.CALL, 0, 0);
      this.e.op(Op.RETURN);
      proto = this.finish(0);
    }
    return proto;
  }

  // ---------------- helpers ----------------

  private error(message: string, at: Pos = this.pos): void {
    this.errors.push({ line: at.line, column: at.column, message });
  }

  private get e(): Emitter {
    return this.fs.emit;
  }

  private at(p: Pos): void {
    this.pos = p;
    this.fs.emit.line = p.line;
  }

  private finish(arity: number): Prototype {
    const fs = this.fs;
    return {
      name: fs.name,
      kind: fs.kind,
      arity,
      upvalueCount: fs.upvalues.length,
      code: Uint8Array.from(fs.emit.code),
      lines: Int32Array.from(fs.emit.lines),
      constants: fs.emit.constants,
      maxSlots: fs.emit.maxDepth,
      cacheSites: fs.emit.cacheSites,
    };
  }

  private nameConstant(name: string): number {
    return this.e.constant({ kind: 'string', value: name });
  }

  private emitReturn(): void {
    if (this.fs.kind === FunctionKind.Initializer) this.e.op(Op.GET_LOCAL, 0);
    else this.e.op(Op.NIL);
    this.e.op(Op.RETURN);
  }

  // ---------------- scopes and variables ----------------

  private beginScope(): void {
    this.fs.scopeDepth++;
  }

  private endScope(): void {
    const fs = this.fs;
    fs.scopeDepth--;
    let keep = fs.locals.length;
    while (keep > 0 && fs.locals[keep - 1].depth > fs.scopeDepth) keep--;
    this.popLocalsDownTo(keep);
    fs.locals.length = keep;
  }

  /** Emits the pops (and upvalue closes) that leave only `count` locals; does not forget them. */
  private popLocalsDownTo(count: number): void {
    const locals = this.fs.locals;
    let i = locals.length - 1;
    while (i >= count) {
      if (locals[i].captured) {
        this.e.op(Op.CLOSE_UPVALUE);
        i--;
        continue;
      }
      let n = 0;
      while (i >= count && !locals[i].captured) { n++; i--; }
      if (n === 1) this.e.op(Op.POP);
      else this.e.op(Op.POPN, n, -n);
    }
  }

  private addLocal(name: string, isConst: boolean, at: Pos): void {
    if (this.fs.locals.length >= MAX_LOCALS) {
      this.error('Too many local variables in function (maximum 256)', at);
    }
    this.fs.locals.push({ name, depth: -1, captured: false, isConst });
  }

  /** Declares a local in the current scope (no-op for globals). */
  private declareLocal(name: Name, isConst: boolean): void {
    const fs = this.fs;
    if (fs.scopeDepth === 0) return;
    for (let i = fs.locals.length - 1; i >= 0; i--) {
      const l = fs.locals[i];
      if (l.depth !== -1 && l.depth < fs.scopeDepth) break;
      if (l.name === name.name) {
        this.error(`${isConst ? 'Constant' : 'Variable'} '${name.name}' already declared in this scope`, name);
        break;
      }
    }
    this.addLocal(name.name, isConst, name);
  }

  private markInitialized(): void {
    if (this.fs.scopeDepth === 0) return;
    this.fs.locals[this.fs.locals.length - 1].depth = this.fs.scopeDepth;
  }

  /** After a global's value is on the stack: define it (locals need nothing: the value is the slot). */
  private defineVariable(name: Name, isConst: boolean): void {
    if (this.fs.scopeDepth > 0) {
      this.markInitialized();
      return;
    }
    this.e.op(isConst ? Op.DEFINE_CONST_GLOBAL : Op.DEFINE_GLOBAL, this.nameConstant(name.name));
  }

  private resolveLocal(fs: FunctionState, name: string, at: Pos): number {
    for (let i = fs.locals.length - 1; i >= 0; i--) {
      if (fs.locals[i].name === name) {
        if (fs.locals[i].depth === -1) this.error('Cannot read local variable in its own initializer', at);
        return i;
      }
    }
    return -1;
  }

  private addUpvalue(fs: FunctionState, index: number, isLocal: boolean, isConst: boolean, at: Pos): number {
    for (let i = 0; i < fs.upvalues.length; i++) {
      const u = fs.upvalues[i];
      if (u.index === index && u.isLocal === isLocal) return i;
    }
    if (fs.upvalues.length >= MAX_UPVALUES) {
      this.error('Too many closure variables in fun (maximum 256)', at);
      return 0;
    }
    fs.upvalues.push({ index, isLocal, isConst });
    return fs.upvalues.length - 1;
  }

  private resolveUpvalue(fs: FunctionState, name: string, at: Pos): number {
    const enclosing = fs.enclosing;
    if (enclosing === null) return -1;
    const local = this.resolveLocal(enclosing, name, at);
    if (local !== -1) {
      enclosing.locals[local].captured = true;
      return this.addUpvalue(fs, local, true, enclosing.locals[local].isConst, at);
    }
    const up = this.resolveUpvalue(enclosing, name, at);
    if (up !== -1) return this.addUpvalue(fs, up, false, enclosing.upvalues[up].isConst, at);
    return -1;
  }

  private resolve(name: string, at: Pos): VarRef {
    const local = this.resolveLocal(this.fs, name, at);
    if (local !== -1) return { kind: 'local', slot: local, isConst: this.fs.locals[local].isConst };
    const up = this.resolveUpvalue(this.fs, name, at);
    if (up !== -1) return { kind: 'upvalue', slot: up, isConst: this.fs.upvalues[up].isConst };
    return { kind: 'global', name: this.nameConstant(name) };
  }

  private getVar(ref: VarRef): void {
    if (ref.kind === 'local') this.e.op(Op.GET_LOCAL, ref.slot);
    else if (ref.kind === 'upvalue') this.e.op(Op.GET_UPVALUE, ref.slot);
    else this.e.op(Op.GET_GLOBAL, ref.name);
  }

  private setVar(ref: VarRef): void {
    if (ref.kind === 'local') this.e.op(Op.SET_LOCAL, ref.slot);
    else if (ref.kind === 'upvalue') this.e.op(Op.SET_UPVALUE, ref.slot);
    else this.e.op(Op.SET_GLOBAL, ref.name);
  }

  private getNamed(name: string, at: Pos): void {
    this.getVar(this.resolve(name, at));
  }

  // ---------------- statements ----------------

  private stmt(s: Stmt): void {
    this.at(s);
    switch (s.type) {
      case 'VarDecl': {
        const isConst = s.kind === 'const';
        this.declareLocal(s.name, isConst);
        if (s.init) this.expr(s.init);
        else { this.at(s); this.e.op(Op.NIL); }
        this.at(s);
        this.defineVariable(s.name, isConst);
        return;
      }
      case 'Function':
        this.declareLocal(s.name, false);
        this.markInitialized();
        this.function(s, FunctionKind.Function);
        this.at(s);
        this.defineVariable(s.name, false);
        return;
      case 'ClassDecl':
        this.classDecl(s);
        return;
      case 'Print':
        this.expr(s.expr);
        this.at(s);
        this.e.op(Op.PRINT);
        return;
      case 'ExprStmt':
        this.expr(s.expr);
        this.at(s);
        if (this.options.replEcho && this.fs.kind === FunctionKind.Script && this.fs.scopeDepth === 0) this.e.op(Op.ECHO);
        else this.e.op(Op.POP);
        return;
      case 'Block':
        this.beginScope();
        for (const d of s.body) this.stmt(d);
        this.endScope();
        return;
      case 'If': {
        this.expr(s.cond);
        this.at(s);
        const elseJump = this.e.jump(Op.POP_JUMP_IF_FALSE);
        this.stmt(s.then);
        if (s.else) {
          const endJump = this.e.jump(Op.JUMP);
          this.e.patch(elseJump);
          this.stmt(s.else);
          this.e.patch(endJump);
        } else {
          this.e.patch(elseJump);
        }
        return;
      }
      case 'While': {
        const start = this.e.offset;
        this.expr(s.cond);
        this.at(s);
        const exit = this.e.jump(Op.POP_JUMP_IF_FALSE);
        const ctx = this.pushJumps('loop', start);
        this.stmt(s.body);
        this.at(s);
        this.e.loop(start);
        this.e.patch(exit);
        this.popJumps(ctx);
        return;
      }
      case 'For':
        this.forStmt(s);
        return;
      case 'Foreach':
        this.foreachStmt(s);
        return;
      case 'Switch':
        this.switchStmt(s.subject, s.arms, s);
        return;
      case 'Return':
        if (this.fs.kind === FunctionKind.Script) {
          this.error('Cannot return from top-level code');
          return;
        }
        if (s.value === null) {
          this.emitReturn();
          return;
        }
        if (this.fs.kind === FunctionKind.Initializer) {
          this.error('Cannot return a value from an initializer');
          return;
        }
        this.expr(s.value);
        this.at(s);
        this.e.op(Op.RETURN);
        return;
      case 'Break': {
        const ctx = this.fs.jumps[this.fs.jumps.length - 1];
        if (!ctx) {
          this.error("'break' statement must be inside a loop.");
          return;
        }
        this.leaveTo(ctx.localCount, () => ctx.breakJumps.push(this.e.jump(Op.JUMP)));
        return;
      }
      case 'Continue': {
        let ctx: JumpContext | undefined;
        for (let i = this.fs.jumps.length - 1; i >= 0 && !ctx; i--) if (this.fs.jumps[i].kind === 'loop') ctx = this.fs.jumps[i];
        if (!ctx) {
          this.error("'continue' statement must be inside a loop.");
          return;
        }
        const target = ctx.continueTarget;
        this.leaveTo(ctx.localCount, () => this.e.loop(target));
        return;
      }
    }
  }

  /** Pops locals down to `count`, runs `jump`, then restores the compile-time stack depth. */
  private leaveTo(count: number, jump: () => void): void {
    const depth = this.e.depth;
    this.popLocalsDownTo(count);
    jump();
    this.e.depth = depth;
  }

  private pushJumps(kind: 'loop' | 'switch', continueTarget: number): JumpContext {
    const ctx: JumpContext = { kind, localCount: this.fs.locals.length, continueTarget, breakJumps: [] };
    this.fs.jumps.push(ctx);
    return ctx;
  }

  private popJumps(ctx: JumpContext): void {
    this.fs.jumps.pop();
    for (const j of ctx.breakJumps) this.e.patch(j);
  }

  /**
   * `for (init; cond; incr) body`: the loop variable is one variable for the whole loop (closures
   * share it); the body's own block scope makes its variables fresh per iteration.
   */
  private forStmt(s: Extract<Stmt, { type: 'For' }>): void {
    this.beginScope();
    if (s.init) this.stmt(s.init);
    this.at(s);
    let start = this.e.offset;
    let exit = -1;
    if (s.cond) {
      this.expr(s.cond);
      this.at(s);
      exit = this.e.jump(Op.POP_JUMP_IF_FALSE);
    }
    if (s.incr) {
      const bodyJump = this.e.jump(Op.JUMP);
      const incrStart = this.e.offset;
      this.expr(s.incr);
      this.at(s);
      this.e.op(Op.POP);
      this.e.loop(start);
      start = incrStart;
      this.e.patch(bodyJump);
    }
    const ctx = this.pushJumps('loop', start);
    this.stmt(s.body);
    this.at(s);
    this.e.loop(start);
    if (exit !== -1) this.e.patch(exit);
    this.popJumps(ctx);
    this.endScope();
  }

  /**
   * `foreach (x in seq) body`: the sequence, a cursor and (for hash tables) the last key yielded
   * live in hidden locals; FOREACH_NEXT
   * pushes the next element (which becomes the loop variable, fresh per iteration) or leaves.
   */
  private foreachStmt(s: Extract<Stmt, { type: 'Foreach' }>): void {
    this.beginScope();
    this.expr(s.iterable);
    this.at(s);
    this.addLocal(FOREACH_SEQUENCE, true, s);
    this.markInitialized();
    const slot = this.fs.locals.length - 1;
    this.e.op(Op.CONSTANT, this.e.constant({ kind: 'int', value: 0 }));
    this.addLocal(FOREACH_CURSOR, false, s);
    this.markInitialized();
    this.e.op(Op.NIL);
    this.addLocal(FOREACH_LAST_KEY, false, s);
    this.markInitialized();
    if (slot + 2 > 255) this.error('Too many local variables in function');
    const start = this.e.offset;
    const exit = this.e.foreachNext(slot);
    const ctx = this.pushJumps('loop', start);
    this.beginScope(); // the element FOREACH_NEXT pushed is the loop variable below
    this.declareLocal(s.name, false);
    this.markInitialized();
    this.stmt(s.body);
    this.endScope();
    this.at(s);
    this.e.loop(start);
    this.e.patch(exit);
    this.popJumps(ctx);
    this.endScope();
  }

  /**
   * `switch`: the subject lives in a hidden local; arms are tried in order (a range arm tests
   * both bounds), the first match runs, no fallthrough; the default arm runs when none matched.
   * `break` in an arm leaves the switch.
   */
  private switchStmt(subject: Expr, arms: readonly SwitchArm[], at: Pos): void {
    this.beginScope();
    this.expr(subject);
    this.at(at);
    this.addLocal(SWITCH_LOCAL, true, at);
    this.markInitialized();
    const slot = this.fs.locals.length - 1;
    const ctx = this.pushJumps('switch', -1);
    const endJumps: number[] = [];
    let defaultArm: SwitchArm | null = null;
    for (const arm of arms) {
      if (arm.value === null) {
        defaultArm ??= arm;
        continue;
      }
      const misses: number[] = [];
      const v = arm.value;
      if (v.type === 'Range') {
        // Membership, exactly as `subject == low..high` (both bounds; upstream-builtins §2.4).
        this.at(arm);
        this.e.op(Op.GET_LOCAL, slot);
        this.expr(v.low);
        this.expr(v.high);
        this.at(v);
        this.e.op(v.inclusive ? Op.IN_RANGE_INCLUSIVE : Op.IN_RANGE);
        misses.push(this.e.jump(Op.POP_JUMP_IF_FALSE));
      } else {
        this.at(arm);
        this.e.op(Op.GET_LOCAL, slot);
        this.expr(v);
        this.at(arm);
        this.e.op(Op.EQUAL);
        misses.push(this.e.jump(Op.POP_JUMP_IF_FALSE));
      }
      this.stmt(arm.body);
      endJumps.push(this.e.jump(Op.JUMP));
      for (const m of misses) this.e.patch(m);
    }
    if (defaultArm) this.stmt(defaultArm.body);
    for (const j of endJumps) this.e.patch(j);
    this.popJumps(ctx);
    this.endScope();
  }

  private classDecl(s: Extract<Stmt, { type: 'ClassDecl' }>): void {
    const name = s.name;
    const nameConst = this.nameConstant(name.name);
    this.declareLocal(name, false);
    this.e.op(Op.CLASS, nameConst);
    this.defineVariable(name, false);
    const cls: ClassState = { enclosing: this.cls, hasSuperclass: false };
    this.cls = cls;
    if (s.superclass) {
      if (s.superclass.name === name.name) this.error(`Class '${name.name}' cannot inherit from itself`, s.superclass);
      this.at(s.superclass);
      this.getNamed(s.superclass.name, s.superclass);
      this.beginScope();
      this.addLocal('super', false, s.superclass);
      this.markInitialized();
      this.getNamed(name.name, name);
      this.e.op(Op.INHERIT);
      cls.hasSuperclass = true;
    }
    this.getNamed(name.name, name);
    for (const m of s.methods) {
      const kind = m.name.name === 'init' ? FunctionKind.Initializer : FunctionKind.Method;
      this.function(m, kind);
      this.at(m);
      this.e.op(Op.METHOD, this.nameConstant(m.name.name));
    }
    this.at(s);
    this.e.op(Op.POP);
    if (cls.hasSuperclass) this.endScope();
    this.cls = cls.enclosing;
  }

  /** Compiles a function body into its own prototype and emits the CLOSURE that creates it. */
  private function(f: FunctionDecl, kind: FunctionKind): void {
    const enclosing = this.fs;
    const fs = new FunctionState(enclosing, kind, f.name.name, (m) => this.error(m), this.options.peephole !== false);
    this.fs = fs;
    this.beginScope();
    for (const p of f.params) {
      this.declareLocal(p, false);
      this.markInitialized();
    }
    fs.emit.adjust(f.params.length);
    for (const s of f.body) this.stmt(s);
    this.at({ line: f.endLine, column: f.column });
    this.emitReturn();
    const proto = this.finish(f.params.length);
    this.fs = enclosing;
    this.at(f);
    const index = this.e.constant({ kind: 'function', proto });
    this.e.closure(index, fs.upvalues);
  }

  // ---------------- expressions ----------------

  private expr(x: Expr): void {
    this.at(x);
    const e = this.e;
    switch (x.type) {
      case 'Int':
        e.op(Op.CONSTANT, e.constant({ kind: 'int', value: x.value }));
        return;
      case 'Double':
        e.op(Op.CONSTANT, e.constant({ kind: 'double', value: x.value }));
        return;
      case 'String':
        e.op(Op.CONSTANT, e.constant({ kind: 'string', value: x.value }));
        return;
      case 'Literal':
        e.op(x.value === 'true' ? Op.TRUE : x.value === 'false' ? Op.FALSE : Op.NIL);
        return;
      case 'Variable':
        this.getNamed(x.name, x);
        return;
      case 'Grouping':
        this.expr(x.expr);
        return;
      case 'Self':
        if (this.cls === null) {
          this.error("Cannot use 'self' outside of a class");
          e.op(Op.NIL);
          return;
        }
        this.getNamed('self', x);
        return;
      case 'Super':
        if (!this.checkSuper()) {
          e.op(Op.NIL);
          return;
        }
        this.getNamed('self', x);
        this.getNamed('super', x);
        this.at(x.method);
        e.op(Op.GET_SUPER, this.nameConstant(x.method.name));
        return;
      case 'Unary':
        this.expr(x.operand);
        this.at(x);
        e.op(x.op === '-' ? Op.NEGATE : Op.NOT);
        return;
      case 'Binary':
      case 'Logical':
      case 'Get':
      case 'Index':
      case 'Slice':
        this.chain(x);
        return;
      case 'Call':
        if (x.callee.type === 'Super') this.call(x.callee, x.args, x);
        else this.chain(x);
        return;
      case 'Assign':
        this.assign(x);
        return;
      case 'Update':
        this.update(x);
        return;
      case 'Imaginary':
        e.op(Op.CONSTANT, e.constant({ kind: 'double', value: x.value }));
        e.op(Op.IMAGINARY);
        return;
      case 'FString':
        this.fstring(x);
        return;
      case 'Range':
        this.expr(x.low);
        this.expr(x.high);
        this.at(x);
        e.op(x.inclusive ? Op.RANGE_INCLUSIVE : Op.RANGE);
        return;
      case 'Pair':
        this.expr(x.key);
        this.expr(x.value);
        this.at(x);
        e.op(Op.PAIR);
        return;
      case 'Vector':
        this.vectorLiteral(x);
        return;
      case 'Hash':
        if (x.entries.length > MAX_LITERAL_ELEMENTS) this.error(`Too many entries in a hash table literal (maximum ${MAX_LITERAL_ELEMENTS})`);
        for (const entry of x.entries) {
          this.at(entry.key);
          e.op(Op.CONSTANT, e.constant({ kind: 'string', value: entry.key.name }));
          this.expr(entry.value);
        }
        this.at(x);
        e.op(Op.BUILD_HASH, x.entries.length, 1 - 2 * x.entries.length);
        return;
      case 'End':
        if (this.indexDepth === 0) this.error("'end' can only be used inside an index");
        // `end` is the last position: -1, so `end - k` is -1 - k (negative positions count from the end).
        e.op(Op.CONSTANT, e.constant({ kind: 'int', value: -1 }));
        return;
    }
  }

  /**
   * A left-nested chain (`a + b + c ...`, `a and b and ...`, `v[0][0]...`, `o.f.g`, `f()()`):
   * its first operand is reached by a loop, not by recursion, so thousands of terms compile on
   * a small host stack. Each link then compiles its own right-hand parts exactly as a lone node.
   */
  private chain(x: Expr): void {
    const links: Expr[] = [];
    let base: Expr = x;
    for (let next = chainHead(base); next !== null; next = chainHead(base)) {
      links.push(base);
      base = next;
    }
    this.expr(base);
    for (let i = links.length - 1; i >= 0; i--) this.chainLink(links[i]);
  }

  /** The code of one link of a chain, after its first operand is on the stack. */
  private chainLink(x: Expr): void {
    const e = this.e;
    switch (x.type) {
      case 'Binary':
        this.expr(x.right);
        this.at(x);
        e.op(BINARY_OPS[x.op]);
        return;
      case 'Logical': {
        this.at(x);
        const end = e.jump(x.op === 'and' ? Op.JUMP_IF_FALSE : Op.JUMP_IF_TRUE);
        e.op(Op.POP);
        this.expr(x.right);
        e.patch(end);
        return;
      }
      case 'Get':
        this.at(x.name);
        e.op(Op.GET_PROPERTY, this.nameConstant(x.name.name));
        return;
      case 'Index':
        this.indexOperand(x.index);
        this.at(x);
        e.op(Op.INDEX_GET);
        return;
      case 'Slice':
        this.indexOperand(x.low);
        this.indexOperand(x.high);
        this.at(x);
        e.op(Op.SLICE);
        return;
      case 'Call': {
        const argc = Math.min(x.args.length, 255);
        for (const a of x.args) this.expr(a);
        this.at(x);
        if (x.callee.type === 'Get') e.invoke(Op.INVOKE, this.nameConstant(x.callee.name.name), argc);
        else e.op(Op.CALL, argc, -argc);
        e.adjust(argc - x.args.length);
        return;
      }
      default:
        return; // a Grouping: nothing of its own
    }
  }

  /** Nesting depth of index/slice operands, where `end` means the last position. */
  private indexDepth = 0;

  private indexOperand(x: Expr): void {
    this.indexDepth++;
    this.expr(x);
    this.indexDepth--;
  }

  /**
   * `[a, b]` / `{a, b}` is a float vector; `[[a, b], [c, d]]` (every element a bracketed row of
   * the same length) is a matrix.
   */
  private vectorLiteral(x: Extract<Expr, { type: 'Vector' }>): void {
    const e = this.e;
    const els = x.elements;
    const isMatrix = x.bracket === '[' && els.length > 0 && els.every((r) => r.type === 'Vector' && r.bracket === '[');
    if (!isMatrix) {
      if (els.length > MAX_LITERAL_ELEMENTS) this.error(`Too many elements in a vector literal (maximum ${MAX_LITERAL_ELEMENTS})`);
      // Element expressions are evaluated in a nested context: `end` inside one is not an index.
      const saved = this.indexDepth;
      this.indexDepth = 0;
      for (const el of els) this.expr(el);
      this.indexDepth = saved;
      this.at(x);
      e.op(Op.BUILD_VECTOR, els.length, 1 - els.length);
      return;
    }
    const rows = els as readonly Extract<Expr, { type: 'Vector' }>[];
    const cols = rows[0].elements.length;
    if (rows.some((r) => r.elements.length !== cols)) this.error('All matrix rows must have same number of columns', x);
    if (cols === 0) this.error('Matrix dimensions must be positive', x);
    if (rows.length * cols > MAX_LITERAL_ELEMENTS) this.error(`Too many elements in a matrix literal (maximum ${MAX_LITERAL_ELEMENTS})`, x);
    for (const r of rows) for (const el of r.elements) this.expr(el);
    this.at(x);
    const n = rows.length * cols;
    e.raw(Op.BUILD_MATRIX, [rows.length & 0xff, rows.length >> 8, cols & 0xff, cols >> 8], 1 - n);
  }

  /** `f"text {expr} text"`: each part pushed, then BUILD_STRING joins their texts. */
  private fstring(x: Extract<Expr, { type: 'FString' }>): void {
    const e = this.e;
    const { parts, errors } = splitFString(x.raw, x.line, x.column);
    for (const err of errors) this.error(err.message, err);
    if (parts.length > MAX_LITERAL_ELEMENTS) this.error('f-string too long');
    for (const part of parts) {
      if ('text' in part) {
        this.at(x);
        e.op(Op.CONSTANT, e.constant({ kind: 'string', value: part.text }));
      } else {
        const saved = this.indexDepth;
        this.indexDepth = 0;
        this.expr(part.expr);
        this.indexDepth = saved;
      }
    }
    this.at(x);
    e.op(Op.BUILD_STRING, parts.length, 1 - parts.length);
  }

  private checkSuper(): boolean {
    if (this.cls === null) {
      this.error("Cannot use 'super' outside of a class");
      return false;
    }
    if (!this.cls.hasSuperclass) {
      this.error("Cannot use 'super' in a class with no superclass");
      return false;
    }
    return true;
  }

  /** `super.m(args)` (other calls are links of a chain). */
  private call(callee: Extract<Expr, { type: 'Super' }>, args: readonly Expr[], at: Pos): void {
    const argc = Math.min(args.length, 255);
    this.at(callee);
    if (!this.checkSuper()) {
      this.e.op(Op.NIL);
      return;
    }
    this.getNamed('self', callee);
    for (const a of args) this.expr(a);
    this.at(callee);
    this.getNamed('super', callee);
    this.at(at);
    this.e.invoke(Op.SUPER_INVOKE, this.nameConstant(callee.method.name), argc);
    this.e.adjust(argc - args.length);
  }

  /** Resolves a variable target for writing, rejecting consts the compiler can see. */
  private writableVar(target: Extract<Expr, { type: 'Variable' }>): VarRef {
    const ref = this.resolve(target.name, target);
    if (ref.kind !== 'global' && ref.isConst) this.error(`Cannot assign to constant variable '${target.name}'`, target);
    return ref;
  }

  /** Re-reads the value `fromTop` slots below the top of the stack (0 = top). */
  private dup(fromTop = 0): void {
    const slot = this.e.depth - 1 - fromTop;
    if (slot > 255) this.error('Expression too complex (stack slot above 255)');
    this.e.op(Op.GET_LOCAL, slot);
  }

  private assign(x: Extract<Expr, { type: 'Assign' }>): void {
    const t = x.target;
    const op = x.op === '=' ? null : ASSIGN_OPS[x.op];
    if (t.type === 'Variable') {
      const ref = this.writableVar(t);
      if (op !== null) this.getVar(ref);
      this.expr(x.value);
      this.at(x);
      if (op !== null) this.e.op(op);
      this.setVar(ref);
      return;
    }
    if (t.type === 'Get') {
      const name = this.nameConstant(t.name.name);
      this.expr(t.object);
      if (op !== null) {
        this.dup();
        this.at(t.name);
        this.e.op(Op.GET_PROPERTY, name);
      }
      this.expr(x.value);
      this.at(x);
      if (op !== null) this.e.op(op);
      this.e.op(Op.SET_PROPERTY, name);
      return;
    }
    if (t.type === 'Index') {
      this.expr(t.object);
      this.indexOperand(t.index);
      if (op !== null) {
        this.dup(1);
        this.dup(1);
        this.at(t);
        this.e.op(Op.INDEX_GET);
      }
      this.expr(x.value);
      this.at(x);
      if (op !== null) this.e.op(op);
      this.e.op(Op.INDEX_SET);
      return;
    }
    // Invalid targets were reported by the parser; keep the stack balanced.
    this.expr(x.value);
  }

  /**
   * `++`/`--`: x - (-1) and x - 1, so a non-number fails with "Operands must be numbers."
   * (ADD would concatenate strings). Postfix yields the old value, prefix the new one.
   */
  private update(x: Extract<Expr, { type: 'Update' }>): void {
    const t = x.target;
    const e = this.e;
    const step = () => {
      this.at(x);
      e.op(Op.CONSTANT, e.constant({ kind: 'int', value: x.op === '++' ? -1 : 1 }));
      e.op(Op.SUBTRACT);
    };
    if (t.type === 'Variable') {
      const ref = this.writableVar(t);
      this.getVar(ref);
      if (!x.prefix) this.dup();
      step();
      this.setVar(ref);
      if (!x.prefix) e.op(Op.POP);
      return;
    }
    if (t.type === 'Get') {
      const name = this.nameConstant(t.name.name);
      this.expr(t.object); // [o]
      const objSlot = e.depth - 1;
      this.dup(); // [o o]
      this.at(t.name);
      e.op(Op.GET_PROPERTY, name); // [o old]
      if (x.prefix) {
        step(); // [o new]
        e.op(Op.SET_PROPERTY, name); // [new]
        return;
      }
      this.dup(1); // [o old o]
      this.dup(1); // [o old o old]
      step(); // [o old o new]
      e.op(Op.SET_PROPERTY, name); // [o old new]
      e.op(Op.POP); // [o old]
      e.op(Op.SET_LOCAL, objSlot); // [old old]
      e.op(Op.POP); // [old]
      return;
    }
    if (t.type === 'Index') {
      this.expr(t.object);
      this.indexOperand(t.index); // [o i]
      const objSlot = e.depth - 2;
      this.dup(1);
      this.dup(1); // [o i o i]
      this.at(t);
      e.op(Op.INDEX_GET); // [o i old]
      if (x.prefix) {
        step(); // [o i new]
        e.op(Op.INDEX_SET); // [new]
        return;
      }
      this.dup(2);
      this.dup(2);
      this.dup(2); // [o i old o i old]
      step(); // [o i old o i new]
      e.op(Op.INDEX_SET); // [o i old new]
      e.op(Op.POP); // [o i old]
      e.op(Op.SET_LOCAL, objSlot); // [old i old]
      e.op(Op.POPN, 2, -2); // [old]
      return;
    }
    this.expr(t);
  }
}

/** The first operand of a chain link (see CodeGenerator.chain), or null if `x` is no link. */
function chainHead(x: Expr): Expr | null {
  switch (x.type) {
    case 'Binary': case 'Logical': return x.left;
    case 'Get': case 'Index': case 'Slice': return x.object;
    case 'Grouping': return x.expr;
    case 'Call':
      if (x.callee.type === 'Get') return x.callee.object;
      return x.callee.type === 'Super' ? null : x.callee;
    default: return null;
  }
}

const BINARY_OPS: Record<Extract<Expr, { type: 'Binary' }>['op'], Op> = {
  '+': Op.ADD, '-': Op.SUBTRACT, '*': Op.MULTIPLY, '/': Op.DIVIDE, '%': Op.MODULO, '^': Op.POWER,
  '==': Op.EQUAL, '!=': Op.NOT_EQUAL, '<': Op.LESS, '<=': Op.LESS_EQUAL, '>': Op.GREATER, '>=': Op.GREATER_EQUAL,
};

const ASSIGN_OPS: Record<'+=' | '-=' | '*=' | '/=', Op> = {
  '+=': Op.ADD, '-=': Op.SUBTRACT, '*=': Op.MULTIPLY, '/=': Op.DIVIDE,
};
