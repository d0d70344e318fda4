import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { ParsedMail } from 'mailparser';
import { buildApp } from '../../src/app.ts';
import type { ArticleDraft } from '../../src/domain/article.ts';
import { DEFAULT_TAXONOMIES } from '../../src/domain/taxonomy.ts';
import type { User } from '../../src/domain/user.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { draftOf, saveArticle } from '../../src/services/articles.ts';
import { issueDueAlert } from '../../src/services/newsletters/alerts.ts';
import { transitionArticle } from '../../src/services/newsroom/workflow.ts';
import { addTerm, articleDraft } from '../../src/services/testing/fixtures.ts';
import { clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addMembers, subscribeMembers } from '../helpers/newsletters.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

const SITE = 'https://review.example';
const START = new Date('2026-11-20T12:00:00.000Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function recipientOf(mail: ParsedMail): string {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  return to?.value[0]?.address ?? '';
}

for (const kind of DATABASE_KINDS) {
  describe(`term and author alerts on ${kind}`, () => {
    let t: TestWiring;
    let smtp: SmtpCapture;
    let app: FastifyInstance;
    let editor: User;
    let europe: number;
    let portugal: number;
    let water: number;
    let ana: number;
    let europeAlert: number;
    let waterAlert: number;
    let anaAlert: number;
    let day = 0;

    before(async () => {
      smtp = await startSmtpCapture();
      t = await createTestWiring(kind, {
        siteUrl: SITE,
        now: START,
        mail: { host: '127.0.0.1', port: smtp.port, from: 'Review Desk <desk@review.example>' },
        newsletter: { messagesPerSecond: 0, alertGraceMinutes: 10 },
      });
      app = await buildApp(t.wiring, { shouldLog: false });
      const store = t.wiring.store;
      const taxonomyId = async (slug: string) => {
        const found = (await store.taxonomies.listTaxonomies()).find((tx) => tx.slug === slug);
        if (found) return found.id;
        const taxonomy = DEFAULT_TAXONOMIES.find((tx) => tx.slug === slug);
        assert.ok(taxonomy);
        return store.taxonomies.insertTaxonomy(taxonomy);
      };
      const region = await taxonomyId('region');
      europe = await addTerm(store, { taxonomyId: region, slug: 'europe', name: 'Europe' });
      portugal = await addTerm(store, {
        taxonomyId: region,
        slug: 'portugal',
        name: 'Portugal',
        parentId: europe,
      });
      water = await addTerm(store, { taxonomyId: await taxonomyId('theme'), slug: 'water', name: 'Water' });
      ana = await store.people.insert({
        slug: 'ana-reis',
        name: 'Ana Reis',
        bio: null,
        bioHtml: null,
        email: null,
        website: null,
        links: [],
        photo: null,
        createdAt: START.toISOString(),
        updatedAt: START.toISOString(),
      });
      const newsletter = (slug: string, name: string, fields: { termId?: number; personId?: number }) =>
        store.newsletters.createNewsletter(
          { slug, name, kind: fields.termId ? 'term' : 'author', ...fields },
          START.toISOString(),
        );
      europeAlert = await newsletter('europe-alert', 'Europe', { termId: europe });
      waterAlert = await newsletter('water-alert', 'Water', { termId: water });
      anaAlert = await newsletter('ana-alert', 'Ana Reis', { personId: ana });
      editor = await makeUser(t.wiring, 'editor', 'alerts-editor@example.org');
    });

    after(async () => {
      await app?.close();
      await t?.cleanup();
      await smtp?.close();
    });

    /** Each test starts on a day of its own, so no test's alert jobs come due in another's. */
    function startDay(): number {
      day++;
      const at = START.getTime() + day * DAY;
      t.setNow(new Date(at));
      return at;
    }

    /** A member subscribed to the given alert newsletters; returns their address. */
    async function subscriber(prefix: string, newsletterIds: number[]): Promise<string> {
      const [memberId] = await addMembers(t.wiring.database.db, { count: 1, prefix });
      assert.ok(memberId);
      for (const id of newsletterIds) await subscribeMembers(t.wiring.database.db, id, [memberId]);
      return `${prefix}-0@readers.example`;
    }

    async function draft(fields: Partial<ArticleDraft>): Promise<number> {
      return (await saveArticle(t.wiring, articleDraft(fields), { actor: 'cli' })).article.id;
    }

    const publish = (articleId: number) =>
      transitionArticle(t.wiring, editor, { articleId, action: 'publish' });
    const unpublish = (articleId: number) =>
      transitionArticle(t.wiring, editor, { articleId, action: 'unpublish' });

    /** Moves the clock to `at` and runs the job queue as the server's runner does; returns the mail received. */
    async function runAt(at: number): Promise<ParsedMail[]> {
      t.setNow(new Date(at));
      const before = smtp.messages.length;
      await jobRunnerFor(t.wiring, { workerId: 'alerts-test' }).runDue();
      return smtp.messages.slice(before);
    }

    test('an article published in a term reaches its alert subscribers once, after the grace period', async () => {
      const start = startDay();
      const reader = await subscriber('europe-reader', [europeAlert]);
      const articleId = await draft({
        slug: 'harbour-dredging',
        title: 'Harbour dredging starts',
        summary: 'The council begins work.',
        termIds: [europe],
      });
      await publish(articleId);
      assert.deepEqual(await runAt(start + 9 * MINUTE), [], 'nothing within the grace period');
      const mails = await runAt(start + 10 * MINUTE);
      assert.deepEqual(mails.map(recipientOf), [reader]);
      const [mail] = mails;
      assert.ok(mail);
      assert.equal(mail.subject, 'Europe: Harbour dredging starts');
      assert.match(
        mail.text ?? '',
        /Harbour dredging starts\nhttps:\/\/review\.example\/articles\/harbour-dredging/,
      );
      assert.match(String(mail.html), /href="https:\/\/review\.example\/articles\/harbour-dredging"/);
      assert.match(mail.text ?? '', /https:\/\/review\.example\/newsletters\/unsubscribe\?token=/);
      const listUnsubscribe = mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
      assert.match(listUnsubscribe, /<https:\/\/review\.example\/newsletters\/unsubscribe\?token=[^>]+>/);

      assert.deepEqual(await runAt(start + 30 * MINUTE), [], 'the queue sends it once');
      assert.equal(await issueDueAlert(t.wiring, europeAlert), undefined, 'the job run again makes nothing');
      assert.deepEqual(await runAt(start + 40 * MINUTE), []);
    });

    test('the alert is queued in the publish transaction: a publish refused queues nothing', async () => {
      startDay();
      const articleId = await draft({
        slug: 'refused-publish',
        title: 'A refused publish',
        termIds: [europe],
      });
      await assert.rejects(
        transitionArticle(t.wiring, editor, { articleId, action: 'publish', expectedVersion: 99 }),
        { code: 'EDIT_CONFLICT' },
      );
      const queued = () =>
        t.wiring.database.db
          .selectFrom('newsletter_alert_articles')
          .select(['newsletter_id', 'status'])
          .where('article_id', '=', articleId)
          .execute();
      assert.deepEqual(await queued(), []);
      await publish(articleId);
      assert.deepEqual(await queued(), [{ newsletter_id: europeAlert, status: 'waiting' }]);
      const job = await t.wiring.store.jobs.findByKey(`newsletter-alert:${europeAlert}`);
      assert.equal(job?.status, 'pending');
      assert.equal(job?.runAt, new Date(t.wiring.now().getTime() + 10 * MINUTE).toISOString());
      // Taken back, so that no later test's alert for Europe carries it.
      await unpublish(articleId);
    });

    test('a term alert covers the terms below it', async () => {
      const start = startDay();
      const reader = await subscriber('sub-term-reader', [europeAlert]);
      await publish(await draft({ slug: 'lisbon-tides', title: 'Lisbon tides', termIds: [portugal] }));
      const mails = await runAt(start + 10 * MINUTE);
      assert.deepEqual(
        mails.filter((m) => recipientOf(m) === reader).map((m) => m.subject),
        ['Europe: Lisbon tides'],
      );
    });

    test("an author's alert announces their new article", async () => {
      const start = startDay();
      const reader = await subscriber('author-reader', [anaAlert]);
      await publish(await draft({ slug: 'ana-on-dams', title: 'On dams', authorIds: [ana] }));
      const mails = await runAt(start + 10 * MINUTE);
      assert.deepEqual(
        mails.filter((m) => recipientOf(m) === reader).map((m) => m.subject),
        ['Ana Reis: On dams'],
      );
    });

    test('two articles published within the grace period go out in one message', async () => {
      const start = startDay();
      const reader = await subscriber('grouped-reader', [waterAlert]);
      await publish(await draft({ slug: 'first-well', title: 'The first well', termIds: [water] }));
      t.setNow(new Date(start + 4 * MINUTE));
      await publish(await draft({ slug: 'second-well', title: 'The second well', termIds: [water] }));
      assert.deepEqual(await runAt(start + 10 * MINUTE), [], 'the second article restarts the wait');
      const mails = (await runAt(start + 14 * MINUTE)).filter((m) => recipientOf(m) === reader);
      assert.equal(mails.length, 1);
      assert.equal(mails[0]?.subject, 'Water: The first well and 1 more');
      assert.match(mails[0]?.text ?? '', /The first well[\s\S]*The second well/);
    });

    test('an article unpublished within the grace period is not sent; published again, it is', async () => {
      const start = startDay();
      const reader = await subscriber('unpublished-reader', [waterAlert]);
      const articleId = await draft({ slug: 'mistaken-well', title: 'A mistaken well', termIds: [water] });
      await publish(articleId);
      t.setNow(new Date(start + 3 * MINUTE));
      await unpublish(articleId);
      assert.deepEqual(await runAt(start + 20 * MINUTE), []);
      assert.equal((await t.wiring.store.newsletters.listIssues(waterAlert, 50)).length, 1, 'no new issue');

      await publish(articleId);
      const mails = (await runAt(start + 30 * MINUTE)).filter((m) => recipientOf(m) === reader);
      assert.deepEqual(
        mails.map((m) => m.subject),
        ['Water: A mistaken well'],
        'it never went out, so its alert goes out when it is published again',
      );
    });

    test('an edit, an unpublish and a re-publish of an article already announced send nothing', async () => {
      const start = startDay();
      await subscriber('edit-reader', [europeAlert]);
      const articleId = await draft({ slug: 'edited-piece', title: 'An edited piece', termIds: [europe] });
      const published = await publish(articleId);
      assert.equal((await runAt(start + 10 * MINUTE)).length > 0, true);
      t.setNow(new Date(start + 20 * MINUTE));
      await saveArticle(
        t.wiring,
        { ...draftOf(published), title: 'An edited piece, corrected', termIds: [europe, portugal] },
        { id: articleId, actor: String(editor.id) },
      );
      await unpublish(articleId);
      await publish(articleId);
      assert.deepEqual(await runAt(start + 60 * MINUTE), []);
      assert.deepEqual(await runAt(start + 120 * MINUTE), []);
    });

    test('an article published on schedule is announced a grace period after it goes live', async () => {
      const start = startDay();
      const reader = await subscriber('scheduled-reader', [anaAlert]);
      const articleId = await draft({ slug: 'scheduled-dam', title: 'The scheduled dam', authorIds: [ana] });
      await transitionArticle(t.wiring, editor, {
        articleId,
        action: 'schedule',
        publishAt: new Date(start + 30 * MINUTE).toISOString(),
      });
      assert.deepEqual(await runAt(start + 30 * MINUTE), [], 'published now, announced after the grace');
      assert.equal((await t.wiring.store.articles.findById(articleId))?.status, 'published');
      const mails = (await runAt(start + 40 * MINUTE)).filter((m) => recipientOf(m) === reader);
      assert.deepEqual(
        mails.map((m) => m.subject),
        ['Ana Reis: The scheduled dam'],
      );
    });

    test('an article taken off its schedule before it went live is new when it is published', async () => {
      const start = startDay();
      const reader = await subscriber('unscheduled-reader', [anaAlert]);
      const articleId = await draft({
        slug: 'unscheduled-dam',
        title: 'The unscheduled dam',
        authorIds: [ana],
      });
      await transitionArticle(t.wiring, editor, {
        articleId,
        action: 'schedule',
        publishAt: new Date(start + 60 * MINUTE).toISOString(),
      });
      await unpublish(articleId);
      await publish(articleId);
      const mails = (await runAt(start + 10 * MINUTE)).filter((m) => recipientOf(m) === reader);
      assert.deepEqual(
        mails.map((m) => m.subject),
        ['Ana Reis: The unscheduled dam'],
      );
    });

    test('two runs of the alert at once make one issue and one message per subscriber', async () => {
      const start = startDay();
      const reader = await subscriber('racing-reader', [anaAlert]);
      await publish(await draft({ slug: 'racing-dam', title: 'The racing dam', authorIds: [ana] }));
      t.setNow(new Date(start + 10 * MINUTE));
      const made = await Promise.all([issueDueAlert(t.wiring, anaAlert), issueDueAlert(t.wiring, anaAlert)]);
      assert.equal(made.filter((id) => id !== undefined).length, 1);
      const mails = (await runAt(start + 11 * MINUTE)).filter((m) => recipientOf(m) === reader);
      assert.deepEqual(
        mails.map((m) => m.subject),
        ['Ana Reis: The racing dam'],
      );
    });

    test('a members-only article goes out as its title and summary, never its gated text', async () => {
      const start = startDay();
      const reader = await subscriber('gated-reader', [waterAlert]);
      await publish(
        await draft({
          slug: 'gated-ledger',
          title: 'Inside the water ledger',
          summary: 'What the budget hides.',
          bodyMarkdown: 'Public opening.\n\n<!-- members-only -->\n\nSECRET-LEDGER-LINE for members only.',
          visibility: 'members',
          termIds: [water],
        }),
      );
      const mails = (await runAt(start + 10 * MINUTE)).filter((m) => recipientOf(m) === reader);
      assert.equal(mails.length, 1);
      const [mail] = mails;
      assert.ok(mail);
      assert.match(mail.text ?? '', /Inside the water ledger/);
      assert.match(mail.text ?? '', /What the budget hides\./);
      assert.match(String(mail.html), /For members/);
      assert.doesNotMatch(`${mail.text}\n${mail.html}`, /SECRET-LEDGER-LINE/);
    });

    test('a member on two alerts covering the same article gets one message from each', async () => {
      const start = startDay();
      const reader = await subscriber('two-alerts-reader', [europeAlert, waterAlert]);
      await publish(await draft({ slug: 'alpine-water', title: 'Alpine water', termIds: [europe, water] }));
      const subjects = (await runAt(start + 10 * MINUTE))
        .filter((m) => recipientOf(m) === reader)
        .map((m) => m.subject)
        .sort();
      assert.deepEqual(subjects, ['Europe: Alpine water', 'Water: Alpine water']);
    });

    test('an alert switched off sends nothing, not even what waited for it', async () => {
      const start = startDay();
      const reader = await subscriber('switched-off-reader', [waterAlert]);
      await publish(await draft({ slug: 'quiet-well', title: 'A quiet well', termIds: [water] }));
      const setActive = (isActive: boolean) =>
        t.wiring.store.newsletters.updateNewsletter(
          waterAlert,
          { name: 'Water', sendHour: null, isActive },
          t.wiring.now().toISOString(),
        );
      await setActive(false);
      try {
        t.setNow(new Date(start + MINUTE));
        await publish(await draft({ slug: 'quieter-well', title: 'A quieter well', termIds: [water] }));
        assert.deepEqual(await runAt(start + 20 * MINUTE), []);
      } finally {
        await setActive(true);
      }
      assert.deepEqual(
        (await runAt(start + 60 * MINUTE)).filter((m) => recipientOf(m) === reader),
        [],
        'switched on again, it does not send what was let go',
      );
    });

    test("the newsletter's sending history in the admin lists its alerts", async () => {
      // Signed in now: the clock has moved days past the first session.
      const editorClient = await clientAs(app, t.wiring, editor, sessionCookieName(SITE));
      const page = await editorClient.get(`/admin/newsletters/${europeAlert}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Europe: Harbour dredging starts/);
      assert.match(page.body, /Europe: Lisbon tides/);
      const issues = await t.wiring.store.newsletters.listIssues(europeAlert, 50);
      assert.ok(issues.length >= 2);
      assert.ok(issues.every((issue) => issue.status === 'sent'));
    });
  });
}
