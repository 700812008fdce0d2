import { writeSync } from 'fs';

/**
 * Buffered, synchronous writes to a file descriptor. `print` output is collected and written in
 * large chunks; flush() must run before the process exits or writes to the other stream, so
 * stdout and stderr keep their order.
 */
export class BufferedOutput {
  private chunks: string[] = [];
  private size = 0;
  /** The limit in force: 0 (every write goes out at once) while `holdUntil` is there. */
  private current: number;

  // Natives that block (input's prompt, sleep) call the host's flush: createEngine's callers
  // pass this one (see src/vm/host.ts).
  /** `target`: a file descriptor, or a function that takes each flushed chunk (the in-process test runner). */
  /**
   * `holdUntil`: until it returns true, nothing is buffered (it is asked at each write until then;
   * program-main.ts: output is buffered only once a signal can no longer kill the process unflushed).
   */
  constructor(private readonly target: number | ((text: string) => void), private readonly limit = 1 << 16,
    private holdUntil: (() => boolean) | null = null) {
    this.current = holdUntil === null ? limit : 0;
  }

  write = (text: string): void => {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= this.current) this.flush();
  };

  flush(): void {
    if (this.holdUntil !== null && this.holdUntil()) {
      this.holdUntil = null;
      this.current = this.limit;
    }
    if (this.chunks.length === 0) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    if (typeof this.target === 'number') writeAll(this.target, text);
    else this.target(text);
  }
}

/**
 * The exit status of a process killed by SIGPIPE (128 + 13), what a shell shows for `yes | head -1`.
 * Node ignores SIGPIPE, so a write to a closed pipe fails with EPIPE instead.
 */
export const EXIT_BROKEN_PIPE = 141;

/**
 * The reader of stdout or stderr went away (`mufiz prog | head -1`): nothing more can be said, so
 * the program ends at once, quietly, as `cat` or `python` would. In the program's worker thread
 * this ends the thread with that status, which the main thread then exits with.
 */
function brokenPipe(): never {
  process.exit(EXIT_BROKEN_PIPE);
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
      if (code === 'EPIPE') brokenPipe();
      throw e;
    }
  }
}
