import { returnHashTable } from './collection-args';
import type { Runtime } from '../runtime';
import { NativeModule, NativeDef } from './native';
import { Tag } from '../value';
import { RuntimeError } from '../errors';
import { expectArgCount, stringArg } from './args';
import { flushOutput, waitFor } from './host';
import { readAllowance } from './read-limit';
import { OutOfMemoryError } from '../../gc';
import { nodeFs, nodePath, nodeThreads, nodeChildProcess } from './node';

/**
 * network: upstream's net module, with real requests (upstream 0.10 answers every request with
 * the constant `HTTP functionality disabled`).
 *
 * The VM is synchronous, Node's HTTP client is not: each request runs in a short-lived helper
 * worker thread while the VM thread blocks in Atomics.wait on a shared flag. The worker posts
 * its answer on a MessagePort, then raises the flag; the VM takes the message with
 * receiveMessageOnPort, which needs no event-loop turn.
 *
 * parse_url and set_content_type return hash tables, which belong with the collection objects:
 * their logic is here as parseUrlEntries and setContentType (plain JS pairs, for wrapping).
 * Everything here is removed by --sandbox.
 */

/** Per request: the socket timeout in the worker; the VM gives up a little later. */
const REQUEST_TIMEOUT_MS = 30000;
const MAX_REDIRECTS = 5;

interface NetState {
  /** Sent as `Authorization: Bearer <token>` once set_auth has been called. */
  token: string | null;
  /** Content-Type of POST and PUT bodies once set_content_type has chosen one. */
  contentType: string | null;
}

const states = new WeakMap<Runtime, NetState>();

function stateOf(rt: Runtime): NetState {
  let s = states.get(rt);
  if (s === undefined) states.set(rt, (s = { token: null, contentType: null }));
  return s;
}

