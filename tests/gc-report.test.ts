import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import { readFileSync, writeFileSync, existsSync } from 'fs';
import * as path from 'path';
import { mufiz, patience, tempDir } from './cli-helpers';
import { skip } from './skip';

/**
 * --gc-report=FILE.html opened in headless Chromium: the page's own script sets
 * data-rendered="yes" on <body> only when each of its three charts drew marks with a
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

test('--gc-report writes a self-contained page: inline SVG, no network references', () => {
  const file = path.join(dir, 'report.html');
  const r = mufiz(['--gc-threshold=128K', `--gc-report=${file}`, program]);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '20000\n');
  assert.ok(existsSync(file));
  const html = readFileSync(file, 'utf8');
  assert.is((html.match(/<svg data-chart=/g) || []).length, 3);
  assert.not.match(html, /(src|href)=["']?(https?:)?\/\//, 'nothing fetched');
  assert.not.match(html, /<link |<img /);
  const collections = (html.match(/<rect class="mark"/g) || []).length;
  assert.ok(collections >= 5, `one bar per collection (${collections})`);
  assert.match(html, /<body data-rendered="no">/, 'the marker starts at "no": only the page script sets "yes"');
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
  test('a program without collections still renders', () => skip(why));
  test('a broken chart is caught by the marker', () => skip(why));
} else {
  test('Chromium renders every chart of the report', () => {
    const file = path.join(dir, 'render.html');
    assert.is(mufiz(['--gc-threshold=128K', `--gc-report=${file}`, program]).status, 0);
    const dom = dumpDom(file);
    assert.match(dom, /<body data-rendered="yes" data-marks="\d+">/);
    const marks = Number(/data-marks="(\d+)"/.exec(dom)![1]);
    assert.ok(marks >= 10, `marks drawn: ${marks}`);
  });

  test('a program without collections still renders (the pause chart says so)', () => {
    const file = path.join(dir, 'none.html');
    assert.is(mufiz([`--gc-report=${file}`, '-e', 'print 1;']).status, 0);
    const dom = dumpDom(file);
    assert.match(dom, /data-rendered="yes"/);
    assert.match(dom, /no collections ran/);
  });

  test('a broken chart is caught by the marker (the check can fail)', () => {
    const file = path.join(dir, 'broken.html');
    assert.is(mufiz(['--gc-threshold=128K', `--gc-report=${file}`, program]).status, 0);
    // Remove every drawn mark of the heap chart: the page must then say it did not render.
    const html = readFileSync(file, 'utf8').replace(/<path class="heap" d="[^"]*"\/>/, '');
    writeFileSync(file, html);
    assert.match(dumpDom(file), /<body data-rendered="no"/);
  });
}

test.run();
