// A newsletter send to 10,000 members whose sending process is killed with SIGKILL halfway and
// started again: every member must end up with the issue, under its one Message-ID, and no
// member with two different messages. The real program (`bin/pressroom serve`, whose job
// runner sends) runs in a child process against a real SMTP server on 127.0.0.1, and the raw
// copies each member received are counted: a second copy is a message the server accepted
// whose "sent" mark the killed process had not yet written.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ParsedMail } from 'mailparser';
import { loadConfig } from '../../src/config.ts';
import { newsletterMessageId } from '../../src/domain/newsletter.ts';
import { sendSettingsOf } from '../../src/jobs/send-newsletter.ts';
import { createIssue, sendIssue } from '../../src/services/newsletters/issues.ts';
import { loadTokens } from '../../src/services/newsletters/unsubscribe.ts';
import {
  createTestDatabase,
  type DatabaseKind,
  openTestWiring,
  type TestWiring,
} from '../helpers/databases.ts';
import { addMembers, subscribeMembers } from '../helpers/newsletters.ts';
import { skipUnlessCI } from '../helpers/prerequisites.ts';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

const MEMBERS = 10_000;
const LEASE_SECONDS = 3;
const postgresSkip =
  skipUnlessCI(process.env.TEST_DATABASE_URL ? undefined : 'TEST_DATABASE_URL is not set') ?? false;
const KINDS: DatabaseKind[] = ['sqlite', 'postgres'];

function recipientOf(mail: ParsedMail): string {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  return to?.value[0]?.address ?? '';
}

/** "1 copy: 9,998 members, 2 copies: 2 members", from each member's count of copies. */
function copiesSummary(copies: number[]): string {
  const members = new Map<number, number>();
  for (const n of copies) members.set(n, (members.get(n) ?? 0) + 1);
  return [...members.entries()]
    .sort(([a], [b]) => a - b)
    .map(([n, count]) => `${n} ${n === 1 ? 'copy' : 'copies'}: ${count} members`)
    .join(', ');
}

