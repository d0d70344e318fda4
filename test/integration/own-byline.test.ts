import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Role } from '../../src/domain/user.ts';
import { clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const FORM = { title: 'Harbour notes', body: 'The tide came in.', language: 'en', visibility: 'public' };

for (const kind of DATABASE_KINDS) {
  describe(`a writer with no person yet who leaves the byline empty is credited, on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    for (const role of ['author', 'editor'] as Role[]) {
      it(`an ${role}: autosave, then publish with the author field still empty`, async () => {
        const user = await makeUser(t.wiring, role, `${role}-own@example.org`);
        const client = await clientAs(app, t.wiring, user, sessionCookieName(t.wiring.siteUrl));
        await client.get('/admin/articles/new');
        const form = { ...FORM, title: `Harbour notes by the ${role}` };
        const first = await client.post('/admin/articles/autosave', { ...form, author: '' });
        assert.equal(first.statusCode, 200, first.body);
        const { id, version } = JSON.parse(first.body);
        const linked = (await t.wiring.store.users.findById(user.id))?.personId ?? null;
        assert.notEqual(linked, null, 'the first autosave gives the writer a person');
        assert.deepEqual((await t.wiring.store.articles.findById(id))?.authorIds, [linked]);
        const published = await client.post(`/admin/articles/${id}`, {
          ...form,
          author: '',
          version: String(version),
          intent: 'publish',
          confirmed: '1',
        });
        assert.equal(published.statusCode, 303, published.body);
        const article = await t.wiring.store.articles.findById(id);
        assert.equal(article?.status, 'published');
        assert.deepEqual(article?.authorIds, [linked], 'the writer is on the byline');
        const person = await t.wiring.store.people.findById(linked!);
        assert.equal((await app.inject({ url: `/authors/${person?.slug}` })).statusCode, 200);
      });
    }

    it('an editor who clears the byline of an article crediting someone else is not put on it', async () => {
      const editor = await makeUser(t.wiring, 'editor', 'editor-clears@example.org');
      const client = await clientAs(app, t.wiring, editor, sessionCookieName(t.wiring.siteUrl));
      await client.get('/admin/articles/new');
      // The editor's own first article gives them a person of their own.
      await client.post('/admin/articles', { ...FORM, title: 'Desk diary', author: '' });
      assert.notEqual((await t.wiring.store.users.findById(editor.id))?.personId ?? null, null);
      const form = { ...FORM, title: 'Wire copy' };
      const created = await client.post('/admin/articles', { ...form, author: 'Sam Stringer' });
      assert.equal(created.statusCode, 303, created.body);
      const id = Number(/articles\/(\d+)/.exec(created.headers.location ?? '')?.[1]);
      const stored = await t.wiring.store.articles.findById(id);
      assert.equal(stored?.authorIds.length, 1);
      const cleared = await client.post(`/admin/articles/${id}`, {
        ...form,
        author: '',
        version: String(stored?.version),
      });
      assert.equal(cleared.statusCode, 303, cleared.body);
      assert.deepEqual((await t.wiring.store.articles.findById(id))?.authorIds, []);
    });
  });
}
