// Parallel creates of the same person, term or page (the same slug or name) race to the unique
// index: each either finds the one that won (imports, bylines) or is refused with a form error
// naming the field (the admin's "New" forms), never a 500. On PostgreSQL the requests really do
// run side by side; on SQLite they queue for the write lock, and must give the same answers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { savePageIn } from '../../src/services/pages.ts';
import { findOrCreatePerson } from '../../src/services/people.ts';
import { findOrCreateTerm } from '../../src/services/taxonomies.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const PARALLEL = 10;

for (const kind of DATABASE_KINDS) {
  describe(`parallel creates of one slug on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = (role: Role): Promise<AdminClient> =>
      clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      users.set('editor', await makeUser(t.wiring, 'editor', 'editor@races.example'));
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    /** Posts the same form PARALLEL times at once: one is made, the others name the field. */
    async function raceForm(url: string, form: Record<string, string>, field: string) {
      const editor = await as('editor');
      const answers = await Promise.all(Array.from({ length: PARALLEL }, () => editor.post(url, form)));
      const statuses = answers.map((a) => a.statusCode);
      assert.ok(!statuses.some((s) => s >= 500), `no 500s: ${statuses.join(' ')}`);
      assert.equal(statuses.filter((s) => s === 303).length, 1, `one made: ${statuses.join(' ')}`);
      for (const refused of answers.filter((a) => a.statusCode !== 303)) {
        assert.ok([400, 409].includes(refused.statusCode), `refused as a form error: ${refused.statusCode}`);
        assert.match(refused.body, new RegExp(`id="field-${field}-error">[^<]*already`, 'i'));
      }
    }

    test('the admin’s new-person form, posted ten times at once', async () => {
      await raceForm('/admin/people', { name: 'Ines Parallel', slug: 'ines-parallel' }, 'slug');
      const people = (await t.wiring.store.people.list()).filter((p) => p.slug.startsWith('ines-parallel'));
      assert.equal(people.length, 1);
    });

    test('the admin’s new-term form, posted ten times at once', async () => {
      await raceForm(
        '/admin/taxonomies/theme/terms',
        { name: 'Parallel Tides', slug: 'parallel-tides' },
        'slug',
      );
    });

    test('the admin’s new-page form, posted ten times at once', async () => {
      await raceForm(
        '/admin/pages',
        { title: 'Parallel Page', slug: 'parallel-page', body: 'Once.', status: 'draft' },
        'slug',
      );
      assert.equal((await t.wiring.store.pages.findBySlug('parallel-page'))?.bodyMarkdown, 'Once.');
    });

    test('imports and bylines that name one new person, term or page at once all find the one made', async () => {
      const { store } = t.wiring;
      const now = new Date('2026-11-20T00:00:00.000Z');
      const theme = (await store.taxonomies.listTaxonomies()).find((x) => x.slug === 'theme')!;
      const times = <T>(work: () => Promise<T>) => Promise.all(Array.from({ length: PARALLEL }, work));

      const people = await times(() =>
        store.transaction((repos) => findOrCreatePerson(repos, { name: 'Oren Concurrent' }, now)),
      );
      assert.equal(new Set(people.map((p) => p.id)).size, 1, 'one person');

      const terms = await times(() =>
        store.transaction((repos) => findOrCreateTerm(repos, theme, { name: 'Concurrent Currents' }, now)),
      );
      assert.equal(new Set(terms.map((x) => x.id)).size, 1, 'one term');

      const pages = await times(() =>
        store.transaction((repos) =>
          savePageIn(
            repos,
            {
              slug: 'concurrent-about',
              title: 'About',
              bodyMarkdown: 'Imported.',
              status: 'published',
              showInNavigation: false,
              position: 0,
            },
            { actor: 'import', now },
          ),
        ),
      );
      assert.equal(new Set(pages.map((p) => p.page.id)).size, 1, 'one page');
    });
  });
}
