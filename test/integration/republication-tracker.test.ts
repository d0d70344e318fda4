import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import {
  MAX_REPUBLICATIONS_LISTED,
  RepublicationTracker,
  republicationsOf,
  topRepublishers,
} from '../../src/services/republishing/tracker.ts';
import { linkPerson } from '../../src/services/users.ts';
import { clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';

const BROWSER =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const SITE = 'https://review.example';

for (const kind of DATABASE_KINDS) {
  describe(`republication tracker on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const ids: Record<string, number> = {};

    before(async () => {
      t = await createTestWiring(kind, { siteUrl: SITE });
      ids.story = await addArticle(t.wiring, {
        slug: 'story',
        title: 'A story',
        body: 'Text.',
        publishedAt: '2026-11-01T00:00:00.000Z',
        authors: ['Own Writer'],
      });
      ids.other = await addArticle(t.wiring, {
        slug: 'other',
        title: 'Another story',
        body: 'Text.',
        publishedAt: '2026-11-01T00:00:00.000Z',
      });
      ids.draft = await addArticle(t.wiring, {
        slug: 'draft',
        title: 'Draft',
        body: 'x',
        publishedAt: '2026-11-01T00:00:00.000Z',
        status: 'draft',
      });
      app = await buildApp(t.wiring, { shouldLog: false });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    const hit = (path: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url: path, headers: { 'user-agent': BROWSER, ...headers } });
    const pagesOf = async (id: number) => republicationsOf(t.wiring, id);

    test('answers a transparent GIF that no cache keeps, without cookies, whatever the id', async () => {
      for (const path of [`/r/${ids.story}.gif`, `/r/${ids.draft}.gif`, '/r/987654.gif', '/r/garbage']) {
        const res = await hit(path, { referer: 'https://elsewhere.example/a', cookie: 'x=1' });
        assert.equal(res.statusCode, 200, path);
        assert.equal(res.headers['content-type'], 'image/gif');
        assert.match(String(res.headers['cache-control']), /no-store/);
        assert.equal(res.headers['set-cookie'], undefined);
        // Other sites embed it: a same-origin resource policy would make browsers refuse it.
        assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin');
        assert.equal(res.rawPayload.length, 42);
        assert.equal(res.rawPayload.subarray(0, 6).toString(), 'GIF89a');
      }
      await app.tracker.flush();
      assert.deepEqual(await pagesOf(ids.draft!), []);
      // Not even a row for an unknown id: the flush checks ids against published articles.
      assert.equal((await pagesOf(987654)).length, 0);
    });

    test('counts a foreign page after the flush, with its host and page, and N hits as N', async () => {
      const referer = 'https://News.Partner.example/world/a-story.html?utm_source=kit#comments';
      for (let i = 0; i < 7; i++) await hit(`/r/${ids.other}.gif`, { referer });
      assert.deepEqual(await pagesOf(ids.other!), [], 'nothing is written before the flush');
      assert.equal(await app.tracker.flush(), 7);
      const [page] = await pagesOf(ids.other!);
      assert.equal(page?.host, 'news.partner.example');
      assert.equal(page?.page, 'https://news.partner.example/world/a-story.html');
      assert.equal(page?.views, 7);
      assert.equal(page?.firstSeen, '2026-11-20T12:00:00.000Z');
      t.setNow(new Date('2026-11-21T08:30:00.000Z'));
      await hit(`/r/${ids.other}.gif`, { referer });
      await app.tracker.flush();
      const [later] = await pagesOf(ids.other!);
      assert.equal(later?.views, 8);
      assert.equal(later?.firstSeen, '2026-11-20T12:00:00.000Z');
      assert.equal(later?.lastSeen, '2026-11-21T08:30:00.000Z');
      const top = await topRepublishers(t.wiring, { days: 7 });
      assert.deepEqual(
        top.find((r) => r.host === 'news.partner.example'),
        { host: 'news.partner.example', views: 8, articles: 1, pages: 1 },
      );
      t.setNow(new Date('2026-11-20T12:00:00.000Z'));
    });

    test('answers the same way when the server answers the image before the app', async () => {
      const served = await buildApp(t.wiring, { shouldLog: false });
      try {
        await served.listen({ port: 0, host: '127.0.0.1' });
        const address = served.server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        const url = `http://127.0.0.1:${port}/r/${ids.other}.gif?cachebust=1`;
        const headers = { 'user-agent': BROWSER, referer: 'https://early.example/copy?x=1' };
        const got = await fetch(url, { headers });
        assert.equal(got.status, 200);
        assert.equal(got.headers.get('content-type'), 'image/gif');
        assert.match(String(got.headers.get('cache-control')), /no-store/);
        assert.equal(got.headers.get('cross-origin-resource-policy'), 'cross-origin');
        assert.equal(got.headers.get('set-cookie'), null);
        assert.ok(got.headers.get('x-content-type-options'), 'the site’s protective headers too');
        assert.equal((await got.arrayBuffer()).byteLength, 42);
        const head = await fetch(url, { method: 'HEAD', headers });
        assert.equal(head.status, 200);
        assert.equal(await head.text(), '');
        // A HEAD is no display: it is answered, not counted.
        assert.equal(await served.tracker.flush(), 1);
        const early = (await pagesOf(ids.other!)).find((r) => r.host === 'early.example');
        assert.equal(early?.page, 'https://early.example/copy');
        assert.equal(early?.views, 1);
      } finally {
        await served.close();
      }
    });

    test('counts nothing for our own host, a bot, no Referer, a draft or an unknown id', async () => {
      const before = await pagesOf(ids.story!);
      await hit(`/r/${ids.story}.gif`, { referer: `${SITE}/2026/11/story` });
      await hit(`/r/${ids.story}.gif`, { referer: 'http://localhost:80/x', host: 'localhost' });
      await hit(`/r/${ids.story}.gif`, {
        referer: 'https://bots.example/a',
        'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)',
      });
      await hit(`/r/${ids.story}.gif`, { referer: 'https://curl.example/a', 'user-agent': 'curl/8.5.0' });
      await hit(`/r/${ids.story}.gif`);
      await hit(`/r/${ids.story}.gif`, { referer: 'javascript:alert(1)' });
      await hit(`/r/${ids.draft}.gif`, { referer: 'https://elsewhere.example/b' });
      await hit('/r/987655.gif', { referer: 'https://elsewhere.example/c' });
      await app.tracker.flush();
      assert.deepEqual(await pagesOf(ids.story!), before);
      assert.deepEqual(await pagesOf(ids.draft!), []);
      assert.deepEqual(await pagesOf(987655), []);
    });

    test('a page is our own under the Host it was asked from, in any case, and counts when asked from elsewhere', async () => {
      const tracker = new RepublicationTracker(t.wiring, { hitsPerMinute: 0 });
      const record = (referer: string, requestHost: string) =>
        tracker.record({
          articleId: ids.story!,
          referer,
          userAgent: BROWSER,
          clientAddress: '203.0.113.7',
          requestHost,
        });
      assert.equal(record('https://mirror.example/a', 'MIRROR.example'), 'no-page');
      assert.equal(record('https://Mirror.Example/a', 'mirror.example'), 'no-page');
      // The same Referer, remembered, is another site's page when the image was asked from us.
      assert.equal(record('https://mirror.example/a', 'review.example'), 'counted');
      assert.equal(record('https://mirror.example/a', 'mirror.example:8443'), 'counted');
      assert.equal(record('https://review.example/a', 'elsewhere.example'), 'no-page');
      assert.equal(await tracker.flush(), 2);
    });

    test('a remembered page counts on each UTC day apart, with the window’s first and last hit to the millisecond', async () => {
      const tracker = new RepublicationTracker(t.wiring, { hitsPerMinute: 0 });
      const record = () =>
        tracker.record({
          articleId: ids.story!,
          referer: 'https://days.example/story',
          userAgent: BROWSER,
          clientAddress: '203.0.113.8',
          requestHost: 'review.example',
        });
      try {
        t.setNow(new Date('2026-11-22T23:59:59.250Z'));
        assert.equal(record(), 'counted');
        t.setNow(new Date('2026-11-22T23:59:59.875Z'));
        assert.equal(record(), 'counted');
        t.setNow(new Date('2026-11-23T00:00:00.125Z'));
        assert.equal(record(), 'counted');
        assert.equal(await tracker.flush(), 3);
        const [page] = (await pagesOf(ids.story!)).filter((r) => r.host === 'days.example');
        assert.equal(page?.views, 3);
        assert.equal(page?.firstSeen, '2026-11-22T23:59:59.250Z');
        assert.equal(page?.lastSeen, '2026-11-23T00:00:00.125Z');
        const top = await topRepublishers(t.wiring, { days: 1 });
        assert.equal(top.find((r) => r.host === 'days.example')?.views, 1, 'one hit on the new day');
      } finally {
        t.setNow(new Date('2026-11-20T12:00:00.000Z'));
      }
    });

    test('holds at most maxPending distinct pages per window: new ones are dropped, known ones still count', async () => {
      const tracker = new RepublicationTracker(t.wiring, { maxPending: 5, hitsPerMinute: 0 });
      const record = (page: string) =>
        tracker.record({
          articleId: ids.story!,
          referer: `https://flood.example/${page}`,
          userAgent: BROWSER,
          clientAddress: '203.0.113.9',
          requestHost: 'review.example',
        });
      for (let i = 0; i < 5; i++) assert.equal(record(`p${i}`), 'counted');
      for (let i = 5; i < 50; i++) assert.equal(record(`p${i}`), 'full');
      assert.equal(record('p0'), 'counted');
      assert.equal(await tracker.flush(), 6);
      const flood = (await pagesOf(ids.story!)).filter((r) => r.host === 'flood.example');
      assert.equal(flood.length, 5);
      assert.equal(flood.find((r) => r.page.endsWith('/p0'))?.views, 2);
      // The next window starts empty.
      assert.equal(record('p49'), 'counted');
      assert.equal(await tracker.flush(), 1);
    });

    test('limits the hits one address adds in a minute', async () => {
      const tracker = new RepublicationTracker(t.wiring, { hitsPerMinute: 3 });
      const record = (address: string) =>
        tracker.record({
          articleId: ids.story!,
          referer: 'https://limited.example/a',
          userAgent: BROWSER,
          clientAddress: address,
          requestHost: 'review.example',
        });
      assert.deepEqual(
        [1, 2, 3, 4, 5].map(() => record('198.51.100.1')),
        ['counted', 'counted', 'counted', 'rate-limited', 'rate-limited'],
      );
      assert.equal(record('198.51.100.2'), 'counted');
      t.setNow(new Date('2026-11-20T12:01:00.000Z'));
      assert.equal(record('198.51.100.1'), 'counted');
      t.setNow(new Date('2026-11-20T12:00:00.000Z'));
      assert.equal(await tracker.flush(), 5);
    });

    test('lists an article’s republications to editors, admins and its own authors only', async () => {
      await hit(`/r/${ids.story}.gif`, { referer: 'https://listed.example/copy' });
      await app.tracker.flush();
      const cookie = sessionCookieName(SITE);
      const admin = await makeUser(t.wiring, 'admin');
      const editor = await makeUser(t.wiring, 'editor');
      const stranger = await makeUser(t.wiring, 'contributor');
      const author = await makeUser(t.wiring, 'contributor');
      const story = await t.wiring.store.articles.findById(ids.story!);
      await linkPerson(t.wiring, admin, { userId: author.id, personId: story!.authorIds[0]! });
      const url = `/admin/articles/${ids.story}/republications`;
      for (const user of [admin, editor, author]) {
        const res = await (await clientAs(app, t.wiring, user, cookie)).get(url);
        assert.equal(res.statusCode, 200, user.role);
        assert.match(res.body, /listed\.example/);
        assert.match(res.body, /href="https:\/\/listed\.example\/copy"/);
      }
      const refused = await (await clientAs(app, t.wiring, stranger, cookie)).get(url);
      assert.equal(refused.statusCode, 403);
      assert.doesNotMatch(refused.body, /listed\.example/);
      const anonymous = await app.inject({ method: 'GET', url });
      assert.equal(anonymous.statusCode, 303);
      const editorPage = await (await clientAs(app, t.wiring, editor, cookie)).get(
        `/admin/articles/${ids.story}`,
      );
      assert.match(editorPage.body, new RegExp(`href="${url}"`));
    });

    test('the republications page counts every page and view, not only the pages it lists', async () => {
      const viral = await addArticle(t.wiring, {
        slug: 'viral',
        title: 'Copied everywhere',
        body: 'Text.',
        publishedAt: '2026-11-01T00:00:00.000Z',
      });
      const pages = MAX_REPUBLICATIONS_LISTED + 20;
      const hits = Array.from({ length: pages }, (_, i) => ({
        articleId: viral,
        host: `copy${i}.example`,
        page: `https://copy${i}.example/reprint`,
        day: '2026-11-10',
        count: 3,
        firstAt: '2026-11-10T10:00:00.000Z',
        lastAt: `2026-11-10T10:${String(i % 60).padStart(2, '0')}:00.000Z`,
      }));
      assert.equal(await t.wiring.store.republications.add(hits), pages * 3);
      const editor = await makeUser(t.wiring, 'editor');
      const res = await (await clientAs(app, t.wiring, editor, sessionCookieName(SITE))).get(
        `/admin/articles/${viral}/republications`,
      );
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /data-republications="520">520 pages, 1,560 views\./);
      assert.match(res.body, /The 500 most recently seen are listed\./);
      assert.equal(res.body.match(/<td data-label="Site">/g)?.length, MAX_REPUBLICATIONS_LISTED);
    });
  });
}
