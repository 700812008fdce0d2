/**
 * The stack trace of a runtime error, kept short however deep the stack was (up to
 * --max-frames, which may be millions):
 *
 *  - a run of identical frames (same function, same line: plain recursion) shows its first
 *    REPEAT_SHOWN frames, then `[line 1] in f() (repeated 9,996 more times)`, as Python does;
 *  - after that, at most HEAD_ENTRIES lines from the innermost end and TAIL_ENTRIES from the
 *    script end are kept, with one line saying how many were left out between them (mutual
 *    recursion does not collapse into runs).
 *
 * Frames are fed innermost first as (function, line) numbers; text is made only for the lines
 * kept, so a trace of ten million frames costs neither ten million strings nor their memory.
 */
const REPEAT_SHOWN = 3;
const HEAD_ENTRIES = 50;
const TAIL_ENTRIES = 50;

export class TraceBuilder {
  /** Runs of identical frames: function, line, count. The first HEAD_ENTRIES runs... */
  private readonly head: number[] = [];
  /** ...and the last TAIL_ENTRIES runs after them, as a ring of triples. */
  private readonly tail: number[] = [];
  private tailStart = 0;
  private omitted = 0;
  private fn = -1;
  private line = -1;
  private count = 0;

  frame(fn: number, line: number): void {
    if (fn === this.fn && line === this.line) {
      this.count++;
      return;
    }
    this.flush();
    this.fn = fn;
    this.line = line;
    this.count = 1;
  }

  private flush(): void {
    if (this.count === 0) return;
    if (this.head.length < HEAD_ENTRIES * 3) {
      this.head.push(this.fn, this.line, this.count);
    } else if (this.tail.length < TAIL_ENTRIES * 3) {
      this.tail.push(this.fn, this.line, this.count);
    } else {
      const t = this.tailStart;
      this.omitted += this.tail[t + 2];
      this.tail[t] = this.fn;
      this.tail[t + 1] = this.line;
      this.tail[t + 2] = this.count;
      this.tailStart = (t + 3) % (TAIL_ENTRIES * 3);
    }
    this.count = 0;
  }

  /** The trace lines, innermost first; `text` names one frame. */
  lines(text: (fn: number, line: number) => string): string[] {
    this.flush();
    const out: string[] = [];
    const emit = (fn: number, line: number, count: number) => {
      const t = text(fn, line);
      for (let i = 0; i < Math.min(count, REPEAT_SHOWN); i++) out.push(t);
      if (count > REPEAT_SHOWN) out.push(`${t} (repeated ${group(count - REPEAT_SHOWN)} more time${count - REPEAT_SHOWN === 1 ? '' : 's'})`);
    };
    for (let i = 0; i < this.head.length; i += 3) emit(this.head[i], this.head[i + 1], this.head[i + 2]);
    if (this.omitted > 0) out.push(`... ${group(this.omitted)} more frame${this.omitted === 1 ? '' : 's'} ...`);
    const n = this.tail.length;
    for (let k = 0; k < n; k += 3) {
      const i = (this.tailStart + k) % n;
      emit(this.tail[i], this.tail[i + 1], this.tail[i + 2]);
    }
    return out;
  }
}

/** 9996 as `9,996`. */
function group(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
