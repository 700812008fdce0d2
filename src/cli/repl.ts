/**
 * The REPL's main thread: readline (prompt, line editing, history, tab completion), the dot
 * commands, and Ctrl-C. Programs run in a worker thread (repl-worker.ts) so that Ctrl-C can stop
 * a running `while (true) {}`: a synchronous loop on this thread would never let a signal handler
 * run, so this thread sets a shared interrupt flag (Atomics) that the VM polls instead.
 *
 * On a terminal it prompts (`> `, then `... ` for continuation lines). On a pipe it evaluates the
 * input entry by entry with the same echo of expression values, but prints no prompts.
 */
import * as readline from 'readline';
import { writeFileSync } from 'fs';
import { CliOptions } from './options';
import { writeAll } from './output';
import { readLibraries, readText, readFailure } from './read-source';
import { wantColor } from './color';
import { EvalWorker } from './repl-client';
import { needsMoreInput } from './repl-input';
import { complete } from './repl-complete';
import { COMMAND_NAMES, replHelp } from './repl-commands';
import { historyPath, loadHistory, appendHistory, HISTORY_SIZE } from './history';
import { EXIT_OK, EXIT_COMPILE, EXIT_RUNTIME, VERSION_LINE } from './status';

const PROMPT = '> ';
/** Dot commands that read or write files: refused under --sandbox. */
const FILE_COMMANDS = ['.load', '.save'];
const CONTINUE = '... ';

const out = (text: string): void => { if (text !== '') writeAll(1, text); };
const err = (text: string): void => { if (text !== '') writeAll(2, text.endsWith('\n') ? text : text + '\n'); };

export async function startRepl(o: CliOptions): Promise<number> {
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const libs = readLibraries(o.links);
  if (typeof libs === 'number') return libs;
  const interrupt = new Int32Array(new SharedArrayBuffer(4));
  const worker = new EvalWorker(o, interrupt, wantColor(), process.stdout.isTTY === true);
  if (interactive && libs.length === 0) {
    // The prompt comes up while the worker is still starting (loading the VM, reserving the
    // heap): typing can begin at once, and the first entry waits for the worker (requests queue
    // until it is ready). If the worker cannot start, the session ends as it would have.
    const repl = new Repl(o, worker, interactive);
    void worker.ready().then((r) => { if (r.fatal !== undefined) void repl.abort(r.fatal); });
    return repl.start();
  }
  const ready = await worker.ready();
  if (ready.fatal !== undefined) {
    err(ready.fatal);
    await worker.stop();
    return EXIT_RUNTIME;
  }
  for (const lib of libs) {
    const r = await worker.request({ op: 'run', source: lib.source, file: lib.file, echo: false });
    out(r.out);
    err(r.err);
    if (r.exit !== undefined) { await worker.stop(); return r.exit; }
  }
  return new Repl(o, worker, interactive).start();
}

class Repl {
  private readonly rl: readline.Interface;
  private readonly history = historyPath();
  /** Lines of an entry still open (a bracket or string not yet closed). */
  private buffer: string[] = [];
  /** Lines received while an entry runs. */
  private queue: string[] = [];
  /** Entries that compiled, for .save. */
  private readonly entries: string[] = [];
  private busy = false;
  private closed = false;
  private done = false;
  private sawSigint = false;
  private resolveDone!: (status: number) => void;

  constructor(private readonly o: CliOptions, private readonly worker: EvalWorker, private readonly interactive: boolean) {
    this.rl = readline.createInterface({
      input: process.stdin,
      output: interactive ? process.stdout : undefined,
      terminal: interactive,
      prompt: PROMPT,
      history: interactive ? loadHistory(this.history) : [],
      historySize: HISTORY_SIZE,
      // Duplicates are removed per entry in remember(); readline's own removal works per line
      // and would drop an older entry's `}`.
      removeHistoryDuplicates: false,
      completer: interactive ? (line: string) => complete(line, this.worker.globals, COMMAND_NAMES) : undefined,
      crlfDelay: Infinity,
      tabSize: 4,
    });
  }

  start(): Promise<number> {
    const finished = new Promise<number>((resolve) => { this.resolveDone = resolve; });
    // A program waiting in input() takes the next line (queued or typed) instead of the REPL.
    this.worker.onInputRequest = () => {
      this.rl.setPrompt(''); // the program printed its own prompt; a redraw must not add ours
      if (this.queue.length > 0) this.worker.answerInput(this.queue.shift() as string);
      else if (this.closed) this.worker.answerInput(null);
    };
    this.rl.on('line', (line) => {
      if (this.worker.inputPending) { this.worker.answerInput(line); return; }
      this.queue.push(line);
      void this.pump();
    });
    this.rl.on('close', () => {
      this.closed = true;
      this.worker.answerInput(null);
      void this.pump();
    });
    this.rl.on('SIGINT', () => this.onSigint());
    process.on('SIGINT', () => this.onSigint());
    if (this.interactive) {
      out(`${VERSION_LINE}\nType .help for help; .exit or Ctrl-D quits.\n`);
      this.prompt();
    }
    return finished;
  }

  private prompt(): void {
    this.rl.setPrompt(this.buffer.length > 0 ? CONTINUE : PROMPT);
    this.rl.prompt();
  }

