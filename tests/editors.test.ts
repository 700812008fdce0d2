import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';
import { token, startState, TokenClass, Stream } from '../playground/src/mufi-scan';
import { allNatives } from '../src/vm/natives';
import { ALL_TOKENS } from '../src/compiler/lexer';

/**
 * The TextMate grammar (editors/vscode-mufiz) tokenizes every golden program, gives a handful of
 * snippets the expected scopes, and agrees with the playground's highlighter on every
 * character's token class.
 */

const ROOT = path.join(__dirname, '..');
const GRAMMAR = path.join(ROOT, 'editors', 'vscode-mufiz', 'syntaxes', 'mufi.tmLanguage.json');
const words = JSON.parse(readFileSync(path.join(ROOT, 'editors', 'mufi-words.json'), 'utf8'));

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const wasm = readFileSync(path.join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => (scope === 'source.mufi' ? vsctm.parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null),
  });
  const g = await registry.loadGrammar('source.mufi');
  if (g === null) throw new Error('grammar not loaded');
  return g;
}

/** The shared token class of a TextMate scope stack (innermost scope that has one). */
function classOfScopes(scopes: readonly string[]): TokenClass | null {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopes[i];
    if (s.startsWith('punctuation.section.interpolation')) return 'interpolation';
    if (s.startsWith('meta.interpolation')) return null; // code inside an f-string's braces
    if (s.startsWith('comment')) return 'comment';
    if (s.startsWith('constant.character.escape')) return 'escape';
    if (s.startsWith('string')) return 'string';
    if (s.startsWith('constant.numeric')) return 'number';
    if (s.startsWith('constant.language')) return 'atom';
    if (s.startsWith('variable.language')) return 'self';
    if (s.startsWith('support.function')) return 'builtin';
    if (s.startsWith('keyword.operator')) return 'operator';
    if (s.startsWith('keyword') || s.startsWith('storage.type')) return 'keyword';
  }
  return null;
}

/** Per line, per UTF-16 unit: the TextMate class. */
function grammarClasses(g: vsctm.IGrammar, lines: string[]): (TokenClass | null)[][] {
  let stack = vsctm.INITIAL;
  return lines.map((line) => {
    const r = g.tokenizeLine(line, stack);
    if (r.stoppedEarly) throw new Error(`tokenizing stopped early on: ${line}`);
    stack = r.ruleStack;
    const out = new Array<TokenClass | null>(line.length).fill(null);
    for (const t of r.tokens) {
      const c = classOfScopes(t.scopes);
      for (let i = t.startIndex; i < Math.min(t.endIndex, line.length); i++) out[i] = c;
    }
    return out;
  });
}

/** A minimal StringStream (CodeMirror's semantics) for running the playground's scanner in Node. */
class LineStream implements Stream {
  pos = 0;
  start = 0;
  constructor(readonly string: string) {}
  eol(): boolean { return this.pos >= this.string.length; }
  peek(): string | undefined { return this.string.charAt(this.pos) || undefined; }
  next(): string | void { if (this.pos < this.string.length) return this.string.charAt(this.pos++); }
  eatSpace(): boolean { const s = this.pos; while (/[\s\u00a0]/.test(this.string.charAt(this.pos))) this.pos++; return this.pos > s; }
  skipToEnd(): void { this.pos = this.string.length; }
  match(pattern: RegExp | string, consume = true): unknown {
    if (typeof pattern === 'string') {
      if (!this.string.startsWith(pattern, this.pos)) return null;
      if (consume) this.pos += pattern.length;
      return true;
    }
    const m = this.string.slice(this.pos).match(pattern);
    if (m === null || m.index! > 0) return null;
    if (consume) this.pos += m[0].length;
    return m;
  }
}

function scannerClasses(lines: string[]): (TokenClass | null)[][] {
  const state = startState();
  return lines.map((line) => {
    const out = new Array<TokenClass | null>(line.length).fill(null);
    const s = new LineStream(line);
    while (!s.eol()) {
      s.start = s.pos;
      const c = token(s, state);
      if (s.pos === s.start) throw new Error(`the scanner did not advance on: ${line}`);
      for (let i = s.start; i < s.pos; i++) out[i] = c;
    }
    return out;
  });
}

function goldenPrograms(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.mufi')) found.push(p);
    }
  };
  walk(path.join(ROOT, 'tests', 'golden'));
  return found;
}

let grammar: vsctm.IGrammar;
test.before(async () => { grammar = await loadGrammar(); });

