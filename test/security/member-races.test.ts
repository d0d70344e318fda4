// Members' forms pressed at once: one address joined from many requests together is one
// member, and one link pressed many times together signs in once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { ParsedMail } from 'mailparser';
import { buildApp } from '../../src/app.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import type { Wiring } from '../../src/wiring.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { mailerTo, type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { Visitor } from '../helpers/visitor.ts';

const SITE = 'https://review.example';
const AT_ONCE = 8;

function tokenIn(mail: ParsedMail): string {
  const match = /\/members\/confirm\?token=([\w%-]+)/.exec(mail.text ?? '');
  assert.ok(match?.[1], `a member link in ${mail.text}`);
  return decodeURIComponent(match[1]);
}

for (const kind of DATABASE_KINDS) {
  describe(`members' forms pressed at once on ${kind}`, () => {
    let t: TestWiring;
    let smtp: SmtpCapture;
    let wiring: Wiring;
    let app: FastifyInstance;

    before(async () => {
      t = await createTestWiring(kind, {
        siteUrl: SITE,
        members: { rateLimitPerMinute: 1000, dailyLinksPerAddress: 0, dailyLinksPerEmail: 0 },
      });
      smtp = await startSmtpCapture();
      wiring = { ...t.wiring, mailer: mailerTo(smtp) };
      app = await buildApp(wiring, { shouldLog: false });
    });
    after(async () => {
      await app.close();
      wiring.mailer.close();
      await smtp.close();
      await t.cleanup();
    });

    test(`${AT_ONCE} sign-ups of one new address at once make one pending member, and its links confirm it once`, async () => {
      const browsers = Array.from({ length: AT_ONCE }, (_, i) => new Visitor(app, `10.41.0.${i + 1}`));
      await Promise.all(browsers.map((b) => b.get('/members/join')));
      const answers = await Promise.all(
        browsers.map((b, i) =>
          b.post('/members/join', { email: i % 2 ? 'Race@Example.org' : 'race@example.org' }),
        ),
      );
      assert.deepEqual(
        answers.map((a) => a.statusCode),
        browsers.map(() => 303),
        answers.map((a) => a.body.slice(0, 200)).join('\n'),
      );
      const rows = await t.wiring.database.db
        .selectFrom('members')
        .select(['id', 'status'])
        .where('email', '=', 'race@example.org')
        .execute();
      assert.equal(rows.length, 1);
      await jobRunnerFor(wiring).runDue();
      const links = smtp.messages.filter((m) => m.text?.includes('confirm your email address')).map(tokenIn);
      assert.equal(links.length, AT_ONCE, 'each sign-up mailed its link');

      // Every browser presses its own copy of the first link at the same moment.
      const token = links[0] ?? '';
      const confirmPage = await Promise.all(browsers.map((b) => b.get(`/members/confirm?token=${token}`)));
      assert.ok(confirmPage.every((p) => p.statusCode === 200));
      const pressed = await Promise.all(browsers.map((b) => b.post('/members/confirm', { token })));
      const statuses = pressed.map((p) => p.statusCode).sort();
      assert.deepEqual(statuses, [303, ...Array(AT_ONCE - 1).fill(400)], statuses.join());
      const member = await wiring.store.members.findByEmail('race@example.org');
      assert.equal(member?.status, 'active');
      assert.equal((await wiring.store.members.listSessions(member.id)).length, 1);
    });
  });
}
