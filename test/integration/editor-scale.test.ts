import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { CompiledQuery } from 'kysely';
import pino from 'pino';
import { buildApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import type { User } from '../../src/domain/user.ts';
import { SMALL_TAXONOMY } from '../../src/services/newsroom/editor.ts';
import { createWiring, type Wiring } from '../../src/wiring.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';

const TAGS = 3_000;
const PEOPLE = 1_000;

for (const kind of DATABASE_KINDS) {
  describe(`the editor on a site with ${TAGS} tags and ${PEOPLE} people, on ${kind}`, () => {
    let database: TestDatabase;
    let wiring: Wiring;
    let app: FastifyInstance;
    let editor: AdminClient;
    let articleId: number;
    let seen: CompiledQuery[] | null = null;

    before(async () => {
      database = await createTestDatabase(kind);
      wiring = await createWiring({
        config: parseConfig({
          database: { url: database.url },
          data: { dir: database.dataDir },
          site: { url: 'https://scale.example' },
          log: { level: 'silent' },
        }),
        log: pino({ level: 'silent' }),
        now: () => new Date('2026-11-20T12:00:00.000Z'),
        onQuery: (query) => {
          seen?.push(CompiledQuery.raw(query.sql, [...query.parameters]));
        },
      });
      app = await buildApp(wiring, { shouldLog: false });
      const user: User = await makeUser(wiring, 'editor', 'desk@scale.example');
      editor = await clientAs(app, wiring, user, sessionCookieName(wiring.siteUrl));
      articleId = await addArticle(wiring, {
        slug: 'harbour-dues',
        title: 'Harbour dues',
        body: 'The dues went up.',
        publishedAt: '2026-11-01T10:00:00.000Z',
        authors: ['Ana Reis'],
        terms: { tag: ['Ports', 'Shipping'], region: ['Europe'] },
      });
    });
    after(async () => {
      await app.close();
      await wiring.close();
      await database.drop();
    });

    /**
     * The queries the editor's page, its preview and a save send, and the rows they read: each
     * SELECT is run again afterwards and its rows counted.
     */
    const measure = async () => {
      seen = [];
      const page = await editor.get(`/admin/articles/${articleId}`);
      assert.equal(page.statusCode, 200);
      const form = {
        title: 'Harbour dues',
        body: 'The dues went up again.',
        author: 'Ana Reis',
        term: /name="term" value="(\d+)" checked/.exec(page.body)?.[1] ?? '',
        language: 'en',
        visibility: 'public',
      };
      const preview = await editor.post(`/admin/articles/${articleId}/preview`, form);
      assert.equal(preview.statusCode, 200);
      // SQLite's check for writes by others (which the inserts below are) is not a read.
      const queries = seen.filter((q) => !/^PRAGMA data_version/.test(q.sql));
      seen = null;
      let rows = 0;
      for (const query of queries)
        if (/^\s*select/i.test(query.sql)) rows += (await wiring.database.db.executeQuery(query)).rows.length;
      return { queries: queries.map((q) => q.sql), rows, bytes: page.body.length, page: page.body };
    };

    it('reads as many queries and rows, and sends as large a page, whatever the number of terms and people', async () => {
      await measure(); // the first opening fills caches (settings, site structure) for later ones
      const small = await measure();
      const tag = (await wiring.store.taxonomies.listTaxonomies()).find((t) => t.slug === 'tag');
      assert.ok(tag);
      const now = '2026-11-20T12:00:00.000Z';
      const db = wiring.database.db;
      for (let from = 0; from < TAGS; from += 500) {
        await db
          .insertInto('terms')
          .values(
            Array.from({ length: 500 }, (_, i) => ({
              taxonomy_id: tag.id,
              slug: `tag-${from + i}`,
              name: `Tag ${from + i}`,
              parent_id: null,
              description: null,
              position: 0,
              created_at: now,
              updated_at: now,
            })) as never,
          )
          .execute();
      }
      for (let from = 0; from < PEOPLE; from += 500) {
        await db
          .insertInto('people')
          .values(
            Array.from({ length: 500 }, (_, i) => ({
              slug: `writer-${from + i}`,
              name: `Writer ${from + i}`,
              created_at: now,
              updated_at: now,
            })) as never,
          )
          .execute();
      }
      const large = await measure();
      // In any order: the editor sends some at once.
      assert.deepEqual(large.queries.sort(), small.queries.sort());
      // The tag taxonomy is now read up to SMALL_TAXONOMY + 1 terms, to tell it is large.
      assert.ok(large.rows <= small.rows + SMALL_TAXONOMY + 1, `rows: ${small.rows} then ${large.rows}`);
      assert.ok(large.bytes < small.bytes + 2_000, `bytes: ${small.bytes} then ${large.bytes}`);
      assert.doesNotMatch(large.page, /Writer 17|Tag 17/);
      // The article's own tags stay ticked; more are added by name or slug.
      assert.match(large.page, /<label for="term-\d+">Ports<\/label>/);
      assert.match(large.page, /data-suggest="\/admin\/suggest\/terms\?taxonomy=tag"/);
      assert.match(large.page, /data-suggest="\/admin\/suggest\/people"/);
    });

    it('adds terms of a large taxonomy typed by name or slug, and refuses a name two terms share, listing them', async () => {
      const page = await editor.get(`/admin/articles/${articleId}`);
      const version = /name="version" value="(\d+)"/.exec(page.body)?.[1] ?? '';
      const kept = [...page.body.matchAll(/name="term" value="(\d+)" checked/g)].map((m) => m[1] ?? '');
      const region = (await wiring.store.taxonomies.listTaxonomies()).find((t) => t.slug === 'region');
      assert.ok(region);
      const caucasus = await wiring.store.taxonomies.findTermByName(region.id, 'Europe');
      assert.ok(caucasus);
      const now = '2026-11-20T12:00:00.000Z';
      for (const [slug, parent] of [
        ['georgia', caucasus.id],
        ['georgia-us', null],
      ] as const) {
        await wiring.database.db
          .insertInto('terms')
          .values({
            taxonomy_id: region.id,
            slug,
            name: 'Georgia',
            parent_id: parent,
            description: null,
            position: 0,
            created_at: now,
            updated_at: now,
          } as never)
          .execute();
      }
      const body = new URLSearchParams({
        _csrf: editor.csrf,
        title: 'Harbour dues',
        body: 'The dues went up.',
        author: 'Ana Reis',
        language: 'en',
        visibility: 'public',
        version,
        new_terms_tag: 'Tag 17, tag-2999',
        new_terms_region: 'Georgia',
      });
      for (const id of kept) body.append('term', id);
      const send = () =>
        app.inject({
          method: 'POST',
          url: `/admin/articles/${articleId}`,
          headers: { cookie: editor.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: body.toString(),
        });
      const refused = await send();
      assert.equal(refused.statusCode, 400);
      assert.match(
        refused.body,
        /“Georgia” is the name of 2 regions: write one’s address name instead \(georgia, georgia-us\)/,
      );
      // What was typed and ticked is kept.
      assert.match(refused.body, /value="Tag 17, tag-2999"/);
      body.set('new_terms_region', 'georgia-us');
      const saved = await send();
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));
      const article = await wiring.store.articles.findById(articleId);
      const names = (await wiring.store.taxonomies.findTermsByIds(article?.termIds ?? [])).map((t) => t.slug);
      assert.deepEqual(names.sort(), ['europe', 'georgia-us', 'ports', 'shipping', 'tag-17', 'tag-2999']);
      assert.equal((await wiring.store.taxonomies.listTerms(region.id)).length, 3, 'no term was made');
    });
  });
}
