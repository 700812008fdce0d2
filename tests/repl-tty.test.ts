/**
 * The REPL on a real terminal, through tmux: prompt, tab completion, Ctrl-C interrupting a
 * running program, Ctrl-C twice and Ctrl-D exiting, history kept in MUFIZ_HISTORY, input().
 * Skipped (with a message) where tmux is not installed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { BIN, ROOT, cleanEnv, patience, tempDir } from './cli-helpers';
import { skip } from './skip';

const HAVE_TMUX = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
const SOCKET = `mufiz-test-${process.pid}`;
const dir = tempDir('mufiz-tty-');
const ENV = cleanEnv({ TERM: 'xterm-256color' });

function tmux(...args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', env: ENV, cwd: ROOT });
  return { status: r.status, stdout: r.stdout ?? '' };
}

// One tmux server for the whole file, kept up between tests: by default a server exits with its
// last session, and a test's new-session that came while the previous test's server was still
// exiting failed ("tmux new-session failed", about one run in eight of this file alone).
if (HAVE_TMUX) tmux('start-server', ';', 'set-option', '-g', 'exit-empty', 'off');

/** tmux treats an argument ending in ';' as a command separator unless escaped. */
const literal = (text: string): string => (text.endsWith(';') ? text.slice(0, -1) + '\\;' : text);

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

class Session {
  constructor(readonly name: string, readonly history: string, args: string[] = [], shellTail = '') {
    const cmd = `MUFIZ_HISTORY=${quote(history)} ${quote(process.execPath)} ${quote(BIN)}${args.map((a) => ' ' + quote(a)).join('')}${shellTail}`;
    const r = tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', '-c', ROOT, cmd);
    assert.is(r.status, 0, 'tmux new-session failed');
  }

  type(text: string): void { tmux('send-keys', '-t', this.name, '-l', literal(text)); }
  key(...keys: string[]): void { tmux('send-keys', '-t', this.name, ...keys); }
  line(text: string): void { this.type(text); this.key('Enter'); }
  screen(): string { return tmux('capture-pane', '-p', '-t', this.name).stdout; }
  alive(): boolean { return tmux('has-session', '-t', this.name).status === 0; }

