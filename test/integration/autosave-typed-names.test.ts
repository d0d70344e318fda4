import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const FORM = { title: 'Dune walks', body: 'Sand moves.', language: 'en', visibility: 'public' };

for (const kind of DATABASE_KINDS) {
  describe(`an autosave creates no person or term from a name still being typed, on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = async (role: Role): Promise<AdminClient> => {
      const client = await clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));
      await client.get('/admin/articles/new');
      return client;
    };
    const peopleCalled = async (name: string) =>
      (await t.wiring.store.people.list()).filter((p) => p.name === name).length;
    const termsCalled = async (name: string) =>
      (await t.wiring.store.taxonomies.listTerms()).filter((x) => x.name === name).length;

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      users.set('editor', await makeUser(t.wiring, 'editor', 'editor@typed.example'));
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('a new article’s first autosave keeps the half-typed names aside, and the save creates them', async () => {
      const editor = await as('editor');
      const typing = { ...FORM, author: 'Ines Alv', new_terms_tag: 'Coastal ero' };
      const first = await editor.post('/admin/articles/autosave', typing);
      assert.equal(first.statusCode, 200, first.body);
      const { id, autosaveUrl, version } = JSON.parse(first.body);
      assert.equal(await peopleCalled('Ines Alv'), 0, 'no person from a partial name');
      assert.equal(await termsCalled('Coastal ero'), 0, 'no tag from a partial name');
      const draft = await t.wiring.store.articles.findById(id);
      assert.equal(draft?.title, 'Dune walks', 'the draft is made all the same');
      // What was typed is kept with the autosave, to be offered back.
      const kept = await t.wiring.store.autosaves.find(id, users.get('editor')!.id);
      assert.deepEqual((kept?.snapshot as { newAuthorNames?: string[] } | undefined)?.newAuthorNames, [
        'Ines Alv',
      ]);
      // Later autosaves, with the names typed out, still create nothing.
      const done = {
        ...FORM,
        author: 'Ines Alvarado',
        new_terms_tag: 'Coastal erosion',
        version: String(version),
      };
      assert.equal((await editor.post(autosaveUrl, done)).statusCode, 200);
      assert.equal(await peopleCalled('Ines Alvarado'), 0);
      assert.equal(await termsCalled('Coastal erosion'), 0);
      // The writer's save is what creates them, with the names as they stand.
      const saved = await editor.post(`/admin/articles/${id}`, done);
      assert.equal(saved.statusCode, 303, saved.body);
      assert.equal(await peopleCalled('Ines Alvarado'), 1);
      assert.equal(await termsCalled('Coastal erosion'), 1);
      assert.equal(await peopleCalled('Ines Alv'), 0);
      const article = await t.wiring.store.articles.findById(id);
      const byline = await t.wiring.store.people.findByIds(article?.authorIds ?? []);
      assert.deepEqual(
        byline.map((p) => p.name),
        ['Ines Alvarado'],
      );
    });
  });
}
