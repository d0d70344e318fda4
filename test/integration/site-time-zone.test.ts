import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { addCorrection, editCorrection } from '../../src/services/newsroom/corrections.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

// The test clock reads 2026-11-20T12:00Z; Berlin is on CET (UTC+1) then and on CEST (UTC+2) in July.
for (const kind of DATABASE_KINDS) {
  describe(`the site time zone on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = (role: Role): Promise<AdminClient> =>
      clientAs(app, t.wiring, users.get(role) as User, sessionCookieName(t.wiring.siteUrl));

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const role of ['editor', 'admin'] as const) users.set(role, await makeUser(t.wiring, role));
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('is chosen by an admin from the zones the runtime knows, and refused when unknown', async () => {
      const admin = await as('admin');
      const form = await admin.get('/admin/settings');
      assert.match(form.body, /<option value="Europe\/Berlin">Europe\/Berlin<\/option>/);
      assert.match(form.body, /<option value="UTC" selected>/);
      const refused = await admin.post('/admin/settings', { time_zone: 'Mars/Olympus' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Must be a time zone such as UTC/);
      assert.equal((await admin.post('/admin/settings', { time_zone: 'Europe/Berlin' })).statusCode, 303);
      assert.match((await admin.get('/admin/settings')).body, /<option value="Europe\/Berlin" selected>/);
    });

    it('offers the current names of zones, not the outdated ones, and shows a site kept on an old name under its new one', async () => {
      const admin = await as('admin');
      const form = (await admin.get('/admin/settings')).body;
      for (const current of [
        'Asia/Kolkata',
        'Europe/Kyiv',
        'Asia/Ho_Chi_Minh',
        'America/Nuuk',
        'Asia/Kathmandu',
      ]) {
        assert.match(form, new RegExp(`<option value="${current}">`), current);
      }
      for (const outdated of [
        'Asia/Calcutta',
        'Europe/Kiev',
        'Asia/Saigon',
        'America/Godthab',
        'Asia/Katmandu',
      ]) {
        assert.doesNotMatch(form, new RegExp(`value="${outdated}"`), outdated);
      }
      // A site set to an old name before keeps working, and the list shows it chosen.
      await t.wiring.store.settings.set('time_zone', 'Asia/Calcutta', '2026-11-20T12:00:00.000Z');
      assert.match((await admin.get('/admin/settings')).body, /<option value="Asia\/Kolkata" selected>/);
      assert.equal((await admin.post('/admin/settings', { time_zone: 'Europe/Berlin' })).statusCode, 303);
    });

    it('dates a correction in the history and the audit log by the site zone’s calendar, not UTC’s', async () => {
      const admin = await as('admin');
      // 12:00 UTC on November 20 is already November 21 in Auckland (UTC+13).
      assert.equal((await admin.post('/admin/settings', { time_zone: 'Pacific/Auckland' })).statusCode, 303);
      const saved = await saveArticle(
        t.wiring,
        articleDraft({
          slug: 'auckland-correction',
          status: 'published',
          publishedAt: '2026-11-19T10:00:00.000Z',
        }),
        { actor: 'cli' },
      );
      const editor = users.get('editor') as User;
      const correction = await addCorrection(t.wiring, editor, {
        articleId: saved.article.id,
        kind: 'correction',
        note: 'The gauge is in Onehunga.',
      });
      await editCorrection(t.wiring, editor, {
        articleId: saved.article.id,
        correctionId: correction.id,
        kind: 'correction',
        note: 'The gauge is at Onehunga wharf.',
      });
      const notes = (await t.wiring.store.revisions.list('article', saved.article.id)).map(
        (r) => r.note ?? '',
      );
      assert.ok(
        notes.some((n) => n.includes('Edited a correction of November 21, 2026')),
        notes.join(' | '),
      );
      assert.ok(!notes.some((n) => n.includes('November 20')), notes.join(' | '));
      assert.equal((await admin.post('/admin/settings', { time_zone: 'Europe/Berlin' })).statusCode, 303);
    });

    it('reads a scheduled time in the site zone, stores it in UTC and shows it back in the zone', async () => {
      const editor = await as('editor');
      await editor.get('/admin/articles/new');
      const created = await editor.post('/admin/articles', {
        title: 'Harbour levies',
        body: 'Text.',
        language: 'en',
        visibility: 'public',
      });
      const id = Number(/\/admin\/articles\/(\d+)/.exec(String(created.headers.location))?.[1]);
      const editorPage = await editor.get(`/admin/articles/${id}`);
      assert.match(editorPage.body, /Publish at \(Europe\/Berlin time\)/);
      const scheduled = await editor.post(`/admin/articles/${id}/workflow`, {
        action: 'schedule',
        version: '1',
        publish_at: '2027-07-01T09:30',
      });
      assert.equal(scheduled.statusCode, 303);
      const stored = await t.wiring.store.articles.findById(id);
      assert.equal(stored?.publishedAt, '2027-07-01T07:30:00.000Z');
      const after = await editor.get(`/admin/articles/${id}`);
      assert.match(after.body, /Goes live July 1, 2027, 09:30 CEST\./);
      assert.match(after.body, /name="publish_at" value="2027-07-01T09:30"/);
      const list = await editor.get('/admin/articles');
      assert.match(list.body, /July 1, 2027, 09:30 CEST/);
      const history = await editor.get(`/admin/articles/${id}/revisions`);
      assert.match(history.body, /November 20, 2026, 13:00 CET/);
    });

    it("dates the reader pages on the site zone's calendar", async () => {
      // 23:30 UTC on the 19th is already the 20th in Berlin.
      const admin = await as('admin');
      assert.equal((await admin.post('/admin/settings', { time_zone: 'Europe/Berlin' })).statusCode, 303);
      await saveArticle(
        t.wiring,
        articleDraft({
          slug: 'late-night-filing',
          status: 'published',
          publishedAt: '2026-11-19T23:30:00.000Z',
        }),
        { actor: 'cli' },
      );
      for (const path of ['/articles/late-night-filing', '/articles']) {
        const page = await app.inject(path);
        assert.equal(page.statusCode, 200, path);
        assert.match(page.body, /<time datetime="2026-11-19T23:30:00.000Z">November 20, 2026<\/time>/, path);
      }
    });

    it('writes the admin’s dates as the reader pages write them, in the site’s language', async () => {
      const admin = await as('admin');
      const saved = await saveArticle(
        t.wiring,
        articleDraft({
          slug: 'tide-gauge-dates',
          status: 'published',
          publishedAt: '2026-11-20T10:00:00.000Z',
        }),
        { actor: 'cli' },
      );
      const editor = await as('editor');
      for (const [language, day] of [
        ['en-US', 'November 20, 2026'],
        ['en-GB', '20 November 2026'],
        ['de', '20. November 2026'],
      ] as const) {
        assert.equal((await admin.post('/admin/settings', { language })).statusCode, 303, language);
        const reader = await app.inject('/articles/tide-gauge-dates');
        assert.match(reader.body, new RegExp(`>${day}</time>`), `${language}: the reader page`);
        const list = await editor.get('/admin/articles?sort=published');
        assert.match(list.body, new RegExp(`${day}, \\d\\d:\\d\\d`), `${language}: the article list`);
        const history = await editor.get(`/admin/articles/${saved.article.id}/revisions`);
        assert.match(history.body, new RegExp(`${day}, \\d\\d:\\d\\d`), `${language}: the history`);
      }
      assert.equal((await admin.post('/admin/settings', { language: 'en' })).statusCode, 303);
    });

    it("filters the article list by days of the site zone's calendar", async () => {
      const admin = await as('admin');
      assert.equal((await admin.post('/admin/settings', { time_zone: 'Europe/Berlin' })).statusCode, 303);
      // 23:30 UTC on the 9th is the 10th in Berlin; 23:30 UTC on the 10th is the 11th.
      const ids: number[] = [];
      for (const [slug, publishedAt] of [
        ['berlin-tenth', '2026-11-09T23:30:00.000Z'],
        ['berlin-eleventh', '2026-11-10T23:30:00.000Z'],
      ] as const) {
        const saved = await saveArticle(
          t.wiring,
          articleDraft({ slug, title: slug, status: 'published', publishedAt }),
          { actor: 'cli' },
        );
        ids.push(saved.article.id);
      }
      const editor = await as('editor');
      const listed = async (query: string) => {
        const page = await editor.get(`/admin/articles?sort=published&${query}`);
        assert.equal(page.statusCode, 200, query);
        return ids.filter((id) => new RegExp(`href="/admin/articles/${id}"`).test(page.body));
      };
      assert.deepEqual(await listed('from=2026-11-10&to=2026-11-10'), [ids[0]]);
      assert.deepEqual(await listed('from=2026-11-11&to=2026-11-11'), [ids[1]]);
      assert.deepEqual(await listed('to=2026-11-09'), []);
    });
  });
}
