/**
 * Whether a compiled program provably ends soon on its own: then the CLI does not start its
 * signal watcher thread for it (program-main.ts), whose start and shutdown cost more than such a
 * program's whole run (tens of ms of a ~100 ms process).
 *
 * Brief means: no backward jump anywhere (no loop), and no call or method invocation inside any
 * function; only the top-level script calls (functions, classes, natives). Every function run
 * is then straight-line code, and the script runs each call at most once, so the bytecode
 * executed is bounded by the program's length. (The VM enters a frame only at a call
 * instruction, and natives never call back into the program.) What remains unbounded is a
 * native that waits: input(), sleep() and the http requests flush the output first, which is
 * where the watcher is started after all (ProgramIo.beforeBlock), so Ctrl-C there still ends
 * the program with `Interrupted.`; a read of a file that never ends ends by the signal's
 * default action, as it does after the watcher's grace period otherwise.
 */
import { OP_FACTS, Operand, instructionLength } from '../compiler/opcodes';
import type { Prototype } from '../compiler/prototype';

/** Opcodes that enter another frame: CALL, INVOKE and their fused forms (decided once, by name). */
const CALLS: readonly boolean[] = OP_FACTS.map((f) => /CALL|INVOKE/.test(f.name));
const LOOPS: readonly boolean[] = OP_FACTS.map((f) => f.operands.includes(Operand.LOOP));

export function runsBriefly(script: Prototype): boolean {
  return straight(script, true);
}

function straight(p: Prototype, topLevel: boolean): boolean {
  const code = p.code;
  const upvalues = (c: number): number => {
    const k = p.constants[c];
    return k !== undefined && k.kind === 'function' ? k.proto.upvalueCount : 0;
  };
  for (let at = 0; at < code.length; at += instructionLength(code, at, upvalues)) {
    const op = code[at];
    if (op >= OP_FACTS.length || LOOPS[op] || (!topLevel && CALLS[op])) return false;
  }
  for (const k of p.constants) if (k.kind === 'function' && !straight(k.proto, false)) return false;
  return true;
}

/**
 * A quick look at the source before compiling: a loop keyword (even in a string or a comment)
 * means the program is probably not brief, and its watcher can be started at once, in
 * parallel with the compile. False says nothing: runsBriefly decides after the compile.
 */
export function mayLoop(source: string): boolean {
  return /\b(?:while|for|foreach)\b/.test(source);
}
