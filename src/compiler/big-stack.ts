/**
 * Compiling deeply nested programs on a larger host stack.
 *
 * The parser (chevrotain, about fourteen rule calls per nesting level of an expression) and the
 * code generator recurse on nested constructs. On the main thread's ~1 MB V8 stack that allows
 * only about a hundred nested parentheses. Every input is first compiled on the normal stack;
 * only when that runs out of stack is the same work redone in a worker thread whose stack is
 * BIG_STACK_MB, with the caller blocked until it finishes (Atomics.wait), so compile() stays
 * synchronous. Normal programs never start the worker. The measured limits are in
 * docs/compatibility.md ("Nesting limits").
 */
/** Stack of the helper thread. Reserved address space; only the part used is touched. */
export const BIG_STACK_MB = 64;

/** Work the helper thread can do: the name of a function of ./index and its arguments. */
export type BigStackTask = { readonly fn: 'compile' | 'astJson'; readonly args: readonly unknown[] };

/** Set (on the global object) by the helper thread's code before it loads the compiler. */
const MARK = '__mufizBigStack';

/**
 * True inside the helper thread: no second helper is started from there. Also true where no
 * helper thread can be had (a browser: no require): compile as on the biggest stack there is,
 * so too deep a program is the "Program too deeply nested." error at once. (worker_threads is
 * required only to start the helper: it loads a dozen of node's modules a compile never needs.)
 */
export const onBigStack = typeof require !== 'function' || (globalThis as Record<string, unknown>)[MARK] === true;

/**
 * Runs `task` in a helper thread with a BIG_STACK_MB stack and returns its result (which must be
 * structured-cloneable). Throws if the thread fails.
 */
export function runOnBigStack<T>(task: BigStackTask): T {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { MessageChannel, Worker, receiveMessageOnPort } = require('worker_threads') as typeof import('worker_threads');
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  // Under ts-node (the unit tests) the sources are .ts files: register it in the thread too.
  const entry = __filename;
  const code = `
    const { workerData } = require('worker_threads');
    globalThis.${MARK} = true;
    if (${JSON.stringify(entry)}.endsWith('.ts')) require('ts-node').register({ transpileOnly: true });
    const { port, done, task, entry } = workerData;
    let reply;
    try {
      const api = require(require('path').join(require('path').dirname(entry), 'index'));
      reply = { ok: api[task.fn](...task.args) };
    } catch (e) {
      reply = { error: String(e && e.message || e) };
    }
    port.postMessage(reply);
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  `;
  const worker = new Worker(code, {
    eval: true,
    workerData: { bigStack: true, port: port2, done, task, entry },
    transferList: [port2],
    resourceLimits: { stackSizeMb: BIG_STACK_MB },
    stdout: false,
    stderr: false,
  });
  try {
    Atomics.wait(done, 0, 0);
    const msg = receiveMessageOnPort(port1);
    const reply = msg?.message as { ok?: T; error?: string } | undefined;
    if (reply === undefined) throw new Error('the compiler thread stopped without an answer');
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply.ok as T;
  } finally {
    port1.close();
    void worker.terminate();
  }
}
