#!/usr/bin/env node
/**
 * The playground in a real browser: builds playground/dist if it is missing or older than its
 * sources, serves it on 127.0.0.1 (with the COOP/COEP headers of cross-origin isolation), and
 * drives Debian's chromium through playwright-core. Prints `N passed, M failed[, K skipped]`
 * last; every check is skipped, and counted, where chromium or playwright-core is missing.
 *
 *   node scripts/playground-test.js [--screenshot FILE] [--no-build]
 * Environment: MUFIZ_CHROMIUM (default /usr/bin/chromium).
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'playground', 'dist');
const CHROMIUM = process.env.MUFIZ_CHROMIUM || '/usr/bin/chromium';
const args = process.argv.slice(2);
const screenshotAt = args.includes('--screenshot') ? args[args.indexOf('--screenshot') + 1] : path.join(ROOT, 'docs', 'playground.png');

const TESTS = [];
const test = (name, fn) => TESTS.push({ name, fn });

// ---- build ----

function newestMtime(dir) {
  let t = 0;
  for (const name of fs.readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = path.join(dir, name);
    const st = fs.statSync(p);
    t = Math.max(t, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return t;
}

function buildIfNeeded() {
  if (args.includes('--no-build')) return true;
  const built = path.join(DIST, 'index.html');
  const sources = Math.max(newestMtime(path.join(ROOT, 'playground')), newestMtime(path.join(ROOT, 'src')), fs.statSync(path.join(ROOT, 'docs', 'language.md')).mtimeMs);
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) return true;
  const t0 = Date.now();
  // As `npm run build:playground`: type-check the page, then bundle it.
  for (const argv of [['typescript/bin/tsc', '-p', 'playground/tsconfig.json'], ['vite/bin/vite.js', 'build', '--config', 'playground/vite.config.mjs']]) {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', argv[0]), ...argv.slice(1)], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) {
      process.stderr.write(r.stdout + r.stderr);
      return false;
    }
  }
  console.log(`built playground/dist in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}

// ---- a static server for the built page ----

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.wasm': 'application/wasm' };

/** `isolated`: send COOP/COEP, so the page is cross-origin isolated (SharedArrayBuffer exists). */
function serve(isolated) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const file = path.normalize(path.join(DIST, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)));
    if (!file.startsWith(DIST) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404); res.end(); return; }
    const headers = { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' };
    if (isolated) Object.assign(headers, { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    res.writeHead(200, headers);
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---- the checks ----

/** Replaces the editor's text as a person would: select all, then type. */
async function typeProgram(page, text) {
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

async function runAndWait(page, timeout = 20000) {
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('status').dataset.state !== 'running', null, { timeout });
}

test('a typed program runs and its output appears', async (page) => {
  await typeProgram(page, 'var total = 0;\nfor (var i = 1; i <= 10; i++) { total += i; }\nprint f"sum {total}";\nprint "done";\n');
  await runAndWait(page);
  const out = await page.textContent('#output');
  if (out !== 'sum 55\ndone\n') throw new Error(`output was ${JSON.stringify(out)}`);
  const summary = await page.textContent('#summary');
  if (!/^GC statistics:/.test(summary)) throw new Error(`no --gc-stats summary: ${JSON.stringify(summary)}`);
});

test('a compile error is marked at its line and column in the editor', async (page) => {
  await typeProgram(page, 'print 1;\nvar x = ;\nprint 2;\n');
  await runAndWait(page);
  const errors = await page.textContent('#errors');
  if (!/main\.mufi:2:9: error/.test(errors)) throw new Error(`errors pane: ${JSON.stringify(errors)}`);
  await page.waitForSelector('.cm-lintRange-error', { timeout: 5000 });
  const marked = await page.$$eval('.cm-lintRange-error', (els) => els.map((e) => ({ text: e.textContent, line: e.closest('.cm-line') && Array.from(document.querySelectorAll('.cm-content .cm-line')).indexOf(e.closest('.cm-line')) + 1 })));
  if (!marked.some((m) => m.line === 2)) throw new Error(`marks: ${JSON.stringify(marked)}`);
});

test('a runtime error is reported as the CLI does and its line is marked', async (page) => {
  await typeProgram(page, 'fun f(x) {\n  return x + nil;\n}\nprint f(1);\n');
  await runAndWait(page);
  const errors = await page.textContent('#errors');
  if (!/\[line 2\] in f\(\)/.test(errors)) throw new Error(`errors pane: ${JSON.stringify(errors)}`);
  await page.waitForSelector('.cm-lintRange-error', { timeout: 5000 });
});

async function stopsLoop(page) {
  await typeProgram(page, 'print "spinning";\nwhile (true) {}\n');
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('output').textContent.includes('spinning'), null, { timeout: 10000 });
  await page.waitForTimeout(300);
  const ms = await page.evaluate(() => new Promise((resolve) => {
    const status = document.getElementById('status');
    const t0 = performance.now();
    const obs = new MutationObserver(() => { if (status.dataset.state !== 'running') { obs.disconnect(); resolve(performance.now() - t0); } });
    obs.observe(status, { attributes: true, childList: true, characterData: true, subtree: true });
    document.getElementById('stop').click();
  }));
  if (!(ms < 200)) throw new Error(`stopped after ${ms.toFixed(0)} ms`);
  const errors = await page.textContent('#errors');
  const isolated = await page.evaluate(() => self.crossOriginIsolated);
  if (isolated && !/Interrupted\./.test(errors)) throw new Error(`isolated page, but errors pane: ${JSON.stringify(errors)}`);
  const stoppedStatus = await page.textContent('#status');
  // The next run works (the same worker, or a fresh one).
  await typeProgram(page, 'print "again";\n');
  await runAndWait(page);
  if ((await page.textContent('#output')) !== 'again\n') throw new Error('no output after Stop');
  return stoppedStatus;
}

test('Stop ends `while (true) {}` within 200 ms (interrupt flag)', async (page) => {
  if (!(await page.evaluate(() => self.crossOriginIsolated))) throw new Error('the page is not cross-origin isolated');
  await stopsLoop(page);
});

test('Stop ends `while (true) {}` within 200 ms without isolation (the worker restarts)', async (page, base, plainBase) => {
  await page.goto(plainBase + '/');
  await page.waitForFunction(() => document.getElementById('status').dataset.state === 'ready');
  if (await page.evaluate(() => self.crossOriginIsolated)) throw new Error('the plain page is isolated');
  const status = await stopsLoop(page);
  if (!/restarted/.test(status)) throw new Error(`status after Stop: ${status}`);
  await page.goto(base + '/');
  await page.waitForFunction(() => document.getElementById('status').dataset.state === 'ready');
});

test('the heap chart draws collections after a GC-heavy example', async (page) => {
  await page.selectOption('#example', { label: 'Benchmark: binary_trees' });
  await page.fill('#gc-threshold', '64');
  await page.dispatchEvent('#gc-threshold', 'change');
  await runAndWait(page, 60000);
  const errors = await page.textContent('#errors');
  if (errors !== '') throw new Error(`errors: ${errors}`);
  const marks = await page.$eval('#heap-chart', (c) => Number(c.dataset.marks));
  const pauses = await page.$eval('#pause-chart', (c) => Number(c.dataset.marks));
  const collections = Number(/collections:\s+(\d+)/.exec(await page.textContent('#summary'))[1]);
  if (!(collections > 0 && pauses === collections && marks > collections)) throw new Error(`marks ${marks}, pause bars ${pauses}, collections ${collections}`);
  // The chart has drawn pixels, not only a count.
  const inked = await page.$eval('#heap-chart', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
  if (inked < 500) throw new Error(`only ${inked} pixels drawn`);
  const kinds = await page.$$eval('#kinds .kind', (rows) => rows.length);
  if (kinds === 0) throw new Error('no live bytes by kind');
  if (!/#.*code=/.test(await page.evaluate(() => location.hash))) throw new Error('the program is not in the URL');
  if (screenshotAt) await page.screenshot({ path: screenshotAt });
});

test('under --gc-stress every allocation collects, and the view keeps up', async (page) => {
  await page.fill('#gc-stress', '1');
  await page.dispatchEvent('#gc-stress', 'change');
  await typeProgram(page, 'var s = "";\nfor (var i = 0; i < 3000; i++) { s = str(i) + "x"; }\nprint s;\n');
  await runAndWait(page, 60000);
  await page.fill('#gc-stress', '0');
  await page.dispatchEvent('#gc-stress', 'change');
  if ((await page.textContent('#output')) !== '2999x\n') throw new Error(`output: ${await page.textContent('#output')}`);
  const collections = Number(/collections:\s+(\d+)/.exec(await page.textContent('#summary'))[1]);
  if (!(collections >= 3000)) throw new Error(`only ${collections} collections`);
  await page.waitForFunction((n) => document.getElementById('heap-caption').textContent.includes(`${n} collections`), collections, { timeout: 5000 })
    .catch(async () => { throw new Error(`summary says ${collections} collections, the view: ${await page.textContent('#heap-caption')}`); });
});

test('running out of heap is reported as the CLI reports it', async (page) => {
  await page.selectOption('#heap-limit', '32');
  await page.dispatchEvent('#heap-limit', 'change');
  await typeProgram(page, 'var l = linked_list();\nwhile (true) { push(l, "a string that fills the heap" + str(1)); }\n');
  await runAndWait(page, 60000);
  const errors = await page.textContent('#errors');
  if (!/^Out of memory: heap limit of 32 MiB reached\.\n\[line 2\] in script \(main\.mufi:2\)$/.test(errors)) throw new Error(`errors pane: ${JSON.stringify(errors)}`);
  await page.selectOption('#heap-limit', '256');
  await page.dispatchEvent('#heap-limit', 'change');
});

test('the program in the URL is loaded and runs', async (page, base) => {
  const code = Buffer.from('print "from the link";\n').toString('base64url');
  await page.goto(`${base}/?shared#code=${code}`); // a new document, not a hash change
  await page.waitForFunction(() => document.getElementById('status').dataset.state === 'ready');
  await runAndWait(page);
  if ((await page.textContent('#output')) !== 'from the link\n') throw new Error('wrong output');
});

// ---- runner ----

async function main() {
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch {
    chromium = null;
  }
  const why = chromium === null ? 'playwright-core is not installed' : !fs.existsSync(CHROMIUM) ? `${CHROMIUM} is missing` : null;
  if (why !== null) {
    console.log(`SKIP: the playground's browser tests (${why})`);
    console.log(`0 passed, 0 failed, ${TESTS.length} skipped`);
    return 0;
  }
  if (!buildIfNeeded()) {
    console.log('FAIL: building the playground');
    console.log(`0 passed, ${TESTS.length} failed`);
    return 1;
  }
  const server = await serve(true);
  const plain = await serve(false);
  const base = `http://127.0.0.1:${server.address().port}`;
  const plainBase = `http://127.0.0.1:${plain.address().port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mufiz-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
  });
  let passed = 0, failed = 0;
  try {
    const page = browser.pages()[0] || await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(base + '/');
    await page.waitForFunction(() => document.getElementById('status').dataset.state === 'ready', null, { timeout: 20000 });
    for (const t of TESTS) {
      const t0 = Date.now();
      try {
        await t.fn(page, base, plainBase);
        if (pageErrors.length > 0) throw new Error(`page error: ${pageErrors.splice(0).join('; ')}`);
        passed++;
        console.log(`ok   ${t.name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        console.log(`FAIL ${t.name}: ${e.message.split('\n')[0]}`);
      }
    }
  } finally {
    await browser.close();
    server.close();
    plain.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (e) => { console.log(`FAIL: ${e.message}`); console.log(`0 passed, ${TESTS.length} failed`); process.exitCode = 1; });