  /** Runs queued lines one at a time; then prompts, or ends the session at end of input. */
  private async pump(): Promise<void> {
    if (this.busy || this.done) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.done) await this.handleLine(this.queue.shift() as string);
      if (this.closed && !this.done) {
        if (this.interactive) out('\n');
        if (this.buffer.length > 0) {
          const rest = this.buffer.join('\n');
          this.buffer = [];
          await this.evaluate(rest, '<repl>', true);
        }
        if (!this.done) await this.finish(EXIT_OK);
      }
    } catch (e) {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      err((require('./engine') as typeof import('./engine')).internalError(e));
    } finally {
      this.busy = false;
    }
    if (!this.done && this.interactive && !this.closed) this.prompt();
  }

  private async handleLine(line: string): Promise<void> {
    this.sawSigint = false;
    if (this.buffer.length === 0 && /^\s*\.[A-Za-z]/.test(line)) {
      this.remember([line]);
      await this.command(line.trim());
      return;
    }
    this.buffer.push(line);
    const text = this.buffer.join('\n');
    if (needsMoreInput(text)) return;
    this.remember(this.buffer);
    this.buffer = [];
    if (text.trim() === '') return;
    await this.evaluate(text, '<repl>', true);
  }

  /**
   * Makes a complete entry one history item (readline added each of its lines separately, newest
   * first, skipping blank ones) and appends it to the history file.
   */
  private remember(lines: readonly string[]): void {
    if (!this.interactive) return;
    const h = (this.rl as unknown as { history: string[] }).history;
    for (let i = lines.length - 1; i >= 0; i--) {
      if (lines[i].trim() !== '' && h[0] === lines[i]) h.shift();
    }
    const entry = lines.join('\n');
    if (entry.trim() === '') return;
    const older = h.indexOf(entry);
    if (older >= 0) h.splice(older, 1);
    h.unshift(entry);
    if (h.length > HISTORY_SIZE) h.length = HISTORY_SIZE;
    appendHistory(this.history, entry);
  }

  private async evaluate(source: string, file: string, echo: boolean): Promise<void> {
    this.worker.clearInterrupt();
    const r = await this.worker.request({ op: 'run', source, file, echo });
    out(r.out);
    err(r.err);
    if (r.status !== EXIT_COMPILE && echo) this.entries.push(r.ran ?? source);
    if (r.exit !== undefined) await this.finish(r.exit);
  }

  private async command(line: string): Promise<void> {
    const space = line.search(/\s/);
    const name = space < 0 ? line : line.slice(0, space);
    const arg = space < 0 ? '' : line.slice(space + 1).trim();
    if (this.o.sandbox && FILE_COMMANDS.includes(name)) {
      // The sandbox keeps programs away from the file system; a dot command must not be a way around it.
      err(`${name} is not available in the sandbox (--sandbox): it would ${name === '.load' ? 'read' : 'write'} a file`);
      return;
    }
    switch (name) {
      case '.help':
        out(replHelp());
        return;
      case '.exit':
        await this.finish(EXIT_OK);
        return;
      case '.load': {
        if (arg === '') { err('usage: .load FILE'); return; }
        const text = readText(arg, arg);
        if (text !== null) {
          await this.evaluate(text, arg, false);
          this.entries.push(text.replace(/\n$/, ''));
        }
        return;
      }
      case '.save': {
        if (arg === '') { err('usage: .save FILE'); return; }
        try {
          writeFileSync(arg, this.entries.map((e) => e + '\n').join(''));
          out(`Saved ${this.entries.length} ${this.entries.length === 1 ? 'entry' : 'entries'} to ${arg}\n`);
        } catch (e) {
          err(`mufiz: cannot write '${arg}': ${readFailure(e)}`);
        }
        return;
      }
      case '.stats':
      case '.gc': {
        const r = await this.worker.request({ op: name === '.gc' ? 'gc' : 'stats' });
        out(r.out);
        err(r.err);
        return;
      }
      case '.bytecode': {
        if (arg === '') { err('usage: .bytecode CODE'); return; }
        const r = await this.worker.request({ op: 'bytecode', source: arg });
        out(r.out);
        err(r.err);
        return;
      }
      default:
        err(`Unknown REPL command '${name}' (.help lists them)`);
    }
  }

  private onSigint(): void {
    if (this.done) return;
    if (this.worker.inputPending) {
      // A program waits in input(): it ends with `Interrupted.`, the session goes on.
      this.queue = [];
      this.worker.answerInput('interrupt');
      return;
    }
    if (this.worker.busy) {
      // A program runs: ask the VM to stop; drop whatever was typed ahead.
      this.queue = [];
      if (this.worker.interruptPending) {
        err('\nThe program does not respond to Ctrl-C: restarting the session (its definitions are lost).');
        void this.worker.restart('Interrupted.');
      } else {
        this.worker.requestInterrupt();
      }
      return;
    }
    if (!this.interactive) {
      void this.finish(130);
      return;
    }
    if (this.busy) return;
    const empty = this.rl.line === '' && this.buffer.length === 0;
    (this.rl as unknown as { clearLine(): void }).clearLine();
    this.buffer = [];
    if (empty) {
      if (this.sawSigint) { this.rl.close(); return; }
      out('(To exit, press Ctrl-C again or Ctrl-D, or type .exit)\n');
      this.sawSigint = true;
    } else {
      this.sawSigint = false;
    }
    this.prompt();
  }

  /** The worker could not start: say why and end the session (the prompt was already shown). */
  async abort(why: string): Promise<void> {
    if (this.done) return;
    this.done = true;
    out('\n');
    err(why);
    await this.worker.stop();
    this.rl.close();
    this.resolveDone(EXIT_RUNTIME);
  }

  private async finish(status: number): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (this.o.gcStats || this.o.memStats || this.o.memProfile || this.o.gcReport !== null || this.o.leakCheck) {
      const r = await this.worker.request({ op: 'final' });
      err(r.err);
      if (r.status !== EXIT_OK && status === EXIT_OK) status = r.status;
    }
    await this.worker.stop();
    this.rl.close();
    this.resolveDone(status);
  }
}
