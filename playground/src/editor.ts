/** The CodeMirror 6 editor: MufiZ highlighting (mufi-scan.ts) and error marks at line and column. */
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { StreamLanguage, HighlightStyle, syntaxHighlighting, bracketMatching, indentOnInput } from '@codemirror/language';
import { setDiagnostics, lintGutter, Diagnostic } from '@codemirror/lint';
import { tags } from '@lezer/highlight';
import { token, startState, copyState, TokenClass, ScanState } from './mufi-scan';
import type { ErrorMark } from './protocol';

const TAGS: Record<TokenClass, Parameters<typeof HighlightStyle.define>[0][number]['tag']> = {
  comment: tags.comment,
  string: tags.string,
  escape: tags.escape,
  number: tags.number,
  keyword: tags.keyword,
  atom: tags.atom,
  self: tags.self,
  builtin: tags.standard(tags.variableName),
  operator: tags.operator,
  interpolation: tags.special(tags.brace),
};

const mufi = StreamLanguage.define<ScanState>({
  name: 'mufiz',
  startState,
  copyState,
  token: (stream, state) => token(stream, state),
  tokenTable: TAGS,
  languageData: { commentTokens: { line: '//', block: { open: '/#', close: '#/' } }, closeBrackets: { brackets: ['(', '[', '{', '"'] } },
});

const style = HighlightStyle.define([
  { tag: tags.comment, color: '#6a737d', fontStyle: 'italic' },
  { tag: tags.string, color: '#116329' },
  { tag: tags.escape, color: '#953800' },
  { tag: tags.number, color: '#0550ae' },
  { tag: tags.keyword, color: '#a626a4', fontWeight: '600' },
  { tag: tags.atom, color: '#0550ae' },
  { tag: tags.self, color: '#953800' },
  { tag: tags.standard(tags.variableName), color: '#8250df' },
  { tag: tags.operator, color: '#444' },
  { tag: tags.special(tags.brace), color: '#cf222e', fontWeight: '600' },
]);

export function createEditor(parent: HTMLElement, doc: string, onRun: () => void, onChange: () => void): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(), history(), drawSelection(), highlightActiveLine(), bracketMatching(), indentOnInput(),
        mufi, syntaxHighlighting(style), lintGutter(),
        keymap.of([{ key: 'Mod-Enter', run: () => { onRun(); return true; } }, indentWithTab, ...defaultKeymap, ...historyKeymap]),
        EditorView.updateListener.of((u) => { if (u.docChanged) onChange(); }),
        EditorView.theme({ '&': { height: '100%' }, '.cm-scroller': { fontFamily: 'ui-monospace, monospace', fontSize: '13px' } }),
      ],
    }),
  });
}

/** Marks errors: at line:column (one character, or the word there), or the whole line when no column is known. */
export function markErrors(view: EditorView, marks: readonly ErrorMark[]): void {
  const doc = view.state.doc;
  const diagnostics: Diagnostic[] = [];
  for (const m of marks) {
    if (m.line < 1 || m.line > doc.lines) continue;
    const line = doc.line(m.line);
    let from = line.from, to = line.to;
    if (m.column > 0) {
      // Columns count code points; the editor counts UTF-16 units.
      const chars = Array.from(line.text);
      const offset = chars.slice(0, m.column - 1).join('').length;
      from = Math.min(line.from + offset, line.to);
      const word = /^[A-Za-z0-9_]+/.exec(line.text.slice(offset));
      to = Math.min(from + (word ? word[0].length : 1), line.to);
      if (to === from && from > line.from) from--;
    }
    diagnostics.push({ from, to, severity: 'error', message: m.message });
  }
  view.dispatch(setDiagnostics(view.state, diagnostics));
}

export function clearErrors(view: EditorView): void {
  view.dispatch(setDiagnostics(view.state, []));
}
