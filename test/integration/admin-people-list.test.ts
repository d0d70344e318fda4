import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { listPeoplePage } from '../../src/services/newsroom/people-admin.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const NAMES = ['Ana Reis', 'Ben Okafor', 'Carla Mendes', 'ana beatriz', 'Zoe Lam'];

function listedNames(body: string): string[] {
  return [...body.matchAll(/<td data-label="Name"><a href="\/admin\/people\/\d+"[^>]*>([^<]+)<\/a>/g)].map(
    (m) => m[1] ?? '',
  );
}

for (const kind of DATABASE_KINDS) {
  describe(`the admin people list on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = (role: Role): Promise<AdminClient> =>
      clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const role of ['contributor', 'editor'] as const) {
        users.set(role, await makeUser(t.wiring, role, `${role}@people.example`));
      }
      for (const [i, name] of NAMES.entries()) {
        await t.wiring.store.people.insert({
          slug: name.toLowerCase().replace(/\s+/g, '-'),
          name,
          bio: null,
          bioHtml: null,
          email: i === 2 ? 'carla@desk.example' : null,
          website: null,
          links: [],
          photo: null,
          createdAt: '2026-01-01T00:00:00.000Z',
          // Two to a time, so the keyset's tie-breaker is exercised.
          updatedAt: `2026-01-0${1 + Math.floor(i / 2)}T00:00:00.000Z`,
        });
      }
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('pages through everyone by keyset in each order, each once, to the end', async () => {
      const editor = users.get('editor')!;
      for (const sort of ['name', 'updated'] as const) {
        const seen: string[] = [];
        let after: { key: string; id: number } | undefined;
        for (let page = 0; page < 10; page++) {
          const result = await listPeoplePage(
            t.wiring,
            editor,
            { sort, ...(after ? { after } : {}) },
            { pageSize: 2 },
          );
          seen.push(...result.rows.map((r) => r.name));
          if (!result.next) break;
          after = result.next;
        }
        const all = await t.wiring.store.people.list();
        assert.equal(seen.length, all.length, sort);
        assert.equal(new Set(seen).size, all.length, sort);
      }
    });

    it('searches names, addresses and email, case aside', async () => {
      const editor = await as('editor');
      assert.deepEqual(listedNames((await editor.get('/admin/people?q=ANA')).body).sort(), [
        'Ana Reis',
        'ana beatriz',
      ]);
      assert.deepEqual(listedNames((await editor.get('/admin/people?q=desk.example')).body), [
        'Carla Mendes',
      ]);
      assert.deepEqual(listedNames((await editor.get('/admin/people?q=%25')).body), []);
    });

    it('refuses a wrong order or page with a 400 naming the field, and contributors altogether', async () => {
      const editor = await as('editor');
      const sort = await editor.get('/admin/people?sort=age&q=%20');
      assert.equal(sort.statusCode, 400);
      assert.match(
        sort.body,
        /id="people-sort" name="sort" aria-invalid="true" aria-describedby="people-sort-error"/,
      );
      assert.match(sort.body, /<p class="field-error" id="people-sort-error">Must be one of name, updated/);
      assert.match(sort.body, /<a href="#people-sort">Sort by<\/a>/);
      assert.match(sort.body, /<table class="stack-table people-list">/, 'the list is still shown');
      const long = await editor.get(`/admin/people?q=${'x'.repeat(201)}`);
      assert.equal(long.statusCode, 400);
      assert.match(long.body, /<p class="field-error" id="people-q-error">Must be at most 200 characters/);
      assert.match(long.body, new RegExp(`value="${'x'.repeat(201)}"`), 'what was typed stays');
      const page = await editor.get('/admin/people?after=xyz');
      assert.equal(page.statusCode, 400);
      assert.match(page.body, /Page: Is not a page of this list/);
      const twice = await editor.get('/admin/people?q=a&q=b&sort=name&sort=updated');
      assert.deepEqual(
        listedNames(twice.body),
        listedNames((await editor.get('/admin/people?q=b&sort=updated')).body),
        'a key given twice counts with its last value',
      );
      assert.equal(twice.statusCode, 200);
      const nul = await editor.get('/admin/people?q=%00');
      assert.equal(nul.statusCode, 400);
      assert.match(nul.body, /<p class="field-error" id="people-q-error">Contains a NUL character/);
      assert.match(nul.body, /<table class="stack-table people-list">/, 'the list is still shown');
      const contributor = await as('contributor');
      assert.equal((await contributor.get('/admin/people')).statusCode, 403);
    });
  });
}
