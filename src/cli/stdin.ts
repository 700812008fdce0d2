import { readSync } from 'fs';

/**
 * The CLI's input lines: fd 0, read with blocking reads so the VM stays synchronous (the host's
 * readLine for input(); see src/vm/host.ts).
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
export function readStdinLine(wait: (ms: number) => void = sleep, checkSize: (bytes: number) => void = () => {}): string | null {
  // Chunks before `scanned` hold no newline: each byte is searched once, so a long line costs
  // linear time (it was quadratic: 21 s for a 32 MB line). `checkSize` sees the line's bytes so
  // far and may stop the read (the heap could not hold it: read-limit.ts).
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

const pause = new Int32Array(new SharedArrayBuffer(4));

function sleep(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}

function decodeLine(bytes: Buffer): string {
  const text = decoder.decode(bytes);
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

