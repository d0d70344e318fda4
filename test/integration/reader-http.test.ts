import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { seedDemo } from '../../src/services/demo.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

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
      for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`]) {
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

    test('answers HEAD with the headers of the page and no body', async () => {
      const response = await app.inject({ method: 'HEAD', url: ARTICLE });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(response.body, '');
    });
  });
}
