#!/usr/bin/env node
'use strict';
/**
 * Runs the examples of a Markdown guide (default docs/language.md) as golden programs: every
 * ```mufi block immediately followed by an ```output block is a case (the output block is the
 * exact stdout). A ```mufi block with no output block is only checked to run without error.
 *
 *   node scripts/doc-examples.js [FILE.md] [-- FLAGS...]
 *
 * Prints PASS/FAIL lines naming the example's line in the guide, then `N passed, M failed`.
 */
const { spawnSync } = require('child_process');
const path = require('path');
const { guideCases } = require('./cases/find');

const root = path.join(__dirname, '..');
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const flags = dash >= 0 ? argv.slice(dash + 1) : [];
const file = (dash >= 0 ? argv.slice(0, dash) : argv)[0] || path.join(root, 'docs', 'language.md');

let passed = 0, failed = 0;
for (const ex of guideCases(root, file)) {
  const expected = ex.expect.stdout === null ? null : ex.expect.stdout.toString('utf8');
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'mufiz.js'), ...flags, '-'], { input: ex.source, encoding: 'utf8', timeout: 60000 });
  const reasons = [];
  if (r.status !== 0) reasons.push(`exit ${r.status}: ${(r.stderr || '').trim().split('\n')[0]}`);
  if (expected !== null && r.stdout !== expected) reasons.push('stdout differs');
  if (reasons.length === 0) { passed++; console.log(`PASS ${ex.name}`); }
  else {
    failed++;
    console.log(`FAIL ${ex.name} (${reasons.join('; ')})`);
    if (expected !== null && r.stdout !== expected) console.log(`  want: ${JSON.stringify(expected)}\n  got:  ${JSON.stringify(r.stdout)}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
