/**
 * The natives that reach outside the process: input (stdin), fs, net, open_url, and
 * --sandbox, which removes them. Each test runs `node bin/mufiz.js` (the built dist/) as a child
 * process; the net tests serve from this process, so the child is spawned asynchronously.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'child_process';
import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'fs';
import * as path from 'path';
import { BIN, Result, cleanEnv, mufiz, patience, tempDir } from './cli-helpers';

/** Runs mufiz without blocking this process's event loop; `firstOutputMs` is when stdout first had data. */
function mufizAsync(args: string[], options: { input?: string; cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<Result & { ms: number; firstOutputMs: number }> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    let firstOutputMs = -1;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cleanEnv(options.env) });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { if (firstOutputMs < 0) firstOutputMs = Date.now() - start; stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, ms: Date.now() - start, firstOutputMs }));
    child.stdin.end(options.input ?? '');
  });
}

// ---- input ----

test('input reads successive lines of piped stdin, trimmed; the prompt goes to stdout without a newline', () => {
  const r = mufiz(['-e', 'print "start"; var a = input("name? "); var b = input(); print a + "|" + b;'], { input: '  Ada \r\nLovelace\n' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'start\nname? Ada|Lovelace\n');
});

test('input returns the last line without a newline, then nil at end of input', () => {
  const r = mufiz(['-e', 'print input(); print input(); print input();'], { input: 'one\ntwo' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'one\ntwo\nnil\n');
});

test('input keeps the rest of a read for the next call (many lines, several chunks)', () => {
  const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'é'.repeat(i % 7)}`);
  const program = 'var n = 0; var last = ""; var l = input(); while (l != nil) { n = n + 1; last = l; l = input(); } print n; print last;';
  const r = mufiz(['-e', program], { input: lines.join('\n') + '\n' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, `3000\n${lines[2999]}\n`);
});

test('input of an empty line is the empty string, not nil', () => {
  const r = mufiz(['-e', 'var a = input(); print a == ""; print input();'], { input: '\nx\n' });
  assert.is(r.stdout, 'true\nx\n');
});

// ---- sleep ----

test('sleep blocks, after flushing what was printed before it', async () => {
  const r = await mufizAsync(['-e', 'print "a"; sleep(1); print "b";']);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'a\nb\n');
  assert.ok(r.ms >= 1000, `ran ${r.ms} ms`);
  // "a" arrives about 1 s before the end (generous margin for a loaded machine)
  assert.ok(r.firstOutputMs >= 0 && r.ms - r.firstOutputMs >= 400, `first output at ${r.firstOutputMs} ms of ${r.ms} ms`);
});

// ---- fs ----

test('fs: create, write (replacing, creating), read, delete files and directories', () => {
  const dir = tempDir('mufiz-fs-');
  const program = `
    print create_file("a.txt");
    print read_file("a.txt") == "";
    print write_file("a.txt", "a long first text");
    print write_file("a.txt", "short");
    print read_file("a.txt");
    print write_file("new.txt", "héllo\\n");
    print len(read_file("new.txt"));
    print read_file("missing.txt");
    print delete_file("a.txt");
    print delete_file("a.txt");
    print create_dir("d");
    print create_dir("d");
    print create_file("d/inner.txt");
    print delete_dir("d");
    print delete_file("d/inner.txt");
    print delete_dir("d");
    print create_dir("x/y");
    print read_file("new.txt") != nil;
  `;
  const r = mufiz(['-e', program], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, ['true', 'true', 'true', 'true', 'short', 'true', '6', 'nil', 'true', 'false', 'true', 'false', 'true', 'false', 'true', 'true', 'false', 'true', ''].join('\n'));
  assert.is(readFileSync(path.join(dir, 'new.txt'), 'utf8'), 'héllo\n');
  assert.not.ok(existsSync(path.join(dir, 'a.txt')));
  assert.not.ok(existsSync(path.join(dir, 'd')));
});

test('fs: read_file of a directory is nil; a write into a missing directory is false', () => {
  const dir = tempDir('mufiz-fs-');
  mkdirSync(path.join(dir, 'sub'));
  const r = mufiz(['-e', 'print read_file("sub"); print write_file("nope/x.txt", "x"); print create_file("nope/y.txt");'], { cwd: dir });
  assert.is(r.stdout, 'nil\nfalse\nfalse\n');
});

// ---- net ----

interface Seen { method: string; url: string; body: string; auth: string; type: string }

async function withServer(fn: (base: string, seen: Seen[]) => Promise<void>): Promise<void> {
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => { body += d; });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, auth: req.headers.authorization ?? '', type: req.headers['content-type'] ?? '' });
      if (req.url === '/moved') { res.writeHead(302, { Location: '/target' }); res.end(); return; }
      if (req.url === '/missing') { res.writeHead(404); res.end('not here'); return; }
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${req.method} ${req.url} ${body} ✓`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await fn(`http://127.0.0.1:${port}`, seen);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

test('net: http_get, http_post, http_put, http_delete perform real requests and return the body', async () => {
  await withServer(async (base, seen) => {
    const program = `
      print http_get("${base}/a?x=1");
      print http_post("${base}/p", "{\\"k\\": 1}");
      print http_put("${base}/u", "plain text");
      print http_delete("${base}/d");
    `;
    const r = await mufizAsync(['-e', program]);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, 'GET /a?x=1  ✓\nPOST /p {"k": 1} ✓\nPUT /u plain text ✓\nDELETE /d  ✓\n');
    assert.equal(seen.map((s) => s.method), ['GET', 'POST', 'PUT', 'DELETE']);
    assert.is(seen[1].type, 'application/json');
    assert.is(seen[2].type, 'text/plain; charset=utf-8');
    assert.is(seen[0].auth, '');
  });
});

test('net: set_auth sends a bearer token; redirects are followed; an error status still gives the body', async () => {
  await withServer(async (base, seen) => {
    const program = `
      print set_auth("s3cret");
      print http_get("${base}/moved");
      print http_get("${base}/missing");
    `;
    const r = await mufizAsync(['-e', program]);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, 'true\nGET /target  ✓\nnot here\n');
    assert.equal(seen.map((s) => s.url), ['/moved', '/target', '/missing']);
    assert.ok(seen.every((s) => s.auth === 'Bearer s3cret'));
  });
});

test('net: a failed request is a runtime error naming the native and the reason', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const r = await mufizAsync(['-e', `print "before"; http_get("http://127.0.0.1:${port}/"); print "after";`]);
  assert.is(r.status, 70);
  assert.is(r.stdout, 'before\n');
  assert.match(r.stderr, 'http_get() failed: connect ECONNREFUSED');
  assert.match(r.stderr, '[line 1] in script');
});