test('the grammar file is what editors/make-grammar.js writes from the word lists', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'editors', 'make-grammar.js'), '--check'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
});

test('the word lists name every native and every keyword of the engine', () => {
  const natives = [...new Set(allNatives({ sandbox: false }).map((d) => d.name))].sort();
  assert.equal(words.natives, natives);
  const lexerWords = ALL_TOKENS.map((t) => t.LABEL ?? '').filter((l) => /^'[a-z]+'$/.test(l)).map((l) => l.slice(1, -1)).sort();
  assert.equal([...words.keywords, ...words.atoms, ...words.self].sort(), lexerWords);
});

test('every golden program tokenizes, and the playground agrees with the grammar on every character', () => {
  const programs = goldenPrograms();
  assert.ok(programs.length > 100, `only ${programs.length} golden programs`);
  const disagreements: string[] = [];
  for (const file of programs) {
    const lines = readFileSync(file, 'utf8').split('\n');
    const tm = grammarClasses(grammar, lines);
    const cm = scannerClasses(lines);
    for (let l = 0; l < lines.length && disagreements.length < 10; l++) {
      for (let i = 0; i < lines[l].length; i++) {
        if (/\s/.test(lines[l][i])) continue; // whitespace has no class worth comparing
        if (tm[l][i] !== cm[l][i]) {
          disagreements.push(`${path.relative(ROOT, file)}:${l + 1}:${i + 1} '${lines[l].slice(i, i + 12)}' grammar ${tm[l][i]}, playground ${cm[l][i]}`);
          break;
        }
      }
    }
  }
  assert.equal(disagreements, []);
});

/** The scopes of the first token whose text is `text` (after `skip` earlier ones). */
function scopesOf(source: string, text: string, skip = 0): string[] {
  let stack = vsctm.INITIAL;
  for (const line of source.split('\n')) {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    for (const t of r.tokens) {
      if (line.slice(t.startIndex, t.endIndex) === text && skip-- === 0) return t.scopes;
    }
  }
  throw new Error(`no token '${text}' in ${source}`);
}

const innermost = (source: string, text: string, skip = 0): string => {
  const s = scopesOf(source, text, skip);
  return s[s.length - 1];
};

test('snippets get the expected scopes', () => {
  assert.is(innermost('var z = 3 + 4.5i;', '4.5i'), 'constant.numeric.imaginary.mufi');
  assert.is(innermost('var z = 3 + 4.5i;', '3'), 'constant.numeric.integer.mufi');
  assert.is(innermost('var z = 3 + 4.5i;', 'var'), 'storage.type.mufi');
  assert.is(innermost('print "a\\tb\\u{1F600}";', '\\t'), 'constant.character.escape.mufi');
  assert.is(innermost('print "a\\tb\\u{1F600}";', '\\u{1F600}'), 'constant.character.escape.mufi');
  const f = 'print f"x = {x + len(xs)} {{literal}}";';
  assert.is(innermost(f, '{'), 'punctuation.section.interpolation.begin.mufi');
  assert.is(innermost(f, 'len'), 'support.function.builtin.mufi');
  assert.ok(scopesOf(f, 'len').includes('meta.interpolation.mufi'));
  assert.is(innermost(f, '}'), 'punctuation.section.interpolation.end.mufi');
  assert.is(innermost(f, '{{'), 'string.quoted.double.format.mufi'); // a literal brace
  assert.is(innermost(f, 'literal'), 'string.quoted.double.format.mufi');
  const nested = '/# outer /# inner #/ still comment #/ var x;';
  assert.is(innermost(nested, ' still comment '), 'comment.block.mufi');
  assert.is(innermost(nested, 'var'), 'storage.type.mufi');
  assert.is(innermost('while (true) { break; } // done', '// done'), 'comment.line.double-slash.mufi');
  assert.is(innermost('while (true) { break; }', 'while'), 'keyword.control.mufi');
  assert.is(innermost('while (true) { break; }', 'true'), 'constant.language.mufi');
  assert.is(innermost('self.len = 1; len(x);', 'len'), 'source.mufi'); // a field, not the native
  assert.is(innermost('self.len = 1; len(x);', 'len', 1), 'support.function.builtin.mufi');
  assert.is(innermost('for (var i in 1..=5) {}', '..='), 'keyword.operator.mufi');
  assert.is(innermost('var s = `raw \\n`;', 'raw \\n'), 'string.quoted.other.raw.mufi'); // no escapes in a raw string
});

test.run();
