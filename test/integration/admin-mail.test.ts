import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import argon2 from 'argon2';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { User } from '../../src/domain/user.ts';
import {
  checkToken,
  login,
  MAX_UNLOCK_MAILS_PER_DAY,
  requestPasswordReset,
  resetPassword,
  settleBackgroundWork,
} from '../../src/services/auth.ts';
import type { Wiring } from '../../src/wiring.ts';
import { AdminClient, clientAs, makeUser, sessionCookieName, TEST_PASSWORD } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { linkIn, mailerTo, type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

const START = new Date('2026-11-20T12:00:00.000Z');

/** The path and query of a link, for app.inject. */
function pathOf(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

function tokenOf(link: string): string {
  return new URL(link).searchParams.get('token') ?? '';
}

for (const kind of DATABASE_KINDS) {
  describe(`invitations and password resets by email on ${kind}`, () => {
    let t: TestWiring;
    let smtp: SmtpCapture;
    let wiring: Wiring;
    let app: FastifyInstance;
    let admin: User;
    let adminClient: AdminClient;

    before(async () => {
      t = await createTestWiring(kind, { now: START });
      smtp = await startSmtpCapture();
      const mailer = mailerTo(smtp);
      wiring = { ...t.wiring, mailer };
      app = await buildApp(wiring, { shouldLog: false });
      admin = await makeUser(wiring, 'admin', 'chief@example.org');
      adminClient = await clientAs(app, wiring, admin, sessionCookieName(wiring.siteUrl));
    });
    after(async () => {
      await app.close();
      wiring.mailer.close();
      await smtp.close();
      await t.cleanup();
    });

    test('guesses from many addresses do not lock the owner out: the account is mailed a one-time link', async () => {
      const owner = await makeUser(wiring, 'author', 'guessed-at@example.org');
      // What is tested is the counting, not argon2's cost: twenty real checks took a minute under load.
      const cheap = await argon2.hash(TEST_PASSWORD, {
        type: argon2.argon2id,
        memoryCost: 1024,
        timeCost: 1,
        parallelism: 1,
      });
      await wiring.store.users.update(owner.id, { passwordHash: cheap }, wiring.now().toISOString());
      const limit = wiring.config.auth.loginMaxFailures * 4;
      for (let i = 0; i < limit; i++) {
        await assert.rejects(
          login(wiring, { email: owner.email, password: `guess ${i}`, client: { ip: `198.51.100.${i}` } }),
          /The email or the password is wrong/,
        );
      }
      const before = smtp.messages.length;
      const browser = new AdminClient(app);
      await browser.get('/admin/login');
      const refused = await browser.post('/admin/login', { email: owner.email, password: TEST_PASSWORD });
      assert.equal(refused.statusCode, 429);
      assert.ok(Number(refused.headers['retry-after']) > 0, 'says when to come back');
      assert.match(refused.body, /we have emailed it a link that lets you sign in from this browser/);
      const mail = await smtp.nextMessage();
      assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', owner.email);
      const link = linkIn(mail);
      // Guessers asking again send no more mail within the window.
      await assert.rejects(
        login(wiring, { email: owner.email, password: 'again', client: { ip: '203.0.113.5' } }),
        /emailed it a link/,
      );
      assert.equal(smtp.messages.length, before + 1);

      const page = await browser.get(pathOf(link));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /name="unlock" value="[\w-]+"/);
      const unlock = new URL(link).searchParams.get('unlock') ?? '';
      // The link is no pass for a wrong password, nor for another account.
      const wrong = await browser.post('/admin/login', { email: owner.email, password: 'nope', unlock });
      assert.equal(wrong.statusCode, 401);
      const other = await browser.post('/admin/login', { email: admin.email, password: 'nope', unlock });
      assert.equal(other.statusCode, 401);
      const signedIn = await browser.post('/admin/login', {
        email: owner.email,
        password: TEST_PASSWORD,
        unlock,
      });
      assert.equal(signedIn.statusCode, 303);
      assert.equal(browser.hasSession(), true);
      // It works once; the account stays locked to everyone else.
      const again = new AdminClient(app);
      await again.get('/admin/login');
      const reused = await again.post('/admin/login', {
        email: owner.email,
        password: TEST_PASSWORD,
        unlock,
      });
      assert.equal(reused.statusCode, 429);
      // A new password lifts the account's lock: the guesses were at the old one.
      const reset = await requestPasswordReset(wiring, { email: owner.email });
      await smtp.nextMessage();
      await resetPassword(wiring, {
        token: new URL(reset?.link ?? 'https://x.example/').searchParams.get('token') ?? '',
        password: 'a new and longer passphrase',
      });
      const fresh = await login(wiring, {
        email: owner.email,
        password: 'a new and longer passphrase',
        client: { ip: '192.0.2.200' },
      });
      assert.equal(fresh.user.id, owner.id);
    });

    test('invite → the email arrives → accept with a password → sign in', async () => {
      await adminClient.get('/admin/users');
      const invited = await adminClient.post('/admin/users/invite', {
        email: 'Rosa.Mendes@example.org',
        name: 'Rosa',
        role: 'author',
      });
      assert.equal(invited.statusCode, 303);
      assert.equal(invited.headers.location, '/admin/users?notice=invited');

      const mail = await smtp.nextMessage();
      assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', 'rosa.mendes@example.org');
      assert.equal(mail.from?.value[0]?.address, 'desk@review.example');
      assert.match(mail.subject ?? '', /invited to join Pressroom/);
      assert.match(mail.text ?? '', /as author/);
      const link = linkIn(mail);
      assert.ok(link.startsWith('https://review.example/admin/accept-invitation?token='));

      // Before accepting, the account cannot sign in.
      assert.equal((await new AdminClient(app).signIn('rosa.mendes@example.org')).statusCode, 401);

      const newcomer = new AdminClient(app);
      const form = await newcomer.get(pathOf(link));
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /invited as <strong>author<\/strong>/);
      const short = await newcomer.post('/admin/accept-invitation', {
        token: tokenOf(link),
        name: 'Rosa Mendes',
        password: 'short',
        password_confirm: 'short',
      });
      assert.equal(short.statusCode, 400);
      assert.match(short.body, /id="field-password-error">Must be at least 12 characters/);
      assert.match(short.body, /id="field-name"[^>]*value="Rosa Mendes"/);

      // A name longer than a person's (it becomes the byline) is refused, as a new user's is.
      const long = await newcomer.post('/admin/accept-invitation', {
        token: tokenOf(link),
        name: 'R'.repeat(201),
        password: TEST_PASSWORD,
        password_confirm: TEST_PASSWORD,
      });
      assert.equal(long.statusCode, 400);
      assert.match(long.body, /id="field-name-error">Must be at most 200 characters/);

      const accepted = await newcomer.post('/admin/accept-invitation', {
        token: tokenOf(link),
        name: 'Rosa Mendes',
        password: TEST_PASSWORD,
        password_confirm: TEST_PASSWORD,
      });
      assert.equal(accepted.statusCode, 303);
      assert.equal(accepted.headers.location, '/admin?notice=welcome');
      const dashboard = await newcomer.get('/admin');
      assert.equal(dashboard.statusCode, 200);
      assert.match(dashboard.body, /Rosa Mendes/);

      const again = await new AdminClient(app).get(pathOf(link));
      assert.equal(again.statusCode, 400, 'the invitation works once');
      assert.match(again.body, /expired or has already been used/);

      const signIn = await new AdminClient(app).signIn('rosa.mendes@example.org');
      assert.equal(signIn.statusCode, 303);
      const user = await wiring.store.users.findByEmail('rosa.mendes@example.org');
      assert.equal(user?.role, 'author');
      assert.equal(user?.name, 'Rosa Mendes');
    });

    test('an invitation link expires after a week', async () => {
      await adminClient.get('/admin/users');
      await adminClient.post('/admin/users/invite', {
        email: 'late@example.org',
        name: 'Late',
        role: 'contributor',
      });
      const link = linkIn(await smtp.nextMessage());
      t.setNow(new Date(START.getTime() + 8 * 24 * 3_600_000));
      try {
        const page = await new AdminClient(app).get(pathOf(link));
        assert.equal(page.statusCode, 400);
        assert.match(page.body, /This link does not work/);
      } finally {
        t.setNow(START);
      }
    });

    test('when the mail server refuses the invitation for good, nothing is saved and the admin is told to check the address', async () => {
      smtp.setRefusing(true);
      try {
        await adminClient.get('/admin/users');
        const response = await adminClient.post('/admin/users/invite', {
          email: 'bounced@example.org',
          name: 'Bounced',
          role: 'editor',
        });
        assert.equal(response.statusCode, 400);
        assert.match(
          response.body,
          /could not be sent[\s\S]*refused the address for good[\s\S]*Nothing was saved; check the address/,
        );
        assert.match(response.body, /id="field-email"[^>]*value="bounced@example.org"/);
        assert.equal(await wiring.store.users.findByEmail('bounced@example.org'), undefined);
      } finally {
        smtp.setRefusing(false);
      }
    });

    test('forgot password → the email arrives → the new password works, the old does not, the link works once', async () => {
      const writer = await makeUser(wiring, 'contributor', 'forgetful@example.org');
      const elsewhere = await clientAs(app, wiring, writer, sessionCookieName(wiring.siteUrl));
      const visitor = new AdminClient(app);
      await visitor.get('/admin/forgot-password');
      const asked = await visitor.post('/admin/forgot-password', { email: 'forgetful@example.org' });
      assert.equal(asked.statusCode, 200);
      assert.match(asked.body, /If forgetful@example.org belongs to an account, we have sent it a link/);

      const mail = await smtp.nextMessage();
      assert.match(mail.subject ?? '', /Reset your password/);
      const link = linkIn(mail);

      const form = await visitor.get(pathOf(link));
      assert.equal(form.statusCode, 200);
      const mismatch = await visitor.post('/admin/reset-password', {
        token: tokenOf(link),
        password: 'a brand new passphrase',
        password_confirm: 'a different passphrase',
      });
      assert.equal(mismatch.statusCode, 400);
      assert.match(mismatch.body, /id="field-password_confirm-error">The two passwords are not the same/);

      const reset = await visitor.post('/admin/reset-password', {
        token: tokenOf(link),
        password: 'a brand new passphrase',
        password_confirm: 'a brand new passphrase',
      });
      assert.equal(reset.statusCode, 303);
      assert.equal(reset.headers.location, '/admin/login?notice=password-reset');

      assert.equal((await elsewhere.get('/admin')).statusCode, 303, 'a reset ends the other sessions');
      assert.equal((await new AdminClient(app).signIn(writer.email, TEST_PASSWORD)).statusCode, 401);
      assert.equal(
        (await new AdminClient(app).signIn(writer.email, 'a brand new passphrase')).statusCode,
        303,
      );

      const reused = await visitor.post('/admin/reset-password', {
        token: tokenOf(link),
        password: 'yet another passphrase',
        password_confirm: 'yet another passphrase',
      });
      assert.equal(reused.statusCode, 400, 'the link works once');
      assert.match(reused.body, /already been used/);
      assert.equal(
        (await new AdminClient(app).signIn(writer.email, 'yet another passphrase')).statusCode,
        401,
      );
      const [entry] = await wiring.store.audit.list({ limit: 1 });
      assert.equal(entry?.action, 'session.login');
    });

    test('asking a reset for an unknown email answers the same and sends nothing', async () => {
      const before = smtp.messages.length;
      const visitor = new AdminClient(app);
      await visitor.get('/admin/forgot-password');
      const asked = await visitor.post('/admin/forgot-password', { email: 'stranger@example.org' });
      assert.equal(asked.statusCode, 200);
      assert.match(asked.body, /If stranger@example.org belongs to an account/);
      const bad = await visitor.post('/admin/forgot-password', { email: 'not an email' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /id="field-email-error">Enter an email address/);
      // A known address afterwards proves the server was reachable and nothing went out before.
      await visitor.post('/admin/forgot-password', { email: 'chief@example.org' });
      const mail = await smtp.nextMessage();
      assert.equal(smtp.messages.length, before + 1);
      assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', 'chief@example.org');
    });

    test('a reset link expires after an hour, and a newer one replaces it', async () => {
      const visitor = new AdminClient(app);
      await visitor.get('/admin/forgot-password');
      // Apart by more than the interval between two reset emails to one account.
      t.setNow(new Date(START.getTime() + 10 * 60_000));
      await visitor.post('/admin/forgot-password', { email: 'chief@example.org' });
      const first = linkIn(await smtp.nextMessage());
      t.setNow(new Date(START.getTime() + 16 * 60_000));
      await visitor.post('/admin/forgot-password', { email: 'chief@example.org' });
      const second = linkIn(await smtp.nextMessage());
      assert.equal((await visitor.get(pathOf(first))).statusCode, 400, 'the older link is void');
      assert.equal((await visitor.get(pathOf(second))).statusCode, 200);
      t.setNow(new Date(START.getTime() + 77 * 60_000));
      try {
        assert.equal((await visitor.get(pathOf(second))).statusCode, 400);
      } finally {
        t.setNow(START);
      }
    });

    test('a reset request is answered without waiting for the mail server, as for an unknown email', async () => {
      // The answer once waited for the mail server only when the email had an account: 116 ms
      // against 1.3 ms told which emails have accounts. Here the server holds its reply.
      await makeUser(wiring, 'author', 'slow-mail@example.org');
      t.setNow(new Date(START.getTime() + 30 * 60_000));
      const release = smtp.holdReplies();
      try {
        const visitor = new AdminClient(app);
        await visitor.get('/admin/forgot-password');
        const waited = new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 5000).unref());
        const answer = await Promise.race([
          visitor.post('/admin/forgot-password', { email: 'slow-mail@example.org' }),
          waited,
        ]);
        assert.notEqual(answer, 'waited', 'the answer waited for the mail server');
        assert.equal(answer === 'waited' ? 0 : answer.statusCode, 200);
        const mail = await smtp.nextMessage();
        assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', 'slow-mail@example.org');
      } finally {
        release();
        await settleBackgroundWork();
        t.setNow(START);
      }
    });

    test('an account is sent one reset email in five minutes however often it is asked, and its link stays valid', async () => {
      const owner = await makeUser(wiring, 'author', 'flooded@example.org');
      t.setNow(new Date(START.getTime() + 40 * 60_000));
      try {
        const before = smtp.messages.length;
        const asked = await Promise.all(
          Array.from({ length: 5 }, () => requestPasswordReset(wiring, { email: owner.email })),
        );
        const links = asked.flatMap((answer) => (answer ? [answer.link] : []));
        assert.equal(links.length, 1, 'parallel requests make one link');
        const link = linkIn(await smtp.nextMessage());
        assert.equal(link, links[0]);
        // The form answers each request as ever, and sends nothing more.
        const visitor = new AdminClient(app);
        await visitor.get('/admin/forgot-password');
        t.setNow(new Date(START.getTime() + 44 * 60_000));
        for (let i = 0; i < 3; i++) {
          const answer = await visitor.post('/admin/forgot-password', { email: owner.email });
          assert.equal(answer.statusCode, 200);
          assert.match(answer.body, /If flooded@example.org belongs to an account, we have sent it a link/);
        }
        await settleBackgroundWork();
        assert.equal(smtp.messages.length, before + 1);
        assert.equal((await visitor.get(pathOf(link))).statusCode, 200, 'the link sent still works');
        // Past the interval, a request sends a new link, which replaces the old.
        t.setNow(new Date(START.getTime() + 46 * 60_000));
        const again = await requestPasswordReset(wiring, { email: owner.email });
        assert.ok(again);
        await smtp.nextMessage();
        assert.equal((await visitor.get(pathOf(link))).statusCode, 400);
      } finally {
        t.setNow(START);
      }
    });

    test('unlock links survive the account being locked again, are sent without waiting for the mail server, and at most six a day', async () => {
      const owner = await makeUser(wiring, 'author', 'relocked@example.org');
      const cheap = await argon2.hash(TEST_PASSWORD, {
        type: argon2.argon2id,
        memoryCost: 1024,
        timeCost: 1,
        parallelism: 1,
      });
      await wiring.store.users.update(owner.id, { passwordHash: cheap }, wiring.now().toISOString());
      const limit = wiring.config.auth.loginMaxFailures * 4;
      // Each round comes after the last one's failures left the window, from new addresses.
      const lockAgain = async (round: number) => {
        t.setNow(new Date(START.getTime() + (3 * 60 + round * 16) * 60_000));
        for (let i = 0; i < limit; i++) {
          await assert.rejects(
            login(wiring, {
              email: owner.email,
              password: `guess ${i}`,
              client: { ip: `10.${round}.0.${i}` },
            }),
            /The email or the password is wrong/,
          );
        }
        return login(wiring, { email: owner.email, password: 'locked?', client: { ip: `10.${round}.1.1` } });
      };
      const unlockOf = (link: string) => new URL(link).searchParams.get('unlock') ?? '';
      try {
        const before = smtp.messages.length;
        const release = smtp.holdReplies();
        try {
          const waited = new Promise<'waited'>((resolve) =>
            setTimeout(() => resolve('waited'), 5000).unref(),
          );
          const refused = await Promise.race([lockAgain(0).catch((error: unknown) => error), waited]);
          assert.notEqual(refused, 'waited', 'the refusal waited for the mail server');
          assert.match(String(refused), /emailed it a link/);
        } finally {
          release();
        }
        const links = [linkIn(await smtp.nextMessage())];
        const isValid = (link: string) =>
          checkToken(wiring, unlockOf(link), 'unlock').then(
            () => true,
            () => false,
          );
        for (let round = 1; round < MAX_UNLOCK_MAILS_PER_DAY + 2; round++) {
          await assert.rejects(lockAgain(round), /emailed it a link/);
          await settleBackgroundWork();
          if (round >= MAX_UNLOCK_MAILS_PER_DAY) continue;
          links.push(linkIn(await smtp.nextMessage()));
          // The guesser's new lock did not void the link sent 16 minutes before.
          assert.equal(await isValid(links.at(-2) ?? ''), true, `round ${round}`);
        }
        assert.equal(smtp.messages.length, before + MAX_UNLOCK_MAILS_PER_DAY, 'no more mail that day');
        // Each link works for its hour, no longer.
        const valid = [];
        for (const link of links) valid.push(await isValid(link));
        assert.deepEqual(valid, [false, false, false, false, true, true]);
      } finally {
        t.setNow(START);
      }
    });

    test('sign-in and reset forms are rate-limited per address as well', async () => {
      const strict = {
        ...wiring,
        config: { ...wiring.config, auth: { ...wiring.config.auth, formRateLimitPerMinute: 2 } },
      };
      const limitedApp = await buildApp(strict, { shouldLog: false });
      try {
        const visitor = new AdminClient(limitedApp);
        await visitor.get('/admin/forgot-password');
        assert.equal(
          (await visitor.post('/admin/forgot-password', { email: 'x@example.org' })).statusCode,
          200,
        );
        assert.equal(
          (await visitor.post('/admin/forgot-password', { email: 'y@example.org' })).statusCode,
          200,
        );
        const third = await visitor.post('/admin/forgot-password', { email: 'z@example.org' });
        assert.equal(third.statusCode, 429);
        assert.ok(Number(third.headers['retry-after']) > 0, 'says when to come back');
        assert.match(third.body, /Too many attempts from your address/);
      } finally {
        await limitedApp.close();
      }
    });
  });
}
