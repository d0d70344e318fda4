import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { User } from '../../src/domain/user.ts';
import { hashToken } from '../../src/services/auth.ts';
import { AdminClient, clientAs, makeUser, sessionCookieName, TEST_PASSWORD } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const START = new Date('2026-11-20T12:00:00.000Z');
const HOUR = 3_600_000;

for (const kind of DATABASE_KINDS) {
  describe(`admin sign-in and sessions on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let admin: User;
    let cookie: string;

    before(async () => {
      t = await createTestWiring(kind, { now: START });
      app = await buildApp(t.wiring, { shouldLog: false });
      cookie = sessionCookieName(t.wiring.siteUrl);
      admin = await makeUser(t.wiring, 'admin', 'admin@example.org');
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('signs in with email and password, with a secure, HttpOnly, SameSite=Lax host cookie', async () => {
      const client = new AdminClient(app);
      const response = await client.signIn('Admin@Example.org');
      assert.equal(response.statusCode, 303);
      assert.equal(response.headers.location, '/admin');
      const set = response.cookies.find((c) => c.name === cookie);
      assert.ok(set, 'session cookie set');
      assert.equal(cookie, '__Host-pressroom_session');
      assert.equal(set.httpOnly, true);
      assert.equal(set.secure, true);
      assert.equal(set.sameSite, 'Lax');
      assert.equal(set.path, '/');
      assert.equal(set.domain, undefined);
      // Only the hash of the token is stored.
      assert.equal(await t.wiring.store.sessions.findById(set.value), undefined);
      assert.ok(await t.wiring.store.sessions.findById(hashToken(set.value)));
      const dashboard = await client.get('/admin');
      assert.equal(dashboard.statusCode, 200);
      assert.match(dashboard.body, /<h1>Dashboard<\/h1>/);
    });

    test('the address to go back to after signing in never leaves the admin', async () => {
      const client = await clientAs(app, t.wiring, admin, cookie);
      for (const next of [
        '//evil.example/admin',
        '/\\evil.example',
        'https://evil.example/admin',
        '/admin//evil.example',
        '/admin/\\evil.example',
        '/admin?back=//evil.example',
        '/admin\t/x',
        'javascript:alert(1)',
        '/administrator',
        '/admin/./../../evil',
        '/admin/../evil',
        '/admin/..',
        '/admin/..%2f..%2fevil',
        '/admin/%2e%2e/evil',
        '/admin/%2E%2E%2Fevil',
        '/admin/.%2e/.%2e/evil',
        '/admin%2f..%2fevil',
        '/admin/%5c%5cevil.example',
        '/admin/%252e%252e/evil',
        '/\\evil.example',
        '\\evil.example',
        '///evil.example',
        '/%2fevil.example',
        '/admin@evil.example',
        '/admin:8080',
        'admin',
        '',
      ]) {
        const response = await client.get(`/admin/login?next=${encodeURIComponent(next)}`);
        assert.equal(response.statusCode, 303, next);
        assert.equal(response.headers.location, '/admin', next);
      }
      // Paths inside the admin come back resolved: `.` segments and the like are tidied, not refused.
      const resolved: [string, string][] = [
        ['/admin/./articles', '/admin/articles'],
        ['/admin/people/../articles?status=draft', '/admin/articles?status=draft'],
        ['/admin/articles#top', '/admin/articles'],
      ];
      for (const [next, location] of resolved) {
        const response = await client.get(`/admin/login?next=${encodeURIComponent(next)}`);
        assert.equal(response.headers.location, location, next);
      }
      const kept = await client.get(
        `/admin/login?next=${encodeURIComponent('/admin/articles?status=draft')}`,
      );
      assert.equal(kept.headers.location, '/admin/articles?status=draft');
    });

    test('a wrong password is refused next to the field, keeps the email, and opens no session', async () => {
      const client = new AdminClient(app);
      await client.get('/admin/login');
      const response = await client.post('/admin/login', {
        email: 'admin@example.org',
        password: 'not the password',
      });
      assert.equal(response.statusCode, 401);
      assert.match(
        response.body,
        /id="field-password"[^>]*aria-invalid="true"[^>]*aria-describedby="field-password-error"/,
      );
      assert.match(
        response.body,
        /<p class="field-error" id="field-password-error">The email or the password is wrong.<\/p>/,
      );
      assert.match(response.body, /id="field-email"[^>]*value="admin@example.org"/);
      assert.equal(client.hasSession(), false);
      const unknown = await client.post('/admin/login', {
        email: 'nobody@example.org',
        password: TEST_PASSWORD,
      });
      assert.equal(unknown.statusCode, 401, 'an unknown email gets the same answer');
      await t.wiring.store.loginAttempts.clear('email:admin@example.org');
      await t.wiring.store.loginAttempts.clear('pair:127.0.0.1|admin@example.org');
    });

    test('throttles an email after five failures, even with the right password, until the window passes', async () => {
      const victim = await makeUser(t.wiring, 'author', 'victim@example.org');
      const client = new AdminClient(app);
      await client.get('/admin/login');
      for (let i = 0; i < 5; i++) {
        const response = await client.post('/admin/login', { email: victim.email, password: `guess ${i}` });
        assert.equal(response.statusCode, 401);
      }
      const blocked = await client.post('/admin/login', { email: victim.email, password: TEST_PASSWORD });
      assert.equal(blocked.statusCode, 429);
      assert.equal(blocked.headers['retry-after'], String(15 * 60));
      assert.match(blocked.body, /Too many failed attempts. Try again in 15 minutes/);
      assert.equal(client.hasSession(), false);
      // Another account is not affected.
      const other = new AdminClient(app);
      assert.equal((await other.signIn('admin@example.org')).statusCode, 303);
      t.setNow(new Date(START.getTime() + 16 * 60_000));
      try {
        const later = await client.post('/admin/login', { email: victim.email, password: TEST_PASSWORD });
        assert.equal(later.statusCode, 303);
      } finally {
        t.setNow(START);
      }
    });

    test('throttling is shared through the database by every app process', async () => {
      const victim = await makeUser(t.wiring, 'author', 'shared@example.org');
      const second = await buildApp(t.wiring, { shouldLog: false });
      try {
        const first = new AdminClient(app);
        await first.get('/admin/login');
        for (let i = 0; i < 5; i++)
          await first.post('/admin/login', { email: victim.email, password: 'wrong' });
        const other = new AdminClient(second);
        const response = await other.signIn(victim.email);
        assert.equal(response.statusCode, 429);
      } finally {
        await second.close();
      }
    });

    test('a session ends after the idle timeout, slides with activity, and ends at its maximum age', async () => {
      const client = await clientAs(app, t.wiring, admin, cookie);
      try {
        t.setNow(new Date(START.getTime() + 71 * HOUR));
        assert.equal(
          (await client.get('/admin')).statusCode,
          200,
          'still valid just before the idle timeout',
        );
        t.setNow(new Date(START.getTime() + 141 * HOUR));
        assert.equal((await client.get('/admin')).statusCode, 200, 'activity moved the idle timeout');
        t.setNow(new Date(START.getTime() + 141 * HOUR + 72 * HOUR + 60_000));
        const expired = await client.get('/admin');
        assert.equal(expired.statusCode, 303);
        assert.match(String(expired.headers.location), /^\/admin\/login/);

        t.setNow(START);
        const busy = await clientAs(app, t.wiring, admin, cookie);
        for (let hours = 48; hours < 720; hours += 48) {
          t.setNow(new Date(START.getTime() + hours * HOUR));
          assert.equal((await busy.get('/admin')).statusCode, 200);
        }
        t.setNow(new Date(START.getTime() + 720 * HOUR + 60_000));
        assert.equal((await busy.get('/admin')).statusCode, 303, 'ends at the maximum age even when busy');
      } finally {
        t.setNow(START);
      }
    });

    test('logging out ends this session only; logging out everywhere ends them all', async () => {
      const laptop = await clientAs(app, t.wiring, admin, cookie);
      const phone = await clientAs(app, t.wiring, admin, cookie);
      const out = await laptop.post('/admin/logout');
      assert.equal(out.statusCode, 303);
      assert.equal((await laptop.get('/admin')).statusCode, 303);
      assert.equal((await phone.get('/admin')).statusCode, 200);

      const tablet = await clientAs(app, t.wiring, admin, cookie);
      const account = await phone.get('/admin/account');
      assert.match(account.body, /Log out everywhere/);
      const everywhere = await phone.post('/admin/account/logout-everywhere');
      assert.equal(everywhere.statusCode, 303);
      assert.equal(everywhere.headers.location, '/admin/login?notice=logged-out-everywhere');
      assert.equal((await phone.get('/admin')).statusCode, 303);
      assert.equal((await tablet.get('/admin')).statusCode, 303);
      const [entry] = await t.wiring.store.audit.list({ limit: 1 });
      assert.equal(entry?.action, 'session.logout_everywhere');
      assert.equal(entry?.actorUserId, admin.id);
    });

    test('refuses a form posted without the CSRF token or with a wrong one (403), and changes nothing', async () => {
      const client = await clientAs(app, t.wiring, admin, cookie);
      const before = await t.wiring.store.settings.getAll();
      const missing = await client.post('/admin/settings', { _csrf: null, site_name: 'Forged' });
      assert.equal(missing.statusCode, 403);
      assert.match(missing.body, /This form has expired or did not come from this site/);
      const wrong = await client.post('/admin/settings', { _csrf: 'forged-token', site_name: 'Forged' });
      assert.equal(wrong.statusCode, 403);
      const otherClient = await clientAs(app, t.wiring, admin, cookie);
      const stolen = await client.post('/admin/settings', {
        _csrf: `${otherClient.csrf}x`,
        site_name: 'Forged',
      });
      assert.equal(stolen.statusCode, 403);
      assert.deepEqual(await t.wiring.store.settings.getAll(), before);

      const visitor = new AdminClient(app);
      await visitor.get('/admin/login');
      const loginForged = await visitor.post('/admin/login', {
        _csrf: null,
        email: 'admin@example.org',
        password: TEST_PASSWORD,
      });
      assert.equal(loginForged.statusCode, 403);
      assert.equal(visitor.hasSession(), false);
    });

    test('admin pages are never cached, by browsers or by the reader page cache', async () => {
      const client = await clientAs(app, t.wiring, admin, cookie);
      app.pageCache.clear();
      for (const url of ['/admin', '/admin/users', '/admin/settings', '/admin/login']) {
        const response = await client.get(url);
        assert.equal(response.headers['cache-control'], 'no-store', url);
      }
      assert.equal(app.pageCache.size, 0);
      const visitor = await new AdminClient(app).get('/admin/login');
      assert.equal(visitor.headers['cache-control'], 'no-store');
    });

    test('a disabled account cannot sign in and its sessions end at once', async () => {
      const writer = await makeUser(t.wiring, 'contributor', 'leaver@example.org');
      const writerClient = await clientAs(app, t.wiring, writer, cookie);
      const adminClient = await clientAs(app, t.wiring, admin, cookie);
      const response = await adminClient.post(`/admin/users/${writer.id}/status`, { disabled: '1' });
      assert.equal(response.statusCode, 303);
      assert.equal((await writerClient.get('/admin')).statusCode, 303);
      const again = await new AdminClient(app).signIn(writer.email);
      assert.equal(again.statusCode, 401);
      const enabled = await adminClient.post(`/admin/users/${writer.id}/status`, { disabled: '0' });
      assert.equal(enabled.statusCode, 303);
      assert.equal((await new AdminClient(app).signIn(writer.email)).statusCode, 303);
    });

    test('refuses to disable oneself or demote the last admin, with the reason next to the control', async () => {
      const client = await clientAs(app, t.wiring, admin, cookie);
      const self = await client.post(`/admin/users/${admin.id}/status`, { disabled: '1' });
      assert.equal(self.statusCode, 403);
      assert.match(
        self.body,
        new RegExp(`id="status-${admin.id}-error">You cannot disable your own account`),
      );
      const demote = await client.post(`/admin/users/${admin.id}/role`, { role: 'editor' });
      assert.equal(demote.statusCode, 409);
      assert.match(demote.body, /without an active admin/);
      assert.equal((await t.wiring.store.users.findById(admin.id))?.role, 'admin');
    });

    test('changing a role is recorded in the audit log, which admins can read', async () => {
      const writer = await makeUser(t.wiring, 'contributor', 'promoted@example.org');
      const client = await clientAs(app, t.wiring, admin, cookie);
      const bad = await client.post(`/admin/users/${writer.id}/role`, { role: 'overlord' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, new RegExp(`id="role-${writer.id}-error">Role must be one of`));
      const response = await client.post(`/admin/users/${writer.id}/role`, { role: 'author' });
      assert.equal(response.statusCode, 303);
      assert.equal((await t.wiring.store.users.findById(writer.id))?.role, 'author');
      const log = await client.get('/admin/audit');
      assert.equal(log.statusCode, 200);
      assert.match(log.body, /user\.change_role/);
      assert.match(log.body, /Changed promoted@example.org from contributor to author/);
    });
  });

  describe(`admin forms on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let client: AdminClient;

    before(async () => {
      t = await createTestWiring(kind, { now: START });
      app = await buildApp(t.wiring, { shouldLog: false });
      const admin = await makeUser(t.wiring, 'admin', 'boss@example.org');
      client = await clientAs(app, t.wiring, admin, sessionCookieName(t.wiring.siteUrl));
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('the settings form shows every setting', async () => {
      const { SETTING_KEYS } = await import('../../src/domain/settings.ts');
      const page = await client.get('/admin/settings');
      assert.equal(page.statusCode, 200);
      for (const key of Object.values(SETTING_KEYS)) {
        assert.match(page.body, new RegExp(`<label for="field-${key}">`), key);
      }
    });

    test('bad settings are refused field by field, keep what was typed, and store nothing', async () => {
      await client.get('/admin/settings');
      const before = await t.wiring.store.settings.getAll();
      const response = await client.post('/admin/settings', {
        site_name: '',
        site_tagline: 'A tagline <typed>',
        page_size: 'lots',
        membership_url: 'javascript:alert(1)',
        language: 'en',
        default_license: 'CC BY 4.0',
      });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /<p class="field-error" id="field-site_name-error">Must not be empty<\/p>/);
      assert.match(response.body, /id="field-page_size-error">Must be a whole number from 1 to 100/);
      assert.match(response.body, /id="field-membership_url-error">Must be a path starting with \//);
      assert.match(
        response.body,
        /id="field-page_size"[^>]*aria-describedby="field-page_size-error field-page_size-hint"/,
      );
      assert.match(response.body, /id="field-site_tagline"[^>]*value="A tagline &lt;typed&gt;"/);
      assert.match(response.body, /id="field-page_size"[^>]*value="lots"/);
      assert.match(response.body, /<a href="#field-page_size">Articles per listing page<\/a>/);
      assert.deepEqual(await t.wiring.store.settings.getAll(), before);
    });

    test('refuses a site language longer than an article may carry, naming the field', async () => {
      await client.get('/admin/settings');
      const before = await t.wiring.store.settings.getAll();
      // A well-formed tag, one character past the 35 an article's language holds.
      const language = 'en-abcdefgh-abcdefgh-abcdefgh-abcde';
      assert.equal(language.length, 35);
      const response = await client.post('/admin/settings', { language: `${language}f` });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /id="field-language-error">Must be at most 35 characters/);
      assert.deepEqual(await t.wiring.store.settings.getAll(), before);
      const fits = await client.post('/admin/settings', { language });
      assert.equal(fits.statusCode, 303);
      assert.equal((await t.wiring.store.settings.getAll()).get('language'), language);
      await client.get('/admin/settings');
      await client.post('/admin/settings', { language: before.get('language') ?? 'en' });
    });

    test('valid settings are saved with a revision and an audit entry, and readers see them', async () => {
      await client.get('/admin/settings');
      const home = await app.inject({ url: '/' });
      assert.equal(home.statusCode, 200);
      const response = await client.post('/admin/settings', {
        site_name: 'The Basin Review',
        page_size: '8',
      });
      assert.equal(response.statusCode, 303);
      assert.equal(response.headers.location, '/admin/settings?notice=saved');
      const stored = await t.wiring.store.settings.getAll();
      assert.equal(stored.get('site_name'), 'The Basin Review');
      assert.equal(stored.get('page_size'), '8');
      const [entry] = await t.wiring.store.audit.list({ limit: 1 });
      assert.equal(entry?.action, 'settings.update');
      assert.match(entry?.summary ?? '', /site_name, page_size/);
      assert.ok((await t.wiring.store.revisions.list('settings', 0)).length > 0);
      const after = await app.inject({ url: '/' });
      assert.match(after.body, /The Basin Review/);
      const saved = await client.get('/admin/settings?notice=saved');
      assert.match(saved.body, /Settings saved/);
    });

    test('a bad invitation is refused next to its fields and keeps what was typed', async () => {
      await client.get('/admin/users');
      const response = await client.post('/admin/users/invite', {
        email: 'not-an-email',
        name: '',
        role: 'editor',
      });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /id="field-email-error">Must be an email address/);
      assert.match(response.body, /id="field-name-error">Must not be empty/);
      assert.match(response.body, /id="field-email"[^>]*value="not-an-email"/);
      assert.match(response.body, /<option value="editor" selected>/);
      assert.equal((await t.wiring.store.users.list()).length, 1);
      const taken = await client.post('/admin/users/invite', {
        email: 'boss@example.org',
        name: 'Dup',
        role: 'editor',
      });
      assert.equal(taken.statusCode, 409);
      assert.match(taken.body, /id="field-email-error">Is already used by another user/);
    });

    test('without SMTP, an invitation shows the admin the link to pass on', async () => {
      await client.get('/admin/users');
      const response = await client.post('/admin/users/invite', {
        email: 'new.writer@example.org',
        name: 'New Writer',
        role: 'contributor',
      });
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /Email is not configured/);
      assert.match(response.body, /https:\/\/review\.example\/admin\/accept-invitation\?token=/);
      const users = await client.get('/admin/users');
      assert.match(users.body, /new\.writer@example\.org[\s\S]*?Invited/);
    });

    test('an operator can hand over a reset link made on the command line', async () => {
      const { createResetLink } = await import('../../src/services/auth.ts');
      const { link } = await createResetLink(t.wiring, 'Boss@example.org');
      const url = new URL(link);
      assert.equal(url.origin, 'https://review.example');
      const visitor = new AdminClient(app);
      const page = await visitor.get(`${url.pathname}${url.search}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /For boss@example.org/);
      await assert.rejects(createResetLink(t.wiring, 'ghost@example.org'), /There is no user/);
    });

    test('the dashboard lists articles awaiting review, scheduled and recently published', async () => {
      const { saveArticle } = await import('../../src/services/articles.ts');
      const draft = (title: string, status: string, publishedAt: string | null) => ({
        slug: title.toLowerCase().replace(/\W+/g, '-'),
        title,
        subtitle: null,
        summary: null,
        epigraph: null,
        bodyMarkdown: 'Text.',
        status: status as 'draft',
        publishedAt,
        source: null,
        canonicalUrl: null,
        license: null,
        language: 'en',
        featuredImage: null,
        featuredImageAlt: null,
        seoTitle: null,
        seoDescription: null,
        socialImage: null,
        visibility: 'public' as const,
        isFeatured: false,
        hasComments: true,
        authorIds: [],
        termIds: [],
      });
      await saveArticle(t.wiring, draft('Waiting Piece', 'review', null), { actor: 'test' });
      await saveArticle(t.wiring, draft('Future Piece', 'scheduled', '2026-12-01T09:00:00.000Z'), {
        actor: 'test',
      });
      await saveArticle(t.wiring, draft('Out Piece', 'published', '2026-11-19T09:00:00.000Z'), {
        actor: 'test',
      });
      const page = await client.get('/admin');
      const section = (id: string) => new RegExp(`id="${id}"[\\s\\S]*?</section>`).exec(page.body)?.[0] ?? '';
      assert.match(section('dash-review'), /Waiting Piece/);
      assert.match(section('dash-scheduled'), /Future Piece/);
      assert.match(section('dash-published'), /Out Piece/);
      assert.doesNotMatch(section('dash-published'), /Future Piece/);
      // A list shorter than its page links nowhere further.
      assert.doesNotMatch(section('dash-review'), /status=review/);

      // Past the ten a list shows, the heading counts them all and links to the whole list.
      for (let i = 1; i <= 13; i++) {
        await saveArticle(t.wiring, draft(`Queued Piece ${i}`, 'review', null), { actor: 'test' });
      }
      const full = await client.get('/admin');
      const review = /id="dash-review"[\s\S]*?<\/section>/.exec(full.body)?.[0] ?? '';
      assert.match(review, /Awaiting review \(14\)/);
      assert.equal((review.match(/<li>/g) ?? []).length, 10);
      assert.match(review, /<a href="\/admin\/articles\?status=review">The whole review queue \(14\) →<\/a>/);
    });
  });
}
