/** The natives' pure helpers, including those the collection natives wrap (parse_url, set_content_type). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseUrlEntries, urlEncode, urlDecode, CONTENT_TYPES } from '../src/vm/natives/network';
import { expandTemplate, findCodePoint, compareBytes } from '../src/vm/natives/strings';
import { roundHalfAwayFromZero } from '../src/vm/natives/math';
import { RuntimeError } from '../src/vm/errors';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

test('parseUrlEntries gives every part present, in order, raw; path always', () => {
  assert.equal(parseUrlEntries('https://ann:pw@example.com:8080/a%20b/c?x=1&y=2#top'), [
    ['scheme', 'https'], ['user', 'ann'], ['password', 'pw'], ['host', 'example.com'], ['port', 8080],
    ['path', '/a%20b/c'], ['query', 'x=1&y=2'], ['fragment', 'top'],
  ]);
  assert.equal(parseUrlEntries('http://example.com'), [['scheme', 'http'], ['host', 'example.com'], ['path', '']]);
  assert.equal(parseUrlEntries('mailto:someone@example.com'), [['scheme', 'mailto'], ['path', 'someone@example.com']]);
  assert.equal(parseUrlEntries('http://[::1]:80/'), [['scheme', 'http'], ['host', '[::1]'], ['port', 80], ['path', '/']]);
  assert.equal(parseUrlEntries('http://bob@h/'), [['scheme', 'http'], ['user', 'bob'], ['host', 'h'], ['path', '/']]);
});

test('parseUrlEntries rejects a text without a scheme or with a bad port', () => {
  for (const bad of ['example.com/path', '/just/a/path', 'http://h:99999/', 'http://h:abc/', '1http://h/']) {
    assert.throws(() => parseUrlEntries(bad), (e: unknown) => e instanceof RuntimeError && e.message.startsWith('parse_url() expects a URL with a scheme'), bad);
  }
});

test('set_content_type table is upstream\'s', () => {
  assert.equal(CONTENT_TYPES.map(([k]) => k), ['text', 'html', 'json', 'xml']);
});

test('url_encode/url_decode work on UTF-8 bytes and keep malformed escapes', () => {
  assert.is(urlEncode('a b+é~'), 'a%20b%2B%C3%A9~');
  assert.is(urlDecode('a%20b%2B%C3%A9~'), 'a b+é~');
  assert.is(urlDecode('%4'), '%4');
  assert.is(urlDecode('%G1+'), '%G1 ');
});

test('expandTemplate: {} in order, {{ and }} always, {} copied when values run out', () => {
  const t = (tpl: string, ...vals: string[]): string => expandTemplate(tpl, vals.length, (k) => vals[k]);
  assert.is(t('{} {}', 'a', 'b'), 'a b');
  assert.is(t('{{}}'), '{}');
  assert.is(t('{{{}}}', 'x'), '{x}');
  assert.is(t('{} {}', 'a'), 'a {}');
  assert.is(t('}{'), '}{');
  assert.is(t('{'), '{');
});

test('findCodePoint counts code points; compareBytes orders by code point', () => {
  assert.is(findCodePoint(utf8('日本語テキスト'), utf8('テ')), 3);
  assert.is(findCodePoint(utf8('abc'), utf8('')), 0);
  assert.is(findCodePoint(utf8('abc'), utf8('x')), -1);
  assert.is(compareBytes(utf8('\uffff'), utf8('\u{1f600}')), -1); // UTF-16 order would say 1
  assert.is(compareBytes(utf8('ab'), utf8('ab')), 0);
  assert.is(compareBytes(utf8('b'), utf8('ab')), 1);
});

test('roundHalfAwayFromZero', () => {
  assert.equal([2.5, -2.5, 0.49999999999999994, -0.5, 1.5, 2.4999].map(roundHalfAwayFromZero), [3, -3, 0, -1, 2, 2]);
});

test.run();
