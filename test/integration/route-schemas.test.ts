import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { User } from '../../src/domain/user.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

for (const kind of DATABASE_KINDS) {
  describe(`route schemas on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let admin: User;
    let client: AdminClient;

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      admin = await makeUser(t.wiring, 'admin', 'admin@schemas.example');
      client = await clientAs(app, t.wiring, admin, sessionCookieName(t.wiring.siteUrl));
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    /** POSTs a urlencoded body that may repeat a name, as a browser does for several authors. */
    const postForm = async (url: string, pairs: [string, string][]) => {
      await client.get('/admin/articles/new');
      const body = new URLSearchParams([['_csrf', client.csrf], ...pairs]);
      return app.inject({
        method: 'POST',
        url,
        headers: {
          cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: body.toString(),
      });
    };

    it('refuses ids that are not positive integers with a 400 naming the field, never a 500', async () => {
      for (const url of [
        '/admin/articles/abc',
        '/admin/articles/-1',
        '/admin/articles/0',
        '/admin/articles/1e309',
        '/admin/people/1.5',
        '/admin/pages/99999999999999999999',
        '/admin/terms/abc',
      ]) {
        const response = await client.get(url);
        assert.equal(response.statusCode, 400, url);
        assert.match(response.body, /id/, url);
      }
      const missing = await client.get('/admin/articles/424242');
      assert.equal(missing.statusCode, 404);
    });

    it('refuses page numbers that are not small positive integers, on pages and in JSON', async () => {
      for (const url of [
        '/?page=1e309',
        '/?page=-1',
        '/?page=0',
        '/?page=two',
        '/search?q=water&page=1e309',
        `/?page=${'9'.repeat(400)}`,
      ]) {
        const response = await app.inject({ method: 'GET', url });
        assert.equal(response.statusCode, 400, url);
      }
      for (const before of ['abc', '1e309']) {
        const audit = await client.get(`/admin/audit?before=${before}`);
        assert.equal(audit.statusCode, 400, before);
        assert.match(audit.body, /Page: Is not a page of this list/, 'the log is shown with the message');
        assert.match(audit.body, /aria-label="Entries"/, 'the log is shown with the message');
      }
      const api = await app.inject({ method: 'GET', url: '/api/search?q=water&page=-1' });
      assert.equal(api.statusCode, 400);
      const error = api.json();
      assert.equal(error.code, 'VALIDATION_FAILED');
      assert.match(error.requestId, /^[0-9a-f-]{36}$/);
      assert.equal(error.details[0].field, 'page');
    });

    it('reads a text that looks like digits and dots as text, not as a number out of range', async () => {
      for (const url of [
        '/search?q=2.0.1',
        '/search?q=127.0.0.1',
        '/api/search?q=1.2.3',
        '/search?q=1e400',
        // Values no route declares a number are left alone: trackers' ids and cache-busting versions.
        '/?fbclid=9e999',
        '/?utm_campaign=1e400',
        '/healthz?x=1e400',
        '/assets/site.js?v=716492e304',
      ]) {
        const response = await app.inject({ method: 'GET', url });
        assert.equal(response.statusCode, 200, url);
      }
    });

    it('reads repeated form fields as lists and absent checkboxes as unticked', async () => {
      const created = await postForm('/admin/articles', [
        ['title', 'Two hands on one pen'],
        ['body', 'Written together.'],
        ['author', 'Ada Cowriter'],
        ['author', 'Bo Cowriter'],
        ['language', 'en'],
        ['visibility', 'public'],
      ]);
      assert.equal(created.statusCode, 303);
      const id = Number(/\/admin\/articles\/(\d+)/.exec(String(created.headers.location))?.[1]);
      const article = await t.wiring.store.articles.findById(id);
      assert.equal(article?.hasComments, false);
      const people = await t.wiring.store.people.list();
      const names = people.map((p) => p.name);
      assert.ok(names.includes('Ada Cowriter') && names.includes('Bo Cowriter'));

      const ticked = await client.post('/admin/pages', {
        title: 'Colophon',
        body: 'Set in type.',
        status: 'published',
        show_in_navigation: '1',
        position: '3',
      });
      assert.equal(ticked.statusCode, 303);
      const pageUrl = String(ticked.headers.location).replace(/\?.*$/, '');
      const unticked = await client.post(pageUrl, {
        title: 'Colophon',
        body: 'Set in type.',
        status: 'published',
        position: '3',
      });
      assert.equal(unticked.statusCode, 303);
      const page = (await t.wiring.store.pages.list()).find((p) => p.title === 'Colophon');
      assert.equal(page?.showInNavigation, false);
      assert.equal(page?.position, 3);
    });

    it('shows a refused form again with the field errors and what was typed', async () => {
      await client.get('/admin/people/new');
      const response = await client.post('/admin/people', { name: '', email: 'not-an-address' });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /id="field-name-error"/);
      assert.match(response.body, /id="field-email-error">Must be an email address/);
      assert.match(response.body, /value="not-an-address"/);
    });

    it('answers JSON errors from the newsroom with the code and the request id', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/admin/preview',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'markdown=hello',
      });
      assert.equal(response.statusCode, 401);
      const error = response.json();
      assert.equal(error.code, 'PERMISSION_DENIED');
      assert.match(error.requestId, /^[0-9a-f-]{36}$/);
    });
  });
}
