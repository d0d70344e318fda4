import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { hashToken } from '../../src/services/auth.ts';
import { requestMemberSignIn, signUpMember } from '../../src/services/members/access.ts';
import { requestEmailChange } from '../../src/services/members/account.ts';
import { followMemberLink } from '../../src/services/members/links.ts';
import { importMembers } from '../../src/services/members-admin/csv.ts';
import { recordBounce } from '../../src/services/newsletters/bounces.ts';
import type { Wiring } from '../../src/wiring.ts';
import { makeUser } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { mailerTo, type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

const START = new Date('2026-11-20T12:00:00.000Z');

/** One inbox, written four ways: mixed case, a Unicode domain, decomposed (NFD), and IDNA's ASCII. */
const STORED = 'ana.ünal@exämple.org';
const WRITTEN = {
  mixedCase: ' Ana.ÜNAL@EXÄMPLE.Org ',
  decomposed: 'ana.u\u0308nal@exa\u0308mple.org',
  ascii: 'ANA.ÜNAL@xn--exmple-cua.org.',
};

let nextSender = 1;
const sender = () => `10.77.${Math.floor(++nextSender / 250)}.${nextSender % 250}`;

for (const kind of DATABASE_KINDS) {
  describe(`every door that takes a member's address keeps it in one form on ${kind}`, () => {
    let t: TestWiring;
    let smtp: SmtpCapture;
    let wiring: Wiring;
    const ctx = () => ({ ...wiring, config: wiring.config });
    const membersNamed = async (email: string) =>
      wiring.database.db.selectFrom('members').selectAll().where('email', '=', email).execute();
    const memberCount = async () =>
      Number(
        (
          await wiring.database.db
            .selectFrom('members')
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .executeTakeFirst()
        )?.n,
      );
    const csv = (text: string) => Readable.from([Buffer.from(text)]);

    before(async () => {
      t = await createTestWiring(kind, { now: START, members: { dailyLinksPerEmail: 50 } });
      smtp = await startSmtpCapture();
      wiring = { ...t.wiring, mailer: mailerTo(smtp) };
    });
    after(async () => {
      wiring.mailer.close();
      await smtp.close();
      await t.cleanup();
    });

    test('the join form stores the one form, and refuses a second account for any other spelling', async () => {
      await signUpMember(ctx(), { email: WRITTEN.mixedCase, name: 'Ana', honeypot: '', sender: sender() });
      assert.equal((await membersNamed(STORED)).length, 1);
      const before = await memberCount();
      for (const written of [WRITTEN.decomposed, WRITTEN.ascii])
        await signUpMember(ctx(), { email: written, name: 'Other', honeypot: '', sender: sender() });
      assert.equal(await memberCount(), before, 'no second account');
      assert.equal((await membersNamed(STORED))[0]?.name, 'Ana', 'the account was not changed');
      await requestMemberSignIn(ctx(), { email: WRITTEN.decomposed, honeypot: '', sender: sender() });
    });

    test('a CSV import stores the one form: another spelling updates the member, two in one file are refused', async () => {
      const admin = await makeUser(wiring, 'admin');
      const before = await memberCount();
      const updated = await importMembers(
        wiring,
        admin,
        csv(`email,name\n${WRITTEN.ascii.trim()},Ana Ünal\n`),
      );
      assert.equal(updated.created, 0);
      assert.equal(updated.updated, 1);
      assert.equal((await membersNamed(STORED))[0]?.name, 'Ana Ünal');

      const twice = await importMembers(
        wiring,
        admin,
        csv(`email,name\nBo.Ödegaard@Exämple.org,Bo\nbo.o\u0308degaard@xn--exmple-cua.org,Bo again\n`),
      );
      assert.equal(twice.created, 1);
      assert.deepEqual(
        twice.problems.map((p) => [p.line, p.field]),
        [[3, 'email']],
      );
      assert.equal((await membersNamed('bo.ödegaard@exämple.org')).length, 1);
      assert.equal(await memberCount(), before + 1);
    });

    test('an email change stores the one form, and another spelling of a taken address moves nothing', async () => {
      const bo = await wiring.store.members.findByEmail('bo.ödegaard@exämple.org');
      assert.ok(bo);
      await requestEmailChange(ctx(), bo, { email: WRITTEN.decomposed, sender: sender() });
      await requestEmailChange(ctx(), bo, { email: 'BO@E\u0301XAMPLE.org', sender: sender() });
      const jobs = await wiring.store.jobs.list({ limit: 50 });
      const asked = jobs
        .map((j) => (j.payload as { newEmail?: string }).newEmail)
        .filter((e): e is string => e !== undefined);
      assert.deepEqual(asked.sort(), [STORED, 'bo@éxample.org'].sort());
      await jobRunnerFor(wiring).runDue();
      const tokens = await wiring.database.db
        .selectFrom('member_tokens')
        .select(['new_email', 'token_hash'])
        .where('kind', '=', 'email')
        .execute();
      assert.deepEqual(
        tokens.map((r) => r.new_email),
        ['bo@éxample.org'],
        'no link for the taken address: its holder gets a note',
      );
      assert.equal((await membersNamed(STORED)).length, 1);
      // The link's token is not readable here (only its hash is kept): follow it from the mail.
      const mail = smtp.messages.find((m) => /new email address/.test(m.subject ?? ''));
      const token = /token=([\w%-]+)/.exec(mail?.text ?? '')?.[1];
      assert.ok(token);
      assert.equal(hashToken(decodeURIComponent(token)), tokens[0]?.token_hash);
      await followMemberLink(ctx(), decodeURIComponent(token));
      assert.equal((await wiring.store.members.findById(bo.id))?.email, 'bo@éxample.org');
    });

    test('a bounce reported under any spelling of the address marks that member', async () => {
      await recordBounce(wiring, {
        email: WRITTEN.ascii,
        kind: 'hard',
        source: 'webhook',
        statusCode: '5.1.1',
      });
      const [ana] = await membersNamed(STORED);
      assert.ok(ana?.bounced_at, 'the member is marked bounced');
      const events = await wiring.database.db.selectFrom('newsletter_bounce_events').selectAll().execute();
      assert.deepEqual(
        events.map((e) => [e.email, e.member_id]),
        [[STORED, ana.id]],
      );
    });
  });
}
