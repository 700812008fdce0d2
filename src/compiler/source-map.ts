/**
 * Offset → (line, column) conversion for one source text. Lines are counted by `\n`; columns are
 * 1-based and count code points (a surrogate pair is one column).
 */
import { Pos } from './ast';

export class SourceMap {
  private readonly lineStarts: number[] = [0];
  private readonly hasSurrogates: boolean;

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    this.hasSurrogates = /[\uD800-\uDFFF]/.test(text);
  }

  pos(offset: number): Pos {
    if (!(offset >= 0)) offset = this.text.length; // NaN offsets (chevrotain's EOF) point at the end
    if (offset > this.text.length) offset = this.text.length;
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    const start = starts[lo];
    let column = offset - start + 1;
    if (this.hasSurrogates) {
      for (let i = start; i < offset; i++) {
        const c = this.text.charCodeAt(i);
        if (c >= 0xdc00 && c <= 0xdfff) column--;
      }
    }
    return { line: lo + 1, column };
  }

  /** The text of a 1-based line, without its `\n`. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    const end = line < this.lineStarts.length ? this.lineStarts[line] - 1 : this.text.length;
    return this.text.substring(start, end).replace(/\r$/, '');
  }
}
