import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { Discovery } from '../../src/services/discovery/discovery.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';

const BROWSER =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

for (const kind of DATABASE_KINDS) {
  describe(`most-read lists on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let discovery: Discovery;
    const ids: Record<string, number> = {};

    before(async () => {
      t = await createTestWiring(kind);
      for (const [slug, region] of [
        ['popular', 'Europe'],
        ['middling', 'Europe'],
        ['quiet', 'Asia'],
      ] as const) {
        ids[slug] = await addArticle(t.wiring, {
          slug,
          title: `The ${slug} one`,
          body: 'Text.',
          publishedAt: '2026-11-01T00:00:00.000Z',
          authors: ['Ana Reis'],
          terms: { region: [region] },
        });
      }
      ids.draft = await addArticle(t.wiring, {
        slug: 'draft',
        title: 'Draft',
        body: 'x',
        publishedAt: '2026-11-01T00:00:00.000Z',
        status: 'draft',
      });
      app = await buildApp(t.wiring, { shouldLog: false });
      discovery = new Discovery(t.wiring, { websubHub: '' });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('counts reads from the beacon without cookies, skipping bots', async () => {
      const counter = discovery.views;
      const hit = async (id: number, ua: string, method: 'POST' | 'GET' = 'POST') => {
        const res = await app.inject({
          method,
          url: method === 'POST' ? `/api/views/${id}` : `/api/views/${id}.gif`,
          headers: { 'user-agent': ua },
        });
        assert.equal(res.headers['set-cookie'], undefined);
        return res;
      };
      assert.equal((await hit(ids.popular!, BROWSER)).statusCode, 204);
      const gif = await hit(ids.popular!, BROWSER, 'GET');
      assert.equal(gif.statusCode, 200);
      assert.equal(gif.headers['content-type'], 'image/gif');
      await hit(ids.popular!, 'Googlebot/2.1 (+http://www.google.com/bot.html)');
      await hit(ids.popular!, 'curl/8.5.0');
      assert.equal((await app.inject({ method: 'POST', url: '/api/views/abc' })).statusCode, 400);
      // The app's own counter flushes on close; here a second counter shows the same rules directly.
      for (let i = 0; i < 5; i++) counter.record({ articleId: ids.popular! });
      for (let i = 0; i < 2; i++) counter.record({ articleId: ids.middling! });
      counter.record({ articleId: ids.quiet! });
      counter.record({ articleId: ids.draft! });
      counter.record({ articleId: 999_999 });
      assert.equal(await counter.flush(), 10);
      const week = await discovery.mostRead('week');
      assert.deepEqual(
        week.map((c) => c.article.slug),
        ['popular', 'middling', 'quiet'],
      );
      const asia = (await t.wiring.store.taxonomies.listTerms()).find((x) => x.slug === 'asia')!;
      assert.deepEqual(
        (await discovery.mostRead('day', [asia.id])).map((c) => c.article.slug),
        ['quiet'],
      );
    });

    test('drops reads older than the period', async () => {
      t.setNow(new Date('2026-12-20T12:00:00.000Z'));
      assert.deepEqual(await discovery.mostRead('week'), []);
      t.setNow(new Date('2026-11-20T12:00:00.000Z'));
    });

    test('shows most-read lists on the home and term pages, and the beacon on articles', async () => {
      app.pageCache.clear();
      const home = (await app.inject('/')).body;
      assert.match(home, /Most read[\s\S]*href="\/articles\/popular"[\s\S]*href="\/articles\/middling"/);
      const europe = (await app.inject('/region/europe')).body;
      assert.match(europe, /Most read/);
      const article = (await app.inject('/articles/quiet')).body;
      assert.match(article, new RegExp(`data-view-beacon="/api/views/${ids.quiet}"`));
      assert.match(
        article,
        new RegExp(`<noscript><img class="view-beacon" src="/api/views/${ids.quiet}.gif"`),
      );
    });
  });
}