// ---- open_url ----

if (process.platform === 'linux') {
  test('open_url starts xdg-open with the URL and returns true; without an opener it is an error', async () => {
    const dir = tempDir('mufiz-open-');
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    const log = path.join(dir, 'opened.txt');
    writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${log}'\n`);
    chmodSync(path.join(bin, 'xdg-open'), 0o755);
    const r = await mufizAsync(['-e', 'print open_url("https://example.com/?q=a b");'], { env: { PATH: `${bin}:/usr/bin:/bin` } });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, 'true\n');
    for (const end = Date.now() + patience(2500); Date.now() < end && !existsSync(log);) await new Promise((res) => setTimeout(res, 50));
    assert.is(readFileSync(log, 'utf8'), 'https://example.com/?q=a b');
    const missing = await mufizAsync(['-e', 'open_url("https://example.com");'], { env: { PATH: path.join(dir, 'empty') } });
    assert.is(missing.status, 70);
    assert.match(missing.stderr, 'open_url() failed: xdg-open not found.');
  });
}

// ---- --sandbox ----

test('--sandbox removes fs, net, input and exit (calling one is an undefined variable)', async () => {
  const names = ['read_file', 'create_file', 'write_file', 'delete_file', 'create_dir', 'delete_dir', 'http_get', 'http_post', 'http_put', 'http_delete', 'set_auth', 'url_encode', 'url_decode', 'open_url', 'input', 'exit'];
  const results = await Promise.all(names.map((name) => mufizAsync(['--sandbox', '-e', `${name}("x");`])));
  names.forEach((name, i) => {
    assert.is(results[i].status, 70, name);
    assert.match(results[i].stderr, `Undefined variable '${name}'.`);
  });
});

test('--sandbox keeps the pure natives', () => {
  const r = mufiz(['--sandbox', '-e', 'print sqrt(16); print format("{}!", find("abc", "c")); sleep(0); print now() > 0;']);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '4\n2!\ntrue\n');
});

test.run();
