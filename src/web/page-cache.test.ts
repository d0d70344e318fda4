import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { PageCache, preferredEncoding } from './page-cache.ts';

test('drops exactly the pages that show what changed', () => {
  const cache = new PageCache(10);
  cache.set('/articles/a', { body: 'a', status: 200, tags: ['article:1', 'person:5', 'nav'] });
  cache.set('/articles/b', { body: 'b', status: 200, tags: ['article:2', 'person:6', 'nav'] });
  cache.set('/', { body: 'home', status: 200, tags: ['listing', 'nav'] });
  cache.apply({ kind: 'article', id: 1, slugs: ['a'] });
  assert.equal(cache.get('/articles/a'), undefined);
  assert.equal(cache.get('/'), undefined);
  assert.ok(cache.get('/articles/b'));
  cache.apply({ kind: 'person', id: 6 });
  assert.equal(cache.get('/articles/b'), undefined);
});

test('evicts the oldest page when full', () => {
  const cache = new PageCache(2);
  cache.set('1', { body: '1', status: 200, tags: [] });
  cache.set('2', { body: '2', status: 200, tags: [] });
  cache.set('3', { body: '3', status: 200, tags: [] });
  assert.equal(cache.size, 2);
  assert.equal(cache.get('1'), undefined);
});

test('settings changes clear everything', () => {
  const cache = new PageCache(10);
  cache.set('/x', { body: 'x', status: 200, tags: ['article:1'] });
  cache.apply({ kind: 'settings' });
  assert.equal(cache.size, 0);
});

test('keeps each page as bytes, and compresses it once on demand', () => {
  const cache = new PageCache(10);
  const body = `<p>Caf\u00e9 ${'water ledger '.repeat(200)}</p>`;
  const entry = cache.set('/x', { body, status: 200, tags: [] });
  assert.equal(entry.encoded('identity').toString('utf8'), body);
  assert.equal(gunzipSync(entry.encoded('gzip')).toString('utf8'), body);
  assert.equal(brotliDecompressSync(entry.encoded('br')).toString('utf8'), body);
  assert.ok(entry.encoded('br').length < entry.encoded('identity').length / 4);
  assert.equal(entry.encoded('gzip'), entry.encoded('gzip'));
});

test('picks brotli, then gzip, from Accept-Encoding and honours q=0', () => {
  assert.equal(preferredEncoding(undefined), 'identity');
  assert.equal(preferredEncoding('gzip, deflate, br, zstd'), 'br');
  assert.equal(preferredEncoding('gzip;q=1.0, br;q=0'), 'gzip');
  assert.equal(preferredEncoding('deflate'), 'identity');
  assert.equal(preferredEncoding('GZIP'), 'gzip');
  assert.equal(preferredEncoding('identity'), 'identity');
});
