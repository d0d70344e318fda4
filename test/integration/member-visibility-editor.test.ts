import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const BODY = 'Everyone reads this.\n\n<!-- members-only -->\n\nOnly supporters read this.';

for (const kind of DATABASE_KINDS) {
  describe(`choosing who reads an article in the editor on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let editor: AdminClient;

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      const user = await makeUser(t.wiring, 'editor', 'editor@newsroom.example');
      editor = await clientAs(app, t.wiring, user, sessionCookieName(t.wiring.siteUrl));
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('offers everyone, members and paying members, and says where the preview ends', async () => {
      const page = (await editor.get('/admin/articles/new')).body;
      const select = /<select id="field-visibility"[\s\S]*?<\/select>/.exec(page)?.[0] ?? '';
      assert.deepEqual(
        [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]),
        ['public', 'members', 'paid'],
      );
      assert.match(
        page,
        /id="field-visibility-hint">Others read the body up to a line <code>&lt;!-- members-only --&gt;<\/code>/,
      );
    });

    it('saves a paid article with its preview, and refuses an unknown visibility naming the field', async () => {
      const form = { title: 'For supporters', body: BODY, language: 'en', has_comments: '1' };
      const saved = await editor.post('/admin/articles', { ...form, visibility: 'paid' });
      assert.equal(saved.statusCode, 303);
      const id = Number(/\/admin\/articles\/(\d+)/.exec(String(saved.headers.location))?.[1]);
      const article = await t.wiring.store.articles.findById(id);
      assert.equal(article?.visibility, 'paid');
      assert.equal(article?.previewHtml, '<p>Everyone reads this.</p>');
      const edit = (await editor.get(`/admin/articles/${id}`)).body;
      assert.match(edit, /<option value="paid" selected>Paying members only<\/option>/);

      const before = await t.wiring.store.articles.count();
      const refused = await editor.post('/admin/articles', { ...form, title: 'Odd', visibility: 'friends' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /id="field-visibility-error">Must be one of public, members, paid/);
      assert.match(refused.body, /Only supporters read this\./, 'the text typed is kept on the page');
      assert.equal(await t.wiring.store.articles.count(), before);
    });
  });
}
