import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { User } from '../../src/domain/user.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { createDueDigests } from '../../src/services/newsletters/digests.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addMembers, subscribeMembers } from '../helpers/newsletters.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { naughtyStrings } from '../helpers/visitor.ts';

const SITE = 'https://review.example';
const START = new Date('2026-11-20T12:00:00.000Z');

for (const kind of DATABASE_KINDS) {
  describe(`newsletters in the admin on ${kind}`, () => {
    let t: TestWiring;
    let smtp: SmtpCapture;
    let app: FastifyInstance;
    let editor: User;
    let editorClient: AdminClient;
    let authorClient: AdminClient;
    let publicId: number;
    let gatedId: number;

    before(async () => {
      smtp = await startSmtpCapture();
      t = await createTestWiring(kind, {
        siteUrl: SITE,
        now: START,
        mail: { host: '127.0.0.1', port: smtp.port, from: 'Review Desk <desk@review.example>' },
        newsletter: { messagesPerSecond: 0 },
      });
      app = await buildApp(t.wiring, { shouldLog: false });
      const publish = async (fields: Parameters<typeof articleDraft>[0]) =>
        (await saveArticle(t.wiring, articleDraft({ status: 'published', ...fields }), { actor: 'cli' }))
          .article.id;
      publicId = await publish({
        slug: 'harbour-dredging',
        title: 'Harbour dredging starts',
        summary: 'The council begins work.',
        publishedAt: '2026-11-20T08:00:00.000Z',
        isFeatured: true,
      });
      gatedId = await publish({
        slug: 'council-ledger',
        title: 'Inside the council ledger',
        summary: 'What the budget hides.',
        bodyMarkdown: 'Public opening.\n\n<!-- members-only -->\n\nSECRET-LEDGER-LINE for members only.',
        visibility: 'members',
        publishedAt: '2026-11-20T07:00:00.000Z',
      });
      editor = await makeUser(t.wiring, 'editor', 'news-editor@example.org');
      editorClient = await clientAs(app, t.wiring, editor, sessionCookieName(SITE));
      authorClient = await clientAs(
        app,
        t.wiring,
        await makeUser(t.wiring, 'author'),
        sessionCookieName(SITE),
      );
    });

    after(async () => {
      await app?.close();
      await t?.cleanup();
      await smtp?.close();
    });

    const issueIdOf = (location: unknown) => Number(/newsletter-issues\/(\d+)/.exec(String(location))?.[1]);

    test('an author is refused every newsletter page and action', async () => {
      const newsletterId = await t.wiring.store.newsletters.createNewsletter(
        { slug: 'authors-refused', name: 'Refused', kind: 'daily' },
        START.toISOString(),
      );
      const issueId = await t.wiring.store.newsletters.createIssue(
        { newsletterId, subject: 'Refused', intro: '', articleIds: [publicId] },
        START.toISOString(),
      );
      for (const url of [
        '/admin/newsletters',
        `/admin/newsletters/${newsletterId}`,
        `/admin/newsletters/${newsletterId}/issues/new`,
        `/admin/newsletter-issues/${issueId}`,
        `/admin/newsletter-issues/${issueId}/preview`,
      ])
        assert.equal((await authorClient.get(url)).statusCode, 403, url);
      for (const url of [
        '/admin/newsletters',
        `/admin/newsletter-issues/${issueId}/send`,
        `/admin/newsletter-issues/${issueId}/test`,
      ])
        assert.equal(
          (await authorClient.post(url, { name: 'x', slug: 'x', kind: 'daily', confirm: '1' })).statusCode,
          403,
          url,
        );
      assert.equal((await t.wiring.store.newsletters.findIssue(issueId))?.status, 'draft');
      assert.equal(smtp.messages.length, 0);
    });

    test('a form without its CSRF token is refused', async () => {
      const response = await editorClient.post('/admin/newsletters', {
        _csrf: null,
        name: 'No token',
        slug: 'no-token',
        kind: 'daily',
      });
      assert.equal(response.statusCode, 403);
      assert.equal(await t.wiring.store.newsletters.findNewsletterBySlug('no-token'), undefined);
    });

    test('compose, preview, test, schedule: the job sends it and the history counts it', async () => {
      await editorClient.get('/admin/newsletters');
      const bad = await editorClient.post('/admin/newsletters', {
        name: '',
        slug: 'Bad Slug',
        kind: 'daily',
        sendHour: '25',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /must be lowercase letters/i);
      assert.match(bad.body, /must be an hour from 0 to 23/i);
      const created = await editorClient.post('/admin/newsletters', {
        name: 'The Evening Brief',
        slug: 'evening-brief',
        kind: 'daily',
        sendHour: '',
        isActive: '1',
      });
      assert.equal(created.statusCode, 303);
      const newsletter = await t.wiring.store.newsletters.findNewsletterBySlug('evening-brief');
      assert.ok(newsletter);
      const readers = await addMembers(t.wiring.database.db, { count: 3, prefix: 'brief' });
      await subscribeMembers(t.wiring.database.db, newsletter.id, readers);

      const compose = await editorClient.get(`/admin/newsletters/${newsletter.id}/issues/new?featured=1`);
      assert.equal(compose.statusCode, 200);
      assert.match(compose.body, new RegExp(`value="${publicId}" checked`), 'the featured article is picked');
      const saved = await editorClient.post(`/admin/newsletters/${newsletter.id}/issues`, {
        subject: 'Tonight: the harbour',
        intro: 'First paragraph.\n\nSecond <b>paragraph</b>.',
        articles: String(publicId),
      });
      assert.equal(saved.statusCode, 303);
      const issueId = issueIdOf(saved.headers.location);
      // Both articles: the form repeats the field.
      const both = await app.inject({
        method: 'POST',
        url: `/admin/newsletter-issues/${issueId}`,
        headers: { cookie: editorClient.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams([
          ['_csrf', editorClient.csrf],
          ['subject', 'Tonight: the harbour'],
          ['intro', 'First paragraph.\n\nSecond <b>paragraph</b>.'],
          ['articles', String(publicId)],
          ['articles', String(gatedId)],
        ]).toString(),
      });
      assert.equal(both.statusCode, 303);

      const page = await editorClient.get(`/admin/newsletter-issues/${issueId}`);
      assert.match(page.body, /<iframe[^>]*sandbox=""/);
      const preview = await editorClient.get(`/admin/newsletter-issues/${issueId}/preview`);
      assert.equal(preview.statusCode, 200);
      assert.match(String(preview.headers['content-security-policy']), /default-src 'none'.*sandbox/);
      assert.match(preview.body, /Harbour dredging starts/);
      assert.match(preview.body, /Inside the council ledger/);
      assert.match(preview.body, /For members/);
      assert.doesNotMatch(preview.body, /SECRET-LEDGER-LINE/);
      assert.match(preview.body, /Second <b>paragraph<\/b>\./, 'the intro is Markdown, its safe HTML kept');
      const text = await editorClient.get(`/admin/newsletter-issues/${issueId}/preview.txt`);
      assert.match(text.body, /Inside the council ledger \(for members\)/);

      assert.equal((await editorClient.post(`/admin/newsletter-issues/${issueId}/test`)).statusCode, 303);
      const testMail = await smtp.nextMessage();
      assert.equal(testMail.subject, '[Test] Tonight: the harbour');
      assert.match(JSON.stringify(testMail.to), /news-editor@example\.org/);
      assert.match(String(testMail.html), /Harbour dredging starts/);

      const past = await editorClient.post(`/admin/newsletter-issues/${issueId}/schedule`, {
        at: '2026-11-20T10:00',
      });
      assert.equal(past.statusCode, 400);
      assert.match(past.body, /must be in the future/i);
      const unconfirmed = await editorClient.post(`/admin/newsletter-issues/${issueId}/send`, {});
      assert.equal(unconfirmed.statusCode, 400);
      assert.equal((await t.wiring.store.newsletters.findIssue(issueId))?.status, 'draft');
      const scheduled = await editorClient.post(`/admin/newsletter-issues/${issueId}/schedule`, {
        at: '2026-11-20T18:00',
      });
      assert.equal(scheduled.statusCode, 303);
      assert.equal((await t.wiring.store.newsletters.findIssue(issueId))?.status, 'scheduled');

      const runner = jobRunnerFor(t.wiring, { workerId: 'admin-test' });
      await runner.runDue();
      assert.equal(
        (await t.wiring.store.newsletters.findIssue(issueId))?.status,
        'scheduled',
        'not before its time',
      );
      t.setNow(new Date('2026-11-20T18:00:30.000Z'));
      for (let round = 0; round < 5; round++) {
        await runner.runDue();
        if ((await t.wiring.store.newsletters.findIssue(issueId))?.status === 'sent') break;
      }
      const issue = await t.wiring.store.newsletters.findIssue(issueId);
      assert.equal(issue?.status, 'sent');
      assert.equal(issue?.sentCount, 3);
      const received = smtp.messages.filter((m) => m.subject === 'Tonight: the harbour');
      assert.equal(received.length, 3);
      assert.doesNotMatch(String(received[0]?.html), /SECRET-LEDGER-LINE/);
      const history = await editorClient.get(`/admin/newsletters/${newsletter.id}`);
      assert.match(history.body, /3 sent · 0 failed · 0 bounced of 3/);
      const audit = await t.wiring.store.audit.list({ limit: 50 });
      for (const action of [
        'newsletter.create',
        'newsletter.compose',
        'newsletter.test',
        'newsletter.schedule',
      ])
        assert.ok(
          audit.some((e) => e.action === action),
          action,
        );
      t.setNow(START);
    });

    test('naughty subjects and intros are escaped in the admin, the preview and the text', async () => {
      const newsletter = await t.wiring.store.newsletters.findNewsletterBySlug('evening-brief');
      assert.ok(newsletter);
      const strings = naughtyStrings()
        .filter((s) => /[<>&"']/.test(s) && !/[\r\n]/.test(s))
        .slice(0, 25);
      strings.push('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>');
      for (const naughty of strings) {
        await editorClient.get(`/admin/newsletters/${newsletter.id}/issues/new`);
        const saved = await editorClient.post(`/admin/newsletters/${newsletter.id}/issues`, {
          subject: `S ${naughty}`.slice(0, 300),
          intro: naughty,
          articles: String(publicId),
        });
        if (saved.statusCode !== 303) {
          assert.equal(saved.statusCode, 400, naughty);
          continue;
        }
        const issueId = issueIdOf(saved.headers.location);
        const page = await editorClient.get(`/admin/newsletter-issues/${issueId}`);
        const preview = await editorClient.get(`/admin/newsletter-issues/${issueId}/preview`);
        for (const body of [page.body, preview.body]) {
          assert.doesNotMatch(body, /<script>alert\(1\)<\/script>/, naughty);
          assert.doesNotMatch(body, /<img src=x onerror/i, naughty);
        }
      }
    });

    test('a daily digest is made once at its hour, even when two processes look at once', async () => {
      const id = await t.wiring.store.newsletters.createNewsletter(
        { slug: 'daily-auto', name: 'Daily Auto', kind: 'daily', sendHour: 17 },
        START.toISOString(),
      );
      t.setNow(new Date('2026-11-20T16:59:00.000Z'));
      assert.equal(await createDueDigests(t.wiring), 0, 'not before the hour');
      t.setNow(new Date('2026-11-20T17:05:00.000Z'));
      const made = await Promise.all([createDueDigests(t.wiring), createDueDigests(t.wiring)]);
      assert.equal(
        made.reduce((a, b) => a + b, 0),
        1,
      );
      assert.equal(await createDueDigests(t.wiring), 0, 'a restart makes no second one');
      const issues = await t.wiring.store.newsletters.listIssues(id, 10);
      assert.equal(issues.length, 1);
      assert.equal(issues[0]?.status, 'scheduled');
      assert.deepEqual(new Set(issues[0]?.articleIds), new Set([publicId, gatedId]));
      // The next day, nothing new was published: no issue.
      t.setNow(new Date('2026-11-21T17:05:00.000Z'));
      assert.equal(await createDueDigests(t.wiring), 0);
      t.setNow(START);
    });
  });
}
