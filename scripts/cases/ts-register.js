'use strict';
/**
 * `node -r ./scripts/cases/ts-register.js node_modules/uvu/bin.js tests PATTERN`: loads .ts
 * files through ts-cache.js (transpiled as ts-node --transpile-only would, cached on disk).
 */
const { transpiled } = require('./ts-cache');

if (process.setSourceMapsEnabled) process.setSourceMapsEnabled(true);
require.extensions['.ts'] = (module, filename) => {
  module._compile(transpiled(filename), filename);
};

/**
 * Test files make many engines, each with a 2 GiB heap reservation V8 collects late, and start
 * processes: a full collection every COLLECT_EVERY heaps keeps the reservations few, so that fork
 * never meets a merged mapping larger than RAM (see Heap.beforeReserve in src/memory/heap.ts).
 * Both builds of the heap are hooked: the sources the tests import and dist/, which in-process
 * runs use.
 */
const COLLECT_EVERY = 3;
require('v8').setFlagsFromString('--expose-gc');
const collect = require('vm').runInNewContext('gc');
let heapsMade = 0;
const beforeReserve = () => { if (++heapsMade % COLLECT_EVERY === 0) collect(); };
const path = require('path');
require(path.join(__dirname, '..', '..', 'src', 'memory', 'heap.ts')).Heap.beforeReserve = beforeReserve;
try {
  require(path.join(__dirname, '..', '..', 'dist', 'memory', 'heap.js')).Heap.beforeReserve = beforeReserve;
} catch {
  // No build yet: only the sources are used.
}
