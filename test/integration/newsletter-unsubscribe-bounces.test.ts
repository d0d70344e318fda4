import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { ParsedMail } from 'mailparser';
import { buildApp } from '../../src/app.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { createIssue, sendIssue } from '../../src/services/newsletters/issues.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addMembers, deliveryStatuses, subscribeMembers } from '../helpers/newsletters.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

const START = new Date('2026-11-20T12:00:00.000Z');
const SECRET = 'provider-shared-secret-4d1f';
const MEMBER_NAMES = ['linker', 'clicker', 'former', 'hard', 'complainer', 'dsn', 'delayed'] as const;

function recipientOf(mail: ParsedMail): string {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  return to?.value[0]?.address ?? '';
}

/** The path and query of the one-click URL in a message's List-Unsubscribe header. */
function unsubscribePathIn(mail: ParsedMail): string {
  const line = mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
  const url = /<(https:[^>]+)>/.exec(line.replace(/\r?\n[ \t]+/g, ' '))?.[1];
  assert.ok(url, `a one-click URL in ${line}`);
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** A bounce message as a receiving MTA writes it (RFC 3464), about one recipient of ours. */
function dsn(input: {
  to: string;
  action: string;
  status: string;
  diagnostic: string;
  messageId: string;
}): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.readers.example>',
    'To: bounces@review.example',
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Fri, 20 Nov 2026 12:05:00 +0000',
    'Message-ID: <20261120120500.4F1A2@mx.readers.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND4RY"',
    '',
    'This is a MIME-encapsulated message.',
    '',
    '--B0UND4RY',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'I am sorry to have to inform you that your message could not be delivered.',
    '',
    '--B0UND4RY',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.readers.example',
    'Arrival-Date: Fri, 20 Nov 2026 12:04:58 +0000',
    '',
    `Final-Recipient: rfc822; ${input.to}`,
    `Original-Recipient: rfc822;${input.to}`,
    `Action: ${input.action}`,
    `Status: ${input.status}`,
    'Remote-MTA: dns; inbox.readers.example',
    `Diagnostic-Code: smtp; ${input.diagnostic}`,
    '',
    '--B0UND4RY',
    'Content-Type: text/rfc822-headers',
    '',
    'From: Review Desk <desk@review.example>',
    `To: ${input.to}`,
    'Subject: The issue',
    `Message-ID: ${input.messageId}`,
    '',
    '--B0UND4RY--',
    '',
  ].join('\r\n');
}

