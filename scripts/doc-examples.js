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
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const flags = dash >= 0 ? argv.slice(dash + 1) : [];
const file = (dash >= 0 ? argv.slice(0, dash) : argv)[0] || path.join(root, 'docs', 'language.md');

function examples(text) {
  const out = [];
  const fence = /^```(\w*)\s*$/;
  const lines = text.split('\n');
  let i = 0;
  const readBlock = (start) => {
    const body = [];
    let j = start + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j])) body.push(lines[j++]);
    return { body: body.join('\n'), end: j };
  };
  while (i < lines.length) {
    const m = fence.exec(lines[i]);
    if (m && m[1] === 'mufi') {
      const code = readBlock(i);
      let k = code.end + 1;
      while (k < lines.length && lines[k].trim() === '') k++;
      const m2 = fence.exec(lines[k] || '');
      let expected = null;
      if (m2 && m2[1] === 'output') {
        const o = readBlock(k);
        expected = o.body === '' ? '' : o.body + '\n';
        k = o.end;
      }
      out.push({ line: i + 1, code: code.body + '\n', expected });
      i = m2 && m2[1] === 'output' ? k + 1 : code.end + 1;
    } else i++;
  }
  return out;
}

let passed = 0, failed = 0;
const rel = path.relative(root, file);
for (const ex of examples(fs.readFileSync(file, 'utf8'))) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'mufiz.js'), ...flags, '-'], { input: ex.code, encoding: 'utf8', timeout: 60000 });
  const reasons = [];
  if (r.status !== 0) reasons.push(`exit ${r.status}: ${(r.stderr || '').trim().split('\n')[0]}`);
  if (ex.expected !== null && r.stdout !== ex.expected) reasons.push('stdout differs');
  if (reasons.length === 0) { passed++; console.log(`PASS ${rel}:${ex.line}`); }
  else {
    failed++;
    console.log(`FAIL ${rel}:${ex.line} (${reasons.join('; ')})`);
    if (ex.expected !== null && r.stdout !== ex.expected) console.log(`  want: ${JSON.stringify(ex.expected)}\n  got:  ${JSON.stringify(r.stdout)}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
