import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeHTML } from 'entities';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ParsedMail } from 'mailparser';
import { buildApp } from '../../src/app.ts';
import { normaliseMemberEmail } from '../../src/domain/member.ts';
import { hasXmlForbidden } from '../../src/domain/text.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { memberForSession } from '../../src/services/members/sessions.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import type { Wiring } from '../../src/wiring.ts';
import { clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { mailerTo, type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { naughtyStrings, Visitor } from '../helpers/visitor.ts';

const SITE = 'https://review.example';
const MEMBER_COOKIE = '__Host-pressroom_member';
const START = new Date('2026-11-20T12:00:00.000Z');
const DAILY_PER_EMAIL = 6;
const DAILY_PER_ADDRESS = 8;

let nextAddress = 1;
/** A fresh client address, so each test has its own rate limits. */
function address(): string {
  nextAddress++;
  return `10.30.${Math.floor(nextAddress / 250)}.${nextAddress % 250}`;
}

function recipientOf(mail: ParsedMail): string {
  const to = mail.to && !Array.isArray(mail.to) ? mail.to : undefined;
  return to?.value[0]?.address ?? '';
}

/** The path and token of the member link in a message. */
function memberLinkIn(mail: ParsedMail): { path: string; token: string } {
  const match = /https:\/\/review\.example(\/members\/confirm\?token=([\w%-]+))/.exec(mail.text ?? '');
  if (!match?.[1] || !match[2]) throw new Error(`no member link in the message: ${mail.text}`);
  return { path: match[1], token: decodeURIComponent(match[2]) };
}

for (const kind of DATABASE_KINDS) {
  describe(`members: sign-up, sign-in and account on ${kind}`, () => {
    let t: TestWiring;
    let smtp: SmtpCapture;
    let wiring: Wiring;
    let app: FastifyInstance;
    const runJobs = () => jobRunnerFor(wiring).runDue();
    /** The mails sent to an address so far, oldest first. */
    const mailsTo = (email: string) => smtp.messages.filter((m) => recipientOf(m) === email);
    const lastMailTo = (email: string) => {
      const mails = mailsTo(email);
      const last = mails[mails.length - 1];
      assert.ok(last, `a mail to ${email}`);
      return last;
    };

    /** Follows a mailed link as a person does: opens the page, then presses its button. */
    const follow = async (visitor: Visitor, link: { path: string; token: string }) => {
      const page = await visitor.get(link.path);
      assert.equal(page.statusCode, 200, page.body);
      return visitor.post('/members/confirm', { token: link.token });
    };

    /** A member who joined and confirmed, signed in in a browser of their own. */
    const joinedMember = async (email: string, name = 'Ana Silva') => {
      const visitor = new Visitor(app, address());
      await visitor.get('/members/join');
      const joined = await visitor.post('/members/join', { email, name });
      assert.equal(joined.statusCode, 303, joined.body);
      await runJobs();
      const confirmed = await follow(visitor, memberLinkIn(lastMailTo(email)));
      assert.equal(confirmed.statusCode, 303, confirmed.body);
      return visitor;
    };

    before(async () => {
      t = await createTestWiring(kind, {
        siteUrl: SITE,
        now: START,
        members: { dailyLinksPerEmail: DAILY_PER_EMAIL, dailyLinksPerAddress: DAILY_PER_ADDRESS },
      });
      smtp = await startSmtpCapture();
      wiring = { ...t.wiring, mailer: mailerTo(smtp) };
      app = await buildApp(wiring, { shouldLog: false });
      await saveArticle(
        wiring,
        articleDraft({
          slug: 'open-letter',
          title: 'Open letter',
          status: 'published',
          publishedAt: '2026-11-01T09:00:00.000Z',
        }),
        { actor: 'cli' },
      );
    });
    after(async () => {
      await app.close();
      wiring.mailer.close();
      await smtp.close();
      await t.cleanup();
    });

    test('“Become a member” leads to the join page, and the article page stays cached with no cookie read or set', async () => {
      const page = await app.inject('/articles/open-letter');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /href="\/members\/join"/);
      assert.match(String(page.headers['cache-control']), /public/);
      assert.equal(page.headers['set-cookie'], undefined);
      const member = await joinedMember('cached@example.org');
      const again = await member.get('/articles/open-letter');
      assert.equal(again.headers['set-cookie'], undefined);
      assert.match(String(again.headers['cache-control']), /public/);
      assert.equal(again.body, page.body, 'a member sees the same cached page');
    });

    test('sign-up: a pending member is mailed a link; the page it opens uses nothing until its button is pressed; then active, consent recorded, signed in', async () => {
      const visitor = new Visitor(app, address());
      const form = await visitor.get('/members/join');
      assert.equal(form.statusCode, 200);
      assert.equal(form.headers['cache-control'], 'no-store');
      assert.match(form.body, /name="leave_blank"/);
      const joined = await visitor.post('/members/join', {
        email: '  Joao.Lima@Example.ORG ',
        name: 'João Lima',
      });
      assert.equal(joined.statusCode, 303);
      assert.equal(joined.headers.location, '/members/check-inbox');
      assert.match((await visitor.get('/members/check-inbox')).body, /Check your inbox/);
      const pending = await wiring.store.members.findByEmail('joao.lima@example.org');
      assert.equal(pending?.status, 'pending');
      assert.equal(pending?.name, 'João Lima');
      assert.equal(pending?.consentAt, null);

      await runJobs();
      const mail = lastMailTo('joao.lima@example.org');
      assert.match(mail.subject ?? '', /Confirm your membership/);
      assert.match(mail.text ?? '', /within 48 hours/);
      const link = memberLinkIn(mail);
      // Only the hash of the token is stored.
      const [stored] = await wiring.store.members.listTokens(pending.id);
      assert.equal(stored?.tokenHash, createHash('sha256').update(link.token).digest('hex'));
      assert.equal(stored?.kind, 'signup');

      // A mail scanner opening the link (twice) uses nothing.
      for (let i = 0; i < 2; i++) {
        const page = await new Visitor(app, address()).get(link.path);
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /<button type="submit">Confirm and sign in<\/button>/);
        assert.equal(page.headers['referrer-policy'], 'no-referrer');
      }
      assert.equal((await wiring.store.members.findByEmail('joao.lima@example.org'))?.status, 'pending');

      const confirmed = await follow(visitor, link);
      assert.equal(confirmed.statusCode, 303);
      assert.equal(confirmed.headers.location, '/members/account?notice=welcome');
      const cookie = confirmed.cookies.find((c) => c.name === MEMBER_COOKIE);
      assert.ok(cookie, 'the member cookie is set');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.secure, true);
      assert.equal(cookie.sameSite, 'Lax');
      assert.equal(cookie.path, '/');
      const sessions = await wiring.store.members.listSessions(pending.id);
      assert.equal(sessions.length, 1);
      assert.equal(sessions[0]?.id, createHash('sha256').update(cookie.value).digest('hex'));

      const active = await wiring.store.members.findByEmail('joao.lima@example.org');
      assert.equal(active?.status, 'active');
      assert.equal(active?.consentAt, START.toISOString());
      assert.equal(active?.consentSource, 'signup form');
      assert.equal(active?.confirmedAt, START.toISOString());

      const account = await visitor.get('/members/account?notice=welcome');
      assert.equal(account.statusCode, 200);
      assert.equal(account.headers['cache-control'], 'no-store');
      assert.match(account.body, /Signed in as <strong>joao\.lima@example\.org<\/strong>/);
      assert.match(account.body, /your membership is confirmed/);
      assert.equal((await memberForSession(wiring, cookie.value))?.id, pending.id);

      // The link worked once.
      const reused = await new Visitor(app, address()).get(link.path);
      assert.equal(reused.statusCode, 400, 'the used link no longer opens its page');
      const replay = await visitor.post('/members/confirm', { token: link.token });
      assert.equal(replay.statusCode, 400);
      assert.match(replay.body, /expired or has already been used/);
    });

    test('sign-in answers the same for known and unknown addresses; only a member is mailed, and the link signs them in', async () => {
      await joinedMember('known@example.org');
      const before = smtp.messages.length;
      const answers = [];
      const jobCount = async () =>
        Number(
          (
            await t.wiring.database.db
              .selectFrom('jobs')
              .select((eb) => eb.fn.countAll<string | number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const queued = [];
      for (const email of ['known@example.org', 'nobody-here@example.org', 'KNOWN@example.org ']) {
        const visitor = new Visitor(app, address());
        await visitor.get('/members/signin');
        const jobsBefore = await jobCount();
        const sent = await visitor.post('/members/signin', { email });
        answers.push([sent.statusCode, sent.headers.location, sent.body]);
        queued.push((await jobCount()) - jobsBefore);
      }
      // The same work is done for every address (one mail job, which looks the member up), so the
      // time an answer takes tells nobody either.
      assert.deepEqual(queued, [1, 1, 1]);
      assert.deepEqual(answers[0], answers[1]);
      assert.deepEqual(answers[0], answers[2]);
      assert.deepEqual(answers[0], [303, '/members/check-inbox', '']);
      await runJobs();
      const sent = smtp.messages.slice(before);
      assert.deepEqual(sent.map(recipientOf).sort(), ['known@example.org', 'known@example.org']);
      assert.deepEqual(mailsTo('nobody-here@example.org'), []);
      const mail = lastMailTo('known@example.org');
      assert.match(mail.subject ?? '', /Sign in to/);
      assert.match(mail.text ?? '', /within 30 minutes/);

      const browser = new Visitor(app, address());
      const signedIn = await follow(browser, memberLinkIn(mail));
      assert.equal(signedIn.statusCode, 303);
      assert.equal(signedIn.headers.location, '/members/account?notice=signed-in');
      assert.match((await browser.get('/members/account')).body, /Signed in as <strong>known@example\.org/);

      // Signing out ends this browser's session.
      const token = browser.cookies.get(MEMBER_COOKIE);
      const out = await browser.post('/members/signout', {});
      assert.equal(out.statusCode, 303);
      assert.equal(browser.cookies.get(MEMBER_COOKIE), undefined);
      assert.equal(await memberForSession(wiring, token), undefined);
      const after = await browser.get('/members/account');
      assert.equal(after.statusCode, 303);
      assert.equal(after.headers.location, '/members/signin');
    });

    test('signing in from an article’s comments lands back on them; a return path that leads anywhere else is ignored', async () => {
      const email = 'comes-back@example.org';
      await joinedMember(email);
      const back = '/articles/open-letter/comments#comment-form';
      const hidden = `<input type="hidden" name="return" value="${back}">`;
      const visitor = new Visitor(app, address());
      const comments = await visitor.get('/articles/open-letter/comments');
      const signInLink = /<a href="([^"]+)">Sign in<\/a>/.exec(comments.body)?.[1];
      assert.equal(decodeHTML(signInLink ?? ''), `/members/signin?return=${encodeURIComponent(back)}`);
      const form = await visitor.get(decodeHTML(signInLink ?? ''));
      assert.ok(form.body.includes(hidden), 'the form carries it');
      assert.equal((await visitor.post('/members/signin', { email, return: back })).statusCode, 303);
      await runJobs();
      const text = lastMailTo(email).text ?? '';
      const mailed = /https:\/\/review\.example(\/members\/confirm\?token=[\w%-]+&return=(\S+))/.exec(text);
      assert.equal(decodeURIComponent(mailed?.[2] ?? ''), back, text);
      const confirm = await visitor.get(mailed?.[1] ?? '');
      assert.ok(confirm.body.includes(hidden), 'the page the link opens carries it');
      const signedIn = await visitor.post('/members/confirm', {
        token: memberLinkIn(lastMailTo(email)).token,
        return: back,
      });
      assert.equal(signedIn.statusCode, 303);
      assert.equal(signedIn.headers.location, back);
      const thread = await visitor.get('/articles/open-letter/comments');
      assert.match(thread.body, /Join the discussion/);

      const hostile = [
        '//evil.example/x',
        '/\\evil.example',
        '\\\\evil.example',
        'https://evil.example/',
        'javascript:alert(1)',
        '/%2F%2Fevil.example',
        '%2F%2Fevil.example',
        '/%5Cevil.example',
        '/%252F%252Fevil.example',
        '/\t/evil.example',
        'evil.example',
      ];
      const stranger = new Visitor(app, address());
      for (const path of hostile) {
        const page = await stranger.get(`/members/signin?return=${encodeURIComponent(path)}`);
        assert.equal(page.statusCode, 200, path);
        assert.doesNotMatch(page.body, /name="return"/, path);
      }
      await stranger.get('/members/signin');
      await stranger.post('/members/signin', { email, return: '//evil.example/x' });
      await runJobs();
      assert.doesNotMatch(lastMailTo(email).text ?? '', /return=/);
      const link = memberLinkIn(lastMailTo(email));
      for (const path of hostile) {
        const page = await stranger.get(`${link.path}&return=${encodeURIComponent(path)}`);
        assert.equal(page.statusCode, 200, path);
        assert.doesNotMatch(page.body, /name="return"/, path);
      }
      const landed = await stranger.post('/members/confirm', {
        token: link.token,
        return: 'https://evil.example/',
      });
      assert.equal(landed.statusCode, 303);
      assert.equal(landed.headers.location, '/members/account?notice=signed-in');
    });

    test('a link that is expired, used, forged or of a banned member does not sign in', async () => {
      await joinedMember('links@example.org');
      const ask = async () => {
        const visitor = new Visitor(app, address());
        await visitor.get('/members/signin');
        await visitor.post('/members/signin', { email: 'links@example.org' });
        await runJobs();
        return memberLinkIn(lastMailTo('links@example.org'));
      };
      const refused = async (token: string) => {
        const visitor = new Visitor(app, address());
        const page = await visitor.get(`/members/confirm?token=${encodeURIComponent(token)}`);
        assert.equal(page.statusCode, 400);
        assert.match(page.body, /This link does not work any more/);
        // Pressing a button kept from before fails the same way.
        await visitor.get('/members/signin');
        const posted = await visitor.post('/members/confirm', { token });
        assert.equal(posted.statusCode, 400);
        assert.equal(
          posted.cookies.find((c) => c.name === MEMBER_COOKIE),
          undefined,
        );
      };

      const expiring = await ask();
      t.setNow(new Date(START.getTime() + 31 * 60_000));
      try {
        await refused(expiring.token);
      } finally {
        t.setNow(START);
      }
      const used = await ask();
      assert.equal((await follow(new Visitor(app, address()), used)).statusCode, 303);
      await refused(used.token);
      await refused('forged-token-that-was-never-mailed');
      await refused(`${used.token.slice(0, -2)}xx`);
      await refused('x'.repeat(5000));

      const banned = await ask();
      const member = await wiring.store.members.findByEmail('links@example.org');
      assert.ok(member);
      const browser = new Visitor(app, address());
      assert.equal((await follow(browser, await ask())).statusCode, 303);
      const sessionToken = browser.cookies.get(MEMBER_COOKIE);
      await t.wiring.database.db
        .updateTable('members')
        .set({ is_banned: 1 })
        .where('id', '=', member.id)
        .execute();
      await refused(banned.token);
      assert.equal(await memberForSession(wiring, sessionToken), undefined, 'a banned member is signed out');
      const account = await browser.get('/members/account');
      assert.equal(account.statusCode, 303);
    });

    test('changing the address: confirmed by a link to the new one, the old one used until then; a taken address answers the same and its holder is told', async () => {
      const owner = await joinedMember('before@example.org', 'Mover');
      const elsewhere = await joinedMember('other-device@example.org');
      await joinedMember('taken@example.org');
      const member = await wiring.store.members.findByEmail('before@example.org');
      assert.ok(member);
      // A second browser of the same member.
      const second = new Visitor(app, address());
      await second.get('/members/signin');
      await second.post('/members/signin', { email: 'before@example.org' });
      await runJobs();
      assert.equal((await follow(second, memberLinkIn(lastMailTo('before@example.org')))).statusCode, 303);

      await owner.get('/members/account');
      // An address with an account gets the same answer as one without: the form tells nobody
      // which addresses have accounts. Its holder is mailed a note, and nothing changes.
      const takenMailsBefore = mailsTo('taken@example.org').length;
      const taken = await owner.post('/members/account/email', { email: 'Taken@Example.org' });
      assert.equal(taken.statusCode, 303, taken.body);
      assert.equal(taken.headers.location, '/members/account?notice=email-sent');
      await runJobs();
      const note = lastMailTo('taken@example.org');
      assert.equal(mailsTo('taken@example.org').length, takenMailsBefore + 1);
      assert.match(note.subject ?? '', /already has an account/i);
      assert.doesNotMatch(note.text ?? '', /confirm\?token=/, 'the note carries no link that moves anything');
      assert.doesNotMatch(note.text ?? '', /before@example\.org/, 'nor the asker’s address');
      assert.equal((await wiring.store.members.findById(member.id))?.email, 'before@example.org');
      const same = await owner.post('/members/account/email', { email: 'before@example.org' });
      assert.equal(same.statusCode, 400);
      assert.match(same.body, /is already your address/i);
      const bad = await owner.post('/members/account/email', { email: 'not an address' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /id="account-email-error">Must be an email address/);

      const asked = await owner.post('/members/account/email', { email: 'after@example.org' });
      assert.equal(asked.statusCode, 303);
      assert.equal(asked.headers.location, '/members/account?notice=email-sent');
      await runJobs();
      const mail = lastMailTo('after@example.org');
      assert.match(mail.subject ?? '', /Confirm your new email address/);
      // Until the link is followed, the account keeps its address and its sessions.
      assert.equal((await wiring.store.members.findById(member.id))?.email, 'before@example.org');
      assert.match((await second.get('/members/account')).body, /before@example\.org/);

      const confirmed = await follow(owner, memberLinkIn(mail));
      assert.equal(confirmed.statusCode, 303);
      assert.equal(confirmed.headers.location, '/members/account?notice=email-changed');
      assert.equal((await wiring.store.members.findById(member.id))?.email, 'after@example.org');
      assert.match((await owner.get('/members/account')).body, /Signed in as <strong>after@example\.org/);
      // Every other session of the member ended; other members' did not.
      assert.equal((await second.get('/members/account')).statusCode, 303);
      assert.equal((await wiring.store.members.listSessions(member.id)).length, 1);
      assert.equal((await elsewhere.get('/members/account')).statusCode, 200);
      assert.equal(await wiring.store.members.findByEmail('before@example.org'), undefined);
    });

    test('the account: a name saved, the data downloaded as JSON, and the account deleted with everything on it after a confirming POST', async () => {
      const visitor = await joinedMember('leaving@example.org', 'Leaving Soon');
      const member = await wiring.store.members.findByEmail('leaving@example.org');
      assert.ok(member);
      await visitor.get('/members/account');
      const renamed = await visitor.post('/members/account/name', { name: '  Left\nAlready ' });
      assert.equal(renamed.statusCode, 303);
      assert.equal((await wiring.store.members.findById(member.id))?.name, 'Left Already');

      const data = await visitor.post('/members/account/data', {});
      assert.equal(data.statusCode, 200);
      assert.match(String(data.headers['content-disposition']), /^attachment; filename="[\w-]+\.json"$/);
      assert.equal(data.headers['cache-control'], 'no-store');
      const json = JSON.parse(data.body);
      assert.equal(json.member.email, 'leaving@example.org');
      assert.equal(json.member.name, 'Left Already');
      assert.deepEqual(json.member.consent, { at: START.toISOString(), source: 'signup form' });
      assert.equal(json.sessions.length, 1);
      assert.equal(json.links[0].kind, 'signup');
      assert.doesNotMatch(data.body, /tokenHash|token_hash|"id"/, 'no secret or internal id');

      const ask = await visitor.get('/members/account/delete');
      assert.equal(ask.statusCode, 200);
      assert.match(ask.body, /Delete my account and data/);
      assert.ok(await wiring.store.members.findById(member.id), 'the GET deletes nothing');
      const token = visitor.cookies.get(MEMBER_COOKIE);
      const deleted = await visitor.post('/members/account/delete', {});
      assert.equal(deleted.statusCode, 303);
      assert.equal(deleted.headers.location, '/members/deleted');
      assert.equal(visitor.cookies.get(MEMBER_COOKIE), undefined);
      assert.equal(await wiring.store.members.findById(member.id), undefined);
      assert.deepEqual(await wiring.store.members.listSessions(member.id), []);
      assert.deepEqual(await wiring.store.members.listTokens(member.id), []);
      assert.equal(await memberForSession(wiring, token), undefined);
      assert.match((await visitor.get('/members/deleted')).body, /Your account is deleted/);
    });

    test('links per address and per network are limited per day, the same for addresses with and without an account', async () => {
      await joinedMember('limited@example.org');
      const answersFor = async (email: string) => {
        const statuses: number[] = [];
        for (let i = 0; i <= DAILY_PER_EMAIL; i++) {
          const visitor = new Visitor(app, address());
          await visitor.get('/members/signin');
          statuses.push((await visitor.post('/members/signin', { email })).statusCode);
        }
        return statuses;
      };
      const expected = [...Array(DAILY_PER_EMAIL).fill(303), 429];
      // The member joined with one link already counted.
      assert.deepEqual(await answersFor('limited@example.org'), [...expected.slice(1), 429]);
      assert.deepEqual(await answersFor('unknown-limited@example.org'), expected);
      const over = await (async () => {
        const visitor = new Visitor(app, address());
        await visitor.get('/members/signin');
        return visitor.post('/members/signin', { email: 'unknown-limited@example.org' });
      })();
      assert.match(over.body, /Several links have already been sent to this email address today/);
      assert.ok(Number(over.headers['retry-after']) > 0);

      // One network asking for links to many addresses.
      const network = new Visitor(app, address());
      await network.get('/members/join');
      const statuses: number[] = [];
      for (let i = 0; i <= DAILY_PER_ADDRESS; i++) {
        // Past the per-minute limit of the forms, a minute later on the limiter's clock is not
        // needed: the day's limit is reached first.
        statuses.push((await network.post('/members/join', { email: `many-${i}@example.org` })).statusCode);
      }
      assert.deepEqual(statuses, [...Array(DAILY_PER_ADDRESS).fill(303), 429]);
      assert.equal(
        await wiring.store.members.findByEmail(`many-${DAILY_PER_ADDRESS}@example.org`),
        undefined,
      );

      // A day later, the counts are forgotten.
      t.setNow(new Date(START.getTime() + 24 * 3_600_000 + 1000));
      try {
        const later = new Visitor(app, address());
        await later.get('/members/signin');
        assert.equal(
          (await later.post('/members/signin', { email: 'unknown-limited@example.org' })).statusCode,
          303,
        );
      } finally {
        t.setNow(START);
      }
    });

    test('each form is refused without this browser’s CSRF token or from another site; a filled hidden field makes nothing', async () => {
      const visitor = new Visitor(app, address());
      await visitor.get('/members/join');
      const noToken = await visitor.post('/members/join', { _csrf: '', email: 'csrf@example.org' });
      assert.equal(noToken.statusCode, 403);
      const other = new Visitor(app, address());
      await other.get('/members/join');
      const stolen = await visitor.post('/members/join', { _csrf: other.csrf, email: 'csrf@example.org' });
      assert.equal(stolen.statusCode, 403);
      const crossSite = await visitor.post(
        '/members/join',
        { email: 'csrf@example.org' },
        { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      );
      assert.equal(crossSite.statusCode, 403);
      assert.equal(await wiring.store.members.findByEmail('csrf@example.org'), undefined);

      const member = await joinedMember('csrf-member@example.org');
      await member.get('/members/account');
      for (const path of [
        '/members/account/name',
        '/members/account/email',
        '/members/account/delete',
        '/members/signout',
        '/members/account/data',
      ]) {
        const refused = await member.post(path, {
          _csrf: 'forged',
          name: 'Changed',
          email: 'moved@example.org',
        });
        assert.equal(refused.statusCode, 403, path);
      }
      assert.equal((await wiring.store.members.findByEmail('csrf-member@example.org'))?.name, 'Ana Silva');

      const bot = new Visitor(app, address());
      await bot.get('/members/join');
      const trapped = await bot.post('/members/join', {
        email: 'bot@example.org',
        leave_blank: 'http://spam.example',
      });
      assert.equal(trapped.statusCode, 303);
      assert.equal(trapped.headers.location, '/members/check-inbox');
      assert.equal(await wiring.store.members.findByEmail('bot@example.org'), undefined);
    });

    test('staff and member sessions open nothing of each other', async () => {
      const editor = await makeUser(wiring, 'editor', 'staff-member@example.org');
      const staff = await clientAs(app, wiring, editor, sessionCookieName(SITE));
      const staffToken = staff.cookies.get(sessionCookieName(SITE));
      assert.ok(staffToken);
      // The staff cookie's token under either name opens no member page.
      for (const name of [sessionCookieName(SITE), MEMBER_COOKIE]) {
        const page: LightMyRequestResponse = await app.inject({
          url: '/members/account',
          headers: { cookie: `${name}=${staffToken}` },
        });
        assert.equal(page.statusCode, 303);
        assert.equal(page.headers.location, '/members/signin');
      }
      assert.equal(await memberForSession(wiring, staffToken), undefined);

      const member = await joinedMember('staff-member@example.org');
      const memberToken = member.cookies.get(MEMBER_COOKIE);
      assert.ok(memberToken);
      for (const name of [sessionCookieName(SITE), MEMBER_COOKIE]) {
        const admin: LightMyRequestResponse = await app.inject({
          url: '/admin/account',
          headers: { cookie: `${name}=${memberToken}` },
        });
        assert.notEqual(admin.statusCode, 200, `the admin is closed to a member cookie as ${name}`);
        assert.doesNotMatch(admin.body, /staff-member@example\.org/);
      }
    });

    test('hostile strings as a name are stored and shown escaped; as an address, refused naming the field or stored normalised', async (t2) => {
      const strings = naughtyStrings();
      if (strings.length === 0) {
        t2.skip('the shared naughty-string lists are not present');
        return;
      }
      const member = await joinedMember('naughty-names@example.org');
      const record = await wiring.store.members.findByEmail('naughty-names@example.org');
      assert.ok(record);
      const seen = new Set<string>();
      for (const [i, text] of strings.entries()) {
        if (seen.has(text)) continue;
        seen.add(text);
        // A browser of the same member at its own address: the per-minute limit is per address.
        const browser = new Visitor(app, `10.98.${Math.floor(i / 250)}.${i % 250}`);
        for (const [name, value] of member.cookies) browser.cookies.set(name, value);
        browser.csrf = member.csrf;
        const saved = await browser.post('/members/account/name', { name: text });
        assert.notEqual(saved.statusCode, 500, `answered 500 for ${JSON.stringify(text)}`);
        if (saved.statusCode === 400) {
          assert.match(saved.body, /id="account-name-error"/, `names the field for ${JSON.stringify(text)}`);
          continue;
        }
        assert.equal(saved.statusCode, 303, `for ${JSON.stringify(text)}`);
        const stored: string = (await wiring.store.members.findById(record.id))?.name ?? '';
        if (!hasXmlForbidden(text)) assert.equal(stored, text.replace(/\s+/g, ' ').trim());
        const page = await browser.get('/members/account');
        const shown = /id="account-name" name="name" value="([^"]*)"/.exec(page.body)?.[1];
        assert.equal(decodeHTML(shown ?? '<missing>'), stored, `shown as kept: ${JSON.stringify(text)}`);
      }

      for (const [i, text] of strings.entries()) {
        const visitor = new Visitor(app, `10.97.${Math.floor(i / 250)}.${i % 250}`);
        await visitor.get('/members/join');
        const joined = await visitor.post('/members/join', { email: text, name: text.slice(0, 200) });
        assert.notEqual(joined.statusCode, 500, `answered 500 for ${JSON.stringify(text)}`);
        if (joined.statusCode === 400) {
          assert.match(
            joined.body,
            /id="member-(email|name)-error"/,
            `names the field for ${JSON.stringify(text)}`,
          );
          assert.doesNotMatch(joined.body, /<script>alert/i);
          continue;
        }
        assert.equal(joined.statusCode, 303, `for ${JSON.stringify(text)}`);
        assert.ok(
          await wiring.store.members.findByEmail(normaliseMemberEmail(text)),
          `stored ${JSON.stringify(text)}`,
        );
      }
    });

    test('one inbox is one account: an address joined again in another Unicode form or with its IDN domain spelt in ASCII finds the same member', async () => {
      const visitor = new Visitor(app, address());
      await visitor.get('/members/join');
      for (const email of [
        'zoe\u0308@example.org',
        'zo\u00eb@example.org',
        'Nadia@xn--exmple-cua.org',
        'nadia@ex\u00e4mple.org.',
      ])
        assert.equal((await visitor.post('/members/join', { email })).statusCode, 303, email);
      const zoe = await wiring.store.members.findByEmail('zo\u00eb@example.org');
      const nadia = await wiring.store.members.findByEmail('nadia@ex\u00e4mple.org');
      assert.ok(zoe && nadia);
      const all = await t.wiring.database.db
        .selectFrom('members')
        .select('email')
        .where((eb) => eb.or([eb('email', 'like', 'zo%'), eb('email', 'like', 'nadia@%')]))
        .execute();
      assert.equal(all.length, 2, JSON.stringify(all));
    });

    test('a sign-up confirmed ends its other confirmation links, and a new address ends every link sent to the old one', async () => {
      const visitor = new Visitor(app, address());
      await visitor.get('/members/join');
      // Asked twice (the first mail seemed lost): two confirmation links.
      await visitor.post('/members/join', { email: 'twice@example.org' });
      await visitor.post('/members/join', { email: 'twice@example.org' });
      await runJobs();
      const [first, second] = mailsTo('twice@example.org').map(memberLinkIn);
      assert.ok(first && second);
      assert.equal((await follow(visitor, first)).statusCode, 303);
      // The second one is no 48-hour sign-in link for whoever sees that mail.
      const other = new Visitor(app, address());
      assert.equal((await other.get(second.path)).statusCode, 400);

      // A sign-in link to the old address, then the account moves: the link no longer opens it.
      const holder = await joinedMember('old-inbox@example.org');
      const elsewhere = new Visitor(app, address());
      await elsewhere.get('/members/signin');
      await elsewhere.post('/members/signin', { email: 'old-inbox@example.org' });
      const pendingAgain = new Visitor(app, address());
      await pendingAgain.get('/members/join');
      await pendingAgain.post('/members/join', { email: 'old-inbox@example.org' });
      await runJobs();
      const oldLinks = mailsTo('old-inbox@example.org').slice(1).map(memberLinkIn);
      assert.equal(oldLinks.length, 2);
      await holder.get('/members/account');
      await holder.post('/members/account/email', { email: 'new-inbox@example.org' });
      await runJobs();
      assert.equal((await follow(holder, memberLinkIn(lastMailTo('new-inbox@example.org')))).statusCode, 303);
      for (const link of oldLinks) assert.equal((await elsewhere.get(link.path)).statusCode, 400, link.path);
    });

    test('the page a link opens names the account its button signs in to, so a link someone else sent cannot quietly sign a reader in as them', async () => {
      await joinedMember('attacker@example.org');
      const sender = new Visitor(app, address());
      await sender.get('/members/signin');
      await sender.post('/members/signin', { email: 'attacker@example.org' });
      await runJobs();
      const link = memberLinkIn(lastMailTo('attacker@example.org'));
      const victim = new Visitor(app, address());
      const page = await victim.get(link.path);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /signed in as <strong>attacker@example\.org<\/strong>/);
    });

    test('the account page shows only its own notices: any other ?notice= shows none', async () => {
      const member = await joinedMember('notices@example.org');
      for (const notice of ['constructor', '__proto__', 'toString', 'hasOwnProperty', '<b>x</b>']) {
        const page = await member.get(`/members/account?notice=${encodeURIComponent(notice)}`);
        assert.equal(page.statusCode, 200);
        assert.doesNotMatch(page.body, /role="status"/, notice);
        assert.doesNotMatch(page.body, /native code|\[object Object\]/, notice);
      }
      assert.match(
        (await member.get('/members/account?notice=name-saved')).body,
        /role="status">Your name is saved/,
      );
    });

    test('links a week past their expiry are deleted when a new one is made', async () => {
      await joinedMember('sweep@example.org');
      const member = await wiring.store.members.findByEmail('sweep@example.org');
      assert.ok(member);
      assert.deepEqual(
        (await wiring.store.members.listTokens(member.id)).map((l) => l.kind),
        ['signup'],
      );
      t.setNow(new Date(START.getTime() + 10 * 24 * 3_600_000));
      try {
        const visitor = new Visitor(app, address());
        await visitor.get('/members/signin');
        await visitor.post('/members/signin', { email: 'sweep@example.org' });
        await runJobs();
        assert.deepEqual(
          (await wiring.store.members.listTokens(member.id)).map((l) => l.kind),
          ['signin'],
        );
      } finally {
        t.setNow(START);
      }
    });

    test('per minute, one address posts only so many forms', async () => {
      const visitor = new Visitor(app, address());
      await visitor.get('/members/signin');
      const statuses: number[] = [];
      for (let i = 0; i < wiring.config.members.rateLimitPerMinute + 1; i++) {
        statuses.push((await visitor.post('/members/signin', { email: 'not an address' })).statusCode);
      }
      assert.deepEqual(statuses, [...Array(wiring.config.members.rateLimitPerMinute).fill(400), 429]);
    });
  });
}
