/**
 * bin/mufiz.js run as a command goes through its two-line shell launcher, which starts node
 * without NODE_EXTRA_CA_CERTS (node would parse the certificates before any JavaScript runs) and
 * hands the file's name on in MUFIZ_DEFERRED_CA_CERTS; HTTPS requests then add those
 * certificates themselves (natives/network.ts). These tests run the launcher with a stand-in
 * `node` that shows what it was given, and real HTTPS requests to a server whose certificate
 * only NODE_EXTRA_CA_CERTS makes trusted (tests/fixtures/test-tls.*, self-signed for 127.0.0.1).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'child_process';
import { createServer, Server } from 'https';
import { AddressInfo } from 'net';
import { readFileSync, writeFileSync, chmodSync } from 'fs';
import { rootCertificates } from 'tls';
import * as path from 'path';
import { BIN, Result, cleanEnv, tempDir } from './cli-helpers';

const FIXTURES = path.join(__dirname, 'fixtures');
const CERT = path.join(FIXTURES, 'test-tls.crt');

/** A directory with a `node` that prints its environment's two variables and its arguments. */
function fakeNodeDir(): string {
  const dir = tempDir('mufiz-launcher-');
  const fake = path.join(dir, 'node');
  writeFileSync(fake, '#!/bin/sh\n' +
    'echo "pid=$$"\n' +
    'echo "NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS-(unset)}"\n' +
    'echo "MUFIZ_DEFERRED_CA_CERTS=${MUFIZ_DEFERRED_CA_CERTS-(unset)}"\n' +
    'echo "GLIBC_TUNABLES=${GLIBC_TUNABLES-(unset)} MUFIZ_GLIBC_TUNABLES=${MUFIZ_GLIBC_TUNABLES-(unset)}"\n' +
    'for a in "$@"; do echo "arg[$a]"; done\n');
  chmodSync(fake, 0o755);
  return dir;
}

function launch(args: string[], env: Record<string, string | undefined>, pathDir: string): Result {
  const r = spawnSync(BIN, args, { env: cleanEnv({ ...env, PATH: `${pathDir}:${process.env.PATH}` }), encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

test('the launcher execs node on this file without NODE_EXTRA_CA_CERTS, its value in MUFIZ_DEFERRED_CA_CERTS as PID:FILE', () => {
  const r = launch(['a b', '', '*', '--tier=js'], { NODE_EXTRA_CA_CERTS: '/some where/certs.pem', GLIBC_TUNABLES: undefined }, fakeNodeDir());
  assert.is(r.status, 0, r.stderr);
  // exec: the stand-in node has the launcher's PID, the one the value names.
  const pid = /^pid=(\d+)\n/.exec(r.stdout)?.[1];
  assert.ok(pid !== undefined, r.stdout);
  assert.is(r.stdout, `pid=${pid}\nNODE_EXTRA_CA_CERTS=(unset)\nMUFIZ_DEFERRED_CA_CERTS=${pid}:/some where/certs.pem\n` +
    `GLIBC_TUNABLES=glibc.malloc.hugetlb=1 MUFIZ_GLIBC_TUNABLES=${pid}:\n` +
    `arg[${BIN}]\narg[a b]\narg[]\narg[*]\narg[--tier=js]\n`);
});

test('the launcher changes nothing when NODE_EXTRA_CA_CERTS is unset or empty', () => {
  const dir = fakeNodeDir();
  for (const value of [undefined, '']) {
    const r = launch(['x'], { NODE_EXTRA_CA_CERTS: value, MUFIZ_DEFERRED_CA_CERTS: undefined }, dir);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.replace(/^pid=\d+\n/, '').replace(/GLIBC_TUNABLES=.*\n/, ''), `NODE_EXTRA_CA_CERTS=${value ?? '(unset)'}\nMUFIZ_DEFERRED_CA_CERTS=(unset)\narg[${BIN}]\narg[x]\n`);
  }
});

test('the launcher adds glibc.malloc.hugetlb=1 to GLIBC_TUNABLES, unless it is named there, and hands the old value on', () => {
  const dir = fakeNodeDir();
  const cases: [string | undefined, string, string][] = [
    [undefined, 'glibc.malloc.hugetlb=1', 'PID:'],
    ['', 'glibc.malloc.hugetlb=1', 'PID:'],
    ['glibc.malloc.arena_max=2', 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1', 'PID:glibc.malloc.arena_max=2'],
    ['glibc.malloc.hugetlb=0', 'glibc.malloc.hugetlb=0', '(unset)'],
  ];
  for (const [given, tunables, saved] of cases) {
    const r = launch(['x'], { GLIBC_TUNABLES: given }, dir);
    assert.is(r.status, 0, r.stderr);
    const pid = /^pid=(\d+)\n/.exec(r.stdout)?.[1] ?? '?';
    assert.match(r.stdout, `\nGLIBC_TUNABLES=${tunables} MUFIZ_GLIBC_TUNABLES=${saved.replace('PID', pid)}\n`);
  }
});

/** Runs `command args` without blocking the event loop (the HTTPS server is in this process). */
function runAsync(command: string, args: string[], env: Record<string, string | undefined>): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: cleanEnv(env) });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end();
  });
}

