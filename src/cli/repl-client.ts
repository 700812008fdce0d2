import { join } from 'path';
import { Worker } from 'worker_threads';
import { CliOptions } from './options';
import { Reply, Request, Ready, WorkerSetup, InputRequest, InputState, INPUT_CHANNEL_BYTES } from './repl-protocol';
import { EXIT_RUNTIME } from './status';
import { EXIT_BROKEN_PIPE } from './output';

type Pending = { resolve: (r: Reply) => void };
type Op = Request extends infer R ? (R extends { op: infer O } ? O : never) : never;

/**
 * The main thread's handle on the evaluation worker: one request at a time, answered in order.
 * If the worker dies (or is restarted because a program ignored Ctrl-C), the pending request is
 * answered with an error and a fresh worker (with a fresh engine) takes its place.
 */
export class EvalWorker {
  private worker!: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private readyPromise!: Promise<Ready>;
  globals: string[] = [];
  private readonly retired = new WeakSet<Worker>();
  private readonly input = new SharedArrayBuffer(INPUT_CHANNEL_BYTES);
  /** Called when the running program waits in input(); the owner answers with answerInput(). */
  onInputRequest: () => void = () => this.answerInput(null);
  /** A program is blocked in input() until answerInput() is called. */
  inputPending = false;

  constructor(private readonly options: CliOptions, readonly interrupt: Int32Array, private readonly color: boolean, private readonly unbuffered: boolean) {
    this.spawn();
  }

  private spawn(): void {
    const setup: WorkerSetup = { options: this.options, interrupt: this.interrupt, color: this.color, unbuffered: this.unbuffered, input: this.input };
    const worker = new Worker(join(__dirname, 'repl-worker.js'), { workerData: setup, stdout: false, stderr: false });
    this.worker = worker;
    let readyResolve!: (r: Ready) => void;
    this.readyPromise = new Promise((resolve) => { readyResolve = resolve; });
    worker.on('message', (m: Reply | Ready | InputRequest) => {
      if ('input' in m) {
        this.inputPending = true;
        this.onInputRequest();
        return;
      }
      if ('ready' in m) {
        this.globals = m.globals;
        readyResolve(m);
        return;
      }
      this.globals = m.globals;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m);
    });
    const died = (why: string) => {
      if (this.worker !== worker || this.retired.has(worker)) return;
      readyResolve({ id: 0, ready: true, globals: [], fatal: why });
      this.failPending(why);
      this.spawn();
    };
    worker.on('error', (e) => died(`Internal error: ${e && e.message ? e.message : String(e)}\n(the session was restarted; its definitions are lost)`));
    worker.on('exit', (code) => {
      // The worker found stdout closed (output.ts): the session ends as the program would.
      if (code === EXIT_BROKEN_PIPE && !this.retired.has(worker)) process.exit(EXIT_BROKEN_PIPE);
      died(`Internal error: the evaluator stopped (status ${code}); the session was restarted and its definitions are lost.`);
    });
  }

  private failPending(why: string): void {
    for (const [id, p] of this.pending) p.resolve({ id, status: EXIT_RUNTIME, out: '', err: why, globals: this.globals });
    this.pending.clear();
  }

  /** Answers the program's input(): a line, null for end of input, or 'interrupt' (Ctrl-C). */
  answerInput(line: string | null | 'interrupt'): void {
    if (!this.inputPending) return;
    this.inputPending = false;
    const header = new Int32Array(this.input, 0, 2);
    let state: InputState = InputState.EOF;
    if (line === 'interrupt') state = InputState.INTERRUPTED;
    else if (line !== null) {
      const room = new Uint8Array(this.input, 8);
      header[1] = new TextEncoder().encodeInto(line, room).written; // a longer line is cut at 1 MiB
      state = InputState.LINE;
    }
    Atomics.store(header, 0, state);
    Atomics.notify(header, 0);
  }

  ready(): Promise<Ready> {
    return this.readyPromise;
  }

  request(req: { op: Op; source?: string; file?: string; echo?: boolean }): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      this.worker.postMessage({ ...req, id });
    });
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Ask the running program to stop (it ends with `Interrupted.`). */
  requestInterrupt(): void {
    Atomics.store(this.interrupt, 0, 1);
  }

  /** The flag is still set: the VM has not reached a check since it was raised. */
  get interruptPending(): boolean {
    return Atomics.load(this.interrupt, 0) !== 0;
  }

  clearInterrupt(): void {
    Atomics.store(this.interrupt, 0, 0);
  }

  /** Kill the worker (a program that does not stop) and start a fresh one. */
  async restart(why: string): Promise<void> {
    const old = this.worker;
    this.retired.add(old);
    await old.terminate();
    this.failPending(why);
    this.clearInterrupt();
    this.spawn();
    await this.readyPromise;
  }

  async stop(): Promise<void> {
    this.retired.add(this.worker);
    await this.worker.terminate();
  }
}
