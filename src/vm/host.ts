import type { CollectionRecord } from '../gc';

/**
 * Everything the engine needs from whoever embeds it: the CLI, the REPL's worker thread and the
 * browser playground's worker each give one. The engine core reaches no process, file or
 * thread API of its own; what it cannot get here it does without (no `readLine`: input() is a
 * runtime error; no flag: a program cannot be interrupted).
 */
export interface Host {
  /** Program output (print, input's prompt). May buffer: see flush. */
  write(text: string): void;
  /** Makes buffered output visible; called before the VM blocks (input, sleep). */
  flush?(): void;
  /**
   * The next line for input(), without its line break, or null at end of input. It may block
   * (a blocking read, or Atomics.wait for another thread's answer).
   */
  readLine?(): string | null;
  /** One --gc-trace line (no newline), when the collector's `trace` option is on. */
  trace?(line: string): void;
  /** Called after every collection with its record: for live views of the heap. */
  collected?(record: CollectionRecord): void;
  /** Milliseconds on a monotonic clock (sleep, and clock() when no `clock` is given); performance.now when absent. */
  now?(): number;
  /**
   * Seconds for clock(). Absent: now() / 1000 when the host gives `now`; else the process's CPU
   * time (user + system, as C's clock() in clox) where there is one (Node), else performance.now.
   */
  clock?(): number;
  /**
   * Interrupt flag, normally over a SharedArrayBuffer so another thread can raise it: when
   * element 0 is non-zero at a backward jump, a call or a blocking wait, the program stops with
   * the runtime error `Interrupted.` and the flag is cleared.
   */
  interrupt?: Int32Array;
}

/** A Host with every optional part filled in (what the runtime keeps). */
export interface FullHost {
  write(text: string): void;
  flush(): void;
  readLine: (() => string | null) | null;
  trace: ((line: string) => void) | null;
  collected: ((record: CollectionRecord) => void) | null;
  now(): number;
  clock(): number;
  interrupt: Int32Array;
}

/** CPU seconds of this process (user + system), or null where there is no process (a browser). */
function cpuClock(): (() => number) | null {
  const proc = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
  const cpuUsage = proc?.cpuUsage;
  if (typeof cpuUsage !== 'function') return null;
  return () => { const t = cpuUsage.call(proc); return (t.user + t.system) / 1e6; };
}

export function completeHost(host: Partial<Host>): FullHost {
  const write = host.write !== undefined ? host.write.bind(host) : (): void => undefined;
  const flush = host.flush;
  const readLine = host.readLine;
  const now = host.now;
  const { trace, collected, clock } = host;
  return {
    write,
    flush: flush !== undefined ? () => flush.call(host) : () => undefined,
    readLine: readLine !== undefined ? () => readLine.call(host) : null,
    trace: trace !== undefined ? trace.bind(host) : null,
    collected: collected !== undefined ? collected.bind(host) : null,
    now: now !== undefined ? () => now.call(host) : () => performance.now(),
    clock: clock !== undefined ? () => clock.call(host)
      : now !== undefined ? () => now.call(host) / 1000
      : cpuClock() ?? (() => performance.now() / 1000),
    interrupt: host.interrupt ?? new Int32Array(1),
  };
}
