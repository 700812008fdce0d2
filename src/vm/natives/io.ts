import { readSync } from 'fs';
import type { Runtime } from '../runtime';
import { RuntimeError } from '../errors';
import { NativeModule } from './native';
import { Tag } from '../value';
import { expectArgCount, stringArg } from './args';
import { flushOutput, waitFor } from './host';
import { checkReadSize } from './read-limit';

/**
 * io: input([prompt]) (upstream's prelude has it). The prompt is program output: it goes to
 * stdout through rt.write (flushed, no newline). The line is read with a blocking read of fd 0,
 * so the VM stays synchronous.
 */

/** How long to wait before retrying a read of a non-blocking stdin that had nothing (EAGAIN). */
const RETRY_MS = 5;
const CHUNK = 65536;

/**
 * Stdin is read in chunks; the bytes after the first newline stay here for the next input()
 * call. It belongs to the process, as stdin does, so every runtime in it shares it.
 */
const pending: Buffer[] = [];
let atEof = false;
const decoder = new TextDecoder();

function readChunk(wait: (ms: number) => void): Buffer | null {
  const buf = Buffer.allocUnsafe(CHUNK);
  for (;;) {
    try {
      const n = readSync(0, buf, 0, CHUNK, null);
      return n === 0 ? null : buf.subarray(0, n);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') { wait(RETRY_MS); continue; }
      if (code === 'EOF') return null; // Windows: end of a pipe
      throw e;
    }
  }
}

/**
 * The next line of stdin without its `\n` (and a `\r` before it), or null at end of input.
 * A last line without a newline still counts as a line.
 */
export function readLine(wait: (ms: number) => void, checkSize: (bytes: number) => void = () => {}): string | null {
  // Chunks before `scanned` hold no newline: each byte is searched once, so a long line costs
  // linear time (it was quadratic: 21 s for a 32 MB line).
  let scanned = 0;
  let bytes = 0;
  for (;;) {
    for (let k = scanned; k < pending.length; k++) {
      const nl = pending[k].indexOf(0x0a);
      if (nl < 0) {
        scanned = k + 1;
        bytes += pending[k].length;
        checkSize(bytes);
        continue;
      }
      const head = pending.splice(0, k + 1);
      const last = head[k];
      head[k] = last.subarray(0, nl);
      if (nl + 1 < last.length) pending.unshift(last.subarray(nl + 1));
      return decodeLine(Buffer.concat(head));
    }
    const chunk = atEof ? null : readChunk(wait);
    if (chunk === null) {
      atEof = true;
      if (pending.length === 0) return null;
      return decodeLine(Buffer.concat(pending.splice(0)));
    }
    pending.push(chunk);
  }
}

function decodeLine(bytes: Buffer): string {
  const text = decoder.decode(bytes);
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

/** Spaces, tabs, CR and LF at both ends (upstream's trim set). */
function trimLine(text: string): string {
  return text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

/**
 * Where input() takes its lines from, when not from fd 0: the next line or null at end of input.
 * An embedder whose stdin is owned by someone else (the REPL's readline, on another thread)
 * installs one; it may block (e.g. Atomics.wait for the owner's answer).
 */
export type LineSource = () => string | null;

const lineSources = new WeakMap<Runtime, LineSource>();

export function setLineSource(rt: Runtime, source: LineSource): void {
  lineSources.set(rt, source);
}

export const ioNatives: NativeModule = [
  {
    // input() / input(prompt): the trimmed line, or nil at end of input.
    name: 'input',
    unsafe: true,
    fn(rt, args, argc) {
      expectArgCount('input', argc, 0, 1);
      if (argc === 1) rt.write(stringArg(rt, 'input', args));
      flushOutput(rt);
      const source = lineSources.get(rt);
      // On a worker thread without a line source (the REPL's evaluator), fd 0 belongs to the
      // main thread's reader: reading it here would steal its keystrokes.
      if (source === undefined && !isMainThread()) throw new RuntimeError('input() cannot read standard input here (it belongs to the REPL).');
      const line = source !== undefined ? source() : readLine((ms) => { waitFor(rt, ms); }, (n) => checkReadSize(rt, n));
      if (line === null) { rt.resultTag = Tag.NIL; return; }
      rt.returnString(trimLine(line));
    },
  },
];

/** Loaded on use: worker_threads costs a few milliseconds of every start otherwise. */
function isMainThread(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (require('worker_threads') as typeof import('worker_threads')).isMainThread;
}
