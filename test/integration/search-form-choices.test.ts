import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { SEARCH_CHOICES_MAX } from '../../src/services/discovery/search.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';

/** More authors and themes than the search form lists as menus. */
const MANY = SEARCH_CHOICES_MAX + 5;

for (const kind of DATABASE_KINDS) {
  describe(`the search form of a publication with many authors and themes on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;

    before(async () => {
      t = await createTestWiring(kind);
      for (let n = 1; n <= MANY; n++) {
        await addArticle(t.wiring, {
          slug: `harbour-${n}`,
          title: `Harbour dispatch ${n}`,
          body: 'Notes on the harbour and its tides.',
          publishedAt: `2026-10-01T09:${String(n % 60).padStart(2, '0')}:00.000Z`,
          authors: [`Guest Writer ${n}`],
          terms: { theme: [`Theme ${n}`], region: [n % 2 ? 'North' : 'South'] },
        });
      }
      app = await buildApp(t.wiring, { shouldLog: false });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('asks for a name where a menu would list every author or theme, and keeps short lists as menus', async () => {
      const page = await app.inject('/search');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<input id="search-author" name="author"/);
      assert.match(page.body, /<input id="search-theme" name="theme"/);
      assert.match(page.body, /<select id="search-region" name="region">/);
      assert.doesNotMatch(page.body, /Guest Writer 77/);
      assert.doesNotMatch(page.body, /Theme 77/);
    });

    it('finds by the name typed, in any case, as by the slug a menu sends', async () => {
      const byName = await app.inject({ url: '/search', query: { q: 'harbour', author: 'guest WRITER 77' } });
      assert.equal(byName.statusCode, 200);
      assert.match(byName.body, /Harbour dispatch 77</);
      assert.doesNotMatch(byName.body, /Harbour dispatch 76</);
      assert.match(byName.body, /value="guest WRITER 77"/);
      const bySlug = await app.inject({ url: '/search', query: { q: 'harbour', author: 'guest-writer-77' } });
      assert.match(bySlug.body, /Harbour dispatch 77</);
      const theme = await app.inject({ url: '/search', query: { q: 'harbour', theme: 'Theme 12' } });
      assert.match(theme.body, /Harbour dispatch 12</);
      assert.doesNotMatch(theme.body, /Harbour dispatch 13</);
      const unknown = await app.inject({ url: '/search', query: { q: 'harbour', author: '<b>Nobody</b>' } });
      assert.equal(unknown.statusCode, 200);
      assert.match(unknown.body, /There is no author “&lt;b&gt;Nobody&lt;\/b&gt;”/);
    });
  });
}