async function withHttpsServer(fn: (url: string) => Promise<void>): Promise<void> {
  const server: Server = createServer({ key: readFileSync(path.join(FIXTURES, 'test-tls.key')), cert: readFileSync(CERT) }, (req, res) => {
    // /r/N redirects N times, then lands on /x (a redirect made after the retry with the file's certificates).
    const hops = /^\/r\/(\d+)$/.exec(req.url ?? '');
    if (hops !== null) {
      const n = Number(hops[1]);
      res.writeHead(302, { Location: n > 1 ? `/r/${n - 1}` : '/x' });
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(`secure ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await fn(`https://127.0.0.1:${port}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

test('https: NODE_EXTRA_CA_CERTS is trusted through the launcher and through plain node, and needed', async () => {
  await withHttpsServer(async (url) => {
    const program = ['-e', `print http_get("${url}/x");`];
    const launched = await runAsync(BIN, program, { NODE_EXTRA_CA_CERTS: CERT, MUFIZ_DEFERRED_CA_CERTS: undefined });
    assert.is(launched.stderr, '');
    assert.is(launched.stdout, 'secure /x\n');
    const plain = await runAsync(process.execPath, [BIN, ...program], { NODE_EXTRA_CA_CERTS: CERT, MUFIZ_DEFERRED_CA_CERTS: undefined });
    assert.is(plain.stderr, '');
    assert.is(plain.stdout, 'secure /x\n');
    const redirected = await runAsync(BIN, ['-e', `print http_get("${url}/r/3");`], { NODE_EXTRA_CA_CERTS: CERT, MUFIZ_DEFERRED_CA_CERTS: undefined });
    assert.is(redirected.stderr, '');
    assert.is(redirected.stdout, 'secure /x\n', 'redirects followed with the added certificates');
    // Without the certificate the same request fails: the two runs above trusted it because of it.
    const untrusted = await runAsync(BIN, program, { NODE_EXTRA_CA_CERTS: undefined, MUFIZ_DEFERRED_CA_CERTS: undefined });
    assert.is(untrusted.status, 70);
    assert.match(untrusted.stderr, /http_get\(\) failed: self[- ]signed certificate/);
  });
});

test('https: an unreadable NODE_EXTRA_CA_CERTS file is passed over with a warning at start, as node does', async () => {
  await withHttpsServer(async (url) => {
    const missing = path.join(FIXTURES, 'missing.crt');
    for (const command of [[BIN], [process.execPath, BIN]]) {
      const r = await runAsync(command[0], [...command.slice(1), '-e', `print http_get("${url}/");`], { NODE_EXTRA_CA_CERTS: missing });
      assert.is(r.status, 70);
      assert.match(r.stderr, `Warning: Ignoring extra certs from \`${missing}\`, load failed:`);
      assert.match(r.stderr, /http_get\(\) failed: self[- ]signed certificate/);
    }
  });
});

test('https: a MUFIZ_DEFERRED_CA_CERTS not made for this process (another PID) is not trusted', async () => {
  await withHttpsServer(async (url) => {
    const r = await runAsync(process.execPath, [BIN, '-e', `print http_get("${url}/");`], { NODE_EXTRA_CA_CERTS: undefined, MUFIZ_DEFERRED_CA_CERTS: `1:${CERT}` });
    assert.is(r.status, 70);
    assert.match(r.stderr, /http_get\(\) failed: self[- ]signed certificate/);
  });
});

test('https: under --use-openssl-ca, what the OpenSSL store trusts stays trusted through the launcher', async () => {
  // The test certificate only in OpenSSL's store (SSL_CERT_FILE); NODE_EXTRA_CA_CERTS names another.
  const other = path.join(tempDir('mufiz-launcher-'), 'other.pem');
  writeFileSync(other, rootCertificates[0]);
  await withHttpsServer(async (url) => {
    const env = { NODE_OPTIONS: '--use-openssl-ca', SSL_CERT_FILE: CERT, SSL_CERT_DIR: undefined, NODE_EXTRA_CA_CERTS: other };
    for (const command of [[BIN], [process.execPath, BIN]]) {
      const r = await runAsync(command[0], [...command.slice(1), '-e', `print http_get("${url}/o");`], env);
      assert.is(r.stderr, '');
      assert.is(r.stdout, 'secure /o\n');
    }
  });
});

test.run();
