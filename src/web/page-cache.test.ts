import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { PageCache, preferredEncoding, UPGRADES_RUNNING, UPGRADES_WAITING } from './page-cache.ts';

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

test('keeps each page as bytes, compresses it fast on demand, then at the best level off the event loop', async () => {
  const cache = new PageCache(10);
  const body = `<p>Caf\u00e9 ${'water ledger '.repeat(2000)}</p>`;
  const entry = cache.set('/x', { body, status: 200, tags: [] });
  assert.equal(entry.encoded('identity').bytes.toString('utf8'), body);
  const fast = entry.encoded('br');
  assert.equal(brotliDecompressSync(fast.bytes).toString('utf8'), body);
  const fastGzip = entry.encoded('gzip');
  assert.equal(gunzipSync(fastGzip.bytes).toString('utf8'), body);
  assert.notEqual(fast.etag, entry.etag);
  const before = cache.byteSize;
  // The best copies are made on the thread pool; wait (bounded) until both have arrived.
  for (let i = 0; i < 100 && !(entry.encoded('br').isBest && entry.encoded('gzip').isBest); i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  const best = entry.encoded('br');
  assert.equal(brotliDecompressSync(best.bytes).toString('utf8'), body);
  assert.ok(best.bytes.length <= fast.bytes.length);
  // Other bytes of the same representation: the same (weak) ETag, so a client holding the fast
  // copy revalidates to a 304; the cache counts the new size.
  assert.equal(best.etag, fast.etag);
  assert.match(best.etag, /^W\/".+-br"$/);
  const bestGzip = entry.encoded('gzip');
  assert.equal(
    cache.byteSize,
    before - fast.bytes.length - fastGzip.bytes.length + best.bytes.length + bestGzip.bytes.length,
  );
  assert.ok(best.bytes.length < entry.encoded('identity').bytes.length / 4);
  // What the cache counts is what it holds: no copy keeps a larger block alive behind it.
  for (const copy of [entry.encoded('identity'), fast, fastGzip, best, bestGzip]) {
    assert.equal(copy.bytes.buffer.byteLength, copy.bytes.length);
  }
});

test('makes best copies a few at a time: a burst of misses waits in line instead of holding an encoder each', async () => {
  const cache = new PageCache({ maxPages: 1000, maxBytes: 64 * 1024 * 1024 });
  const taken = UPGRADES_RUNNING + UPGRADES_WAITING;
  const entries = Array.from({ length: taken + 40 }, (_, n) =>
    cache.set(`/p/${n}`, { body: `<p>page ${n} ${'ledger water '.repeat(200)}</p>`, status: 200, tags: [] }),
  );
  for (const entry of entries) entry.encoded('br');
  const isBest = (n: number) => entries[n]?.encoded('br').isBest === true;
  for (let i = 0; i < 400 && !isBest(taken - 1); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.ok(isBest(0) && isBest(taken - 1), 'the pages in line got their best copies');
  // Past the line's length, a page keeps its fast copy until it is asked for again.
  assert.equal(isBest(taken), false);
  entries[taken]?.encoded('br');
  for (let i = 0; i < 200 && !isBest(taken); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.ok(isBest(taken));
});

test('holds no more bytes than its limit, dropping the least recently used first', () => {
  const cache = new PageCache({ maxPages: 100, maxBytes: 10_000 });
  const page = (n: number) => ({ body: `${n}`.repeat(2500), status: 200, tags: [] });
  cache.set('a', page(1));
  cache.set('b', page(2));
  cache.set('c', page(3));
  assert.ok(cache.get('a'));
  cache.set('d', page(4));
  assert.ok(cache.byteSize <= 10_000);
  assert.ok(cache.get('a'), 'recently used: kept');
  assert.equal(cache.get('b'), undefined, 'least recently used: dropped');
  cache.set('huge', { body: 'x'.repeat(20_000), status: 200, tags: [] });
  assert.equal(cache.get('huge'), undefined);
});

test('does not keep a page rendered while an edit landed', () => {
  const cache = new PageCache(10);
  const generation = cache.generation;
  // ... the page renders; meanwhile the article it shows is saved and announced:
  cache.apply({ kind: 'article', id: 1, slugs: ['a'] });
  const entry = cache.set('/articles/a', { body: 'old text', status: 200, tags: ['article:1'] }, generation);
  assert.equal(entry.encoded('identity').bytes.toString(), 'old text');
  assert.equal(cache.get('/articles/a'), undefined);
  const fresh = cache.generation;
  cache.set('/articles/a', { body: 'new text', status: 200, tags: ['article:1'] }, fresh);
  assert.ok(cache.get('/articles/a'));
});

test('keeps a page rendered while an unrelated change landed, but not across a clear or a long run of changes', () => {
  const cache = new PageCache(10);
  const page = { body: 'text', status: 200, tags: ['article:1', 'person:2'] };
  let generation = cache.generation;
  cache.invalidate(['most-read']);
  cache.apply({ kind: 'article', id: 5, slugs: ['other'] });
  cache.set('/articles/a', page, generation);
  assert.ok(cache.get('/articles/a'), 'nothing it shows changed');

  generation = cache.generation;
  cache.apply({ kind: 'person', id: 2 });
  cache.set('/articles/a', page, generation);
  assert.equal(cache.get('/articles/a'), undefined, 'its author changed');

  generation = cache.generation;
  cache.clear();
  cache.set('/articles/a', page, generation);
  assert.equal(cache.get('/articles/a'), undefined, 'everything changed');

  generation = cache.generation;
  for (let i = 0; i < 100; i++) cache.invalidate([`article:${100 + i}`]);
  cache.set('/articles/a', page, generation);
  assert.equal(cache.get('/articles/a'), undefined, 'too many changes to tell');
});

test('an invalidation finds its pages by tag, also after others were evicted', () => {
  const cache = new PageCache({ maxPages: 3, maxBytes: 1_000_000 });
  for (let i = 1; i <= 5; i++) cache.set(`/p${i}`, { body: `${i}`, status: 200, tags: [`t${i % 2}`] });
  assert.deepEqual(
    ['/p1', '/p2', '/p3', '/p4', '/p5'].map((k) => Boolean(cache.get(k))),
    [false, false, true, true, true],
  );
  cache.invalidate(['t1']);
  assert.deepEqual(
    ['/p3', '/p4', '/p5'].map((k) => Boolean(cache.get(k))),
    [false, true, false],
  );
  cache.set('/p6', { body: '6', status: 200, tags: ['t1'] });
  cache.invalidate(['t0']);
  assert.equal(cache.get('/p4'), undefined);
  assert.ok(cache.get('/p6'));
  assert.equal(cache.size, 1);
});

test('a publish drops only the listings that show the article', () => {
  const cache = new PageCache(10);
  const keep = { status: 200 };
  cache.set('/', { ...keep, body: 'home', tags: ['listing', 'listing:site'] });
  cache.set('/region/europe', { ...keep, body: 'e', tags: ['listing', 'term:3', 'listing:term:3'] });
  cache.set('/region/asia', { ...keep, body: 'a', tags: ['listing', 'term:4', 'listing:term:4'] });
  cache.set('/authors/ana', { ...keep, body: 'ana', tags: ['listing', 'person:7', 'listing:person:7'] });
  cache.set('/authors/tom', { ...keep, body: 'tom', tags: ['listing', 'person:8', 'listing:person:8'] });
  cache.set('/articles/other', { ...keep, body: 'o', tags: ['article:9', 'term:3', 'person:7'] });
  cache.apply({
    kind: 'article',
    id: 1,
    slugs: ['new'],
    listings: { termIds: [3], personIds: [7], months: ['2026-11'] },
  });
  assert.equal(cache.get('/'), undefined);
  assert.equal(cache.get('/region/europe'), undefined);
  assert.equal(cache.get('/authors/ana'), undefined);
  assert.ok(cache.get('/region/asia'));
  assert.ok(cache.get('/authors/tom'));
  assert.ok(cache.get('/articles/other'));
});

test('picks brotli, then gzip, from Accept-Encoding and honours q=0', () => {
  assert.equal(preferredEncoding(undefined), 'identity');
  assert.equal(preferredEncoding('gzip, deflate, br, zstd'), 'br');
  assert.equal(preferredEncoding('gzip;q=1.0, br;q=0'), 'gzip');
  assert.equal(preferredEncoding('deflate'), 'identity');
  assert.equal(preferredEncoding('GZIP'), 'gzip');
  assert.equal(preferredEncoding('identity'), 'identity');
});
