import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { reachPeriod } from '../../src/domain/reach.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { ViewCounter } from '../../src/services/discovery/views.ts';
import {
  REACH_ROLL_UP_JOB,
  reachReport,
  rollUpReach,
  scheduleReachRollUp,
} from '../../src/services/republishing/reach.ts';
import { linkPerson } from '../../src/services/users.ts';
import { clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';

const BROWSER =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const SITE = 'https://review.example';
// The test clock stands at 2026-11-20T12:00Z.
const TODAY = '2026-11-20';

for (const kind of DATABASE_KINDS) {
  describe(`reach on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const ids: Record<string, number> = {};

    // Ids are set in before(); 0 would name no article.
    const views = (id: number | undefined, day: string, count: number, referrer: string | null = null) =>
      t.wiring.store.views.add([{ articleId: id ?? 0, day, count, referrer }]);
    const shown = (id: number | undefined, page: string, day: string, count: number) =>
      t.wiring.store.republications.add([
        {
          articleId: id ?? 0,
          host: new URL(page).host,
          page,
          day,
          count,
          firstAt: `${day}T08:00:00.000Z`,
          lastAt: `${day}T09:00:00.000Z`,
        },
      ]);

    before(async () => {
      t = await createTestWiring(kind, { siteUrl: SITE });
      ids.story = await addArticle(t.wiring, {
        slug: 'story',
        title: 'A story',
        body: 'Text.',
        publishedAt: '2026-06-01T00:00:00.000Z',
        authors: ['Own Writer'],
      });
      ids.other = await addArticle(t.wiring, {
        slug: 'other',
        title: '=HYPERLINK("https://evil.example")',
        body: 'Text.',
        publishedAt: '2026-06-01T00:00:00.000Z',
      });
      ids.quiet = await addArticle(t.wiring, {
        slug: 'quiet',
        title: 'Quiet, "quoted" story',
        body: 'Text.',
        publishedAt: '2026-06-01T00:00:00.000Z',
      });
      // Inside the last 7 days (2026-11-14 … 2026-11-20), and one day before them.
      await views(ids.story, '2026-11-13', 100, 'before.example');
      await views(ids.story, '2026-11-14', 3, 'news.example');
      await views(ids.story, '2026-11-14', 2, null);
      await views(ids.story, '2026-11-18', 5, 'social.example');
      await views(ids.story, '2026-11-20', 1, 'news.example');
      await views(ids.other, '2026-11-18', 7, 'news.example');
      await views(ids.quiet, '2026-11-19', 1, null);
      await shown(ids.story, 'https://partner.example/a', '2026-11-15', 4);
      await shown(ids.story, 'https://partner.example/b', '2026-11-16', 2);
      await shown(ids.other, 'https://partner.example/c', '2026-11-16', 1);
      await t.wiring.store.webmentions.save({
        articleId: ids.story,
        source: 'https://blog.example/post',
        target: `${SITE}/story`,
        status: 'verified',
        sourceTitle: 'A blog post',
        reason: null,
        firstVerifiedAt: '2026-11-17T10:00:00.000Z',
        lastVerifiedAt: '2026-11-17T10:00:00.000Z',
        receivedAt: '2026-11-17T09:00:00.000Z',
        updatedAt: '2026-11-17T10:00:00.000Z',
      });
      app = await buildApp(t.wiring, { shouldLog: false });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    const week = () => reachPeriod({ days: '7' }, TODAY).period;

    test('counts the referring host a beacon reports, never our own, a bot’s or garbage', async () => {
      const beacon = (query: string, headers: Record<string, string> = {}) =>
        app.inject({
          method: 'POST',
          url: `/api/views/${ids.quiet}${query}`,
          headers: { 'user-agent': BROWSER, host: 'review.example', ...headers },
        });
      await beacon('?ref=Search.Example');
      await beacon('?ref=search.example');
      await beacon('?ref=review.example');
      await beacon('?ref=www.review.example', { host: 'www.review.example' });
      await beacon('?ref=https%3A%2F%2Fsearch.example%2Fq%3Dsecret');
      await beacon('?ref=search.example', { 'user-agent': 'curl/8.5.0' });
      await beacon('');
      assert.equal(
        (
          await app.inject({
            method: 'GET',
            url: `/api/views/${ids.quiet}.gif`,
            headers: { 'user-agent': BROWSER },
          })
        ).statusCode,
        200,
      );
      await app.viewCounter.flush();
      const report = await reachReport(t.wiring, { period: week(), articleId: ids.quiet! });
      assert.equal(report.days.at(-1)?.views, 7, 'every read by a person counts as a view');
      assert.deepEqual(report.referrers, [{ host: 'search.example', views: 2 }]);
    });

    test('still counts a read, without its host, when made-up hosts fill the batch', async () => {
      const counter = new ViewCounter(t.wiring, { maxPending: 2 });
      counter.record({ articleId: ids.other!, referrer: 'flood-1.example' });
      counter.record({ articleId: ids.other!, referrer: 'flood-2.example' });
      counter.record({ articleId: ids.other! });
      counter.record({ articleId: ids.other!, referrer: 'flood-3.example' });
      // The plain key was not held when the batch filled: those two reads were dropped, as any read on a new key is.
      assert.equal(await counter.flush(), 2);
      counter.record({ articleId: ids.other! });
      counter.record({ articleId: ids.other!, referrer: 'flood-1.example' });
      counter.record({ articleId: ids.other!, referrer: 'flood-4.example' });
      assert.equal(await counter.flush(), 3);
      const day = reachPeriod({ from: TODAY, to: TODAY }, TODAY).period;
      const report = await reachReport(t.wiring, { period: day, articleId: ids.other! });
      assert.equal(report.totalViews, 2 + 3);
      assert.deepEqual(report.referrers, [
        { host: 'flood-1.example', views: 2 },
        { host: 'flood-2.example', views: 1 },
      ]);
      // Back to the week's figures the next tests expect.
      await t.wiring.database.db
        .deleteFrom('article_views')
        .where('article_id', '=', ids.other!)
        .where('day', '=', TODAY)
        .execute();
      await t.wiring.database.db
        .deleteFrom('article_referrers')
        .where('article_id', '=', ids.other!)
        .where('day', '=', TODAY)
        .execute();
    });

    test('reports a week site-wide: zero-filled days, top referrers, republishers, mentions, top articles', async () => {
      const report = await reachReport(t.wiring, { period: week() });
      assert.deepEqual(
        report.days.map((d) => `${d.day}:${d.views}`),
        [
          '2026-11-14:5',
          '2026-11-15:0',
          '2026-11-16:0',
          '2026-11-17:0',
          '2026-11-18:12',
          '2026-11-19:1',
          `2026-11-20:${1 + 7}`,
        ],
      );
      assert.equal(report.totalViews, 26);
      assert.deepEqual(report.referrers, [
        { host: 'news.example', views: 11 },
        { host: 'social.example', views: 5 },
        { host: 'search.example', views: 2 },
      ]);
      assert.equal(report.republishers.length, 1);
      assert.deepEqual(
        { ...report.republishers[0] },
        {
          host: 'partner.example',
          views: 7,
          articles: 2,
          pages: 3,
          firstSeen: '2026-11-15T08:00:00.000Z',
          lastSeen: '2026-11-16T09:00:00.000Z',
        },
      );
      assert.deepEqual(
        report.mentions.map((m) => [m.articleId, m.source, m.sourceTitle]),
        [[ids.story, 'https://blog.example/post', 'A blog post']],
      );
      assert.deepEqual(
        report.topArticles.map((a) => [a.articleId, a.views]),
        [
          [ids.story, 11],
          [ids.quiet, 8],
          [ids.other, 7],
        ],
      );
    });

    test('reports one article, within the period’s bounds only', async () => {
      const period = reachPeriod({ from: '2026-11-13', to: '2026-11-14' }, TODAY).period;
      const report = await reachReport(t.wiring, { period, articleId: ids.story! });
      assert.deepEqual(report.days, [
        { day: '2026-11-13', views: 100 },
        { day: '2026-11-14', views: 5 },
      ]);
      assert.deepEqual(report.referrers, [
        { host: 'before.example', views: 100 },
        { host: 'news.example', views: 3 },
      ]);
      assert.deepEqual(report.topArticles, []);
      assert.deepEqual(report.republications, []);
      assert.deepEqual(report.mentions, []);
      const week7 = await reachReport(t.wiring, { period: week(), articleId: ids.story! });
      assert.deepEqual(
        week7.republications.map((r) => [r.page, r.views, r.totalViews]),
        [
          ['https://partner.example/a', 4, 4],
          ['https://partner.example/b', 2, 2],
        ],
      );
      assert.equal(week7.mentions.length, 1);
    });

    test('names the field of a period it cannot use', () => {
      assert.deepEqual(
        reachPeriod({ days: '12' }, TODAY).problems.map((p) => p.field),
        ['days'],
      );
      assert.deepEqual(
        reachPeriod({ from: '2026-02-30' }, TODAY).problems.map((p) => p.field),
        ['from'],
      );
      assert.deepEqual(
        reachPeriod({ from: '2026-11-20', to: '2026-11-01' }, TODAY).problems.map((p) => p.field),
        ['from'],
      );
      assert.deepEqual(
        reachPeriod({ from: '1990-01-01' }, TODAY).problems.map((p) => p.field),
        ['from'],
      );
    });

    test('admin pages and CSV: editors and admins see the site, an article’s own authors see it', async () => {
      const cookie = sessionCookieName(SITE);
      const editor = await makeUser(t.wiring, 'editor');
      const admin = await makeUser(t.wiring, 'admin');
      const author = await makeUser(t.wiring, 'author');
      const contributor = await makeUser(t.wiring, 'contributor');
      const story = await t.wiring.store.articles.findById(ids.story!);
      await linkPerson(t.wiring, admin, { userId: author.id, personId: story!.authorIds[0]! });

      for (const user of [editor, admin]) {
        const client = await clientAs(app, t.wiring, user, cookie);
        const page = await client.get('/admin/reach?days=7');
        assert.equal(page.statusCode, 200, user.role);
        assert.match(page.body, /<svg[^>]*role="img"/);
        assert.match(page.body, /<title[^>]*>Views per day/);
        assert.match(page.body, /news\.example/);
        assert.match(page.body, /partner\.example/);
        assert.match(page.body, /blog\.example/);
        assert.match(page.body, new RegExp(`href="/admin/articles/${ids.story}/reach\\?days=7"`));
        assert.doesNotMatch(page.body, /<script/);
      }
      const editorClient = await clientAs(app, t.wiring, editor, cookie);
      const bad = await editorClient.get('/admin/reach?days=12');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Period must be one of/);

      const csv = await editorClient.get('/admin/reach.csv?days=7&table=articles');
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(
        String(csv.headers['content-disposition']),
        /^attachment; filename="reach-2026-11-14-to-2026-11-20-articles\.csv"$/,
      );
      assert.equal(
        csv.body,
        [
          'article_id,title,views',
          `${ids.story},A story,11`,
          `${ids.quiet},"Quiet, ""quoted"" story",8`,
          `${ids.other},"'=HYPERLINK(""https://evil.example"")",7`,
          '',
        ].join('\r\n'),
      );
      const days = await editorClient.get('/admin/reach.csv?days=7');
      assert.equal(days.body.split('\r\n')[0], 'day,views');
      assert.equal(days.body.split('\r\n')[1], '2026-11-14,5');
      const wrongTable = await editorClient.get('/admin/reach.csv?days=7&table=passwords');
      assert.equal(wrongTable.statusCode, 400);
      assert.match(wrongTable.body, /Table must be one of/);
      const referrers = await editorClient.get('/admin/reach.csv?days=7&table=referrers');
      assert.equal(referrers.body.split('\r\n')[1], 'news.example,11');

      const own = await clientAs(app, t.wiring, author, cookie);
      const ownPage = await own.get(`/admin/articles/${ids.story}/reach?days=7`);
      assert.equal(ownPage.statusCode, 200);
      assert.match(ownPage.body, /partner\.example\/a/);
      const ownCsv = await own.get(`/admin/articles/${ids.story}/reach.csv?days=7&table=republications`);
      assert.equal(ownCsv.statusCode, 200);
      assert.equal(
        ownCsv.body.split('\r\n')[0],
        'site,page,views_in_period,views_in_all,first_seen,last_seen',
      );
      assert.equal((await own.get(`/admin/articles/${ids.other}/reach`)).statusCode, 403);

      for (const user of [author, contributor]) {
        const client = await clientAs(app, t.wiring, user, cookie);
        const page = await client.get('/admin/reach');
        assert.equal(page.statusCode, 403, user.role);
        assert.doesNotMatch(page.body, /news\.example/);
        assert.equal((await client.get('/admin/reach.csv')).statusCode, 403, user.role);
        assert.doesNotMatch((await client.get('/admin')).body, /href="\/admin\/reach"/);
      }
      assert.match((await editorClient.get('/admin')).body, /href="\/admin\/reach"/);
      assert.equal((await app.inject({ method: 'GET', url: '/admin/reach' })).statusCode, 303);
      const editorPage = await editorClient.get(`/admin/articles/${ids.story}`);
      assert.match(editorPage.body, new RegExp(`href="/admin/articles/${ids.story}/reach"`));
      const listing = await editorClient.get(`/admin/articles/${ids.story}/republications`);
      assert.match(listing.body, new RegExp(`href="/admin/articles/${ids.story}/reach"`));
    });

    test('rolls detail older than the period into daily totals, keeping every total', async () => {
      // Old detail: referrers and pages last seen 200 days ago.
      await views(ids.story, '2026-05-01', 6, 'old-a.example');
      await views(ids.story, '2026-05-01', 4, 'old-b.example');
      await views(ids.story, '2026-05-02', 3, 'old-a.example');
      await views(ids.other, '2026-05-01', 2, 'old-a.example');
      await shown(ids.story, 'https://old-partner.example/one', '2026-05-01', 5);
      await shown(ids.story, 'https://old-partner.example/two', '2026-05-01', 3);
      await shown(ids.story, 'https://old-partner.example/two', '2026-05-02', 1);
      const totals = async () => {
        const year = reachPeriod({ from: '2026-01-01', to: TODAY }, TODAY).period;
        const site = await reachReport(t.wiring, { period: year });
        const story = await reachReport(t.wiring, { period: year, articleId: ids.story! });
        const may1 = reachPeriod({ from: '2026-05-01', to: '2026-05-01' }, TODAY).period;
        const story1 = await reachReport(t.wiring, { period: may1, articleId: ids.story! });
        const pages = await t.wiring.store.republications.ofArticle(ids.story!, 100);
        return {
          views: site.totalViews,
          referred: site.referrers.reduce((n, r) => n + r.views, 0),
          storyReferred: story.referrers.reduce((n, r) => n + r.views, 0),
          storyMay1Referred: story1.referrers.reduce((n, r) => n + r.views, 0),
          republished: story.republishers.reduce((n, r) => n + r.views, 0),
          storyMay1Republished: story1.republishers.reduce((n, r) => n + r.views, 0),
          pageViews: pages.reduce((n, p) => n + p.views, 0),
        };
      };
      const before = await totals();
      assert.equal(before.storyMay1Referred, 10);
      assert.equal(before.storyMay1Republished, 8);

      const report = await rollUpReach(t.wiring);
      assert.deepEqual(report, { referrerRows: 4, pages: 2 });
      assert.deepEqual(await totals(), before);
      assert.deepEqual(await rollUpReach(t.wiring), { referrerRows: 0, pages: 0 });
      assert.deepEqual(await totals(), before);

      const may = reachPeriod({ from: '2026-05-01', to: '2026-05-02' }, TODAY).period;
      const old = await reachReport(t.wiring, { period: may, articleId: ids.story! });
      assert.deepEqual(old.referrers, [{ host: '', views: 13 }], 'old sites are no longer known');
      const pages = await t.wiring.store.republications.ofArticle(ids.story!, 100);
      const folded = pages.find((p) => p.host === 'old-partner.example');
      assert.deepEqual(folded && { ...folded }, {
        host: 'old-partner.example',
        page: 'old-partner.example',
        views: 9,
        firstSeen: '2026-05-01T08:00:00.000Z',
        lastSeen: '2026-05-02T09:00:00.000Z',
      });
      // Recent detail is untouched.
      const recent = await reachReport(t.wiring, { period: week() });
      assert.equal(recent.referrers[0]?.host, 'news.example');
    });

    test('puts one roll-up job a day on the queue, and the runner runs it', async () => {
      assert.equal(await scheduleReachRollUp(t.wiring), 1);
      assert.equal(await scheduleReachRollUp(t.wiring), 0);
      const job = await t.wiring.store.jobs.findByKey(`${REACH_ROLL_UP_JOB}:${TODAY}`);
      assert.equal(job?.status, 'pending');
      assert.equal(await jobRunnerFor(t.wiring).runDue(), 1);
      assert.equal((await t.wiring.store.jobs.findByKey(`${REACH_ROLL_UP_JOB}:${TODAY}`))?.status, 'done');
    });
  });
}
