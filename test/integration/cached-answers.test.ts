import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { seedDemo } from '../../src/services/demo.ts';
import { transitionArticle } from '../../src/services/newsroom/workflow.ts';
import { createTestWiring, type TestWiring } from '../helpers/databases.ts';
import { addStaff } from '../helpers/newsroom.ts';
import { parse, send } from '../helpers/raw-http.ts';
import { freePort } from '../helpers/reader-server.ts';
import { requestOverSocket, type SocketAnswer } from '../helpers/socket-get.ts';

// Kept reader pages are answered by the HTTP server before the app routes the request
// (src/web/public/cached-answers.ts). Only a listening server takes that path: app.inject()
// goes straight to the app, so these tests speak HTTP to a real port.

const ARTICLE = '/articles/velmar-basin-water-accounts';

type Answer = SocketAnswer;
const request = requestOverSocket;

/** The headers that do not change from one answer to the next. */
function steady(headers: IncomingHttpHeaders, isCompressed: boolean): IncomingHttpHeaders {
  const { date: _date, 'content-length': length, ...rest } = headers;
  return isCompressed ? rest : { ...rest, 'content-length': length };
}

function decoded(answer: Answer): Buffer {
  const encoding = answer.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(answer.body);
  if (encoding === 'gzip') return gunzipSync(answer.body);
  return answer.body;
}

