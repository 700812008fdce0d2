import { writeSync } from 'fs';

/**
 * Buffered, synchronous writes to a file descriptor. `print` output is collected and written in
 * large chunks; flush() must run before the process exits or writes to the other stream, so
 * stdout and stderr keep their order.
 */
export class BufferedOutput {
  private chunks: string[] = [];
  private size = 0;

  // Natives that block (input's prompt, sleep) call the host's flush: createEngine's callers
  // pass this one (see src/vm/host.ts).
  constructor(private readonly fd: number, private readonly limit = 1 << 16) {}

  write = (text: string): void => {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= this.limit) this.flush();
  };

  flush(): void {
    if (this.chunks.length === 0) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    writeAll(this.fd, text);
  }
}

/** writeSync, retrying on EAGAIN (a non-blocking pipe that is momentarily full). */
export function writeAll(fd: number, text: string): void {
  let buf = Buffer.from(text, 'utf8');
  while (buf.length > 0) {
    try {
      const n = writeSync(fd, buf);
      buf = buf.subarray(n);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') return; // the reader went away: nothing more to say
      throw e;
    }
  }
}
