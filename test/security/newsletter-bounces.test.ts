import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { createIssue, sendIssue } from '../../src/services/newsletters/issues.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addMembers, subscribeMembers } from '../helpers/newsletters.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

const SECRET = 'bounce-secret-for-the-review-7c2e';
const DSN_HEADERS = { authorization: `Bearer ${SECRET}`, 'content-type': 'message/rfc822' };

/** A returned-mail report (RFC 3464) with the given delivery-status text and returned headers. */
function dsnWith(report: string, returnedHeaders = 'Message-ID: <elsewhere@mx.example>'): string {
  return [
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="REPORT"',
    '',
    '--REPORT',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example',
    '',
    report,
    '',
    '--REPORT',
    'Content-Type: text/rfc822-headers',
    '',
    returnedHeaders,
    '',
    '--REPORT--',
    '',
  ].join('\r\n');
}

/**
 * The bounce endpoints face the outside world twice over: a provider's webhook, and the mail
 * server's pipe, which hands on whatever anyone mailed to the bounce address. Whatever arrives,
 * the answer is a 4xx or a 200, never a 500, and one message cannot hold the server.
 */
for (const kind of DATABASE_KINDS) {
  describe(`bounce endpoints under attack (${kind})`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let smtp: SmtpCapture;

    before(async () => {
      smtp = await startSmtpCapture();
      t = await createTestWiring(kind, {
        mail: { host: '127.0.0.1', port: smtp.port, from: 'Review Desk <desk@review.example>' },
        newsletter: { messagesPerSecond: 0, bounceWebhookSecret: SECRET },
      });
      app = await buildApp(t.wiring, { shouldLog: false });
    });

    after(async () => {
      await app?.close();
      await t?.cleanup();
      await smtp?.close();
    });

    test('a message nested thousands of MIME levels deep is a 400, not a 500', async () => {
      const depth = 3000;
      let nested = 'MIME-Version: 1.0\r\n';
      for (let i = 0; i < depth; i++)
        nested += `Content-Type: multipart/mixed; boundary="level${i}"\r\n\r\n--level${i}\r\n`;
      nested += 'Content-Type: text/plain\r\n\r\ninnermost\r\n';
      for (let i = depth - 1; i >= 0; i--) nested += `--level${i}--\r\n`;
      const answer = await app.inject({
        method: 'POST',
        url: '/newsletters/bounces/dsn',
        headers: DSN_HEADERS,
        payload: nested,
      });
      assert.equal(answer.statusCode, 400, answer.body);
      assert.match(answer.body, /bounce message/);
    });

    test('a DSN whose fields are over-long or hold NUL bytes is recorded clipped, not a database error', async () => {
      const answer = await app.inject({
        method: 'POST',
        url: '/newsletters/bounces/dsn',
        headers: DSN_HEADERS,
        payload: dsnWith(
          [
            `Final-Recipient: rfc822; ${'a'.repeat(400)}@readers.example`,
            'Action: failed',
            `Status: 5.1.1${'9'.repeat(100)}`,
            `Diagnostic-Code: smtp; 550 no\u0000such ${'user '.repeat(2000)}`,
          ].join('\r\n'),
          `Message-ID: <${'m'.repeat(500)}@mx.example>`,
        ),
      });
      assert.equal(answer.statusCode, 200, answer.body);
      assert.deepEqual(answer.json(), { recorded: 1 });
      const events = await t.wiring.database.db
        .selectFrom('newsletter_bounce_events')
        .select(['email', 'status_code', 'diagnostic', 'message_id'])
        .execute();
      assert.equal(events.length, 1);
      const [event] = events;
      assert.ok(event);
      assert.ok(event.email.length <= 320, 'the address fits its column');
      assert.ok(event.status_code.length <= 20, 'the status fits its column');
      assert.ok(event.diagnostic.length <= 2000, 'the diagnostic is kept as short as the webhook keeps it');
      assert.ok(!event.diagnostic.includes('\u0000'), 'no NUL byte is stored');
      assert.equal(event.message_id, '', 'a Message-ID longer than any of ours names no delivery');
    });

    test('a DSN naming more recipients than any real report is refused before anything is recorded', async () => {
      // Each recipient is a transaction: 14,000 of them in one 900 KB message held a server for
      // over a minute. Our messages each go to one recipient, so a report about one names one.
      const recipients = Array.from(
        { length: 101 },
        (_, i) => `Final-Recipient: rfc822; reader-${i}@readers.example\r\nAction: failed\r\nStatus: 5.1.1`,
      );
      const before = await t.wiring.database.db
        .selectFrom('newsletter_bounce_events')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      const answer = await app.inject({
        method: 'POST',
        url: '/newsletters/bounces/dsn',
        headers: DSN_HEADERS,
        payload: dsnWith(recipients.join('\r\n\r\n')),
      });
      assert.equal(answer.statusCode, 400, answer.body);
      assert.match(answer.body, /more than 100 recipients/);
      const afterwards = await t.wiring.database.db
        .selectFrom('newsletter_bounce_events')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(afterwards.count), Number(before.count), 'nothing recorded');
    });

    test('a post without the secret is refused before its body is read or parsed', async () => {
      for (const [contentType, payload] of [
        ['application/json', '{"events": ['],
        ['application/json', `{"events": [${'1,'.repeat(20_000)}1]}`],
        ['message/rfc822', 'not even a message'],
      ]) {
        for (const authorization of [undefined, 'Bearer wrong-secret', `Basic ${SECRET}`]) {
          const answer = await app.inject({
            method: 'POST',
            url: contentType === 'message/rfc822' ? '/newsletters/bounces/dsn' : '/newsletters/bounces',
            headers: { 'content-type': contentType, ...(authorization ? { authorization } : {}) },
            payload,
          });
          assert.equal(answer.statusCode, 403, `${contentType} with ${authorization}: ${answer.body}`);
        }
      }
    });

    test('a DSN mailed by a stranger stops nobody: only a report returning one of our messages to its own recipient does', async () => {
      const db = t.wiring.database.db;
      const newsletterId = await t.wiring.store.newsletters.createNewsletter(
        { slug: 'forged-dsn', name: 'The Daily', kind: 'daily' },
        new Date().toISOString(),
      );
      const [victim, other, genuine] = await addMembers(db, { count: 3, prefix: 'dsn-target' });
      assert.ok(victim && other && genuine);
      await subscribeMembers(db, newsletterId, [victim, other, genuine]);
      const issueId = await createIssue(t.wiring, { newsletterId, subject: 'Today', articleIds: [] });
      await sendIssue(t.wiring, issueId);
      await jobRunnerFor(t.wiring, { workerId: 'test' }).runDue();
      assert.equal(smtp.messages.length, 3);
      const messageIdTo = (address: string) =>
        smtp.messages.find((mail) => JSON.stringify(mail.to).includes(address))?.messageId ?? '';

      const post = (to: string, returnedHeaders: string) =>
        app.inject({
          method: 'POST',
          url: '/newsletters/bounces/dsn',
          headers: DSN_HEADERS,
          payload: dsnWith(
            `Final-Recipient: rfc822; ${to}\r\nAction: failed\r\nStatus: 5.1.1`,
            returnedHeaders,
          ),
        });
      const victimAddress = 'dsn-target-0@readers.example';
      // Knowing an address is enough to write a report about it; our Message-IDs must not be
      // enough to guess: the issue and member numbers are small and counted up.
      for (const returned of [
        'Subject: nothing of ours',
        `Message-ID: <newsletter-${issueId}-${victim}@127.0.0.1>`,
        `Message-ID: ${messageIdTo('dsn-target-1@readers.example')}`,
      ])
        assert.equal((await post(victimAddress, returned)).statusCode, 200);
      const genuineAddress = 'dsn-target-2@readers.example';
      assert.equal(
        (await post(genuineAddress, `Message-ID: ${messageIdTo(genuineAddress)}`)).statusCode,
        200,
      );

      const bounced = await db
        .selectFrom('members')
        .select(['id', 'bounced_at'])
        .where('id', 'in', [victim, other, genuine])
        .execute();
      const isBounced = new Map(bounced.map((row) => [row.id, row.bounced_at !== null]));
      assert.equal(
        isBounced.get(victim),
        false,
        'reports naming the victim without their message stop nothing',
      );
      assert.equal(
        isBounced.get(other),
        false,
        'a message of someone else returned as the victim’s stops neither',
      );
      assert.equal(isBounced.get(genuine), true, 'a genuine report still stops the next issue');
      const victimEvents = await db
        .selectFrom('newsletter_bounce_events')
        .select('kind')
        .where('email', '=', victimAddress)
        .execute();
      assert.equal(victimEvents.length, 3, 'each report is still kept, for the record');
    });
  });
}
