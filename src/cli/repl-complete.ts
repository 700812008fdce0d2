/** Tab completion for the REPL: keywords, defined globals, and the dot commands. */

export const KEYWORDS = [
  'and', 'break', 'case', 'class', 'const', 'continue', 'else', 'end', 'false', 'for', 'foreach',
  'fun', 'if', 'in', 'let', 'nil', 'or', 'print', 'return', 'self', 'super', 'switch', 'true',
  'var', 'while',
];

/** readline's completer: [candidates, the word being completed]. */
export function complete(line: string, globals: readonly string[], commands: readonly string[]): [string[], string] {
  if (/^\s*\.\w*$/.test(line)) {
    const word = line.trim();
    return [commands.filter((c) => c.startsWith(word)), word];
  }
  const m = /[A-Za-z_][A-Za-z0-9_]*$/.exec(line);
  if (m === null) return [[], ''];
  const word = m[0];
  const all = new Set<string>([...KEYWORDS, ...globals]);
  const hits = [...all].filter((w) => w.startsWith(word)).sort();
  return [hits, word];
}
