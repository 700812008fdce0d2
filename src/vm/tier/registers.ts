/**
 * Stack slots held in JavaScript variables while compiled code runs (compile.ts).
 *
 * Why: the interpreter keeps every value in the stack's typed arrays, and so did compiled code:
 * `a == b;` copied two tags and two payloads up the stack, read them back and stored the result,
 * memory traffic V8 must keep because another function could read the arrays. Slot k's value
 * now lives in the variables `t<k>` (tag) and `v<k>` (payload) of the compiled function, and
 * reaches the stack only when something else may look at it: before a call or a helper (a
 * callee reads its arguments there, a collection scans the stack for roots, a helper reads its
 * operands there), and before a jump (every jump target starts with the stack up to date, so
 * that paths meet in one known state). V8 then keeps the variables in registers and drops what
 * nothing reads (the result of `a == b;`, a copy made only to be compared).
 *
 * A copy of a slot (GET_LOCAL) emits no code: the copy is an alias that names the source's
 * variables, until either is written (then the alias gets variables of its own).
 *
 * Invariants, at every point of the generated code, for each slot k below the current depth:
 *   state MEMORY  the stack holds its value; the variables may be stale (read() loads them);
 *         CLEAN   the variables and the stack agree;
 *         DIRTY   the variables hold the value, the stack may be stale (spill() stores it);
 *   alias[k] = j  (j < k, itself no alias) k's value is j's: its names are t<j>, v<j>.
 * Slots at or above the depth are dead: the stack discipline writes them before reading them.
 * The fast paths call a few helpers without storing slots first (valuesEqual, storeField,
 * storeUpvalue): none of them allocates, so no collection can run there.
 * A helper that may allocate, throw or run MufiZ code is called only after spillCode/spill.
 * A frame whose slots closures capture (open upvalues point into them) has those slots written
 * by code running during a call, and read by `closeUpvalues` when it returns or when an error
 * unwinds it: the generator stores them before each (and detaches copies of them before a
 * call, reading them back after).
 */
const MEMORY = 0, CLEAN = 1, DIRTY = 2;

export class Registers {
  private readonly state: Uint8Array;
  private readonly alias: Int32Array;
  /** Slots whose variables the code uses (declared in the function's prologue). */
  private readonly used = new Set<number>();

  constructor(slots: number, private readonly out: string[]) {
    this.state = new Uint8Array(slots + 2);
    this.alias = new Int32Array(slots + 2).fill(-1);
  }

  /** The statement loading slot k's variables from the stack. */
  private static load(k: number): string {
    return `t${k} = tags[base + ${k}]; v${k} = vals[base + ${k}];`;
  }

  /** Gives slot m (an alias of r) variables of its own, holding r's value. */
  private materialize(m: number, r: number): void {
    this.out.push(`t${m} = t${r}; v${m} = v${r};`);
    this.used.add(m);
    this.alias[m] = -1;
    this.state[m] = DIRTY;
  }

  /** The slot whose variables hold slot k's value. */
  private root(k: number): number {
    return this.alias[k] >= 0 ? this.alias[k] : k;
  }

  /** Slot k's tag and payload as expressions (valid after read(k), until k or its source is written). */
  tag(k: number): string { return `t${this.root(k)}`; }
  val(k: number): string { return `v${this.root(k)}`; }

  /**
   * Makes slot k's variables hold its value, loading it from the stack if needed. Must be
   * emitted on the straight path of an instruction, before any branch of it.
   */
  read(k: number): void {
    const r = this.root(k);
    this.used.add(r);
    if (this.state[r] === MEMORY) {
      this.out.push(Registers.load(r));
      this.state[r] = CLEAN;
    }
  }

  /** Slot `to` becomes a copy of slot `from` (read first): no code, an alias. */
  copy(to: number, from: number): void {
    const r = this.root(from);
    this.prepareWrite(to);
    this.alias[to] = r;
    this.state[to] = DIRTY;
  }

