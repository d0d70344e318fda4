import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { User } from '../../src/domain/user.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const FORM = { title: 'Tide tables', body: 'High water at noon.', language: 'en', visibility: 'public' };

type Item = { key: string; isDone: boolean; note: string };

for (const kind of DATABASE_KINDS) {
  describe(`a new article whose title gives a slug another article holds, on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let editor: User;
    let client: AdminClient;
    const slugItem = async (form: Record<string, string>, id?: number): Promise<Item | undefined> => {
      const answer = await client.post(`/admin/articles/checklist${id ? `?article=${id}` : ''}`, form);
      assert.equal(answer.statusCode, 200, answer.body);
      return (JSON.parse(answer.body).items as Item[]).find((i) => i.key === 'slug');
    };

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      editor = await makeUser(t.wiring, 'editor', 'editor-slugs@example.org');
      client = await clientAs(app, t.wiring, editor, sessionCookieName(t.wiring.siteUrl));
      await client.get('/admin/articles/new');
      const first = await client.post('/admin/articles', { ...FORM, author: '' });
      assert.equal(first.statusCode, 303, first.body);
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('the checklist names the free address, and Publish now publishes under it', async () => {
      // Before the first autosave: the checklist already says which address the article gets.
      const before = await slugItem({ ...FORM, author: '' });
      assert.equal(before?.isDone, true);
      assert.match(before?.note ?? '', /\/articles\/tide-tables-2\b/);
      assert.match(before?.note ?? '', /“Tide tables”/, 'and why: who holds the title’s own');
      const created = await client.post('/admin/articles/autosave', { ...FORM, author: '' });
      assert.equal(created.statusCode, 200, created.body);
      const { id, version } = JSON.parse(created.body);
      assert.equal((await t.wiring.store.articles.findById(id))?.slug, 'tide-tables-2');
      // The form, still with an empty slug field, is checked and published.
      const item = await slugItem({ ...FORM, author: '', version: String(version) }, id);
      assert.equal(item?.isDone, true);
      assert.match(item?.note ?? '', /\/articles\/tide-tables-2\b/);
      const published = await client.post(`/admin/articles/${id}`, {
        ...FORM,
        author: '',
        version: String(version),
        intent: 'publish',
        confirmed: '1',
      });
      assert.equal(published.statusCode, 303, published.body);
      const article = await t.wiring.store.articles.findById(id);
      assert.equal(article?.status, 'published');
      assert.equal(article?.slug, 'tide-tables-2');
    });

    it('a slug typed by hand that another article holds is warned about, with a free one offered', async () => {
      const item = await slugItem({ ...FORM, title: 'Tide tables again', slug: 'tide-tables', author: '' });
      assert.equal(item?.isDone, false);
      assert.match(item?.note ?? '', /“Tide tables”/);
      assert.match(item?.note ?? '', /tide-tables-3/);
      // Saving it is still refused, as before: a typed slug is never changed behind the writer.
      const saved = await client.post('/admin/articles', { ...FORM, slug: 'tide-tables', author: '' });
      assert.equal(saved.statusCode, 400);
    });
  });
}
