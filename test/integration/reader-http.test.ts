import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { seedDemo } from '../../src/services/demo.ts';
import { transitionArticle } from '../../src/services/newsroom/workflow.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addStaff } from '../helpers/newsroom.ts';

const ARTICLE = '/articles/velmar-basin-water-accounts';

for (const kind of DATABASE_KINDS) {
  describe(`reader pages over HTTP on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;

    before(async () => {
      t = await createTestWiring(kind);
      const report = await seedDemo(t.wiring);
      assert.equal(report.failed, 0, JSON.stringify(report.outcomes));
      app = await buildApp(t.wiring, { shouldLog: false });
    });

    after(async () => {
      await app?.close();
      await t?.cleanup();
    });

    test('sends the protective headers with every page, errors included', async () => {
      for (const url of [ARTICLE, '/no-such-page']) {
        const response = await app.inject(url);
        assert.match(String(response.headers['content-security-policy']), /default-src 'self'/);
        assert.equal(response.headers['x-content-type-options'], 'nosniff');
        assert.equal(response.headers['x-frame-options'], 'SAMEORIGIN');
      }
    });

    test('compresses cached pages with brotli or gzip when the client accepts them', async () => {
      const plain = await app.inject(ARTICLE);
      assert.equal(plain.statusCode, 200);
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(plain.headers.vary, 'accept-encoding');
      const brotli = await app.inject({ url: ARTICLE, headers: { 'accept-encoding': 'gzip, deflate, br' } });
      assert.equal(brotli.headers['content-encoding'], 'br');
      assert.equal(brotliDecompressSync(brotli.rawPayload).toString('utf8'), plain.body);
      const gzip = await app.inject({ url: ARTICLE, headers: { 'accept-encoding': 'gzip' } });
      assert.equal(gzip.headers['content-encoding'], 'gzip');
      assert.equal(gunzipSync(gzip.rawPayload).toString('utf8'), plain.body);
      assert.equal(Number(gzip.headers['content-length']), gzip.rawPayload.length);
      const etags = new Set([plain.headers.etag, brotli.headers.etag, gzip.headers.etag]);
      assert.equal(etags.size, 3, 'each encoding has its own ETag');
    });

    test('answers 304 when the browser already has this representation', async () => {
      const first = await app.inject({ url: ARTICLE, headers: { 'accept-encoding': 'br' } });
      const etag = String(first.headers.etag);
      const strong = etag.replace(/^W\//, '');
      for (const ifNoneMatch of [etag, strong, `"other", ${etag}`]) {
        const again = await app.inject({
          url: ARTICLE,
          headers: { 'accept-encoding': 'br', 'if-none-match': ifNoneMatch },
        });
        assert.equal(again.statusCode, 304, ifNoneMatch);
        assert.equal(again.rawPayload.length, 0);
      }
      const otherEncoding = await app.inject({
        url: ARTICLE,
        headers: { 'accept-encoding': 'gzip', 'if-none-match': etag },
      });
      assert.equal(otherEncoding.statusCode, 200);
    });

    test('keeps the ETag when the best-compressed copy replaces the fast one, so a revalidating client gets 304', async () => {
      // A page no other test asks for, so its first compressed copy is the fast one.
      const url = '/articles/shade-as-infrastructure';
      for (const encoding of ['br', 'gzip']) {
        const first = await app.inject({ url, headers: { 'accept-encoding': encoding } });
        assert.equal(first.statusCode, 200);
        let later = first;
        for (let i = 0; i < 100 && later.rawPayload.equals(first.rawPayload); i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          later = await app.inject({ url, headers: { 'accept-encoding': encoding } });
        }
        assert.ok(!later.rawPayload.equals(first.rawPayload), `${encoding}: the best copy arrived`);
        assert.equal(later.headers.etag, first.headers.etag, `${encoding}: same ETag across the upgrade`);
        const again = await app.inject({
          url,
          headers: { 'accept-encoding': encoding, 'if-none-match': String(first.headers.etag) },
        });
        assert.equal(again.statusCode, 304, encoding);
      }
    });

    test('has browsers ask again for every reader page, answering 304 while it is unchanged, so an unpublished article goes at once', async () => {
      const article = await t.wiring.store.articles.findBySlug(ARTICLE.slice('/articles/'.length));
      assert.ok(article);
      const term = await t.wiring.store.taxonomies.findTermById(article.termIds[0] ?? 0);
      assert.ok(term);
      const taxonomy = (await t.wiring.store.taxonomies.listTaxonomies()).find(
        (x) => x.id === term.taxonomyId,
      );
      for (const url of ['/', ARTICLE, `/${taxonomy?.slug}/${term.slug}`]) {
        const page = await app.inject(url);
        assert.equal(page.statusCode, 200, url);
        const directives = String(page.headers['cache-control']).split(/,\s*/);
        assert.ok(
          directives.includes('max-age=0') && directives.includes('must-revalidate'),
          `${url}: ${directives}`,
        );
        assert.ok(!directives.some((d) => d.startsWith('stale-while-revalidate')), `${url}: ${directives}`);
        assert.ok(directives.includes('s-maxage=60'), `${url}: shared caches keep their lifetime`);
        const again = await app.inject({ url, headers: { 'if-none-match': String(page.headers.etag) } });
        assert.equal(again.statusCode, 304, url);
        assert.equal(again.headers['cache-control'], page.headers['cache-control']);
      }
      const etag = String((await app.inject(ARTICLE)).headers.etag);
      const editor = await addStaff(t.wiring, 'editor', 'Cache Editor');
      await transitionArticle(t.wiring, editor, { articleId: article.id, action: 'unpublish' });
      const gone = await app.inject({ url: ARTICLE, headers: { 'if-none-match': etag } });
      assert.notEqual(gone.statusCode, 304, 'the unpublished article is not confirmed as still there');
      assert.notEqual(gone.statusCode, 200);
      await transitionArticle(t.wiring, editor, { articleId: article.id, action: 'publish' });
    });

    test('answers HEAD with the headers of the page and no body', async () => {
      const response = await app.inject({ method: 'HEAD', url: ARTICLE });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(response.body, '');
    });

    test('serves stylesheets and scripts compressed, kept a year at their fingerprinted address', async () => {
      const home = (await app.inject('/')).body;
      const urls = [...home.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
      assert.deepEqual(
        urls.map((u) => u.replace(/\.[0-9a-f]{10}\./, '.')),
        ['/assets/site.css', '/assets/print.css', '/assets/site.js'],
      );
      for (const url of urls) {
        const plain = await app.inject(url);
        assert.equal(plain.statusCode, 200, url);
        assert.equal(plain.headers['content-encoding'], undefined);
        assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
        assert.equal(plain.headers.vary, 'accept-encoding');
        const br = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
        assert.equal(br.headers['content-encoding'], 'br', url);
        assert.equal(brotliDecompressSync(br.rawPayload).toString(), plain.body);
        assert.ok(br.rawPayload.length < plain.rawPayload.length / 2, `${url} is at least halved`);
        const gzip = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
        assert.equal(gzip.headers['content-encoding'], 'gzip', url);
        assert.equal(gunzipSync(gzip.rawPayload).toString(), plain.body);
        const again = await app.inject({
          url,
          headers: { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) },
        });
        assert.equal(again.statusCode, 304);
      }
      // An address without the current fingerprint (an old page's) gets the file, kept briefly.
      const stale = await app.inject('/assets/site.0000000000.css');
      assert.equal(stale.statusCode, 200);
      assert.equal(stale.headers['cache-control'], 'public, max-age=300');
      assert.equal((await app.inject('/assets/site.css')).headers['cache-control'], 'public, max-age=300');
      assert.equal((await app.inject('/assets/nothing.css')).statusCode, 404);
      assert.equal((await app.inject('/assets/..%2Fapp.ts')).statusCode, 404);
    });

    test('lists every published article at /articles, a page at a time, linked from the home page', async () => {
      const home = (await app.inject('/')).body;
      assert.match(home, /<a href="\/articles">All articles<\/a>/);
      const first = await app.inject('/articles');
      assert.equal(first.statusCode, 200);
      assert.match(first.body, /<h1>All articles<\/h1>/);
      assert.match(first.body, /<link rel="canonical" href="[^"]+\/articles">/);
      const published = await t.wiring.store.articles.publishedIds({
        now: t.wiring.now().toISOString(),
        limit: 1000,
        offset: 0,
      });
      const cards = [...first.body.matchAll(/<article class="card/g)];
      assert.equal(cards.length, Math.min(published.length, 12));
      assert.equal((await app.inject('/articles?page=99')).statusCode, 404);
      assert.equal((await app.inject('/articles?page=2&after=nonsense')).statusCode, 400);
    });
  });
}
