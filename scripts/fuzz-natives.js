#!/usr/bin/env node
'use strict';
/**
 * Calls every native (except those that block or reach outside the process) with odd
 * arguments — nil, negatives, huge and NaN numbers, i32 extremes, every kind of object, 0 to 4
 * arguments — in one process through the Engine, and reports any call whose failure is not a
 * clean MufiZ runtime error (a JS exception escaping, or a message with `Internal`, `undefined`,
 * `NaN` or `[object`). Needs a build (dist/).
 *
 *   node scripts/fuzz-natives.js        prints `N runs, M bad` and exits 1 when M > 0
 */
const path = require('path');
const { allNatives } = require(path.join(__dirname, '..', 'dist', 'vm', 'natives'));
const { Engine } = require(path.join(__dirname, '..', 'dist', 'index'));

const ARGS = ['nil', '-1', '1e300', '"x"', '""', '[]', '[1,2]', '#{}', 'linked_list()', '1..3', '("a" => 1)',
  '[[1,2],[3,4]]', '1i', '0/0', '2147483647', '-2147483648'];
const SECOND = ['nil', '-1', '"x"', '[1]', '1e10', '0'];
const OUTSIDE = new Set(['exit', 'sleep', 'input', 'open_url', 'http_get', 'http_post', 'http_put', 'http_delete',
  'create_file', 'write_file', 'delete_file', 'create_dir', 'delete_dir', 'read_file']);

let runs = 0, bad = 0;
for (const { name } of allNatives({ sandbox: false })) {
  if (OUTSIDE.has(name)) continue;
  const engine = new Engine({ write: () => {}, gc: {}, allocator: { heapLimit: 64 * 1024 * 1024 } });
  const badBefore = bad;
  const calls = [`${name}();`];
  for (const a of ARGS) {
    calls.push(`${name}(${a});`, `${name}(${a}, 2, 3);`, `${name}(${a}, 0, 0, 4);`);
    for (const b of SECOND) calls.push(`${name}(${a}, ${b});`);
  }
  for (const call of calls) {
    runs++;
    let outcome;
    try {
      outcome = engine.run(call, 'fuzz.mufi');
    } catch (e) {
      bad++;
      console.log(`THROW ${call} ${String(e).slice(0, 200)}`);
      continue;
    }
    if (outcome.kind === 'runtime-error' && /Internal|undefined|NaN|\[object/.test(outcome.error.message)) {
      bad++;
      console.log(`MESSAGE ${call} ${outcome.error.message}`);
    }
  }
  // After a throw the heap may hold stray bytes anywhere: then it is not reused.
  engine.dispose({ reuseHeap: bad === badBefore });
}
console.log(`${runs} runs, ${bad} bad`);
process.exit(bad === 0 ? 0 : 1);
