/** Messages between the REPL's main thread (readline) and its evaluation worker. */
import type { CliOptions } from './options';

export interface WorkerSetup {
  options: CliOptions;
  /** Int32Array(1) over a SharedArrayBuffer: the VM's interrupt flag. */
  interrupt: Int32Array;
  /** Colour in diagnostics. */
  color: boolean;
  /** Write `print` output at once (a terminal) rather than in large chunks (a pipe). */
  unbuffered: boolean;
  /** The input() channel (see InputChannel): the main thread answers the worker's line requests. */
  input: SharedArrayBuffer;
}

/**
 * input() in the REPL: the main thread owns stdin (readline), so the worker asks it for a line
 * (an InputRequest message) and blocks with Atomics.wait on word 0 of this buffer until the main
 * thread has written the answer: word 0 = state, word 1 = byte length, then the UTF-8 bytes.
 */
export const enum InputState { WAITING = 0, LINE = 1, EOF = 2, INTERRUPTED = 3 }
export const INPUT_CHANNEL_BYTES = 8 + (1 << 20);

export interface InputRequest {
  input: true;
}

export type Request =
  | { id: number; op: 'run'; source: string; file: string; echo: boolean }
  | { id: number; op: 'stats' }
  | { id: number; op: 'gc' }
  | { id: number; op: 'bytecode'; source: string }
  | { id: number; op: 'final' };

/**
 * The worker's answer. Everything the program printed is already written (fd 1) when it is sent.
 * `out` goes to stdout, `err` to stderr; `status` is the exit status the entry would have as a
 * program; `exit` is set when the program called exit(n).
 */
export interface Reply {
  id: number;
  status: number;
  out: string;
  err: string;
  exit?: number;
  /** For 'run': the source as it ran (with the `;` the REPL added), what .save writes. */
  ran?: string;
  /** The globals defined now (for tab completion). */
  globals: string[];
}

/** Sent once when the engine exists (id 0), or with `fatal` when it could not be created. */
export interface Ready {
  id: 0;
  ready: true;
  globals: string[];
  fatal?: string;
}
