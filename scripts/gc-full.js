#!/usr/bin/env node
'use strict';
/**
 * `npm run test:gc-full`: the golden programs, the guide's examples and the shared conformance
 * corpus under full `--gc-stress --heap-verify` in every collector mode (stw, incremental,
 * generational), then the leak check in every mode. Run before a collector change lands, not on
 * every commit. The cases run in-process, in parallel, as in `npm test`: this is
 * `node scripts/test-all.js --gc-full` (see GC_FULL_MODES there); the last line is
 * `N passed, M failed, K skipped`.
 *
 *   node scripts/gc-full.js [--modes stw,incremental] [--slowest N]
 */
const { spawnSync } = require('child_process');
const path = require('path');

const argv = process.argv.slice(2);
const args = [path.join(__dirname, 'test-all.js'), '--gc-full', 'stw,incremental,generational'];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--modes') args[2] = argv[++i];
  else if (argv[i] === '--slowest') args.push('--slowest', argv[++i]);
  else { console.error(`gc-full: unknown option ${argv[i]}`); process.exit(2); }
}
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exitCode = r.status === null ? 1 : r.status;
