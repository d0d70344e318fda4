import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ParsedMail } from 'mailparser';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { sendSettingsOf } from '../../src/jobs/send-newsletter.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { recordBounce } from '../../src/services/newsletters/bounces.ts';
import { createIssue, scheduleIssue, sendIssue } from '../../src/services/newsletters/issues.ts';
import { runIssueSend } from '../../src/services/newsletters/sending.ts';
import { loadTokens } from '../../src/services/newsletters/unsubscribe.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addMembers, deliveryStatuses, subscribeMembers } from '../helpers/newsletters.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

const START = new Date('2026-11-20T12:00:00.000Z');

/** A header's raw value, unfolded (mailparser turns List-* headers into an object of its own). */
function header(mail: ParsedMail, name: string): string {
  const line = mail.headerLines.find((h) => h.key === name)?.line ?? '';
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

function recipientOf(mail: ParsedMail): string {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  return to?.value[0]?.address ?? '';
}

for (const kind of DATABASE_KINDS) {
  describe(`newsletter sending (${kind})`, () => {
    let t: TestWiring;
    let smtp: SmtpCapture;
    let newsletterId: number;
    let articleId: number;
    const greylisted = new Map<string, number>();
    let dkimKeyFile = '';

    before(async () => {
      smtp = await startSmtpCapture({
        replyToRecipient: (address) => {
          if (address.startsWith('refused-')) return { code: 550, message: 'No such user here' };
          if (address.startsWith('greylisted-')) {
            const seen = greylisted.get(address) ?? 0;
            greylisted.set(address, seen + 1);
            if (seen === 0) return { code: 451, message: 'Greylisted, try again later' };
          }
          return undefined;
        },
      });
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      dkimKeyFile = path.join(mkdtempSync(path.join(tmpdir(), 'pressroom-dkim-')), 'dkim.pem');
      writeFileSync(dkimKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      t = await createTestWiring(kind, {
        now: START,
        mail: { host: '127.0.0.1', port: smtp.port, from: 'Review Desk <desk@review.example>' },
        newsletter: {
          messagesPerSecond: 0,
          bounceAddress: 'bounces@review.example',
          dkimDomain: 'review.example',
          dkimSelector: 'news',
          dkimPrivateKeyFile: dkimKeyFile,
        },
      });
      newsletterId = await t.wiring.store.newsletters.createNewsletter(
        { slug: 'daily', name: 'The Daily Digest', kind: 'daily' },
        START.toISOString(),
      );
      const saved = await saveArticle(
        t.wiring,
        articleDraft({ status: 'published', publishedAt: '2026-11-19T09:00:00.000Z' }),
        { actor: 'cli' },
      );
      articleId = saved.article.id;
    });

    after(async () => {
      await t?.cleanup();
      await smtp?.close();
    });

    /** Runs the queue until the issue is sent, moving the clock past retries; at most `rounds` rounds. */
    async function sendThrough(issueId: number, rounds = 6): Promise<void> {
      const runner = jobRunnerFor(t.wiring, { workerId: 'test-worker' });
      let now = START.getTime();
      for (let round = 0; round < rounds; round++) {
        await runner.runDue();
        const issue = await t.wiring.store.newsletters.findIssue(issueId);
        if (issue?.status === 'sent') return;
        now += 3_600_000;
        t.setNow(new Date(now));
      }
      t.setNow(START);
    }

    test('each subscriber who may be written to gets one message with unsubscribe headers, both parts and a DKIM signature', async () => {
      const db = t.wiring.database.db;
      const readers = await addMembers(db, { count: 5, prefix: 'reader' });
      const [pending] = await addMembers(db, { count: 1, prefix: 'unconfirmed', status: 'pending' });
      const [bounced] = await addMembers(db, { count: 1, prefix: 'bounced' });
      const [outsider] = await addMembers(db, { count: 1, prefix: 'outsider' });
      assert.ok(pending && bounced && outsider);
      await db
        .updateTable('members')
        .set({ bounced_at: START.toISOString() })
        .where('id', '=', bounced)
        .execute();
      await subscribeMembers(db, newsletterId, [...readers, pending, bounced]);

      const issueId = await createIssue(t.wiring, {
        newsletterId,
        subject: 'Water ledgers & <basins>',
        intro: 'This week: how basins count.',
        articleIds: [articleId],
      });
      const before = smtp.messages.length;
      await sendIssue(t.wiring, issueId);
      await sendThrough(issueId);

      const mails = smtp.messages.slice(before);
      assert.deepEqual(
        mails.map(recipientOf).sort(),
        readers.map((_, i) => `reader-${i}@readers.example`).sort(),
        'the five active subscribers, not the pending, the bounced or the non-subscriber',
      );
      const issue = await t.wiring.store.newsletters.findIssue(issueId);
      assert.equal(issue?.status, 'sent');
      assert.equal(issue?.sentCount, 5);
      assert.equal(issue?.recipientCount, 5);
      const tokens = await loadTokens(t.wiring);
      for (const mail of mails) {
        const memberId = readers[Number(/reader-(\d+)@/.exec(recipientOf(mail))?.[1])] ?? 0;
        const tag = tokens.messageTag({ issueId, memberId });
        assert.equal(mail.messageId, `<newsletter-${issueId}-${memberId}-${tag}@review.example>`);
        assert.equal(mail.subject, 'Water ledgers & <basins>');
        assert.match(
          mail.text ?? '',
          /Counting Every Cubic Metre\nhttps:\/\/review\.example\/articles\/counting-every-cubic-metre/,
        );
        assert.match(String(mail.html), /Water ledgers &amp; &lt;basins&gt;/);
        const listUnsubscribe = header(mail, 'list-unsubscribe');
        const url = /<(https:\/\/review\.example\/newsletters\/unsubscribe\?token=[^>]+)>/.exec(
          listUnsubscribe,
        )?.[1];
        assert.ok(url, `an https one-click URL in List-Unsubscribe: ${listUnsubscribe}`);
        assert.equal(header(mail, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
        assert.ok(
          String(mail.html).includes(url.replaceAll('&', '&amp;')),
          'the HTML part links the same URL',
        );
        assert.ok((mail.text ?? '').includes(url), 'the text part names the same URL');
        const dkim = header(mail, 'dkim-signature');
        assert.match(dkim, /d=review\.example/);
        assert.match(dkim, /s=news/);
      }
    });

    test('a greylisted recipient is tried again after the back-off; a refused one is recorded as failed', async () => {
      const db = t.wiring.database.db;
      const [grey] = await addMembers(db, { count: 1, prefix: 'greylisted' });
      const [refused] = await addMembers(db, { count: 1, prefix: 'refused' });
      assert.ok(grey && refused);
      const otherNewsletter = await t.wiring.store.newsletters.createNewsletter(
        { slug: 'weekly', name: 'The Weekly', kind: 'weekly' },
        START.toISOString(),
      );
      await subscribeMembers(db, otherNewsletter, [grey, refused]);
      const issueId = await createIssue(t.wiring, {
        newsletterId: otherNewsletter,
        subject: 'Weekly',
        articleIds: [],
      });
      await sendIssue(t.wiring, issueId);

      const runner = jobRunnerFor(t.wiring, { workerId: 'test-worker' });
      await runner.runDue();
      let statuses = await deliveryStatuses(db, issueId);
      assert.equal(statuses.get(grey), 'pending', 'the 451 leaves it waiting');
      assert.equal(statuses.get(refused), 'failed', 'the 550 is final');
      assert.equal((await t.wiring.store.newsletters.findIssue(issueId))?.status, 'sending');

      t.setNow(new Date(START.getTime() + 2 * 60_000));
      await runner.runDue();
      statuses = await deliveryStatuses(db, issueId);
      assert.equal(statuses.get(grey), 'sent');
      const issue = await t.wiring.store.newsletters.findIssue(issueId);
      assert.equal(issue?.status, 'sent');
      assert.equal(issue?.sentCount, 1);
      assert.equal(issue?.failedCount, 1);
      t.setNow(START);
    });

    test('a member who complains while an issue is still going out is skipped when their retry comes', async () => {
      const db = t.wiring.database.db;
      const [grey] = await addMembers(db, { count: 1, prefix: 'greylisted-complainer' });
      assert.ok(grey);
      const alerts = await t.wiring.store.newsletters.createNewsletter(
        { slug: 'alerts', name: 'Alerts', kind: 'author' },
        START.toISOString(),
      );
      await subscribeMembers(db, alerts, [grey]);
      const issueId = await createIssue(t.wiring, { newsletterId: alerts, subject: 'Alert', articleIds: [] });
      await sendIssue(t.wiring, issueId);
      const runner = jobRunnerFor(t.wiring, { workerId: 'test-worker' });
      await runner.runDue();
      assert.equal(
        (await deliveryStatuses(db, issueId)).get(grey),
        'pending',
        'greylisted: waits for a retry',
      );
      await recordBounce(t.wiring, {
        email: 'greylisted-complainer-0@readers.example',
        kind: 'complaint',
        source: 'webhook',
      });
      const before = smtp.messages.length;
      t.setNow(new Date(START.getTime() + 2 * 60_000));
      await runner.runDue();
      assert.equal(smtp.messages.length, before, 'nothing more went out');
      assert.equal((await deliveryStatuses(db, issueId)).get(grey), 'skipped');
      assert.equal((await t.wiring.store.newsletters.findIssue(issueId))?.status, 'sent');
      t.setNow(START);
    });

    test('an issue is sent once: sending it again, or scheduling it after, is refused', async () => {
      const issueId = await createIssue(t.wiring, { newsletterId, subject: 'Once', articleIds: [] });
      await sendIssue(t.wiring, issueId);
      await assert.rejects(sendIssue(t.wiring, issueId), { code: 'ISSUE_ALREADY_SENT' });
      await assert.rejects(scheduleIssue(t.wiring, issueId, new Date(START.getTime() + 60_000)), {
        code: 'ISSUE_ALREADY_SENT',
      });
      await sendThrough(issueId);
    });

    test('a scheduled issue goes out when its time comes, not before', async () => {
      const db = t.wiring.database.db;
      const [member] = await addMembers(db, { count: 1, prefix: 'scheduled' });
      assert.ok(member);
      const later = await t.wiring.store.newsletters.createNewsletter(
        { slug: 'later', name: 'Later', kind: 'daily' },
        START.toISOString(),
      );
      await subscribeMembers(db, later, [member]);
      const issueId = await createIssue(t.wiring, {
        newsletterId: later,
        subject: 'At noon',
        articleIds: [],
      });
      await scheduleIssue(t.wiring, issueId, new Date(START.getTime() + 3_600_000));
      const runner = jobRunnerFor(t.wiring, { workerId: 'test-worker' });
      await runner.runDue();
      assert.equal((await t.wiring.store.newsletters.findIssue(issueId))?.status, 'scheduled');
      t.setNow(new Date(START.getTime() + 3_600_000));
      await runner.runDue();
      await runner.runDue();
      assert.equal((await t.wiring.store.newsletters.findIssue(issueId))?.status, 'sent');
      assert.equal((await deliveryStatuses(db, issueId)).get(member), 'sent');
      t.setNow(START);
    });

    test('two workers sending one issue at once each claim their own deliveries: one copy per member', async (ctx) => {
      const db = t.wiring.database.db;
      const crowd = await addMembers(db, { count: 300, prefix: 'crowd' });
      const shared = await t.wiring.store.newsletters.createNewsletter(
        { slug: 'shared', name: 'Shared', kind: 'weekly' },
        START.toISOString(),
      );
      await subscribeMembers(db, shared, crowd);
      const issueId = await createIssue(t.wiring, {
        newsletterId: shared,
        subject: 'Shared',
        articleIds: [],
      });
      await sendIssue(t.wiring, issueId);
      const before = smtp.messages.length;
      const mailer = t.wiring.newsletterMailer;
      assert.ok(mailer);
      const tokens = await loadTokens(t.wiring);
      const settings = { ...sendSettingsOf(t.wiring.config.newsletter), batchSize: 20 };
      const outcomes = await Promise.all(
        ['worker-a', 'worker-b'].map((worker) =>
          runIssueSend(t.wiring, { mailer, tokens, settings, worker }, issueId, Date.now() + 60_000),
        ),
      );
      assert.ok(outcomes.some((o) => o.outcome === 'done'));
      const recipients = smtp.messages.slice(before).map(recipientOf);
      assert.equal(recipients.length, 300, 'no member twice');
      assert.equal(new Set(recipients).size, 300, 'every member once');
      const claimedBy = await db
        .selectFrom('newsletter_deliveries')
        .select(['claimed_by', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('issue_id', '=', issueId)
        .groupBy('claimed_by')
        .execute();
      // How the work splits depends on timing (on SQLite one connection serves both); what
      // matters is that each delivery was sent by one of them, once.
      ctx.diagnostic(`shares: ${JSON.stringify(claimedBy)}`);
      const statuses = await deliveryStatuses(db, issueId);
      assert.deepEqual([...new Set(statuses.values())], ['sent']);
    });

    test('a sent mark that cannot be written stops the send: only messages already in flight go out, and the delivery stays claimed to be sent again', async () => {
      const db = t.wiring.database.db;
      const readers = await addMembers(db, { count: 100, prefix: 'unmarked' });
      const list = await t.wiring.store.newsletters.createNewsletter(
        { slug: 'unmarked', name: 'Unmarked', kind: 'weekly' },
        START.toISOString(),
      );
      await subscribeMembers(db, list, readers);
      const issueId = await createIssue(t.wiring, {
        newsletterId: list,
        subject: 'Unmarked',
        articleIds: [],
      });
      await sendIssue(t.wiring, issueId);
      const before = smtp.messages.length;
      const mailer = t.wiring.newsletterMailer;
      assert.ok(mailer);
      const settings = sendSettingsOf(t.wiring.config.newsletter);
      // The tenth mark meets a database that refuses writes; the marks after it would succeed.
      const FAILING_MARK = 10;
      let marks = 0;
      const refusal = new Error('disk I/O error');
      const newsletters = Object.create(t.wiring.store.newsletters) as typeof t.wiring.store.newsletters;
      newsletters.markSent = async (ids, sentAt, worker) => {
        marks++;
        if (marks === FAILING_MARK) throw refusal;
        return t.wiring.store.newsletters.markSent(ids, sentAt, worker);
      };
      const ctx = { ...t.wiring, store: { ...t.wiring.store, newsletters } };
      await assert.rejects(
        runIssueSend(
          ctx,
          { mailer, tokens: await loadTokens(t.wiring), settings, worker: 'worker-a' },
          issueId,
          Date.now() + 60_000,
        ),
        (error) => error === refusal,
      );
      const sent = smtp.messages.length - before;
      assert.ok(sent >= FAILING_MARK, 'the failing mark came after its message was accepted');
      assert.ok(
        sent <= FAILING_MARK - 1 + settings.inFlight,
        `${sent} messages: none handed to the mailer after the mark failed`,
      );
      const statuses = [...(await deliveryStatuses(db, issueId)).values()];
      assert.ok(statuses.includes('sending'), 'the unmarked delivery keeps its claim, to be sent again');
      assert.ok(statuses.filter((status) => status === 'sent').length < sent, 'its mark was not written');
      assert.ok(sent < readers.length, 'the send stopped');
    });

    /**
     * Sends an issue to `count` new members through a mailer that takes `delayOf(n)` ms for its
     * n-th message, 20 claimed at a time, `inFlight` out at once, under a 300 ms lease on the real
     * clock, until it is sent. Returns each member's copies and how many times each was claimed.
     */
    async function sendSlowly(options: {
      slug: string;
      count: number;
      inFlight: number;
      delayOf: (n: number) => number;
      stallOf?: (n: number) => number;
    }): Promise<{ copies: number[]; attempts: number[] }> {
      const db = t.wiring.database.db;
      const readers = await addMembers(db, { count: options.count, prefix: options.slug });
      const list = await t.wiring.store.newsletters.createNewsletter(
        { slug: options.slug, name: options.slug, kind: 'weekly' },
        START.toISOString(),
      );
      await subscribeMembers(db, list, readers);
      const issueId = await createIssue(t.wiring, {
        newsletterId: list,
        subject: options.slug,
        articleIds: [],
      });
      await sendIssue(t.wiring, issueId);
      const before = smtp.messages.length;
      const mailer = t.wiring.newsletterMailer;
      assert.ok(mailer);
      let sends = 0;
      const slowMailer = {
        send: async (message: Parameters<typeof mailer.send>[0]) => {
          const n = sends++;
          // The whole process stalls (a long pause of the garbage collector, a starved CPU).
          const stallUntil = Date.now() + (options.stallOf?.(n) ?? 0);
          while (Date.now() < stallUntil);
          await new Promise((resolve) => setTimeout(resolve, options.delayOf(n)));
          return mailer.send(message);
        },
        close: () => {},
      };
      const settings = { batchSize: 20, leaseMs: 300, inFlight: options.inFlight };
      const ctx = { ...t.wiring, now: () => new Date() };
      const tokens = await loadTokens(t.wiring);
      for (let run = 0; run < 20; run++) {
        const outcome = await runIssueSend(
          ctx,
          { mailer: slowMailer, tokens, settings, worker: 'worker-a' },
          issueId,
          Date.now() + 60_000,
        );
        if (outcome.outcome === 'done') break;
        await new Promise((resolve) => setTimeout(resolve, settings.leaseMs));
      }
      assert.equal((await t.wiring.store.newsletters.findIssue(issueId))?.status, 'sent');
      const recipients = smtp.messages.slice(before).map(recipientOf);
      const rows = await db
        .selectFrom('newsletter_deliveries')
        .innerJoin('members', 'members.id', 'newsletter_deliveries.member_id')
        .select(['members.email', 'newsletter_deliveries.attempts'])
        .where('issue_id', '=', issueId)
        .execute();
      return {
        copies: rows.map((row) => recipients.filter((to) => to === row.email).length),
        attempts: rows.map((row) => row.attempts),
      };
    }

    test('a worker sending slower than its lease keeps its claims: each delivery is claimed once and sent once', async () => {
      // 20 claimed at a time, two out at once, 40 ms each: a batch takes 400 ms, longer than
      // its 300 ms lease, so its tail would run out and be claimed again by the next claim.
      const { copies, attempts } = await sendSlowly({
        slug: 'slow',
        count: 40,
        inFlight: 2,
        delayOf: () => 40,
      });
      assert.deepEqual([...new Set(copies)], [1], 'every member one copy');
      assert.deepEqual([...new Set(attempts)], [1], 'no claim ran out');
    });

    test('a claimed delivery the worker could not hand out within half its lease is left to run out and claimed again, never sent twice', async () => {
      // The fifth message stalls the worker for 700 ms, longer than the whole lease: the rest of
      // its batch has run out meanwhile, and may already be another's.
      const { copies, attempts } = await sendSlowly({
        slug: 'stalled',
        count: 30,
        inFlight: 1,
        delayOf: (n) => (n === 4 ? 700 : 5),
      });
      assert.deepEqual([...new Set(copies)], [1], 'every member one copy');
      assert.ok(Math.max(...attempts) > 1, 'the rest of the batch was claimed again');
    });

    test('a worker whose process stalled past its lease does not send twice what it had already handed out', async () => {
      // Handing out the 19th message of the first batch of 20 stalls the process for 400 ms: that
      // message's claim runs out meanwhile, and the claim that follows (one is left queued) takes
      // it back while it is still on its way.
      const { copies } = await sendSlowly({
        slug: 'frozen',
        count: 30,
        inFlight: 2,
        delayOf: () => 20,
        stallOf: (n) => (n === 18 ? 400 : 0),
      });
      assert.deepEqual([...new Set(copies)], [1], 'every member one copy');
    });
  });
}
