'use strict';
/**
 * Test tools that are whole programs of their own (the fuzzers, the browser test of the
 * playground): each is run as a child process and must end its output with the plain closing
 * line `N passed, M failed[, K skipped]`, which is added to the suite's totals. Lines starting
 * with FAIL or SKIP are shown as they come. A tool that exits without that line, or exits
 * non-zero with no failure counted, is one failure.
 */
const { spawn } = require('child_process');

function runTool(root, args, timeoutSeconds, suite) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const err = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    child.stdout.on('data', (d) => { out += d.toString('utf8'); });
    child.stderr.on('data', (d) => err.push(d));
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const lines = out.split('\n').filter((l) => l.trim() !== '');
      for (const l of lines) {
        if (/^(FAIL|SKIP)/.test(l)) suite.say(`  ${l}`);
      }
      const m = /^(?:\w+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/.exec(lines.length ? lines[lines.length - 1].trim() : '');
      if (m === null) {
        const why = signal === 'SIGKILL' ? `timeout after ${timeoutSeconds} s` : `no closing line (exit ${status})`;
        suite.fail(`FAIL ${args.join(' ')}: ${why}\n${Buffer.concat(err).toString('utf8').slice(-2000)}`);
      } else {
        const [passed, failed, skipped] = [Number(m[1]), Number(m[2]), Number(m[3] || 0)];
        suite.record({ passed, failed, skipped });
        if (status !== 0 && failed === 0) suite.fail(`FAIL ${args.join(' ')}: exit ${status} with no failure counted`);
      }
      resolve();
    });
  });
}

module.exports = { runTool };
