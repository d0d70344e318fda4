import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { addTerm } from '../../src/services/testing/fixtures.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const TAGS = ['Coastal erosion', 'Erosion', 'Soil erosion', 'Rivers', 'River deltas', 'Delta works'];

for (const kind of DATABASE_KINDS) {
  describe(`the merge pickers and the merge confirmation on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = (role: Role): Promise<AdminClient> =>
      clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));
    const ids = new Map<string, number>();

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      users.set('editor', await makeUser(t.wiring, 'editor', 'editor@merge.example'));
      const tagId = (await t.wiring.store.taxonomies.listTaxonomies()).find((x) => x.slug === 'tag')!.id;
      for (const name of TAGS) {
        const slug = name.toLowerCase().replace(/\s+/g, '-');
        ids.set(
          name,
          await t.wiring.store.transaction((repos) => addTerm(repos, { taxonomyId: tagId, slug, name })),
        );
      }
      for (const name of ['Ana Reis', 'Reinaldo Costa', 'Maria Reis-Silva']) {
        await t.wiring.store.people.insert({
          slug: name.toLowerCase().replace(/\s+/g, '-'),
          name,
          bio: null,
          bioHtml: null,
          email: null,
          website: null,
          links: [],
          photo: null,
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-01-01T00:00:00.000Z',
        });
      }
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    const suggested = async (client: AdminClient, url: string): Promise<string[]> =>
      ((await client.get(url)).json() as { suggestions: { value: string }[] }).suggestions.map(
        (s) => s.value,
      );

    it('suggests names holding the typed text anywhere, those beginning with it first', async () => {
      const editor = await as('editor');
      assert.deepEqual(await suggested(editor, '/admin/suggest/terms?taxonomy=tag&q=erosion'), [
        'Erosion',
        'Coastal erosion',
        'Soil erosion',
      ]);
      assert.deepEqual(await suggested(editor, '/admin/suggest/terms?taxonomy=tag&q=delta'), [
        'Delta works',
        'River deltas',
      ]);
      assert.deepEqual(await suggested(editor, '/admin/suggest/people?q=reis'), [
        'Ana Reis',
        'Maria Reis-Silva',
      ]);
      assert.deepEqual(await suggested(editor, '/admin/suggest/people?q=rei'), [
        'Reinaldo Costa',
        'Ana Reis',
        'Maria Reis-Silva',
      ]);
      // One letter is in nearly every name: only names beginning with it.
      assert.deepEqual(await suggested(editor, '/admin/suggest/terms?taxonomy=tag&q=s'), ['Soil erosion']);
      // LIKE's wildcards are matched as written.
      assert.deepEqual(await suggested(editor, '/admin/suggest/terms?taxonomy=tag&q=%25s'), []);
    });

    it('asks before merging one term, naming both, and merges once confirmed', async () => {
      const editor = await as('editor');
      const from = ids.get('Soil erosion')!;
      await editor.get(`/admin/terms/${from}`);
      const asked = await editor.post(`/admin/terms/${from}/merge`, { into: 'erosion' });
      assert.equal(asked.statusCode, 200);
      assert.match(asked.body, /<h2 id="merge-heading">Merge “Soil erosion” into “Erosion”\?<\/h2>/);
      assert.match(asked.body, /<code>\/tag\/soil-erosion<\/code>, redirects/);
      assert.match(
        asked.body,
        /name="into" value="erosion"><input type="hidden" name="confirmed" value="1">/,
      );
      assert.match(asked.body, new RegExp(`<a href="/admin/terms/${from}">Cancel</a>`));
      assert.ok(await t.wiring.store.taxonomies.findTermById(from), 'not merged before it is confirmed');
      // A term that does not exist is said by the field, before any question.
      const unknown = await editor.post(`/admin/terms/${from}/merge`, { into: 'Atlantis' });
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.body, /id="field-into-error"/);
      const merged = await editor.post(`/admin/terms/${from}/merge`, { into: 'erosion', confirmed: '1' });
      assert.equal(merged.statusCode, 303);
      assert.equal(await t.wiring.store.taxonomies.findTermById(from), undefined);
    });

    it('asks before a bulk merge, naming every term ticked and the one they go into', async () => {
      const editor = await as('editor');
      await editor.get('/admin/taxonomies/tag');
      const chosen = [ids.get('Rivers')!, ids.get('Delta works')!];
      const post = (confirmed: string) =>
        app.inject({
          method: 'POST',
          url: '/admin/taxonomies/tag/merge',
          headers: { cookie: editor.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams([
            ['_csrf', editor.csrf],
            ...chosen.map((id) => ['id', String(id)]),
            ['into', 'River deltas'],
            ['confirmed', confirmed],
          ]).toString(),
        });
      const asked = await post('');
      assert.equal(asked.statusCode, 200);
      assert.match(asked.body, /Merge “Rivers” and “Delta works” into “River deltas”\?/);
      for (const id of chosen)
        assert.match(asked.body, new RegExp(`<input type="hidden" name="id" value="${id}">`));
      assert.equal((await t.wiring.store.taxonomies.findTermsByIds(chosen)).length, 2);
      const merged = await post('1');
      assert.equal(merged.statusCode, 303);
      assert.equal((await t.wiring.store.taxonomies.findTermsByIds(chosen)).length, 0);
    });
  });
}
