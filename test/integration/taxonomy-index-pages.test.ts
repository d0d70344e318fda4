import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { TERM_INDEX_PAGE } from '../../src/services/reader.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';

/** Tags enough for two full pages of the index and part of a third. */
const TAGS = TERM_INDEX_PAGE * 2 + 50;

/** The tag names an index page lists, in order. */
function tagsOn(body: string): string[] {
  return [...body.matchAll(/href="\/tag\/[^"]+">([^<]+)</g)].map((m) => m[1] ?? '');
}

for (const kind of DATABASE_KINDS) {
  describe(`the index of a taxonomy with ${TAGS} terms on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const names = Array.from({ length: TAGS }, (_, i) => `Tag ${String(i + 1).padStart(4, '0')}`);

    before(async () => {
      t = await createTestWiring(kind);
      await addArticle(t.wiring, {
        slug: 'everything-tagged',
        title: 'Everything tagged',
        body: 'One article under every tag.',
        publishedAt: '2026-10-01T09:00:00.000Z',
        authors: ['Ana Reis'],
        terms: { tag: names, region: ['Europe'] },
      });
      await addArticle(t.wiring, {
        slug: 'second',
        title: 'Second',
        body: 'Under the first tag too.',
        publishedAt: '2026-10-02T09:00:00.000Z',
        authors: ['Ana Reis'],
        terms: { tag: [names[0] ?? ''] },
      });
      app = await buildApp(t.wiring, { shouldLog: false });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('comes in linked pages that together list every term once, with its count', async () => {
      const listed: string[] = [];
      let address: string | undefined = '/tag';
      const seen: string[] = [];
      while (address && seen.length < 5) {
        seen.push(address);
        const response: { statusCode: number; body: string } = await app.inject(address);
        assert.equal(response.statusCode, 200, address);
        listed.push(...tagsOn(response.body));
        address = /<a rel="next" href="([^"]+)"/.exec(response.body)?.[1];
      }
      assert.deepEqual(seen, ['/tag', '/tag?page=2', '/tag?page=3']);
      assert.deepEqual(listed, names);
      const first = await app.inject('/tag');
      assert.equal(tagsOn(first.body).length, TERM_INDEX_PAGE);
      assert.match(first.body, /Tag 0001<\/a> <span class="count">\(2\)/);
      assert.match(first.body, /Page 1 of 3/);
      const second = await app.inject('/tag?page=2');
      assert.match(second.body, /<link rel="canonical" href="[^"]*\/tag\?page=2"/);
      assert.match(second.body, /<a rel="prev" href="\/tag">/);
    });

    it('answers 404 past the last page and 400 for a page that is not a number, and a short index has no pages', async () => {
      assert.equal((await app.inject('/tag?page=4')).statusCode, 404);
      assert.equal((await app.inject('/tag?page=x')).statusCode, 400);
      const regions = await app.inject('/region');
      assert.equal(regions.statusCode, 200);
      assert.match(regions.body, /Europe/);
      assert.doesNotMatch(regions.body, /class="pagination"/);
      assert.equal((await app.inject('/region?page=2')).statusCode, 404);
    });
  });
}
