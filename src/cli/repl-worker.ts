/**
 * The REPL's evaluation thread. It owns the session's one Engine, so definitions persist between
 * entries; each entry runs as a new script in the same VM. The main thread keeps readline and
 * sets the shared interrupt flag on Ctrl-C, which the VM polls at backward jumps and calls.
 */
import { parentPort, workerData } from 'worker_threads';
import { Engine, RuntimeError, compile, disassemble } from '../index';
import { createEngine, describeOutcome, internalError } from './engine';
import { BufferedOutput, writeAll } from './output';
import { gcStatsReport, memStatsReport } from './reports';
import { finalReports } from './run';
import { formatMiB } from './sizes';
import { Reply, Request, WorkerSetup, InputState } from './repl-protocol';
import { EXIT_OK, EXIT_COMPILE, EXIT_RUNTIME } from './status';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const out = new BufferedOutput(1, setup.unbuffered ? 0 : 1 << 16);

function globals(engine: Engine | null): string[] {
  return engine === null ? [] : engine.globalNames();
}

let engine: Engine | null = null;
try {
  engine = createEngine(setup.options, {
    write: out.write, flush: () => out.flush(), readLine: askMainThreadForLine, interrupt: setup.interrupt,
    trace: (line) => { out.flush(); writeAll(2, line + '\n'); },
  });
  port.postMessage({ id: 0, ready: true, globals: globals(engine) });
  // Build the compiler (chevrotain, the parser) now, while the user types the first entry,
  // rather than on that entry. A message that arrives meanwhile waits the same time at most.
  setImmediate(() => { compile('nil;', '<warm-up>'); });
} catch (e) {
  port.postMessage({ id: 0, ready: true, globals: [], fatal: `mufiz: cannot create the heap: ${(e as Error).message}` });
}

/**
 * input(): the next line the user types (or the next piped line), from the main thread. An
 * interrupt while waiting throws `Interrupted.`, as in a running loop.
 */
function askMainThreadForLine(): string | null {
  const header = new Int32Array(setup.input, 0, 2);
  Atomics.store(header, 0, InputState.WAITING);
  out.flush(); // the prompt must be visible before we wait
  port.postMessage({ input: true });
  Atomics.wait(header, 0, InputState.WAITING);
  const state = Atomics.load(header, 0);
  if (state === InputState.EOF) return null;
  if (state === InputState.INTERRUPTED) throw new RuntimeError('Interrupted.');
  const bytes = new Uint8Array(setup.input, 8, header[1]).slice(); // TextDecoder refuses shared memory
  return new TextDecoder().decode(bytes);
}

/**
 * An entry without a final `;` (`1 + 2`, `#{"a": 1}`) is run with one added, when it does not
 * compile as typed and the `;` makes it compile. (An entry ending in `}` may be a block, a
 * function, or a table literal that needs the `;`: only compiling tells.)
 */
export function withSemicolon(source: string): string {
  if (/;\s*$/.test(source) || source.trim() === '') return source;
  if (/}\s*$/.test(source) && compile(source, '<repl>').script !== null) return source;
  return compile(source + ';', '<repl>').script !== null ? source + ';' : source;
}

function handle(e: Engine, req: Request): Omit<Reply, 'id' | 'globals'> {
  switch (req.op) {
    case 'run': {
      const source = req.echo ? withSemicolon(req.source) : req.source;
      const outcome = e.run(source, req.file, { replEcho: req.echo });
      const { status, text } = describeOutcome(outcome, source, setup.color);
      return { status, out: '', err: text, exit: outcome.kind === 'exit' ? outcome.status : undefined, ran: source };
    }
    case 'stats':
      return { status: EXIT_OK, out: gcStatsReport(e) + '\n' + memStatsReport(e) + '\n', err: '' };
    case 'gc': {
      const before = e.heapNow().liveBytes;
      const freed = e.collect();
      const m = e.heapNow();
      return {
        status: EXIT_OK,
        out: `Collected: ${freed} bytes freed (${formatMiB(freed)}); live ${before} -> ${m.liveBytes} bytes in ${m.liveBlocks} blocks.\n`,
        err: '',
      };
    }
    case 'bytecode': {
      const source = withSemicolon(req.source);
      const result = compile(source, '<repl>');
      if (result.script === null) {
        return { status: EXIT_COMPILE, out: '', err: describeOutcome({ kind: 'compile-error', diagnostics: result.errors, omitted: result.omitted }, source, setup.color).text };
      }
      return { status: EXIT_OK, out: disassemble(result.script), err: '' };
    }
    case 'final': {
      const r = finalReports(setup.options, e);
      return { status: r.failed ? EXIT_RUNTIME : EXIT_OK, out: '', err: r.text };
    }
  }
}

port.on('message', (req: Request) => {
  let reply: Omit<Reply, 'id' | 'globals'>;
  if (engine === null) {
    reply = { status: EXIT_RUNTIME, out: '', err: 'mufiz: no engine' };
  } else {
    try {
      reply = handle(engine, req);
    } catch (err) {
      reply = { status: EXIT_RUNTIME, out: '', err: internalError(err) };
    }
  }
  out.flush(); // the program's output appears before the reply (and the next prompt)
  port.postMessage({ ...reply, id: req.id, globals: globals(engine) });
});