  /** Polls the screen until `pattern` matches (the screen is returned), or fails with the screen shown. */
  async waitFor(pattern: RegExp | ((screen: string) => boolean), what: string, ms = 10000): Promise<string> {
    const deadline = Date.now() + patience(ms);
    const ok = typeof pattern === 'function' ? pattern : (s: string) => pattern.test(s);
    let screen = '';
    while (Date.now() < deadline) {
      screen = this.alive() ? this.screen() : screen;
      if (ok(screen)) return screen;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.unreachable(`timed out waiting for ${what}; screen:\n${screen}`);
    return screen;
  }

  async waitGone(what: string, ms = 10000): Promise<void> {
    const deadline = Date.now() + patience(ms);
    while (Date.now() < deadline) {
      if (!this.alive()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.unreachable(`timed out waiting for ${what}; screen:\n${this.screen()}`);
  }

  kill(): void { tmux('kill-session', '-t', this.name); }
}

/** The last non-empty line of the screen. */
const lastLine = (screen: string): string => screen.trimEnd().split('\n').pop() ?? '';
/** Number of lines that are an empty prompt. */
const prompts = (screen: string): number => screen.split('\n').filter((l) => /^>\s*$/.test(l)).length;

test('terminal: prompt, completion, Ctrl-C interrupts, state survives, Ctrl-D exits, history', async () => {
  if (!HAVE_TMUX) return skip('tmux not installed (Debian package tmux)');
  const history = path.join(dir, 'history1');
  const s = new Session('main', history);
  try {
    await s.waitFor((sc) => /^>\s*$/m.test(sc), 'the first prompt');

    s.line('var counterValue = 41;');
    await s.waitFor((sc) => prompts(sc) >= 1 && /var counterValue = 41;\n>/.test(sc), 'the prompt after a definition');

    // Tab completes the global just defined.
    s.type('counterV');
    s.key('Tab');
    await s.waitFor(/^> counterValue$/m, 'completion of counterValue');
    s.line(' + 1');
    await s.waitFor(/^> counterValue \+ 1\n42\n>/m, 'the echoed value 42');

    // A multi-line entry shows the continuation prompt.
    s.line('fun twice(n) {');
    await s.waitFor(/^\.\.\. ?$/m, 'the continuation prompt');
    s.line('return 2 * n;');
    await s.waitFor(/^\.\.\. return 2 \* n;\n\.\.\. ?$/m, 'the continuation prompt after the body');
    s.line('}');
    // Wait for the prompt before typing on: the entry is evaluated asynchronously, and text typed
    // ahead of the prompt is echoed before it (on a loaded machine the screen then shows
    // `twice(21)` on a line without `> `).
    await s.waitFor(/^\.\.\. \}\n>\s*$/m, 'the prompt after the function');
    s.line('twice(21)');
    await s.waitFor(/^> twice\(21\)\n42\n>/m, 'the result of a multi-line function');

    // Ctrl-C stops a running program; the session and its definitions survive.
    s.line('while (true) {}');
    await new Promise((r) => setTimeout(r, 300));
    assert.not.match(lastLine(s.screen()), /^>\s*$/, 'the loop should still be running');
    s.key('C-c');
    await s.waitFor(/Interrupted\.[^]*\n>\s*$/, 'Interrupted. and a new prompt');
    s.line('print 1;');
    await s.waitFor(/^> print 1;\n1\n>/m, 'print 1; after the interrupt');
    s.line('counterValue');
    await s.waitFor(/^> counterValue\n41\n>/m, 'state intact after the interrupt');

    // Ctrl-D exits.
    s.key('C-d');
    await s.waitGone('the REPL to exit on Ctrl-D');

    assert.ok(existsSync(history), 'history file written');
    const lines = readFileSync(history, 'utf8').split('\n');
    assert.ok(lines.includes('var counterValue = 41;'), lines.join('|'));
    assert.ok(lines.includes('while (true) {}'), lines.join('|'));
    // The multi-line entry is one history entry (its newlines written as \n), its `}` kept.
    assert.ok(lines.includes('fun twice(n) {\\nreturn 2 * n;\\n}'), lines.join('|'));
  } finally {
    s.kill();
  }
});

test('terminal: history from an earlier session is recalled with Up', async () => {
  if (!HAVE_TMUX) return skip('tmux not installed (Debian package tmux)');
  const history = path.join(dir, 'history2');
  writeFileSync(history, 'print "from history";\n');
  const s = new Session('hist', history);
  try {
    await s.waitFor(/^>\s*$/m, 'the first prompt');
    s.key('Up');
    await s.waitFor(/^> print "from history";$/m, 'the recalled line');
    s.key('Enter');
    await s.waitFor(/^from history$/m, 'the recalled line run');
  } finally {
    s.kill();
  }
});

test('terminal: Ctrl-C clears a line; Ctrl-C twice on an empty prompt exits', async () => {
  if (!HAVE_TMUX) return skip('tmux not installed (Debian package tmux)');
  const s = new Session('sigint', path.join(dir, 'history3'));
  try {
    await s.waitFor(/^>\s*$/m, 'the first prompt');
    s.type('half typed');
    await s.waitFor(/^> half typed$/m, 'the typed text');
    s.key('C-c');
    await s.waitFor((sc) => /^>\s*$/.test(lastLine(sc)) && !/half typed$/m.test(lastLine(sc)), 'a fresh prompt');
    s.key('C-c');
    await s.waitFor(/To exit, press Ctrl-C again/, 'the exit hint');
    assert.ok(s.alive());
    s.key('C-c');
    await s.waitGone('the REPL to exit on the second Ctrl-C');
  } finally {
    s.kill();
  }
});

test.after(() => {
  if (HAVE_TMUX) tmux('kill-server');
});

test('terminal: input() takes the next typed line; Ctrl-C while it waits interrupts the program only', async () => {
  if (!HAVE_TMUX) return skip('tmux not installed (Debian package tmux)');
  const s = new Session('input', path.join(dir, 'history-input'));
  try {
    await s.waitFor((sc) => /^>\s*$/m.test(sc), 'the first prompt');
    s.line('var who = input("name? ");');
    await s.waitFor(/^name\?\s*$/m, "the program's own prompt");
    s.line('Grace');
    await s.waitFor((sc) => /Grace\n>\s*$/.test(sc), 'the REPL prompt after the line was read');
    s.line('print "hi " + who;');
    await s.waitFor(/^hi Grace$/m, 'the line read by input()');
    s.line('var again = input("more? ");');
    await s.waitFor(/^more\?\s*$/m, 'the second prompt');
    s.key('C-c');
    await s.waitFor(/Interrupted\.[^]*\n>\s*$/, 'Interrupted. and a new prompt');
    s.line('print who;');
    await s.waitFor(/^Grace$/m, 'the session kept its state');
  } finally {
    s.kill();
  }
});

test('terminal: mufiz FILE shows each line at once; Ctrl-C stops it with status 130', async () => {
  if (!HAVE_TMUX) { console.log('skipped: tmux not installed'); return; }
  const prog = path.join(dir, 'spin.mufi');
  // The sleep and the pause before Ctrl-C: the signal watcher thread must be up (program-main.ts:
  // until then a signal has its default action, and `Interrupted.` is never printed).
  writeFileSync(prog, 'sleep(0.5);\nprint "first line";\nwhile (true) {}\n');
  const s = new Session('spin', path.join(dir, 'history-spin'), [prog], '; echo "status=$?"; sleep 10');
  try {
    await s.waitFor(/^first line$/m, 'the printed line before the loop (line-flushed on a terminal)');
    await new Promise((r) => setTimeout(r, patience(200)));
    s.key('C-c');
    await s.waitFor(/Interrupted\.[^]*status=130/, 'Interrupted. and status 130');
  } finally {
    s.kill();
  }
});

test.run();
