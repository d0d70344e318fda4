import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { ARTICLE_STATUSES, draftOf } from '../../src/domain/article.ts';
import { can } from '../../src/domain/permissions.ts';
import { ROLES, type Role, type User } from '../../src/domain/user.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { blankArticleInput, createArticle } from '../../src/services/newsroom/editor.ts';
import { ADMIN_NAV } from '../../src/web/newsroom/nav.ts';
import { AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

for (const kind of DATABASE_KINDS) {
  describe(`admin permission matrix on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    let target: User;
    let cookie: string;

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      cookie = sessionCookieName(t.wiring.siteUrl);
      for (const role of ROLES) users.set(role, await makeUser(t.wiring, role, `${role}@example.org`));
      target = await makeUser(t.wiring, 'contributor', 'target@example.org');
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    /** Fills route parameters with something that exists (the target user). */
    const urlFor = (url: string) => url.replace(/:[a-zA-Z]+/g, String(target.id));

    test('every admin route declares who may use it, and the list covers the pages', () => {
      const urls = app.adminRoutes.map((r) => `${r.method} ${r.url}`);
      for (const expected of ['GET /admin', 'GET /admin/users', 'POST /admin/settings', 'GET /admin/audit']) {
        assert.ok(urls.includes(expected), expected);
      }
      assert.ok(app.adminRoutes.every((r) => r.access));
    });

    test('every role × every protected route is allowed or refused exactly as the matrix says', async () => {
      const outcomes: string[] = [];
      for (const route of app.adminRoutes.filter((r) => r.access !== 'public')) {
        for (const role of ROLES) {
          const user = users.get(role)!;
          // A fresh session for each check: some allowed actions end sessions (log out everywhere).
          const client = await clientAs(app, t.wiring, user, cookie);
          const url = urlFor(route.url);
          const response = route.method === 'GET' ? await client.get(url) : await client.post(url, {});
          const { access } = route;
          const isAllowed = access === 'signed-in' || (access !== 'public' && can(role, access));
          const wasRefused =
            response.statusCode === 403 ||
            response.statusCode === 401 ||
            (route.method === 'GET' && String(response.headers.location ?? '').startsWith('/admin/login'));
          outcomes.push(`${route.method} ${route.url} as ${role}: ${response.statusCode}`);
          if (isAllowed) {
            assert.equal(
              wasRefused,
              false,
              `${role} should be allowed ${route.method} ${route.url} (got ${response.statusCode})`,
            );
          } else {
            assert.equal(response.statusCode, 403, `${role} should be refused ${route.method} ${route.url}`);
            assert.match(response.body, /Your role does not allow this/);
          }
        }
      }
      // 4 roles × every protected route were walked.
      assert.equal(
        outcomes.length,
        app.adminRoutes.filter((r) => r.access !== 'public').length * ROLES.length,
      );
    });

    test('deleting an article: every role, on its own and on someone else’s, in every status, as the matrix and the workflow locks say', async () => {
      const owner = (role: Role) => users.get(role)!;
      let count = 0;
      const articleOf = async (user: User, status: (typeof ARTICLE_STATUSES)[number]) => {
        count++;
        const created = await createArticle(t.wiring, user, {
          ...blankArticleInput('en'),
          title: `Matrix deletion ${count}`,
          bodyMarkdown: 'Text.',
        });
        if (status === 'draft') return created;
        const publishedAt =
          status === 'scheduled'
            ? '2026-12-01T00:00:00.000Z'
            : status === 'review'
              ? null
              : '2026-11-01T00:00:00.000Z';
        const { article } = await saveArticle(
          t.wiring,
          { ...draftOf(created), status, publishedAt },
          { actor: 'test', id: created.id },
        );
        return article;
      };
      const outcomes: string[] = [];
      for (const role of ROLES) {
        for (const status of ARTICLE_STATUSES) {
          for (const isOwn of [true, false]) {
            const article = await articleOf(isOwn ? owner(role) : target, status);
            const mayDelete =
              can(role, 'article.delete_any') ||
              (isOwn && can(role, 'article.delete_own') && status !== 'review' && status !== 'scheduled');
            const client = await clientAs(app, t.wiring, owner(role), cookie);
            const editorPage = await client.get(`/admin/articles/${article.id}`);
            if (editorPage.statusCode === 200) {
              assert.equal(
                editorPage.body.includes(`href="/admin/articles/${article.id}/delete"`),
                mayDelete,
                `${role} sees a Delete button on ${isOwn ? 'its own' : 'another'} ${status} article`,
              );
            }
            const confirm = await client.get(`/admin/articles/${article.id}/delete`);
            const done = await client.post(`/admin/articles/${article.id}/delete`, {
              version: String(article.version),
            });
            const isDeleted = (await t.wiring.store.articles.findById(article.id)) === undefined;
            outcomes.push(
              `${role} ${status} ${isOwn ? 'own' : 'other'}: ${confirm.statusCode}/${done.statusCode}`,
            );
            const label = `${role} on ${isOwn ? 'its own' : 'another'} ${status} article`;
            if (mayDelete) {
              assert.equal(confirm.statusCode, 200, label);
              assert.equal(done.statusCode, 303, label);
              assert.equal(isDeleted, true, label);
            } else {
              assert.equal(confirm.statusCode, 403, label);
              assert.equal(done.statusCode, 403, label);
              assert.equal(isDeleted, false, label);
            }
          }
        }
      }
      assert.equal(outcomes.length, ROLES.length * ARTICLE_STATUSES.length * 2);
    });

    test('refused actions change nothing', async () => {
      const editor = await clientAs(app, t.wiring, users.get('editor')!, cookie);
      const before = await t.wiring.store.settings.getAll();
      const response = await editor.post('/admin/settings', { site_name: 'Taken over' });
      assert.equal(response.statusCode, 403);
      assert.deepEqual(await t.wiring.store.settings.getAll(), before);
      const refused = await editor.post(`/admin/users/${target.id}/role`, { role: 'admin' });
      assert.equal(refused.statusCode, 403);
      assert.equal((await t.wiring.store.users.findById(target.id))?.role, 'contributor');
    });

    test('visitors who are not signed in are sent to sign in, or refused with 401 for a form', async () => {
      const visitor = new AdminClient(app);
      await visitor.get('/admin/login');
      for (const route of app.adminRoutes.filter((r) => r.access !== 'public')) {
        const url = urlFor(route.url);
        const response = route.method === 'GET' ? await visitor.get(url) : await visitor.post(url, {});
        if (route.method === 'GET') {
          assert.equal(response.statusCode, 303, url);
          assert.equal(response.headers.location, `/admin/login?next=${encodeURIComponent(url)}`);
        } else {
          assert.equal(response.statusCode, 401, url);
        }
      }
    });

    test('the navigation shows each role only the pages it may open', async () => {
      for (const role of ROLES) {
        const client = await clientAs(app, t.wiring, users.get(role)!, cookie);
        const page = await client.get('/admin');
        assert.equal(page.statusCode, 200);
        const nav = /<nav class="admin-nav"[\s\S]*?<\/nav>/.exec(page.body)?.[0] ?? '';
        for (const link of ADMIN_NAV) {
          assert.equal(nav.includes(`href="${link.href}"`), can(role, link.action), `${role} ${link.href}`);
        }
      }
    });
  });
}
