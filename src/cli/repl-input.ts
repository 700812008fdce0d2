/**
 * Is a REPL entry complete, or does it need more lines? It needs more while a bracket
 * (`(`, `[`, `{`, `#{`) is still open or a string (`"…"`, `f"…"`, `` `…` ``) or a `/# … #/`
 * comment is unterminated. Brackets inside strings and comments do not count. Too many closing
 * brackets make the entry complete: the compiler then reports the error.
 */
export function needsMoreInput(text: string): boolean {
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '#') {
      let nest = 1;
      i += 2;
      while (i < n && nest > 0) {
        if (text[i] === '/' && text[i + 1] === '#') { nest++; i += 2; }
        else if (text[i] === '#' && text[i + 1] === '/') { nest--; i += 2; }
        else i++;
      }
      if (nest > 0) return true;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= n) return true;
      i++;
      continue;
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) return true;
      i = end + 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    i++;
  }
  return depth > 0;
}
