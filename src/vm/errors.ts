import { escapeControls } from '../compiler/diagnostics';

/** A MufiZ runtime error raised inside the VM or a native; the interpreter adds the stack trace. */
export class RuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}

/** A runtime error after unwinding: the message plus the trace lines, innermost first. */
export class MufiRuntimeError extends Error {
  constructor(readonly mufiMessage: string, readonly trace: string[]) {
    super(mufiMessage);
    this.name = 'MufiRuntimeError';
  }

  /**
   * The text printed to stderr: message, then `[line N] in name()` ... `[line N] in script`.
   * Control characters in the message (it may quote program text: `panic("a\0b")`) are shown
   * escaped, so the report stays one message line and writes no raw NUL or terminal escapes.
   */
  report(): string {
    return [escapeControls(this.mufiMessage), ...this.trace].join('\n');
  }
}

/** `exit(n)` was called: unwinds everything and ends the process with status n. */
export class ExitRequest extends Error {
  constructor(readonly status: number) {
    super(`exit(${status})`);
    this.name = 'ExitRequest';
  }
}