for (const kind of DATABASE_KINDS) {
  describe(`newsletter unsubscribing and bounces (${kind})`, () => {
    let t: TestWiring;
    let smtp: SmtpCapture;
    let app: FastifyInstance;
    let newsletterId: number;
    let issueId: number;
    const member = new Map<string, number>();
    const mailTo = new Map<string, ParsedMail>();

    before(async () => {
      smtp = await startSmtpCapture();
      t = await createTestWiring(kind, {
        now: START,
        mail: { host: '127.0.0.1', port: smtp.port, from: 'Review Desk <desk@review.example>' },
        newsletter: { messagesPerSecond: 0, bounceWebhookSecret: SECRET },
      });
      app = await buildApp(t.wiring, { shouldLog: false });
      const db = t.wiring.database.db;
      newsletterId = await t.wiring.store.newsletters.createNewsletter(
        { slug: 'daily', name: 'The Daily Digest', kind: 'daily' },
        START.toISOString(),
      );
      for (const name of MEMBER_NAMES) {
        const [id] = await addMembers(db, { count: 1, prefix: name });
        assert.ok(id);
        member.set(name, id);
      }
      await subscribeMembers(db, newsletterId, [...member.values()]);
      issueId = await createIssue(t.wiring, { newsletterId, subject: 'The issue', articleIds: [] });
      await sendIssue(t.wiring, issueId);
      await jobRunnerFor(t.wiring, { workerId: 'test' }).runDue();
      for (const mail of smtp.messages) mailTo.set(recipientOf(mail).replace(/-0@.*/, ''), mail);
      assert.equal(mailTo.size, MEMBER_NAMES.length);
    });

    after(async () => {
      await app?.close();
      await t?.cleanup();
      await smtp?.close();
    });

    const isSubscribed = (name: string) =>
      t.wiring.store.newsletters.isSubscribed(newsletterId, member.get(name) ?? 0);

    test('the unsubscribe page asks first, in a plain form, and unsubscribes on its POST', async () => {
      const url = unsubscribePathIn(mailTo.get('linker') as ParsedMail);
      const page = await app.inject({ method: 'GET', url });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Unsubscribe from The Daily Digest/);
      assert.equal(
        await isSubscribed('linker'),
        true,
        'opening the page (as a link scanner does) changes nothing',
      );
      const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
      assert.ok(action);
      const token = /name="token" value="([^"]+)"/.exec(page.body)?.[1];
      assert.ok(token);
      const done = await app.inject({
        method: 'POST',
        url: action,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `token=${encodeURIComponent(token)}`,
      });
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /You are unsubscribed/);
      assert.equal(await isSubscribed('linker'), false);
      const again = await app.inject({ method: 'GET', url });
      assert.match(again.body, /You are unsubscribed/, 'the page says so when opened again');
    });

    test('a mail client one-click POST (RFC 8058) unsubscribes with no cookie and no form token', async () => {
      const url = unsubscribePathIn(mailTo.get('clicker') as ParsedMail);
      const answer = await app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      assert.equal(answer.statusCode, 200);
      assert.equal(await isSubscribed('clicker'), false);
      const multipart = await app.inject({
        method: 'POST',
        url: unsubscribePathIn(mailTo.get('former') as ParsedMail),
        headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
        payload:
          '--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--XyZ--\r\n',
      });
      assert.equal(multipart.statusCode, 200);
      assert.equal(await isSubscribed('former'), false);
    });

    test('a token altered or made for another member is refused with a 400, and unsubscribes no one', async () => {
      const url = unsubscribePathIn(mailTo.get('hard') as ParsedMail);
      const token = decodeURIComponent(new URL(url, 'https://x').searchParams.get('token') ?? '');
      const [memberPart, newsletterPart, mac] = token.split('.');
      const forged = [
        `${memberPart}.${newsletterPart}.${mac?.slice(0, -1)}${mac?.endsWith('A') ? 'B' : 'A'}`,
        `${member.get('dsn')}.${newsletterPart}.${mac}`,
        'not-a-token',
        '',
      ];
      for (const bad of forged) {
        for (const method of ['GET', 'POST'] as const) {
          const answer = await app.inject({
            method,
            url: `/newsletters/unsubscribe?token=${encodeURIComponent(bad)}`,
            ...(method === 'POST'
              ? {
                  headers: { 'content-type': 'application/x-www-form-urlencoded' },
                  payload: 'List-Unsubscribe=One-Click',
                }
              : {}),
          });
          assert.equal(answer.statusCode, 400, `${method} ${bad}`);
          assert.match(answer.body, /unsubscribe link is not valid/);
        }
      }
      assert.equal(await isSubscribed('hard'), true);
      assert.equal(await isSubscribed('dsn'), true);
    });

    test('the bounce webhook needs the secret and names what is wrong with a body', async () => {
      const event = { type: 'bounce', email: 'hard-0@readers.example' };
      for (const authorization of [undefined, 'Bearer wrong', `Basic ${SECRET}`]) {
        const answer = await app.inject({
          method: 'POST',
          url: '/newsletters/bounces',
          headers: authorization ? { authorization } : {},
          payload: { events: [event] },
        });
        assert.equal(answer.statusCode, 403, String(authorization));
      }
      const invalid = await app.inject({
        method: 'POST',
        url: '/newsletters/bounces',
        headers: { authorization: `Bearer ${SECRET}` },
        payload: { events: [{ type: 'exploded', email: 'hard-0@readers.example' }] },
      });
      assert.equal(invalid.statusCode, 400);
      assert.match(invalid.body, /events\/0\/type/);
      const bounced = await t.wiring.database.db
        .selectFrom('members')
        .select('bounced_at')
        .where('id', '=', member.get('hard') ?? 0)
        .executeTakeFirstOrThrow();
      assert.equal(bounced.bounced_at, null, 'nothing refused was recorded');
    });

    test('hard bounces and complaints, from the webhook and from returned DSNs, stop the next issue; a delay does not', async () => {
      const db = t.wiring.database.db;
      const messageIdOf = (name: string) => (mailTo.get(name) as ParsedMail).messageId ?? '';
      const hook = await app.inject({
        method: 'POST',
        url: '/newsletters/bounces',
        headers: { authorization: `Bearer ${SECRET}` },
        payload: {
          events: [
            {
              type: 'bounce',
              bounceType: 'hard',
              email: 'HARD-0@readers.example',
              status: '5.1.1',
              messageId: messageIdOf('hard'),
            },
            { type: 'complaint', email: 'complainer-0@readers.example' },
          ],
        },
      });
      assert.equal(hook.statusCode, 200);
      for (const [name, action, status] of [
        ['dsn', 'failed', '5.1.1'],
        ['delayed', 'delayed', '4.2.2'],
      ] as const) {
        const answer = await app.inject({
          method: 'POST',
          url: '/newsletters/bounces/dsn',
          headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'message/rfc822' },
          payload: dsn({
            to: `${name}-0@readers.example`,
            action,
            status,
            diagnostic:
              status === '5.1.1'
                ? '550 5.1.1 <user>: Recipient address rejected: User unknown'
                : '452 4.2.2 Mailbox full',
            messageId: messageIdOf(name),
          }),
        });
        assert.equal(answer.statusCode, 200, answer.body);
        assert.deepEqual(answer.json(), { recorded: 1 });
      }

      const rows = await db
        .selectFrom('members')
        .select(['email', 'bounced_at', 'complained_at'])
        .where('id', 'in', [...member.values()])
        .execute();
      const state = new Map(rows.map((row) => [row.email.replace(/-0@.*/, ''), row]));
      assert.ok(state.get('hard')?.bounced_at, 'webhook hard bounce');
      assert.ok(state.get('complainer')?.complained_at, 'webhook complaint');
      assert.ok(state.get('dsn')?.bounced_at, 'DSN 5.1.1');
      assert.equal(state.get('delayed')?.bounced_at, null, 'a 4.x.x delay stops nothing');
      const statuses = await deliveryStatuses(db, issueId);
      assert.equal(
        statuses.get(member.get('hard') ?? 0),
        'bounced',
        'the webhook named the delivery by Message-ID',
      );
      assert.equal(
        statuses.get(member.get('dsn') ?? 0),
        'bounced',
        'the DSN named the delivery by Message-ID',
      );
      const events = await db
        .selectFrom('newsletter_bounce_events')
        .select(['kind', 'source', 'status_code'])
        .orderBy('id')
        .execute();
      assert.deepEqual(events, [
        { kind: 'hard', source: 'webhook', status_code: '5.1.1' },
        { kind: 'complaint', source: 'webhook', status_code: '' },
        { kind: 'hard', source: 'dsn', status_code: '5.1.1' },
        { kind: 'soft', source: 'dsn', status_code: '4.2.2' },
      ]);

      const before = smtp.messages.length;
      const next = await createIssue(t.wiring, { newsletterId, subject: 'The next issue', articleIds: [] });
      await sendIssue(t.wiring, next);
      await jobRunnerFor(t.wiring, { workerId: 'test' }).runDue();
      const recipients = smtp.messages
        .slice(before)
        .map((mail) => recipientOf(mail).replace(/-0@.*/, ''))
        .sort();
      assert.deepEqual(recipients, ['delayed'], 'only the one neither unsubscribed, bounced nor complained');
    });
  });
}
