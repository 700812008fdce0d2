/**
 * Rendering of compile diagnostics:
 *
 *   file:line:col: error: message
 *     <the source line>
 *     <caret under the column>
 *
 * Colour (ANSI) only when asked for. Tabs in the source line are kept in the caret line so the
 * caret stays aligned. A long source line is clipped to a window around the column, and control
 * characters (NUL, CR, escape...) in the line and in the message are shown escaped, so no
 * diagnostic can be larger than a few hundred characters or write raw control bytes.
 */
import type { Diagnostic } from './prototype';

const RED = '\x1b[31m';
const BOLD = '\x1b[1m';
const GREEN = '\x1b[32m';
const RESET = '\x1b[0m';

/** Code points of the source line shown on each side of the column. */
const WINDOW = 60;

/** Line starts of the last source formatted: many diagnostics of one file cost one scan. */
let indexedSource: string | null = null;
let lineStarts: number[] = [];

function sourceLine(text: string, line: number): string {
  if (text !== indexedSource) {
    lineStarts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    indexedSource = text;
  }
  if (line < 1 || line > lineStarts.length) return '';
  const start = lineStarts[line - 1];
  const end = line < lineStarts.length ? lineStarts[line] - 1 : text.length;
  const src = text.slice(start, end).replace(/\r$/, '');
  return line === 1 && src.charCodeAt(0) === 0xfeff ? src.slice(1) : src; // see withoutBom
}

/** A control character as an escape (`\0`, `\n`, `\x1b`...); other characters unchanged. */
function escapeChar(c: string): string {
  const code = c.codePointAt(0)!;
  if (code >= 0x20 && code !== 0x7f) return c;
  if (code === 0) return '\\0';
  if (code === 0x0a) return '\\n';
  if (code === 0x0d) return '\\r';
  if (code === 0x09) return '\\t';
  return `\\x${code.toString(16).padStart(2, '0')}`;
}

/** `text` with its control characters escaped (for messages that quote user text). */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f]/.test(text) ? Array.from(text, escapeChar).join('') : text;
}

export function formatDiagnostic(d: Diagnostic, sourceText: string, color: boolean): string {
  const header = `${d.file}:${d.line}:${d.column}: `;
  const message = escapeControls(d.message);
  const head = color
    ? `${BOLD}${header}${RED}error:${RESET}${BOLD} ${message}${RESET}`
    : `${header}error: ${message}`;
  const cps = Array.from(sourceLine(sourceText, d.line));
  const col = d.column - 1;
  const from = Math.max(0, Math.min(col, cps.length) - WINDOW);
  const to = Math.min(cps.length, Math.max(col, from) + WINDOW);
  let src = from > 0 ? '...' : '';
  let pad = from > 0 ? '   ' : '';
  for (let i = from; i < to; i++) {
    const c = cps[i];
    const shown = c === '\t' ? '\t' : escapeChar(c);
    src += shown;
    if (i < col) pad += c === '\t' ? '\t' : ' '.repeat(shown.length);
  }
  for (let i = Math.max(to, from); i < col; i++) pad += ' ';
  if (to < cps.length) src += '...';
  const caret = color ? `${GREEN}^${RESET}` : '^';
  return `${head}\n    ${src}\n    ${pad}${caret}`;
}

/**
 * All diagnostics of a compilation, and when some were left out (compile() keeps the first
 * MAX_REPORTED_ERRORS) a last line saying how many.
 */
export function formatDiagnostics(list: readonly Diagnostic[], omitted: number, sourceText: string, color: boolean): string {
  const parts = list.map((d) => formatDiagnostic(d, sourceText, color));
  if (omitted > 0) parts.push(`... and ${omitted} more error${omitted === 1 ? '' : 's'}`);
  return parts.join('\n');
}
