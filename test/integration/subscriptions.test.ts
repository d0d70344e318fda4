import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeHTML } from 'entities';
import type { FastifyInstance } from 'fastify';
import type { ParsedMail } from 'mailparser';
import { buildApp } from '../../src/app.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { createIssue, sendIssue } from '../../src/services/newsletters/issues.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { naughtyStrings, Visitor } from '../helpers/visitor.ts';

const START = new Date('2026-11-20T12:00:00.000Z');
const DAY_MS = 86_400_000;

let nextAddress = 1;
/** A fresh client address, so each test has its own rate limits. */
function address(): string {
  nextAddress++;
  return `10.44.${Math.floor(nextAddress / 250)}.${nextAddress % 250}`;
}

function recipientOf(mail: ParsedMail): string {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  return to?.value[0]?.address ?? '';
}

/** The path and query of the "choose your newsletters" link in a message's text part. */
function preferencesPathIn(mail: ParsedMail): string {
  const url = /Choose your newsletters: (https:\S+)/.exec(mail.text ?? '')?.[1];
  assert.ok(url, `a newsletter-choices link in ${mail.text}`);
  assert.ok(String(mail.html).includes(url.replaceAll('&', '&amp;')), 'the HTML part links there too');
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** The checkboxes ticked on a page, by newsletter id. */
function tickedOn(body: string): number[] {
  return [...body.matchAll(/name="newsletters" value="(\d+)"( checked)?/g)]
    .filter((m) => m[2])
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

for (const kind of DATABASE_KINDS) {
  describe(`members choose their newsletters (${kind})`, () => {
    let t: TestWiring;
    let smtp: SmtpCapture;
    let app: FastifyInstance;
    const ids: Record<'daily' | 'weekly' | 'climate' | 'author' | 'retired', number> = {
      daily: 0,
      weekly: 0,
      climate: 0,
      author: 0,
      retired: 0,
    };
    const runJobs = () => jobRunnerFor(t.wiring, { workerId: 'test' }).runDue();
    const mailsTo = (email: string) => smtp.messages.filter((m) => recipientOf(m) === email);
    const subscribedIds = async (email: string) => {
      const member = await t.wiring.store.members.findByEmail(email);
      assert.ok(member, email);
      return (await t.wiring.store.newsletters.listSubscriptionsOf(member.id)).map((s) => s.newsletterId);
    };
    /** Sends an issue of a newsletter now, through the queue, to whoever is subscribed. */
    const sendNow = async (newsletterId: number, subject: string) => {
      const issueId = await createIssue(t.wiring, { newsletterId, subject, articleIds: [] });
      await sendIssue(t.wiring, issueId);
      await runJobs();
    };

    /** Joins with a choice, as a browser does; the member is pending until the link is followed. */
    const join = async (email: string, newsletters: number[]) => {
      const visitor = new Visitor(app, address());
      await visitor.get('/members/join');
      const joined = await visitor.post('/members/join', {
        email,
        name: 'Reader',
        newsletters: newsletters.map(String),
      });
      assert.equal(joined.statusCode, 303, joined.body);
      await runJobs();
      return visitor;
    };
    /** Follows the sign-up link mailed to the address: opens its page, presses its button. */
    const confirm = async (visitor: Visitor, email: string) => {
      const mail = mailsTo(email).find((m) => /Confirm your membership/.test(m.subject ?? ''));
      const path = /https:\/\/review\.example(\/members\/confirm\?token=[\w%-]+)/.exec(mail?.text ?? '')?.[1];
      assert.ok(path, `a confirmation link mailed to ${email}`);
      await visitor.get(path);
      const token = decodeURIComponent(path.replace(/^.*token=/, ''));
      const confirmed = await visitor.post('/members/confirm', { token });
      assert.equal(confirmed.statusCode, 303, confirmed.body);
    };

    before(async () => {
      smtp = await startSmtpCapture();
      t = await createTestWiring(kind, {
        now: START,
        mail: { host: '127.0.0.1', port: smtp.port, from: 'Review Desk <desk@review.example>' },
        newsletter: { messagesPerSecond: 0 },
        // The hostile-strings test posts hundreds of forms from one address.
        members: { rateLimitPerMinute: 10_000 },
      });
      app = await buildApp(t.wiring, { shouldLog: false });
      const at = START.toISOString();
      const store = t.wiring.store.newsletters;
      ids.daily = await store.createNewsletter(
        { slug: 'daily', name: 'The Daily Digest', kind: 'daily' },
        at,
      );
      ids.weekly = await store.createNewsletter({ slug: 'weekly', name: 'The Week', kind: 'weekly' }, at);
      ids.climate = await store.createNewsletter(
        { slug: 'climate', name: 'Alerts: Climate', kind: 'term' },
        at,
      );
      ids.author = await store.createNewsletter(
        { slug: 'ana', name: 'Alerts: Ana Lima', kind: 'author' },
        at,
      );
      ids.retired = await store.createNewsletter({ slug: 'old', name: 'The Old Letter', kind: 'weekly' }, at);
      await t.wiring.database.db
        .updateTable('newsletters')
        .set({ is_active: 0 })
        .where('id', '=', ids.retired)
        .execute();
    });
    after(async () => {
      await app?.close();
      await t?.cleanup();
      await smtp?.close();
    });

    test('the join form offers every active newsletter as a checkbox, the daily digest ticked, a retired one not at all', async () => {
      const page = await new Visitor(app, address()).get('/members/join');
      assert.equal(page.statusCode, 200);
      for (const name of ['The Daily Digest', 'The Week', 'Alerts: Climate', 'Alerts: Ana Lima'])
        assert.match(page.body, new RegExp(name));
      assert.doesNotMatch(page.body, /The Old Letter/);
      assert.deepEqual(tickedOn(page.body), [ids.daily]);
    });

    test('sign-up with choices: kept while pending and nothing sent; once confirmed, subscribed with consent recorded, audited, and in the data download', async () => {
      const email = 'chooser@readers.example';
      const visitor = await join(email, [ids.weekly, ids.climate]);
      assert.deepEqual(
        await subscribedIds(email),
        [ids.weekly, ids.climate].sort((a, b) => a - b),
      );
      await sendNow(ids.weekly, 'Before confirming');
      assert.equal(
        mailsTo(email).filter((m) => m.subject === 'Before confirming').length,
        0,
        'double opt-in: nothing is sent before the address is confirmed',
      );

      await confirm(visitor, email);
      await sendNow(ids.weekly, 'After confirming');
      assert.equal(mailsTo(email).filter((m) => m.subject === 'After confirming').length, 1);
      const member = await t.wiring.store.members.findByEmail(email);
      assert.equal(member?.status, 'active');
      assert.ok(member?.consentAt);

      const subscriptions = await t.wiring.store.newsletters.listSubscriptionsOf(member?.id ?? 0);
      assert.deepEqual(
        subscriptions.map((s) => s.source),
        ['signup form', 'signup form'],
      );
      const audit = await t.wiring.store.audit.list({ limit: 50 });
      const entry = audit.find(
        (e) => e.action === 'member.subscriptions' && e.entityId === String(member?.id),
      );
      assert.ok(entry, 'the choice is audited');
      assert.equal(entry.actorUserId, null);
      assert.match(entry.summary, /The Week/);
      assert.doesNotMatch(entry.summary, /chooser@/, 'the log keeps no address');

      await visitor.get('/members/account');
      const data = await visitor.post('/members/account/data', {});
      assert.equal(data.statusCode, 200);
      const exported = JSON.parse(data.body) as { subscriptions: { newsletter: string; source: string }[] };
      assert.deepEqual(exported.subscriptions.map((s) => s.newsletter).sort(), [
        'Alerts: Climate',
        'The Week',
      ]);
    });

    test('a sign-up form for an active member’s address changes none of their choices', async () => {
      const email = 'settled@readers.example';
      await confirm(await join(email, [ids.daily]), email);
      await join(email, [ids.weekly, ids.author]);
      assert.deepEqual(await subscribedIds(email), [ids.daily]);
    });

    test('the account page lists every active newsletter ticked as chosen, saves a new choice with a notice, and leaves a retired one alone', async () => {
      const email = 'account@readers.example';
      const visitor = await join(email, [ids.daily]);
      await confirm(visitor, email);
      const member = await t.wiring.store.members.findByEmail(email);
      await t.wiring.store.newsletters.subscribe(
        { newsletterId: ids.retired, memberId: member?.id ?? 0, source: 'test' },
        START.toISOString(),
      );
      const page = await visitor.get('/members/account');
      assert.match(page.body, /<h2 id="account-newsletters-heading">Newsletters<\/h2>/);
      assert.deepEqual(tickedOn(page.body), [ids.daily]);
      assert.doesNotMatch(page.body, /The Old Letter/);

      const saved = await visitor.post('/members/account/newsletters', {
        newsletters: [String(ids.author), String(ids.weekly)],
      });
      assert.equal(saved.statusCode, 303);
      assert.match(String(saved.headers.location), /notice=newsletters-saved/);
      const after = await visitor.get(String(saved.headers.location));
      assert.match(after.body, /Your newsletter choices are saved/);
      assert.deepEqual(
        tickedOn(after.body),
        [ids.weekly, ids.author].sort((a, b) => a - b),
      );
      assert.deepEqual(
        await subscribedIds(email),
        [ids.weekly, ids.author, ids.retired].sort((a, b) => a - b),
      );

      const none = await visitor.post('/members/account/newsletters', {});
      assert.equal(none.statusCode, 303, 'no box ticked is a choice too');
      assert.deepEqual(await subscribedIds(email), [ids.retired]);
    });

    test('the account form refuses a forged CSRF token, a signed-out post, and an id not offered, changing nothing', async () => {
      const email = 'guarded@readers.example';
      const visitor = await join(email, [ids.daily]);
      await confirm(visitor, email);
      await visitor.get('/members/account');
      const forged = await visitor.post('/members/account/newsletters', {
        _csrf: 'forged',
        newsletters: String(ids.weekly),
      });
      assert.equal(forged.statusCode, 403, forged.body);
      const stranger = await new Visitor(app, address()).post('/members/account/newsletters', {
        newsletters: String(ids.weekly),
      });
      assert.equal(stranger.statusCode, 303);
      assert.equal(stranger.headers.location, '/members/signin');
      const retired = await visitor.post('/members/account/newsletters', {
        newsletters: [String(ids.weekly), String(ids.retired)],
      });
      assert.equal(retired.statusCode, 400);
      assert.match(retired.body, /Newsletters<\/a>: names a newsletter that is not offered/i);
      assert.deepEqual(await subscribedIds(email), [ids.daily]);
    });

    test('from a received newsletter: its link opens the choices with no sign-in, a POST saves them; forged, altered and expired links are refused with a 400', async () => {
      const email = 'emailed@readers.example';
      await confirm(await join(email, [ids.daily, ids.climate]), email);
      await sendNow(ids.daily, 'Digest with a choices link');
      const mail = mailsTo(email).find((m) => m.subject === 'Digest with a choices link');
      assert.ok(mail);
      const path = preferencesPathIn(mail);
      const token = decodeURIComponent(new URL(path, 'https://x.example').searchParams.get('token') ?? '');

      const page = await app.inject({ method: 'GET', url: path });
      assert.equal(page.statusCode, 200, page.body);
      assert.equal(page.headers['cache-control'], 'no-store');
      assert.equal(page.headers['referrer-policy'], 'no-referrer');
      assert.match(page.body, /emailed@readers\.example/);
      assert.deepEqual(
        tickedOn(page.body),
        [ids.daily, ids.climate].sort((a, b) => a - b),
      );

      const form = new URLSearchParams([
        ['token', token],
        ['newsletters', String(ids.author)],
      ]).toString();
      const saved = await app.inject({
        method: 'POST',
        url: '/newsletters/preferences',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: form,
      });
      assert.equal(saved.statusCode, 303, saved.body);
      const shown = await app.inject({ method: 'GET', url: String(saved.headers.location) });
      assert.match(shown.body, /Your newsletter choices are saved/);
      assert.deepEqual(tickedOn(shown.body), [ids.author]);
      const subscriptions = await t.wiring.store.newsletters.listSubscriptionsOf(
        (await t.wiring.store.members.findByEmail(email))?.id ?? 0,
      );
      assert.deepEqual(
        subscriptions.map((s) => [s.newsletterId, s.source]),
        [[ids.author, 'newsletter email link']],
      );

      const [member, expires, mac] = token.split('.') as [string, string, string];
      const unsubscribeToken = new URL(
        /<(https:[^>]+)>/.exec(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '')?.[1] ??
          '',
      ).searchParams.get('token');
      for (const bad of [
        `${member}.${expires}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
        `p${Number(member.slice(1)) + 1}.${expires}.${mac}`,
        `${member}.${Number(expires) + DAY_MS / 1000}.${mac}`,
        unsubscribeToken ?? '',
        '',
      ]) {
        const get = await app.inject({
          method: 'GET',
          url: `/newsletters/preferences?token=${encodeURIComponent(bad)}`,
        });
        assert.equal(get.statusCode, 400, bad);
        assert.match(get.body, /This link does not work any more/);
        const post = await app.inject({
          method: 'POST',
          url: '/newsletters/preferences',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams([
            ['token', bad],
            ['newsletters', String(ids.daily)],
          ]).toString(),
        });
        assert.equal(post.statusCode, 400, bad);
      }
      assert.deepEqual(await subscribedIds(email), [ids.author], 'nothing changed by a refused link');

      t.setNow(new Date(START.getTime() + 91 * DAY_MS));
      try {
        const expired = await app.inject({ method: 'GET', url: path });
        assert.equal(expired.statusCode, 400, 'a link past its 90 days');
      } finally {
        t.setNow(START);
      }
    });

    test('hostile strings as choices or tokens are refused by field, never stored nor echoed unescaped; a hostile newsletter name is shown escaped', async (t2) => {
      const strings = naughtyStrings();
      if (strings.length === 0) {
        t2.skip('the shared naughty-string lists are not present');
        return;
      }
      const email = 'naughty@readers.example';
      const visitor = await join(email, [ids.daily]);
      await confirm(visitor, email);
      await visitor.get('/members/account');
      // A string of digits may well be an offered newsletter's id: a real choice, not a hostile one.
      for (const value of strings.filter((s) => !/^\d{1,12}$/.test(s))) {
        const account = await visitor.post('/members/account/newsletters', { newsletters: value });
        assert.equal(account.statusCode, 400, value);
        // Markup long enough not to occur in the page by chance must not come back as markup.
        if (value.includes('<') && value.length > 12)
          assert.ok(!account.body.includes(value), `echoed unescaped: ${value}`);
        const byToken = await app.inject({
          method: 'GET',
          url: `/newsletters/preferences?token=${encodeURIComponent(value.slice(0, 200))}`,
        });
        assert.equal(byToken.statusCode, 400, value);
      }
      assert.deepEqual(await subscribedIds(email), [ids.daily]);

      const hostile = strings.find((s) => s.includes('<script')) ?? '<script>alert(1)</script>';
      const hostileId = await t.wiring.store.newsletters.createNewsletter(
        { slug: 'hostile', name: hostile.slice(0, 200), kind: 'term' },
        START.toISOString(),
      );
      try {
        const page = await visitor.get('/members/account');
        assert.equal(page.statusCode, 200);
        assert.ok(!page.body.includes(hostile.slice(0, 200)), 'the name is escaped');
        assert.ok(decodeHTML(page.body).includes(hostile.slice(0, 200)), 'and shown');
      } finally {
        await t.wiring.database.db.deleteFrom('newsletters').where('id', '=', hostileId).execute();
      }
    });

    test('deleting the account deletes its subscriptions', async () => {
      const email = 'leaver@readers.example';
      const visitor = await join(email, [ids.daily, ids.weekly]);
      await confirm(visitor, email);
      const member = await t.wiring.store.members.findByEmail(email);
      assert.equal((await t.wiring.store.newsletters.listSubscriptionsOf(member?.id ?? 0)).length, 2);
      await visitor.get('/members/account/delete');
      const deleted = await visitor.post('/members/account/delete', {});
      assert.equal(deleted.statusCode, 303);
      const left = await t.wiring.database.db
        .selectFrom('newsletter_subscriptions')
        .select('newsletter_id')
        .where('member_id', '=', member?.id ?? 0)
        .execute();
      assert.deepEqual(left, []);
    });
  });
}
