/**
 * What natives read from outside is bounded by the heap (issue 11): read_file of an endless
 * file, an input() line longer than the heap, an http body larger than it; and input() is
 * linear in the length of a line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'child_process';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { BIN, cleanEnv, mufiz } from './cli-helpers';

const OOM = 'Out of memory: heap limit of 4 MiB reached.';

test('read_file("/dev/zero") stops at the heap limit with the out-of-memory error', () => {
  const r = mufiz(['--heap-limit=4M', '-e', 'print "start"; var t = read_file("/dev/zero"); print len(t);']);
  assert.is(r.status, 70, r.stderr);
  assert.is(r.stdout, 'start\n');
  assert.ok(r.stderr.startsWith(OOM), r.stderr);
});

test('read_file still reads ordinary files and gives nil for missing ones and folders', () => {
  const r = mufiz(['-e', 'print len(read_file("package.json")) > 10; print read_file("no/such/file"); print read_file("src");']);
  assert.is(r.stdout, 'true\nnil\nnil\n', r.stderr);
});

test('an input() line larger than the heap is the out-of-memory error; a long one that fits is read in linear time', () => {
  const big = 'x'.repeat(8 << 20) + '\nafter\n';
  const r = mufiz(['--heap-limit=4M', '-e', 'var a = input(); print len(a);'], { input: big });
  assert.is(r.status, 70);
  assert.ok(r.stderr.startsWith(OOM), r.stderr);
  const start = Date.now();
  const ok = mufiz(['-e', 'var a = input(); print len(a); print input();'], { input: 'y'.repeat(16 << 20) + '\nafter\n' });
  assert.is(ok.stdout, `${16 << 20}\nafter\n`, ok.stderr);
  // Quadratic scanning took tens of seconds for a line of this size.
  assert.ok(Date.now() - start < 20000, `${Date.now() - start} ms`);
});

test('an http body larger than the heap stops with the out-of-memory error', async () => {
  const chunk = Buffer.alloc(1 << 20, 'z');
  let sent = 0;
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    const more = () => {
      // Up to 256 MiB, unless the client hangs up first (as it must, at 4 MiB).
      while (sent < 256 && res.write(chunk)) sent++;
      if (sent >= 256) res.end();
    };
    res.on('drain', more);
    res.on('close', () => res.removeAllListeners('drain'));
    more();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const r = await new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, '--heap-limit=4M', '-e', `var b = http_get("${url}"); print len(b);`], { env: cleanEnv() });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stderr }));
      child.stdin.end();
    });
    assert.is(r.status, 70, r.stderr);
    assert.ok(r.stderr.startsWith(OOM), r.stderr);
    assert.ok(sent < 256, `the server sent ${sent} MiB`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test.run();
