'use strict';
/**
 * What `npm test` prints. On a terminal each running suite has a progress line (cases done /
 * total), the block of them rewritten in place; elsewhere (a pipe, or CI=true) nothing until
 * the suite's one result line. FAIL and skip lines are printed as they come, above the block.
 */
const interactive = process.stdout.isTTY === true && !/^(1|true)$/i.test(process.env.CI || '');

const totals = { passed: 0, failed: 0, skipped: 0 };
/** Suites currently running, in the order they started: one progress line each. */
const running = [];
/** Progress lines on screen below the permanent output (the cursor is just after them). */
let shown = 0;
let lastDraw = 0;

function erase() {
  if (shown > 0) process.stdout.write(`\x1b[${shown}F\x1b[J`);
  shown = 0;
}

function progressLine(s, width) {
  const text = `  ${s.name}: ${s.done}/${s.total}${s.unit ? ' ' + s.unit : ''}${s.failed ? ` (${s.failed} failed)` : ''}`;
  return text.length >= width ? text.slice(0, width - 2) + '…' : text;
}

function draw(force = false) {
  if (!interactive) return;
  const now = Date.now();
  if (!force && now - lastDraw < 100) return;
  lastDraw = now;
  const width = process.stdout.columns || 100;
  const rows = Math.max(1, (process.stdout.rows || 24) - 2);
  const lines = running.slice(0, rows).map((s) => progressLine(s, width));
  erase();
  if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
  shown = lines.length;
}

/** Prints a permanent line (a result, a failure, a skip reason) above the progress lines. */
function say(line) {
  if (interactive) erase();
  process.stdout.write(line + '\n');
  draw(true);
}

class Suite {
  /** unit: what `total` counts, when not cases (the unit tests count files). */
  constructor(name, total, unit = '') {
    this.name = name;
    this.unit = unit;
    this.total = total;
    this.done = 0;
    this.passed = 0;
    this.failed = 0;
    this.skipped = 0;
    this.start = Date.now();
    running.push(this);
    draw(true);
  }

  pass(n = 1) { this.passed += n; this.done += n; draw(); }
  skip(n = 1) { this.skipped += n; this.done += n; draw(); }
  fail(line, n = 1) {
    this.failed += n;
    this.done += n;
    if (line) say(line);
    else draw();
  }
  /** Progress counted in other units than the verdicts (unit tests: files done of all files). */
  progress(done) { this.done = done; draw(); }
  /** Verdicts counted elsewhere (unit tests: tests, not files). */
  record({ passed, failed, skipped }) { this.passed += passed; this.failed += failed; this.skipped += skipped; }
  say(line) { say(line); }

  end() {
    const i = running.indexOf(this);
    if (i >= 0) running.splice(i, 1);
    totals.passed += this.passed;
    totals.failed += this.failed;
    totals.skipped += this.skipped;
    const skipped = this.skipped ? `, ${this.skipped} skipped` : '';
    const seconds = ((Date.now() - this.start) / 1000).toFixed(1);
    say(`${this.name}: ${this.passed} passed, ${this.failed} failed${skipped} (${seconds} s)`);
  }
}

/** The closing line, the one CI reads: `N passed, M failed, K skipped`. */
function summary() {
  if (interactive) erase();
  return `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
}

module.exports = { Suite, say, summary, totals, interactive };