  /**
   * Before code that assigns slot k (its whole value): the slots that alias k get their own
   * variables (they keep the old value), and k stops being an alias. Call after reading the
   * operands' names: k's names change.
   */
  prepareWrite(k: number): void {
    for (let m = 0; m < this.alias.length; m++) if (this.alias[m] === k) this.materialize(m, k);
    this.alias[k] = -1;
    this.used.add(k);
  }

  /** Slot k's variables were just assigned (on the straight path). */
  wrote(k: number): void {
    this.used.add(k);
    this.state[k] = DIRTY;
  }

  /**
   * Code storing every changed slot below `depth` to the stack, for a branch that calls out or
   * leaves; the state of the straight path does not change.
   */
  spillCode(depth: number, only: ReadonlySet<number> | null = null): string {
    let code = '';
    for (let k = 0; k < depth; k++) {
      if (this.state[k] === DIRTY && (only === null || only.has(k))) {
        const r = this.root(k);
        code += `tags[base + ${k}] = t${r}; vals[base + ${k}] = v${r}; `;
      }
    }
    return code;
  }

  /**
   * Stores every changed slot below `depth` on the straight path (before a jump or a call);
   * slots at or above it are dead. With `only`: just those slots, nothing else changes.
   */
  spill(depth: number, only: ReadonlySet<number> | null = null): void {
    const code = this.spillCode(depth, only);
    if (code !== '') this.out.push(code);
    if (only !== null) {
      for (const k of only) if (k < depth && this.state[k] === DIRTY) this.state[k] = CLEAN;
      return;
    }
    for (let k = 0; k < this.state.length; k++) {
      if (k >= depth) { this.state[k] = MEMORY; this.alias[k] = -1; }
      else if (this.state[k] === DIRTY) this.state[k] = CLEAN;
    }
  }

  /**
   * Slots at or above `depth` are dead (after a call: the callee's frame overwrote them on the
   * stack); nothing is stored or loaded.
   */
  dead(depth: number): void {
    for (let k = depth; k < this.state.length; k++) { this.state[k] = MEMORY; this.alias[k] = -1; }
  }

  /** After code that may have changed any slot on the stack: every variable must be read again. */
  forget(): void {
    this.state.fill(MEMORY);
    this.alias.fill(-1);
  }

  /**
   * Code loading slot k (no alias: prepareWrite first) from the stack, in a branch where a
   * helper wrote it there; the straight path then marks it written (DIRTY is the state both
   * branches agree with).
   */
  reload(k: number): string {
    this.used.add(k);
    return Registers.load(k);
  }

  /** Slot k (no alias: prepareWrite first) was just loaded from the stack on the straight path. */
  loaded(k: number): void {
    this.used.add(k);
    this.state[k] = CLEAN;
  }

  /**
   * Before a call that may write the slots in `captured` through open upvalues (on the straight
   * path): slots that alias one of them, and captured slots that alias another, get variables
   * of their own (the former keep the value from before the call, the latter can be read back).
   */
  detach(captured: ReadonlySet<number>): void {
    for (let m = 0; m < this.alias.length; m++) {
      const r = this.alias[m];
      if (r >= 0 && (captured.has(r) || captured.has(m))) this.materialize(m, r);
    }
  }

  /**
   * Code loading again the slots of `captured` below `depth` that are in variables, after a call
   * that may have written them through open upvalues (detach first; the state does not change:
   * the variables then agree with the stack, as they did or will after a spill).
   */
  reloadCode(depth: number, captured: ReadonlySet<number>): string {
    let code = '';
    for (const k of captured) {
      if (k < depth && this.alias[k] < 0 && this.state[k] !== MEMORY) code += `${Registers.load(k)} `;
    }
    return code;
  }

  /** The declarations of the variables used. */
  declarations(): string {
    if (this.used.size === 0) return '';
    return `let ${[...this.used].sort((a, b) => a - b).map((k) => `t${k} = 0, v${k} = 0`).join(', ')};`;
  }
}
