'use strict';
/**
 * A worker thread of the case pool (pool.js): runs the cases it is sent, one at a time, each
 * with a fresh engine (in-process.js), and answers with the result. workerData.interrupt is the
 * flag the pool raises when a case runs too long.
 */
const { parentPort, workerData } = require('worker_threads');
const { runInProcess } = require('./in-process');

const interrupt = workerData.interrupt;

parentPort.on('message', (task) => {
  Atomics.store(interrupt, 0, 0);
  const start = performance.now();
  const r = runInProcess(task.flags, task.file, task.source, interrupt);
  parentPort.postMessage({ id: task.id, stdout: r.stdout, stderr: r.stderr, status: r.status, ms: performance.now() - start });
});
