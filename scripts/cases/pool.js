'use strict';
/**
 * A pool of worker threads (worker.js), one per core, that run cases in-process.
 *
 * Time limits only guard against hangs. A case may run `timeout` seconds times the machine's
 * load per core (os.loadavg, at least 1): a busy machine slows a correct program down, it must
 * not fail it. The load is read again when the limit is reached, so a machine that became busy
 * meanwhile extends it. Past the limit the pool first raises the worker's interrupt flag (the
 * interpreter stops with "Interrupted." at its next back jump or call); a worker that does not
 * answer within a grace period (a hang outside the interpreter loop) is terminated and replaced.
 * Either way the case is reported as a timeout, never as a wrong answer.
 */
const os = require('os');
const path = require('path');
const { Worker } = require('worker_threads');

const WORKER = path.join(__dirname, 'worker.js');
/** Seconds a worker gets to stop after its interrupt flag was raised, before it is terminated. */
const GRACE_S = 10;
/**
 * The CLI runs a program in a worker thread (src/cli/program-thread.ts) with Node's default
 * worker stack (4 MiB); the same size here keeps "too deeply nested" behaviour the same as
 * `node bin/mufiz.js` (a smaller one made printing a value nested 1,990 deep fail here and
 * succeed in the CLI).
 */
const STACK_MB = 4;

function loadFactor() {
  const cores = Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length);
  return Math.max(1, os.loadavg()[0] / cores);
}

class CasePool {
  constructor(size = os.availableParallelism ? os.availableParallelism() : os.cpus().length) {
    this.slots = [];
    this.queue = [];
    this.nextId = 1;
    for (let i = 0; i < Math.max(1, size); i++) this.slots.push(this.newSlot());
  }

  newSlot() {
    const interrupt = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(WORKER, { workerData: { interrupt }, resourceLimits: { stackSizeMb: STACK_MB }, stdout: true, stderr: true });
    // A program's output never goes to the thread's own streams (in-process.js captures it):
    // anything there is noise from a bug, kept out of the runner's report.
    worker.stdout.resume();
    worker.stderr.resume();
    const slot = { worker, interrupt, job: null };
    worker.on('message', (m) => this.finish(slot, { kind: 'done', stdout: toBuffer(m.stdout), stderr: toBuffer(m.stderr), status: m.status, ms: m.ms }));
    worker.on('error', (e) => this.crash(slot, `the worker thread failed: ${e && e.message ? e.message : String(e)}`));
    worker.on('exit', (code) => { if (!slot.retired) this.crash(slot, `the worker thread exited (${code})`); });
    worker.unref();
    return slot;
  }

  /**
   * Runs one case: resolves to { kind: 'done', stdout, stderr, status, ms }, or
   * { kind: 'timeout', seconds, load } or { kind: 'crash', message }.
   */
  run(task, timeoutSeconds) {
    return new Promise((resolve) => {
      this.queue.push({ task: { ...task, id: this.nextId++ }, timeoutSeconds, resolve });
      this.dispatch();
    });
  }

  dispatch() {
    for (const slot of this.slots) {
      if (slot.job !== null || this.queue.length === 0) continue;
      const job = this.queue.shift();
      slot.job = job;
      job.start = Date.now();
      job.interrupted = false;
      slot.worker.ref();
      slot.worker.postMessage(job.task);
      this.arm(slot, job, job.timeoutSeconds * loadFactor() * 1000);
    }
  }

  /** The hang guard: re-armed while the (re-read) load still allows more time. */
  arm(slot, job, ms) {
    job.timer = setTimeout(() => {
      if (slot.job !== job) return;
      const elapsed = Date.now() - job.start;
      const load = loadFactor();
      const allowed = job.timeoutSeconds * load * 1000;
      if (elapsed < allowed) return this.arm(slot, job, allowed - elapsed);
      job.interrupted = true;
      job.load = load;
      Atomics.store(slot.interrupt, 0, 1);
      job.timer = setTimeout(() => {
        if (slot.job !== job) return;
        this.replace(slot);
        this.settle(slot, job, this.timeoutResult(job));
      }, GRACE_S * load * 1000);
    }, Math.max(1, ms));
  }

  timeoutResult(job) {
    return { kind: 'timeout', seconds: Math.round((Date.now() - job.start) / 1000), load: job.load };
  }

  finish(slot, result) {
    const job = slot.job;
    if (job === null) return;
    // An answer after the interrupt is the "Interrupted." of a program that ran too long.
    this.settle(slot, job, job.interrupted ? this.timeoutResult(job) : result);
  }

  crash(slot, message) {
    const job = slot.job;
    this.replace(slot);
    if (job !== null) this.settle(slot, job, { kind: 'crash', message });
  }

  /** Terminates a slot's worker and puts a fresh one in its place. */
  replace(slot) {
    slot.retired = true;
    slot.worker.terminate();
    const fresh = this.newSlot();
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots[i] = fresh;
  }

  settle(slot, job, result) {
    clearTimeout(job.timer);
    if (slot.job === job) slot.job = null;
    if (slot.job === null && !slot.retired) slot.worker.unref();
    job.resolve(result);
    this.dispatch();
  }

  async close() {
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) s.retired = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

function toBuffer(u8) {
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

module.exports = { CasePool, loadFactor };
