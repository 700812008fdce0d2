/**
 * Rendering of compile diagnostics:
 *
 *   file:line:col: error: message
 *     <the source line>
 *     <caret under the column>
 *
 * Colour (ANSI) only when asked for. Tabs in the source line are kept in the caret line so the
 * caret stays aligned.
 */
import type { Diagnostic } from './prototype';

const RED = '\x1b[31m';
const BOLD = '\x1b[1m';
const GREEN = '\x1b[32m';
const RESET = '\x1b[0m';

export function formatDiagnostic(d: Diagnostic, sourceText: string, color: boolean): string {
  const header = `${d.file}:${d.line}:${d.column}: `;
  const head = color
    ? `${BOLD}${header}${RED}error:${RESET}${BOLD} ${d.message}${RESET}`
    : `${header}error: ${d.message}`;
  const lines = sourceText.split('\n');
  const src = (lines[d.line - 1] ?? '').replace(/\r$/, '');
  const cps = Array.from(src);
  let pad = '';
  for (let i = 0; i < d.column - 1; i++) pad += cps[i] === '\t' ? '\t' : ' ';
  const caret = color ? `${GREEN}^${RESET}` : '^';
  return `${head}\n    ${src}\n    ${pad}${caret}`;
}
