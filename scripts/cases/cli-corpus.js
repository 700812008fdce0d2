'use strict';
/**
 * The shared corpus through the real command line, `bin/mufiz.js FILE` run as a command (its
 * shell launcher, then node: bin/mufiz.js), judged by the
 * corpus's own runner (../shared/conformance/run.sh, read-only). run.sh runs its cases one after
 * the other, so the corpus is dealt round-robin into one MUFI_LIST file per core and one run.sh
 * runs each list; their PASS/FAIL lines are counted as they come.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { loadFactor } = require('./pool');

/**
 * conformanceDir: ../shared/conformance; cases: from find.js corpusCases (names are the paths
 * relative to conformanceDir, as MUFI_LIST wants them); flags: extra interpreter flags;
 * timeout: seconds per case on an idle machine, scaled by the load when the shards start.
 */
async function runCorpusCli(root, conformanceDir, cases, flags, timeout, jobs, suite) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mufiz-corpus-'));
  try {
    const lists = Array.from({ length: Math.max(1, Math.min(jobs, cases.length)) }, () => []);
    cases.forEach((c, i) => lists[i % lists.length].push(c.name));
    const seconds = Math.ceil(timeout * loadFactor());
    await Promise.all(lists.map((names, i) => {
      const list = path.join(dir, `list${i}.txt`);
      fs.writeFileSync(list, names.join('\n') + '\n');
      return shard(root, conformanceDir, list, flags, seconds, suite);
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function shard(root, conformanceDir, list, flags, seconds, suite) {
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(conformanceDir, 'run.sh'), path.join('bin', 'mufiz.js'), ...flags], {
      cwd: root,
      env: { ...process.env, MUFI_LIST: list, MUFI_TIMEOUT: String(seconds) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '', summary = null;
    const err = [];
    const onLine = (line) => {
      if (line.startsWith('PASS ')) suite.pass();
      else if (line.startsWith('FAIL ')) suite.fail(line);
      else if (/^\d+ passed, \d+ failed$/.test(line)) summary = line;
    };
    child.stdout.on('data', (d) => {
      pending += d.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop();
      lines.forEach(onLine);
    });
    child.stderr.on('data', (d) => err.push(d));
    child.on('close', (status) => {
      if (pending) onLine(pending);
      // run.sh always ends with its summary line; without one it did not run to the end.
      if (summary === null) suite.fail(`FAIL ${path.basename(list)}: run.sh stopped early (exit ${status}) ${Buffer.concat(err).toString('utf8').trim()}`);
      resolve();
    });
  });
}

module.exports = { runCorpusCli };
