import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeHTML } from 'entities';
import type { FastifyInstance } from 'fastify';
import { UnconfiguredMailer } from '../../src/adapters/mailer.ts';
import { buildApp } from '../../src/app.ts';
import type { ArticleDraft } from '../../src/domain/article.ts';
import { hasXmlForbidden } from '../../src/domain/text.ts';
import type { User } from '../../src/domain/user.ts';
import { isAppError } from '../../src/errors.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { SYSTEM_ACTOR } from '../../src/services/audit.ts';
import { addressGroup } from '../../src/services/auth.ts';
import {
  decideReprintRequest,
  listReprintRequests,
  senderKeyOf,
  sendReprintReply,
  submitReprintRequest,
} from '../../src/services/republishing/reprint-requests.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import type { Wiring } from '../../src/wiring.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { mailerTo, type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { naughtyStrings, Visitor } from '../helpers/visitor.ts';

const SITE = 'https://review.example';
const PUBLISHED = { status: 'published' as const, publishedAt: '2026-11-01T09:00:00.000Z' };
const FORM = '/articles/closed-book/reprint-request';

const VALID = {
  kind: 'reprint',
  name: 'Mara Quell',
  email: 'mara@harbour-times.example',
  organisation: 'Harbour Times Ltd',
  outlet: 'The Harbour Times (print)',
  language: '',
  message: 'We would like to reprint it in our Sunday edition, 40,000 copies.',
};

/** The same request as the service takes it. */
const FIELDS = {
  kind: 'reprint',
  requesterName: VALID.name,
  email: VALID.email,
  organisation: VALID.organisation,
  outlet: VALID.outlet,
  targetLanguage: '',
  message: VALID.message,
};

let nextAddress = 1;
/** A fresh client address, so each test has its own rate limits. */
function address(): string {
  nextAddress++;
  return `10.20.${Math.floor(nextAddress / 250)}.${nextAddress % 250}`;
}

for (const kind of DATABASE_KINDS) {
  describe(`reprint and translation requests on ${kind}`, () => {
    let t: TestWiring;
    let smtp: SmtpCapture;
    let wiring: Wiring;
    let app: FastifyInstance;
    let editor: User;
    let editorClient: AdminClient;
    const runJobs = () => jobRunnerFor(wiring).runDue();
    const publish = async (overrides: Partial<ArticleDraft> & { slug: string; title: string }) =>
      (await saveArticle(t.wiring, articleDraft({ ...PUBLISHED, ...overrides }), { actor: 'cli' })).article;
    const pendingFor = async (email: string) =>
      (await wiring.store.reprintRequests.list({ status: 'pending', limit: 500 })).filter(
        (r) => r.email === email,
      );

    before(async () => {
      t = await createTestWiring(kind, { siteUrl: SITE });
      smtp = await startSmtpCapture();
      const mailer = mailerTo(smtp);
      wiring = { ...t.wiring, mailer };
      app = await buildApp(wiring, { shouldLog: false });
      await publish({ slug: 'closed-book', title: 'Closed book', license: 'all-rights-reserved' });
      await publish({ slug: 'house-rules', title: 'House rules' });
      await publish({ slug: 'open-water', title: 'Open water', license: 'cc-by-4.0' });
      await publish({ slug: 'unfinished', title: 'Unfinished', status: 'draft', publishedAt: null });
      editor = await makeUser(wiring, 'editor', 'desk-editor@example.org');
      editorClient = await clientAs(app, wiring, editor, sessionCookieName(SITE));
    });
    after(async () => {
      await app.close();
      wiring.mailer.close();
      await smtp.close();
      await t.cleanup();
    });

    test('articles whose license keeps something back link to the form; the article page stays cacheable', async () => {
      for (const slug of ['closed-book', 'house-rules']) {
        const page = await app.inject(`/articles/${slug}`);
        assert.equal(page.statusCode, 200);
        assert.match(page.body, new RegExp(`href="/articles/${slug}/reprint-request"`));
        assert.match(String(page.headers['cache-control']), /public/);
        assert.equal(page.headers['set-cookie'], undefined, 'no cookie on a cached page');
      }
      const kit = await app.inject('/articles/house-rules/republish');
      assert.match(kit.body, /href="\/articles\/house-rules\/reprint-request"/);
      // CC BY already allows commercial reprints and translations: nothing to ask.
      const open = await app.inject('/articles/open-water');
      assert.doesNotMatch(open.body, /reprint-request/);
      assert.equal((await app.inject('/articles/open-water/reprint-request')).statusCode, 404);
      assert.equal((await app.inject('/articles/unfinished/reprint-request')).statusCode, 404);
      assert.equal((await app.inject('/articles/no-such-thing/reprint-request')).statusCode, 404);
    });

    test('a reader sends a request; it waits as pending, editors are emailed, and the thank-you page follows', async () => {
      const reader = new Visitor(app, address());
      const form = await reader.get(FORM);
      assert.equal(form.statusCode, 200);
      assert.equal(form.headers['cache-control'], 'no-store');
      assert.ok(reader.csrf, 'the form carries a token');
      assert.match(form.body, /name="leave_blank"/);
      const sent = await reader.post(FORM, { ...VALID, kind: 'translation', language: 'Portuguese' });
      assert.equal(sent.statusCode, 303);
      assert.equal(sent.headers.location, '/articles/closed-book/reprint-request/sent');
      const thanks = await reader.get(String(sent.headers.location));
      assert.equal(thanks.statusCode, 200);
      assert.match(thanks.body, /your request is sent/);
      const [stored] = await pendingFor(VALID.email);
      assert.ok(stored);
      assert.equal(stored.kind, 'translation');
      assert.equal(stored.targetLanguage, 'Portuguese');
      assert.equal(stored.organisation, VALID.organisation);
      assert.equal(stored.articleTitle, 'Closed book');
      assert.ok((await runJobs()) >= 1);
      const notice = await smtp.nextMessage();
      assert.match(notice.to && !Array.isArray(notice.to) ? notice.to.text : '', /desk-editor@example\.org/);
      assert.match(notice.subject ?? '', /New request for a translation into Portuguese of “Closed book”/);
      assert.match(notice.text ?? '', new RegExp(`${SITE}/admin/reprint-requests/${stored.id}`));
    });

    test('a filled hidden field is thanked and dropped', async () => {
      const bot = new Visitor(app, address());
      await bot.get(FORM);
      const sent = await bot.post(FORM, {
        ...VALID,
        email: 'bot@spam.example',
        leave_blank: 'http://spam.example',
      });
      assert.equal(sent.statusCode, 303);
      assert.deepEqual(await pendingFor('bot@spam.example'), []);
    });

    test('a wrong email is a 400 naming the field, with the form shown again and what was typed kept', async () => {
      const reader = new Visitor(app, address());
      await reader.get(FORM);
      const refused = await reader.post(FORM, {
        ...VALID,
        email: 'not an address',
        message: 'Keep <this> & that',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /id="reprint-email-error">Must be an email address/);
      assert.match(refused.body, /<a href="#reprint-email">Your email address<\/a>/);
      assert.match(refused.body, /id="reprint-name"[^>]*value="Mara Quell"/);
      assert.match(refused.body, /Keep &lt;this&gt; &amp; that<\/textarea>/);
      const translation = await reader.post(FORM, { ...VALID, kind: 'translation', language: '' });
      assert.equal(translation.statusCode, 400);
      assert.match(translation.body, /id="reprint-language-error">Must say which language/);
      const long = await reader.post(FORM, { ...VALID, name: 'N'.repeat(201) });
      assert.equal(long.statusCode, 400);
      assert.match(long.body, /id="reprint-name-error">Must be at most 200 characters/);
      assert.deepEqual(await pendingFor('not an address'), []);
    });

    test('a form without its token, or sent from another site, is refused with 403', async () => {
      const reader = new Visitor(app, address());
      await reader.get(FORM);
      const noToken = await reader.post(FORM, { ...VALID, _csrf: '' });
      assert.equal(noToken.statusCode, 403);
      const crossSite = await reader.post(FORM, VALID, { 'sec-fetch-site': 'cross-site' });
      assert.equal(crossSite.statusCode, 403);
      const stranger = new Visitor(app, address());
      stranger.csrf = reader.csrf;
      assert.equal((await stranger.post(FORM, VALID)).statusCode, 403, 'another browser’s token');
    });

    test('one address may send a few requests a minute (429 after), and a few a day', async () => {
      const reader = new Visitor(app, address());
      await reader.get(FORM);
      const limit = wiring.config.reprint.rateLimitPerMinute;
      for (let i = 0; i < limit; i++) {
        assert.equal((await reader.post(FORM, { ...VALID, leave_blank: 'x' })).statusCode, 303);
      }
      const refused = await reader.post(FORM, VALID);
      assert.equal(refused.statusCode, 429);
      assert.ok(Number(refused.headers['retry-after']) > 0);

      const daily = new Visitor(app, address());
      const senderKey = senderKeyOf(addressGroup(daily.address));
      const article = await wiring.store.articles.findBySlug('closed-book');
      assert.ok(article);
      for (let i = 0; i < wiring.config.reprint.dailyPerAddress; i++) {
        await wiring.store.reprintRequests.insert({
          ...{ kind: 'reprint', requesterName: 'Earlier', email: 'earlier@example.org' },
          organisation: null,
          outlet: null,
          targetLanguage: null,
          message: 'Earlier today',
          articleId: article.id,
          senderKey,
          createdAt: new Date(wiring.now().getTime() - 3_600_000).toISOString(),
        });
      }
      await daily.get(FORM);
      const overDay = await daily.post(FORM, { ...VALID, email: 'over@example.org' });
      assert.equal(overDay.statusCode, 429);
      assert.match(overDay.body, /in the last 24 hours/);
      assert.deepEqual(await pendingFor('over@example.org'), []);
    });

    test('an editor approves with a reply: audited, and the reply reaches the requester by email', async () => {
      const reader = new Visitor(app, address());
      await reader.get(FORM);
      await reader.post(FORM, { ...VALID, email: 'approve-me@example.org' });
      const [pending] = await pendingFor('approve-me@example.org');
      assert.ok(pending);
      await runJobs();

      const queue = await editorClient.get('/admin/reprint-requests');
      assert.match(queue.body, /aria-current="page">Pending \(\d+\)/);
      const pendingCount = await wiring.store.reprintRequests.countByStatus('pending');
      assert.match(
        queue.body,
        new RegExp(
          `Reprint requests <span class="admin-nav__count">${pendingCount}<span class="visually-hidden"> waiting`,
        ),
        'the menu counts what waits',
      );
      assert.match(queue.body, new RegExp(`href="/admin/reprint-requests/${pending.id}"`));
      const detail = await editorClient.get(`/admin/reprint-requests/${pending.id}`);
      assert.equal(detail.statusCode, 200);
      // Each reply starts from a template naming the article and its license.
      assert.match(
        detail.body,
        /grants you permission for a reprint of “Closed book” in The Harbour Times \(print\)/,
      );
      assert.match(detail.body, /All rights reserved/);

      const empty = await editorClient.post(`/admin/reprint-requests/${pending.id}/approve`, { reply: '  ' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Must not be empty/);

      const reply = 'Dear Mara,\n\nYes, with credit and a link. <b>Thanks</b>.\n\nThe desk';
      const approved = await editorClient.post(`/admin/reprint-requests/${pending.id}/approve`, { reply });
      assert.equal(approved.statusCode, 303);
      assert.equal(approved.headers.location, '/admin/reprint-requests?status=pending&notice=approved');

      const decided = await wiring.store.reprintRequests.findById(pending.id);
      assert.equal(decided?.status, 'approved');
      assert.equal(decided?.decidedBy, editor.id);
      assert.equal(decided?.replyText, reply);
      const [entry] = await wiring.store.audit.list({ limit: 1 });
      assert.equal(entry?.action, 'reprint.approve');
      assert.equal(entry?.entityId, String(pending.id));
      assert.equal(entry?.actorLabel, editor.email);
      assert.match(entry?.summary ?? '', /Approved a reprint of “Closed book” asked by Mara Quell/);

      const before = smtp.messages.length;
      assert.equal(await runJobs(), 1);
      const mail = smtp.messages[before];
      assert.ok(mail, 'the reply was sent');
      assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', 'approve-me@example.org');
      assert.match(mail.subject ?? '', /Your request for a reprint of “Closed book”: approved/);
      assert.ok((mail.text ?? '').includes(reply), 'the reply text as written');
      assert.ok((await wiring.store.reprintRequests.findById(pending.id))?.replySentAt);
      // Run again, nothing more is sent.
      await runJobs();
      assert.equal(smtp.messages.length, before + 1);

      const shown = await editorClient.get(`/admin/reprint-requests/${pending.id}`);
      assert.match(shown.body, /Approved by desk-editor@example\.org/);
      assert.match(shown.body, /&lt;b&gt;Thanks&lt;\/b&gt;/);
      assert.doesNotMatch(shown.body, /action="\/admin\/reprint-requests\/\d+\/approve"/);
      const again = await editorClient.post(`/admin/reprint-requests/${pending.id}/decline`, {
        reply: 'No.',
      });
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /already approved/);
      const approvedTab = await editorClient.get('/admin/reprint-requests?status=approved');
      assert.match(approvedTab.body, /aria-current="page">Approved \(1\)/);
    });

    test('a sender’s hashed address is forgotten once it no longer counts towards the daily limit', async () => {
      // An IPv4 address's hash is undone by hashing every address: it is kept only while needed.
      const article = await wiring.store.articles.findBySlug('house-rules');
      assert.ok(article);
      const old = senderKeyOf(addressGroup('192.0.2.7'));
      const recent = senderKeyOf(addressGroup('192.0.2.8'));
      for (const [senderKey, hoursAgo] of [
        [old, 25],
        [recent, 23],
      ] as const) {
        await wiring.store.reprintRequests.insert({
          ...{ kind: 'reprint', requesterName: 'Earlier', email: `earlier-${hoursAgo}@example.org` },
          organisation: null,
          outlet: null,
          targetLanguage: null,
          message: 'Sent before',
          articleId: article.id,
          senderKey,
          createdAt: new Date(wiring.now().getTime() - hoursAgo * 3_600_000).toISOString(),
        });
      }
      const result = await submitReprintRequest(wiring, {
        slug: 'house-rules',
        fields: { ...FIELDS, email: 'forgetting@example.org' },
        honeypot: '',
        sender: addressGroup('192.0.2.9'),
      });
      assert.equal(result.status, 'received');
      const ever = '1970-01-01T00:00:00.000Z';
      assert.equal(await wiring.store.reprintRequests.countFromSenderSince(old, ever), 0, 'forgotten');
      assert.equal(await wiring.store.reprintRequests.countFromSenderSince(recent, ever), 1, 'still counted');
      assert.equal((await pendingFor('earlier-25@example.org')).length, 1, 'the request itself is kept');
    });

    test('declining is audited and mailed as such; the queue pages back by keyset', async () => {
      const article = await wiring.store.articles.findBySlug('house-rules');
      assert.ok(article);
      const ids: number[] = [];
      for (const name of ['First', 'Second', 'Third']) {
        const result = await submitReprintRequest(wiring, {
          slug: 'house-rules',
          fields: { ...FIELDS, requesterName: name, email: `${name.toLowerCase()}@paging.example` },
          honeypot: '',
          sender: `paging-${name}`,
        });
        assert.equal(result.status, 'received');
        if (result.status === 'received') ids.push(result.id);
      }
      const mine = (rows: { id: number }[]) => rows.map((r) => r.id).filter((id) => ids.includes(id));
      const first = await listReprintRequests(wiring, { status: 'pending', limit: 2 });
      assert.deepEqual(mine(first), [ids[2], ids[1]]);
      const next = await listReprintRequests(wiring, {
        status: 'pending',
        limit: 2,
        beforeId: first.at(-1)?.id,
      });
      assert.ok(mine(next).includes(ids[0] ?? 0));
      assert.ok(!next.some((r) => first.some((f) => f.id === r.id)), 'no request on two pages');

      const [id] = ids;
      assert.ok(id);
      // Without mail configured, the reply is refused to the queue (tried again) and not marked sent.
      await decideReprintRequest(wiring, {
        id,
        decision: 'declined',
        replyText: 'Not this time.',
        actor: SYSTEM_ACTOR,
      });
      await assert.rejects(sendReprintReply(wiring, new UnconfiguredMailer(), id), /email is not configured/);
      assert.equal((await wiring.store.reprintRequests.findById(id))?.replySentAt, null);
      const [entry] = await wiring.store.audit.list({ limit: 1 });
      assert.equal(entry?.action, 'reprint.decline');
      const before = smtp.messages.length;
      await runJobs();
      const mail = smtp.messages
        .slice(before)
        .find((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '') === 'first@paging.example');
      assert.ok(mail);
      assert.match(mail.subject ?? '', /Your request for a reprint of “House rules”: declined/);
      assert.match(mail.text ?? '', /Not this time\./);
      await assert.rejects(
        decideReprintRequest(wiring, {
          id,
          decision: 'approved',
          replyText: 'Yes after all',
          actor: SYSTEM_ACTOR,
        }),
        (error: unknown) => isAppError(error) && error.code === 'REPRINT_REQUEST_DECIDED',
      );
    });

    test('authors are refused the queue and its decisions (403); a decision without its token too', async () => {
      const reader = new Visitor(app, address());
      await reader.get(FORM);
      await reader.post(FORM, { ...VALID, email: 'refused@example.org' });
      const [pending] = await pendingFor('refused@example.org');
      assert.ok(pending);
      const author = await makeUser(wiring, 'author');
      const authorClient = await clientAs(app, wiring, author, sessionCookieName(SITE));
      assert.equal((await authorClient.get('/admin/reprint-requests')).statusCode, 403);
      assert.equal((await authorClient.get(`/admin/reprint-requests/${pending.id}`)).statusCode, 403);
      const byAuthor = await authorClient.post(`/admin/reprint-requests/${pending.id}/approve`, {
        reply: 'Yes',
      });
      assert.equal(byAuthor.statusCode, 403);
      const noToken = await editorClient.post(`/admin/reprint-requests/${pending.id}/decline`, {
        reply: 'No',
        _csrf: null,
      });
      assert.equal(noToken.statusCode, 403);
      assert.equal((await wiring.store.reprintRequests.findById(pending.id))?.status, 'pending');
      const nav = await editorClient.get('/admin');
      assert.match(nav.body, /href="\/admin\/reprint-requests"/);
      assert.doesNotMatch((await authorClient.get('/admin')).body, /href="\/admin\/reprint-requests"/);
    });

    test('hostile strings are stored as sent and shown escaped in the queue and the request page', async (t2) => {
      const strings = naughtyStrings();
      if (strings.length === 0) {
        t2.skip('the shared naughty-string lists are not present');
        return;
      }
      const seen = new Set<string>();
      for (const [i, text] of strings.entries()) {
        const value = text.trim();
        if (value === '' || seen.has(value)) continue;
        seen.add(value);
        const reader = new Visitor(app, `10.99.${Math.floor(i / 250)}.${i % 250}`);
        await reader.get(FORM);
        const email = `naughty-${i}@example.org`;
        const sent = await reader.post(FORM, {
          ...VALID,
          email,
          organisation: value.slice(0, 200),
          outlet: value.slice(0, 200),
          message: value,
        });
        assert.notEqual(sent.statusCode, 500, `answered 500 for ${JSON.stringify(text)}`);
        if (sent.statusCode !== 303) {
          assert.equal(sent.statusCode, 400, `for ${JSON.stringify(text)}`);
          continue;
        }
        const [stored] = await pendingFor(email);
        assert.ok(stored, `stored ${JSON.stringify(text)}`);
        if (!hasXmlForbidden(value)) assert.equal(stored.message, value);
        const page = await editorClient.get(`/admin/reprint-requests/${stored.id}`);
        assert.equal(page.statusCode, 200);
        const shown = /<dd class="reprint-request__message">([\s\S]*?)<\/dd>/.exec(page.body)?.[1] ?? '';
        assert.equal(decodeHTML(shown), stored.message, `shown as kept: ${JSON.stringify(text)}`);
        assert.doesNotMatch(shown, /[<>]/, 'no markup of its own');
      }
      const queue = await editorClient.get('/admin/reprint-requests?status=pending');
      assert.equal(queue.statusCode, 200);
      assert.doesNotMatch(queue.body, /<script>alert/i);
    });
  });
}
