import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import { readFileSync, writeFileSync, existsSync } from 'fs';
import * as path from 'path';
import { mufiz, patience, tempDir } from './cli-helpers';
import { skip } from './skip';

/**
 * --gc-report=FILE.html opened in headless Chromium: a probe script the test adds to a copy
 * of the page sets data-rendered="yes" on <body> only when each chart drew marks with a
 * non-empty bounding box. Skipped (with a message) when Chromium is not installed
 * (Debian package `chromium`; .ci/run installs it).
 */

function findChromium(): string | null {
  for (const name of [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome']) {
    if (!name) continue;
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() !== '') return r.stdout.trim();
  }
  return null;
}

const chromium = findChromium();
const dir = tempDir('mufiz-report-');
const program = path.join(dir, 'churn.mufi');
writeFileSync(program, `
class P { init(x) { self.x = x; self.s = "s" + str(x); } }
var keep = nil;
var i = 0;
while (i < 20000) { var p = P(i); if (i % 500 == 0) keep = p; i = i + 1; }
print i;
`);

function dumpDom(file: string): string {
  const r = spawnSync(chromium as string, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: patience(60000) });
  assert.is(r.status, 0, `chromium exited with ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/**
 * The test's own probe, added to a copy of the report (the page itself has no script): every
 * chart must draw at least one mark with a non-empty box; the result goes on <body>.
 */
const PROBE = `<script>
(function () {
  var charts = document.querySelectorAll('svg[data-chart]'), ok = charts.length >= 4, marks = 0;
  charts.forEach(function (svg) {
    var drawn = 0;
    svg.querySelectorAll('.heap, .pause, .bin, .kind, .site, .empty').forEach(function (el) {
      var b = el.getBBox();
      if (b.width > 0 || b.height > 0) drawn++;
    });
    if (drawn === 0) ok = false;
    marks += drawn;
  });
  document.body.setAttribute('data-marks', String(marks));
  document.body.setAttribute('data-rendered', ok ? 'yes' : 'no');
})();
</script>`;

function probe(file: string, edit: (html: string) => string = (h) => h): string {
  const probed = file.replace(/\.html$/, '.probed.html');
  writeFileSync(probed, edit(readFileSync(file, 'utf8')).replace('</body>', `${PROBE}</body>`));
  return dumpDom(probed);
}

test('--gc-report writes a self-contained page: settings, percentiles, collections, no script, nothing fetched', () => {
  const file = path.join(dir, 'report.html');
  const r = mufiz(['--gc-threshold=128K', `--gc-report=${file}`, program]);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '20000\n');
  assert.ok(existsSync(file));
  const html = readFileSync(file, 'utf8');
  assert.is((html.match(/<svg data-chart=/g) || []).length, 4, 'heap, pauses, histogram, kinds (sites need --track-sites)');
  assert.not.match(html, /(src|href)=["']?(https?:)?\/\//, 'nothing fetched');
  assert.not.match(html, /<link |<img |<script/);
  assert.match(html, /<tr><td>mode<\/td><td>stw<\/td><\/tr>/);
  assert.match(html, /<tr><td>growth<\/td><td>2<\/td><\/tr>/);
  assert.match(html, /<table id="percentiles"><tr><th>p50<\/th><th>p90<\/th><th>p99<\/th><th>max<\/th><\/tr>/);
  assert.match(html, /GC time<\/td><td>[\d.]+ ms \([\d.]+% of the run\)/);
  assert.match(html, /allocation rate<\/td><td>[\d.]+ MiB\/s/);
  const rows = (html.match(/<tr><td>\d+<\/td><td>[\d.]+ s<\/td><td>threshold<\/td><td>full<\/td>/g) || []).length;
  assert.ok(rows >= 5, `one table row per collection (${rows})`);
  assert.match(html, /<text x="[\d.]+" y="[\d.]+" text-anchor="middle">0 s<\/text>/, 'labelled time ticks');
  assert.match(html, /Not recorded: run with <code>--track-sites<\/code>/);
});

test('incremental mode: the report names the mode and shows steps; --track-sites adds the sites chart', () => {
  const file = path.join(dir, 'inc.html');
  const r = mufiz(['--gc-mode=incremental', '--gc-threshold=128K', '--gc-step-size=16K', '--track-sites', `--gc-report=${file}`, program]);
  assert.is(r.status, 0, r.stderr);
  const html = readFileSync(file, 'utf8');
  assert.match(html, /<tr><td>mode<\/td><td>incremental<\/td><\/tr>/);
  assert.match(html, /<tr><td>step size \(incremental\)<\/td><td>16384 bytes<\/td><\/tr>/);
  assert.match(html, /longest [\d.]+ ms \(step\)/, 'incremental steps are drawn as steps');
  assert.match(html, /<td>incremental<\/td>/);
  assert.is((html.match(/<svg data-chart=/g) || []).length, 5);
  assert.match(html, /<svg data-chart="sites"[^]*churn\.mufi:\d+/);
});

test('an unwritable --gc-report path is reported before the program runs, exit 64', () => {
  const r = mufiz(['--gc-report=/nonexistent-dir/x.html', '-e', 'print 1;']);
  assert.is(r.status, 64);
  assert.is(r.stdout, '', 'the program did not run');
  assert.match(r.stderr, /^mufiz: --gc-report: cannot create '\/nonexistent-dir\/x.html': no such directory$/m);
  assert.not.match(r.stderr, /^\s+at /m);
});

if (chromium === null) {
  const why = 'headless Chromium not found (Debian package chromium)';
  test('Chromium renders every chart of the report', () => skip(why));
  test('a broken chart is caught by the probe', () => skip(why));
} else {
  test('Chromium renders every chart of the report', () => {
    const file = path.join(dir, 'render.html');
    assert.is(mufiz(['--gc-mode=incremental', '--gc-threshold=128K', `--gc-report=${file}`, program]).status, 0);
    const dom = probe(file);
    assert.match(dom, /<body data-marks="\d+" data-rendered="yes">/);
    const marks = Number(/data-marks="(\d+)"/.exec(dom)![1]);
    assert.ok(marks >= 10, `marks drawn: ${marks}`);
  });

  test('a program without collections still renders (the pause chart says so)', () => {
    const file = path.join(dir, 'none.html');
    assert.is(mufiz([`--gc-report=${file}`, '-e', 'print 1;']).status, 0);
    const dom = probe(file);
    assert.match(dom, /data-rendered="yes"/);
    assert.match(dom, /no collections ran/);
  });

  test('a broken chart is caught by the probe (the check can fail)', () => {
    const file = path.join(dir, 'broken.html');
    assert.is(mufiz(['--gc-threshold=128K', `--gc-report=${file}`, program]).status, 0);
    // Remove every drawn mark of the heap chart: the probe must then say it did not render.
    assert.match(probe(file, (h) => h.replace(/<path class="heap" d="[^"]*"\/>/, '')), /data-rendered="no"/);
  });
}

test.run();