async function waitFor(
  what: string,
  isDone: () => boolean | Promise<boolean>,
  timeoutMs: number,
  state: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isDone())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${state()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const kind of KINDS) {
  describe(`kill -9 halfway through a newsletter send on ${kind}`, {
    skip: kind === 'postgres' ? postgresSkip : false,
  }, () => {
    let smtp: SmtpCapture;
    let t: TestWiring;
    let server: ServerProcess | undefined;

    // The sender is killed from inside the SMTP server, as the message that makes half the
    // members arrives: the kill lands mid-send (that message written, its answer awaited, others
    // in flight), never in a pause between two runs of the job. From then until the restart the
    // server answers nothing, having no one to answer, and records nothing it did not answer.
    let isAnswering = true;
    let onHalfway: (() => void) | undefined;
    // When each recorded message was answered, and when the kill came (ms, this process's clock):
    // a second copy's first answer shows how long before the kill its 250 went out unmarked.
    const answeredAt: number[] = [];
    let killedAt = 0;

    before(async () => {
      smtp = await startSmtpCapture({
        beforeAnswer: (received) => {
          if (isAnswering && received + 1 >= MEMBERS / 2 && onHalfway) {
            const kill = onHalfway;
            onHalfway = undefined;
            isAnswering = false;
            killedAt = performance.now();
            kill();
          }
          if (isAnswering) answeredAt[received] = performance.now();
          return isAnswering;
        },
      });
      t = await openTestWiring(await createTestDatabase(kind), { siteUrl: 'https://review.example' });
    });

    after(async () => {
      await server?.kill();
      await t?.cleanup();
      await smtp?.close();
    });

    test('each of 10,000 members receives the issue under exactly one Message-ID; none is missed', {
      timeout: 600_000,
    }, async (ctx) => {
      const db = t.wiring.database.db;
      const newsletterId = await t.wiring.store.newsletters.createNewsletter(
        { slug: 'daily', name: 'The Daily Digest', kind: 'daily' },
        '2026-11-01T00:00:00.000Z',
      );
      const memberIds = await addMembers(db, { count: MEMBERS, prefix: 'crash' });
      await subscribeMembers(db, newsletterId, memberIds);
      const issueId = await createIssue(t.wiring, {
        newsletterId,
        subject: 'Ten thousand copies',
        articleIds: [],
      });
      // The real clock from here: the server processes run on it.
      t.setNow(new Date());
      await sendIssue(t.wiring, issueId);

      const env = {
        PRESSROOM_MAIL__HOST: '127.0.0.1',
        PRESSROOM_MAIL__PORT: String(smtp.port),
        PRESSROOM_MAIL__FROM: 'Review Desk <desk@review.example>',
        PRESSROOM_NEWSLETTER__MESSAGES_PER_SECOND: '0',
        PRESSROOM_NEWSLETTER__LEASE_SECONDS: String(LEASE_SECONDS),
        PRESSROOM_NEWSLETTER__BATCH_SIZE: '100',
        PRESSROOM_NEWSLETTER__CONNECTIONS: '5',
      };
      // Each delivery handed to the mailer and not yet marked is one that may have been accepted
      // before the kill without its mark: no more second copies than that can there be.
      const { inFlight } = sendSettingsOf(loadConfig({ env }).newsletter);
      const target = { databaseUrl: t.database.url, dataDir: t.database.dataDir };
      server = await startServerProcess(target, { env });
      const sender = server;
      const state = () => `${smtp.messages.length} received; the server said:\n${server?.output()}`;
      onHalfway = () => void sender.kill();
      // Generous: on a shared 2-CPU machine under other work the sender has run at 35 messages/s.
      await waitFor('half the messages', () => !isAnswering, 240_000, state);
      const ending = await server.kill();
      assert.equal(ending.signal, 'SIGKILL');
      const atKill = smtp.messages.length;
      const claimedAtKill = await db
        .selectFrom('newsletter_deliveries')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('issue_id', '=', issueId)
        .where('status', '=', 'sending')
        .executeTakeFirstOrThrow();
      assert.ok(atKill < MEMBERS, `killed halfway, not after the end (${atKill} received)`);
      assert.ok(Number(claimedAtKill.n) > 0, 'killed while deliveries were claimed, mid-send');
      assert.equal((await t.wiring.store.newsletters.findIssue(issueId))?.status, 'sending');

      isAnswering = true;
      server = await startServerProcess(target, { env });
      await waitFor(
        'the issue to be sent',
        async () => (await t.wiring.store.newsletters.findIssue(issueId))?.status === 'sent',
        240_000,
        state,
      );
      await server.stop();
      server = undefined;

      const received = new Map<string, string[]>();
      const firstAnswer = new Map<string, number>();
      smtp.messages.forEach((mail, index) => {
        const to = recipientOf(mail);
        received.set(to, [...(received.get(to) ?? []), mail.messageId ?? '']);
        if (!firstAnswer.has(to)) firstAnswer.set(to, answeredAt[index] ?? Number.NaN);
      });
      const missing: string[] = [];
      const mixed: string[] = [];
      const copies: number[] = [];
      let extraCopies = 0;
      const tokens = await loadTokens(t.wiring);
      memberIds.forEach((memberId, i) => {
        const ids = received.get(`crash-${i}@readers.example`) ?? [];
        if (ids.length === 0) missing.push(`crash-${i}`);
        const tag = tokens.messageTag({ issueId, memberId });
        const expected = newsletterMessageId({ issueId, memberId, tag, domain: '127.0.0.1' });
        if (ids.some((id) => id !== expected)) mixed.push(`crash-${i}: ${ids.join(', ')}`);
        copies.push(ids.length);
        extraCopies += Math.max(0, ids.length - 1);
      });
      ctx.diagnostic(`raw copies per member on ${kind}: ${copiesSummary(copies)}`);
      const unmarkedFor = [...received.entries()]
        .filter(([, ids]) => ids.length > 1)
        .map(([to]) => `${(killedAt - (firstAnswer.get(to) ?? Number.NaN)).toFixed(1)} ms`);
      if (unmarkedFor.length > 0)
        ctx.diagnostic(
          `the second copies' first answers went out before the kill by: ${unmarkedFor.join(', ')}`,
        );
      assert.deepEqual(missing, [], 'every member received the issue');
      assert.deepEqual(mixed, [], 'every copy a member received carries their one Message-ID');
      assert.equal(received.size, MEMBERS, 'no message went to anyone else');

      // A second copy can only be one the server accepted in the instant before the kill, while
      // its delivery was claimed and not yet marked sent (the at-least-once window). It then
      // carries the same Message-ID (checked above), and there are at most as many as were in
      // flight, and as were claimed.
      const reclaimed = await db
        .selectFrom('newsletter_deliveries')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('issue_id', '=', issueId)
        .where('attempts', '>', 1)
        .executeTakeFirstOrThrow();
      assert.ok(
        extraCopies <= Number(reclaimed.n),
        `${extraCopies} second copies, more than the ${reclaimed.n} deliveries claimed again after the kill`,
      );
      assert.ok(extraCopies <= Number(claimedAtKill.n));
      assert.ok(
        extraCopies <= inFlight,
        `${extraCopies} second copies, more than the ${inFlight} messages that can be in flight`,
      );
      const issue = await t.wiring.store.newsletters.findIssue(issueId);
      assert.equal(issue?.recipientCount, MEMBERS);
      assert.equal(issue?.sentCount, MEMBERS);
      ctx.diagnostic(
        `${kind}: ${atKill} messages received at the kill, ${claimedAtKill.n} deliveries claimed then; raw duplicates: ${extraCopies} second copies (same Message-ID) after the restart, of at most ${inFlight} in flight`,
      );
    });
  });
}