/**
 * The helper worker's program (plain JS, evaluated: no separate file to find from src/ or
 * dist/). It always ends by posting `{ body }` or `{ error }` and raising flag[0].
 */
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { flag, port, method, url, body, headers, timeoutMs, maxRedirects, maxBytes } = workerData;
let finished = false;
function finish(message) {
  if (finished) return;
  finished = true;
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
// Started by bin/mufiz.js's launcher, node did not load NODE_EXTRA_CA_CERTS at start (see there):
// the file comes in MUFIZ_DEFERRED_CA_CERTS as PID:FILE, made for this process only. An HTTPS
// request is first made with node's default store (bundled or OpenSSL's roots, whichever node
// is set to use); only if the server's certificate does not verify against it is it made again
// with the file's certificates added: the store node builds with the variable, so the same
// answer, and no cost for the hosts the default roots trust (the file's ~140 certificates take
// ~40 ms to parse, per request, since each request has its own worker). Nothing was sent by
// then: the handshake comes first. An unreadable file is passed over, as node passes over it
// (bin/mufiz.js warned at start).
const UNVERIFIED = new Set(['SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_UNTRUSTED']);
function deferredCaFile() {
  const m = /^(\\d+):(.*)$/s.exec(process.env.MUFIZ_DEFERRED_CA_CERTS || '');
  return m !== null && Number(m[1]) === process.pid ? m[2] : null;
}
/** TLS options that add the deferred file's certificates to the default store, or null. */
function withDeferredCa() {
  const file = deferredCaFile();
  if (file === null) return null;
  let pem;
  try { pem = require('fs').readFileSync(file, 'utf8'); } catch { return null; }
  const secureContext = require('tls').createSecureContext();
  // The native context's addCACert (what tls itself uses for the ca option) copies the shared
  // default store before it adds to it, so OpenSSL's store stays under --use-openssl-ca.
  secureContext.context.addCACert(pem);
  return { secureContext };
}
function request(target, method, body, redirects, tlsExtra) {
  let u;
  try { u = new URL(target); } catch { return finish({ error: 'invalid URL: ' + target }); }
  const lib = u.protocol === 'http:' ? require('http') : u.protocol === 'https:' ? require('https') : null;
  if (lib === null) return finish({ error: 'unsupported protocol: ' + u.protocol });
  const h = Object.assign({}, headers);
  if (body !== null) h['Content-Length'] = Buffer.byteLength(body);
  else delete h['Content-Type'];
  const options = { method, headers: h, timeout: timeoutMs };
  if (tlsExtra) Object.assign(options, tlsExtra);
  const req = lib.request(u, options, (res) => {
    const status = res.statusCode;
    if ([301, 302, 303, 307, 308].includes(status) && res.headers.location && redirects < maxRedirects) {
      res.resume();
      const keep = status === 307 || status === 308;
      let next;
      try { next = new URL(res.headers.location, u).href; } catch { return finish({ error: 'bad redirect: ' + res.headers.location }); }
      // A redirect keeps the store the file's certificates were added to (one to another host, a new
      // handshake, would otherwise fail verification and read and parse the file again).
      return request(next, keep ? method : 'GET', keep ? body : null, redirects + 1, tlsExtra);
    }
    const chunks = [];
    let total = 0;
    res.on('data', (c) => {
      total += c.length;
      // More than the heap could hold: stop receiving now rather than buffer it all.
      if (total > maxBytes) { res.destroy(); return finish({ tooLarge: true }); }
      chunks.push(c);
    });
    res.on('end', () => finish({ status, body: Buffer.concat(chunks).toString('utf8') }));
    res.on('error', (e) => finish({ error: e.message }));
  });
  req.on('timeout', () => req.destroy(new Error('timed out')));
  req.on('error', (e) => {
    const extra = tlsExtra === null && u.protocol === 'https:' && UNVERIFIED.has(e.code) ? withDeferredCa() : null;
    if (extra !== null) return request(target, method, body, redirects, extra);
    finish({ error: e.message });
  });
  if (body !== null) req.write(body);
  req.end();
}
try { request(url, method, body, 0, null); } catch (e) { finish({ error: String(e && e.message || e) }); }
`;

/** Performs one request synchronously; returns the response body (whatever the status). */
function httpRequest(rt: Runtime, name: string, method: string, url: string, body: string | null): string {
  const state = stateOf(rt);
  const headers: Record<string, string> = { 'User-Agent': 'MufiZ-TS', Accept: '*/*' };
  if (state.token !== null) headers.Authorization = `Bearer ${state.token}`;
  if (body !== null) headers['Content-Type'] = state.contentType ?? guessContentType(body);
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { Worker, MessageChannel, receiveMessageOnPort } = nodeThreads();
  const { port1, port2 } = new MessageChannel();
  let worker: InstanceType<typeof Worker>;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { flag, port: port2, method, url, body, headers, timeoutMs: REQUEST_TIMEOUT_MS, maxRedirects: MAX_REDIRECTS, maxBytes: readAllowance(rt) },
      transferList: [port2],
    });
  } catch (e) {
    port1.close();
    throw new RuntimeError(`${name}() failed: ${(e as Error).message}`);
  }
  worker.on('error', () => { /* reported through the port, or as a timeout */ });
  worker.unref();
  try {
    // As every native that blocks: what was printed is visible meanwhile (and the CLI starts
    // its signal watcher here for a program that would otherwise run without it).
    flushOutput(rt);
    if (!waitFor(rt, REQUEST_TIMEOUT_MS + 5000, flag)) throw new RuntimeError(`${name}() failed: timed out`);
    const answer = receiveMessageOnPort(port1)?.message as { body?: string; error?: string; tooLarge?: boolean } | undefined;
    if (answer === undefined) throw new RuntimeError(`${name}() failed: no answer from the request`);
    if (answer.tooLarge) throw new OutOfMemoryError(rt.allocator.heap.size);
    if (answer.error !== undefined) throw new RuntimeError(`${name}() failed: ${answer.error}`);
    return answer.body ?? '';
  } finally {
    port1.close();
    void worker.terminate();
  }
}

/** A body that parses as a JSON object or array is sent as JSON, anything else as plain text. */
function guessContentType(body: string): string {
  const t = body.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      JSON.parse(t);
      return 'application/json';
    } catch { /* not JSON */ }
  }
  return 'text/plain; charset=utf-8';
}

function request(name: string, method: string, withBody: boolean): NativeDef {
  return {
    name,
    unsafe: true,
    fn(rt, args, argc) {
      expectArgCount(name, argc, withBody ? 2 : 1);
      const url = stringArg(rt, name, args);
      const body = withBody ? stringArg(rt, name, args + 1) : null;
      rt.returnString(httpRequest(rt, name, method, url, body));
    },
  };
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** Keeps A–Z a–z 0–9 - _ . ~; every other UTF-8 byte becomes %XX (uppercase hex). */
export function urlEncode(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(byte);
    out += UNRESERVED.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** %XX (two hex digits) becomes that byte, + a space; anything else, a stray % included, is kept. */
export function urlDecode(text: string): string {
  const src = new TextEncoder().encode(text);
  const out = new Uint8Array(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i];
    if (b === 0x25 && i + 2 < src.length && isHex(src[i + 1]) && isHex(src[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(src[i + 1], src[i + 2]), 16);
      i += 2;
    } else {
      out[n++] = b === 0x2b ? 0x20 : b;
    }
  }
  return new TextDecoder().decode(out.subarray(0, n));
}

function isHex(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
}

/** RFC 3986 split: scheme ":" ["//" authority] path ["?" query] ["#" fragment]. */
const URI = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;
const AUTHORITY = /^(?:([^@]*)@)?(\[[^\]]*\]|[^:]*)(?::(\d*))?$/;

/**
 * parse_url's hash table as [key, value] pairs, in this order: scheme, user, password, host,
 * port (an int), path (always present, maybe ""), query, fragment; a key is present only when
 * its part is. Values are the raw, still percent-encoded text (upstream, Zig's std.Uri). A text
 * without a scheme, or with a port that is not a number up to 65535, is the runtime error
 * `parse_url() expects a URL with a scheme, got '<url>'.`
 */
export function parseUrlEntries(url: string): Array<[string, string | number]> {
  const fail = (): never => { throw new RuntimeError(`parse_url() expects a URL with a scheme, got '${url}'.`); };
  const m = URI.exec(url);
  if (m === null) return fail();
  const entries: Array<[string, string | number]> = [['scheme', m[1]]];
  if (m[2] !== undefined) {
    const a = AUTHORITY.exec(m[2]);
    if (a === null) return fail();
    if (a[1] !== undefined) {
      const colon = a[1].indexOf(':');
      entries.push(['user', colon < 0 ? a[1] : a[1].slice(0, colon)]);
      if (colon >= 0) entries.push(['password', a[1].slice(colon + 1)]);
    }
    entries.push(['host', a[2]]);
    if (a[3] !== undefined && a[3] !== '') {
      const port = Number(a[3]);
      if (port > 65535) return fail();
      entries.push(['port', port]);
    }
  }
  entries.push(['path', m[3]]);
  if (m[4] !== undefined) entries.push(['query', m[4]]);
  if (m[5] !== undefined) entries.push(['fragment', m[5]]);
  return entries;
}

/** The table set_content_type returns (upstream, whatever its argument). */
export const CONTENT_TYPES: ReadonlyArray<[string, string]> = [
  ['text', 'text/plain'],
  ['html', 'text/html'],
  ['json', 'application/json'],
  ['xml', 'application/xml'],
];

/**
 * set_content_type(type): chooses the Content-Type of later http_post/http_put bodies (a key
 * of the table, e.g. "json", or a full media type, e.g. "text/csv") and returns the table's
 * pairs, which upstream returns as a hash table. (Upstream stores nothing.)
 */
export function setContentType(rt: Runtime, type: string): ReadonlyArray<[string, string]> {
  const known = CONTENT_TYPES.find(([k]) => k === type);
  stateOf(rt).contentType = known !== undefined ? known[1] : type;
  return CONTENT_TYPES;
}

/** The command that opens a URL in the user's browser on this platform. */
function openerCommand(url: string): { cmd: string; args: string[] } {
  if (process.platform === 'darwin') return { cmd: 'open', args: [url] };
  if (process.platform === 'win32') return { cmd: 'cmd', args: ['/c', 'start', '""', url] };
  return { cmd: 'xdg-open', args: [url] };
}

/** Whether `cmd` is an executable file in a PATH directory (spawn itself fails only later, asynchronously). */
function onPath(cmd: string): boolean {
  if (process.platform === 'win32') return true;
  const path = nodePath(), { accessSync, constants: fsConstants } = nodeFs();
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(path.join(dir, cmd), fsConstants.X_OK);
      return true;
    } catch { /* next */ }
  }
  return false;
}

export const networkNatives: NativeModule = [
  request('http_get', 'GET', false),
  request('http_post', 'POST', true),
  request('http_put', 'PUT', true),
  request('http_delete', 'DELETE', false),
  {
    name: 'set_content_type',
    unsafe: true,
    fn(rt, args, argc) {
      expectArgCount('set_content_type', argc, 1);
      returnHashTable(rt, setContentType(rt, stringArg(rt, 'set_content_type', args)));
    },
  },
  {
    name: 'parse_url',
    unsafe: true,
    fn(rt, args, argc) {
      expectArgCount('parse_url', argc, 1);
      returnHashTable(rt, parseUrlEntries(stringArg(rt, 'parse_url', args)));
    },
  },
  {
    name: 'set_auth',
    unsafe: true,
    fn(rt, args, argc) {
      expectArgCount('set_auth', argc, 1);
      stateOf(rt).token = stringArg(rt, 'set_auth', args);
      rt.resultTag = Tag.TRUE;
    },
  },
  {
    name: 'url_encode',
    unsafe: true,
    fn(rt, args, argc) {
      expectArgCount('url_encode', argc, 1);
      rt.returnString(urlEncode(stringArg(rt, 'url_encode', args)));
    },
  },
  {
    name: 'url_decode',
    unsafe: true,
    fn(rt, args, argc) {
      expectArgCount('url_decode', argc, 1);
      rt.returnString(urlDecode(stringArg(rt, 'url_decode', args)));
    },
  },
  {
    // Starts the platform's opener detached and does not wait for it.
    name: 'open_url',
    unsafe: true,
    fn(rt, args, argc) {
      expectArgCount('open_url', argc, 1);
      const url = stringArg(rt, 'open_url', args);
      const { cmd, args: cmdArgs } = openerCommand(url);
      if (!onPath(cmd)) throw new RuntimeError(`open_url() failed: ${cmd} not found.`);
      try {
        const child = nodeChildProcess().spawn(cmd, cmdArgs, { detached: true, stdio: 'ignore' });
        child.on('error', () => { /* nothing to report to: the program has moved on */ });
        child.unref();
      } catch (e) {
        throw new RuntimeError(`open_url() failed: ${(e as Error).message}`);
      }
      rt.resultTag = Tag.TRUE;
    },
  },
];