describe('kept reader pages answered before the app', () => {
  let t: TestWiring;
  let app: FastifyInstance;
  let port: number;
  /** The request log, one parsed line each. */
  const logged: { msg?: string; fromCache?: boolean; req?: { url?: string } }[] = [];

  /** The answer, and whether the log says it came from the cache or from the app (one or the other). */
  const get = async (
    path: string,
    options: { method?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer & { isFromCache: boolean }> => {
    const mark = logged.length;
    const answer = await request(port, path, options);
    const lines = logged.slice(mark).filter((line) => line.req?.url === path);
    const isFromCache = lines.some((line) => line.fromCache === true);
    const isFromApp = lines.some((line) => line.msg === 'incoming request');
    assert.notEqual(isFromCache, isFromApp, `${path}: answered once, by the cache or by the app`);
    return { ...answer, isFromCache };
  };

  before(async () => {
    port = await freePort();
    t = await createTestWiring('sqlite', { siteUrl: `http://127.0.0.1:${port}` });
    const report = await seedDemo(t.wiring);
    assert.equal(report.failed, 0, JSON.stringify(report.outcomes));
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logged.push(JSON.parse(line));
        done();
      },
    });
    app = await buildApp(t.wiring, { log: { stream, level: 'info' } });
    await app.listen({ port, host: '127.0.0.1' });
  });

  after(async () => {
    await app?.close();
    await t?.cleanup();
  });

  test('answers a kept page exactly as the app did, in every encoding', async () => {
    for (const url of [ARTICLE, '/', '/articles', '/authors/nadia-korvell', '/region/east-africa']) {
      for (const encoding of ['identity', 'gzip', 'br']) {
        const headers = { 'accept-encoding': encoding };
        const first = await get(url, { headers });
        assert.equal(first.status, 200, `${url} ${encoding}`);
        assert.equal(first.isFromCache, false, `${url}: the first request is rendered by the app`);
        const second = await get(url, { headers });
        assert.equal(second.isFromCache, true, `${url} ${encoding}: the second is answered from the cache`);
        assert.equal(second.status, first.status);
        // The cache swaps a compressed copy for a smaller one made meanwhile: the same page (and
        // ETag) in fewer bytes, which may show between the two answers.
        const isCompressed = encoding !== 'identity';
        assert.deepEqual(steady(second.headers, isCompressed), steady(first.headers, isCompressed), url);
        assert.ok(decoded(second).equals(decoded(first)), `${url} ${encoding}: the same page`);
        // Each encoding is a representation of its own, and the next encoding starts afresh.
        app.pageCache.clear();
      }
    }
  });

  test('answers kept feeds, sitemaps and search pages exactly as the app did', async () => {
    const index = (await request(port, '/sitemap.xml')).body.toString();
    const month = /\/sitemaps\/articles-[0-9-]+\.xml/.exec(index)?.[0];
    assert.ok(month, 'the sitemap index names a monthly sitemap');
    app.pageCache.clear();
    const urls = [
      '/feed.xml',
      '/feed.atom',
      '/feed.json',
      '/authors/nadia-korvell/feed.xml',
      '/region/east-africa/feed.atom',
      '/sitemap.xml',
      month,
      '/sitemaps/news.xml',
      '/search?q=water',
    ];
    for (const url of urls) {
      for (const encoding of ['identity', 'gzip', 'br']) {
        const headers = { 'accept-encoding': encoding };
        const first = await get(url, { headers });
        assert.equal(first.status, 200, `${url} ${encoding}`);
        assert.equal(first.isFromCache, false, `${url}: the first request is rendered by the app`);
        const second = await get(url, { headers });
        assert.equal(second.isFromCache, true, `${url} ${encoding}: the second is answered from the cache`);
        const isCompressed = encoding !== 'identity';
        assert.deepEqual(steady(second.headers, isCompressed), steady(first.headers, isCompressed), url);
        assert.ok(decoded(second).equals(decoded(first)), `${url} ${encoding}: the same document`);
        app.pageCache.clear();
      }
    }
  });

  test('a kept feed answers If-Modified-Since and If-None-Match as the app does, and an old copy goes back to the app', async () => {
    const first = await get('/feed.xml');
    const lastModified = String(first.headers['last-modified']);
    const since = await get('/feed.xml', { headers: { 'if-modified-since': lastModified } });
    assert.equal(since.isFromCache, true);
    assert.equal(since.status, 304);
    assert.equal(since.headers['last-modified'], lastModified);
    // An ETag that does not match wins over a date that does: the whole feed again.
    const both = await get('/feed.xml', {
      headers: { 'if-none-match': 'W/"other"', 'if-modified-since': lastModified },
    });
    assert.equal(both.isFromCache, true);
    assert.equal(both.status, 200);
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    assert.equal((await get('/feed.xml', { headers: { 'if-modified-since': earlier } })).status, 200);
    // Feeds and sitemaps depend on the clock: a copy past its time is the app's to make again.
    const kept = app.pageCache.get('feed:/feed.xml');
    assert.ok(kept);
    kept.renderedAt -= 10 * 60_000;
    const stale = await get('/feed.xml');
    assert.equal(stale.isFromCache, false);
    assert.equal(stale.status, 200);
    assert.equal((await get('/feed.xml')).isFromCache, true);
  });

  test('answers HEAD and a matching If-None-Match from the cache with the page headers', async () => {
    const page = await get(ARTICLE);
    const head = await get(ARTICLE, { method: 'HEAD' });
    assert.equal(head.isFromCache, true);
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(page.body.length));
    assert.equal(head.body.length, 0);
    const again = await get(ARTICLE, { headers: { 'if-none-match': String(page.headers.etag) } });
    assert.equal(again.isFromCache, true);
    assert.equal(again.status, 304);
    assert.equal(again.headers.etag, page.headers.etag);
    assert.equal(again.headers['cache-control'], page.headers['cache-control']);
    assert.match(String(again.headers['content-security-policy']), /default-src 'self'/);
  });

  test('stops answering a page the moment an edit drops it', async () => {
    const article = await t.wiring.store.articles.findBySlug(ARTICLE.slice('/articles/'.length));
    assert.ok(article);
    await get(ARTICLE);
    const kept = await get(ARTICLE);
    assert.equal(kept.status, 200);
    assert.equal(kept.isFromCache, true);
    const editor = await addStaff(t.wiring, 'editor', 'Answers Editor');
    await transitionArticle(t.wiring, editor, { articleId: article.id, action: 'unpublish' });
    const gone = await get(ARTICLE);
    assert.equal(gone.status, 404);
    assert.equal(gone.isFromCache, false);
    await transitionArticle(t.wiring, editor, { articleId: article.id, action: 'publish' });
    assert.equal((await get(ARTICLE)).status, 200);
  });

  test('leaves to the app every request it would refuse or send elsewhere', async () => {
    await get('/');
    const home = await get('/');
    assert.equal(home.status, 200);
    assert.equal(home.isFromCache, true);
    // Addresses whose page is kept under another spelling are the app's to judge.
    for (const [url, status] of [
      ['/?page=abc', 400],
      ['/?p=99999', 404],
      ['/?page=1%00', 400],
      ['/?page=999', 404],
    ] as const) {
      const answer = await get(url);
      assert.equal(answer.status, status, url);
      assert.equal(answer.isFromCache, false, url);
    }
    // A slug decoded from %2F or %3F must not reach another page's key: each of these is what
    // it is with the cache off, a page not found, even with the pages they spell out kept.
    await get('/region/east-africa');
    await get(ARTICLE);
    for (const url of [
      '/region%2Feast-africa%3Fpage=1',
      '/region%2Feast-africa',
      `/articles%2F${ARTICLE.slice('/articles/'.length)}`,
      '/articles%3Fpage=1',
    ]) {
      for (const method of ['GET', 'HEAD']) {
        const answer = await get(url, { method });
        assert.equal(answer.status, 404, `${method} ${url}`);
        assert.equal(answer.isFromCache, false, `${method} ${url}`);
      }
    }
    // A request without Host, and a GET with a body, are refused or read by the app as before.
    const noHost = parse(await send(port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n'));
    assert.equal(noHost.status, 400);
    const withBody = await get('/', { headers: { 'content-length': '0' } });
    assert.equal(withBody.status, 200);
    assert.equal(withBody.isFromCache, false);
    // Other methods are never answered from the cache.
    const posted = await get('/', { method: 'POST' });
    assert.equal(posted.status, 404);
  });
});
