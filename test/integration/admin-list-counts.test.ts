import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { type CompiledQuery, sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { LIST_COUNT_CAP } from '../../src/services/newsroom/list-count.ts';
import { addTerm } from '../../src/services/testing/fixtures.ts';
import { adminListQueries } from '../../src/storage/admin-list-repository.ts';
import { adminArticleCountQuery } from '../../src/storage/article-admin-repository.ts';
import { peopleAdminCountQuery } from '../../src/storage/people-admin-repository.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

/** The line above a list that says how many match, as a reader would read it. */
function countLine(body: string): string | undefined {
  return /<p class="list-count" role="status">([^<]*)<\/p>/.exec(body)?.[1];
}

/** The empty state's words, when the list shows one. */
function emptyLine(body: string): string | undefined {
  return /<p class="empty">([^<]*)<\/p>/.exec(body)?.[1];
}

for (const kind of DATABASE_KINDS) {
  describe(`the newsroom’s lists say how many match, on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = (role: Role): Promise<AdminClient> =>
      clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      users.set('editor', await makeUser(t.wiring, 'editor', 'editor@counts.example'));
      const db = t.wiring.database.db;
      // 1,233 writers and one "Unique Quill": thousands separators, and a single match.
      await sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1233)
        INSERT INTO people (slug, name, links, created_at, updated_at)
        SELECT 'writer-' || i, 'Writer ' || i, '[]', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM n`.execute(
        db,
      );
      await sql`INSERT INTO people (slug, name, links, created_at, updated_at)
        VALUES ('unique-quill', 'Unique Quill', '[]', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`.execute(
        db,
      );
      // One page more than the count reads.
      await sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${LIST_COUNT_CAP + 1})
        INSERT INTO pages (slug, title, body_markdown, body_html, status, show_in_navigation, position, created_at, updated_at)
        SELECT 'page-' || i, 'Page ' || (100000 + i), 'Text.', '<p>Text.</p>', 'draft', 0, i,
          '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM n`.execute(db);
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('counts people with thousands separators, one in the singular, none as an empty state', async () => {
      const editor = await as('editor');
      const all = await editor.get('/admin/people');
      assert.equal(all.statusCode, 200);
      assert.equal(countLine(all.body), '1,234 people match.');
      const later = await editor.get(
        `/admin/people${/<a href="\/admin\/people([^"]+)" rel="next">/.exec(all.body)?.[1]?.replaceAll('&amp;', '&')}`,
      );
      assert.equal(countLine(later.body), '1,234 people match.', 'a later page says the same');
      assert.equal(countLine((await editor.get('/admin/people?q=unique')).body), '1 person matches.');
      const none = await editor.get('/admin/people?q=zzzz');
      assert.equal(countLine(none.body), undefined);
      assert.equal(emptyLine(none.body), 'No one matches.');
      assert.match(none.body, /<a href="\/admin\/people">Clear the search and filters<\/a>/);
    });

    it('says “more than 10,000” past the cap, and counts a search below it exactly', async () => {
      const editor = await as('editor');
      assert.equal(countLine((await editor.get('/admin/pages')).body), 'More than 10,000 pages match.');
      assert.equal(countLine((await editor.get('/admin/pages?q=Page%20100001')).body), '1 page matches.');
      assert.equal(countLine((await editor.get('/admin/pages?q=Page%201001')).body), '100 pages match.');
    });

    it('counts terms, and a taxonomy with none says so and offers to add the first', async () => {
      const editor = await as('editor');
      const empty = await editor.get('/admin/taxonomies/tag');
      assert.equal(emptyLine(empty.body), 'No tags yet.');
      assert.match(empty.body, /<a class="button" href="#add-term">Add the first tag<\/a>/);
      const tagId = (await t.wiring.store.taxonomies.listTaxonomies()).find((x) => x.slug === 'tag')!.id;
      await t.wiring.store.transaction((repos) =>
        addTerm(repos, { taxonomyId: tagId, slug: 'tides', name: 'Tides' }),
      );
      assert.equal(countLine((await editor.get('/admin/taxonomies/tag')).body), '1 tag matches.');
      const none = await editor.get('/admin/taxonomies/tag?q=zz');
      assert.equal(emptyLine(none.body), 'No tag matches.');
    });

    it('an article list with no articles says so, and offers to write the first', async () => {
      const editor = await as('editor');
      const empty = await editor.get('/admin/articles');
      assert.equal(emptyLine(empty.body), 'No articles yet.');
      assert.match(
        empty.body,
        /<a class="button" href="\/admin\/articles\/new">Write the first article<\/a>/,
      );
      const filtered = await editor.get('/admin/articles?q=harbour');
      assert.equal(emptyLine(filtered.body), 'No articles match these filters.');
    });

    it('counts from the list’s own index, cut at the cap: no sort, no read of the whole table', async () => {
      const db = t.wiring.database.db;
      const { dialect } = t.wiring.database;
      const queries = adminListQueries(dialect);
      const cap = LIST_COUNT_CAP + 1;
      const cases: [string, CompiledQuery][] = [
        ['articles', adminArticleCountQuery(db, dialect, { sort: 'updated' }, cap).compile()],
        ['articles by title', adminArticleCountQuery(db, dialect, { sort: 'title' }, cap).compile()],
        [
          'articles drafts',
          adminArticleCountQuery(db, dialect, { sort: 'updated', status: 'draft' }, cap).compile(),
        ],
        ['people', peopleAdminCountQuery(db, dialect, { sort: 'name' }, cap).compile()],
        ['people by change', peopleAdminCountQuery(db, dialect, { sort: 'updated' }, cap).compile()],
        ['pages', queries.countPages({ sort: 'position' }, cap).compile(db)],
        ['pages by title', queries.countPages({ sort: 'name', text: 'page' }, cap).compile(db)],
        ['terms', queries.countTerms({ sort: 'position', taxonomyId: 1 }, cap).compile(db)],
        ['terms by name', queries.countTerms({ sort: 'name', taxonomyId: 1, text: 'eu' }, cap).compile(db)],
      ];
      for (const [label, compiled] of cases) {
        const plan = await db.connection().execute(async (conn) => {
          if (kind === 'sqlite') {
            const rows = await conn.executeQuery<{ detail: string }>({
              ...compiled,
              sql: `EXPLAIN QUERY PLAN ${compiled.sql}`,
            });
            return rows.rows.map((r) => r.detail);
          }
          await sql`ANALYZE articles, terms, pages, people`.execute(conn);
          await sql`SET enable_seqscan = off`.execute(conn);
          await sql`SET enable_sort = off`.execute(conn);
          try {
            const rows = await conn.executeQuery<{ 'QUERY PLAN': string }>({
              ...compiled,
              sql: `EXPLAIN ${compiled.sql}`,
            });
            return rows.rows.map((r) => r['QUERY PLAN']);
          } finally {
            await sql`RESET enable_seqscan`.execute(conn);
            await sql`RESET enable_sort`.execute(conn);
          }
        });
        const text = plan.join('\n');
        assert.doesNotMatch(text, /TEMP B-TREE|\bSort\b|Seq Scan/, `${label}:\n${text}`);
        assert.doesNotMatch(text, /^SCAN (articles|terms|pages|people)$/m, `${label}:\n${text}`);
        assert.match(text, /_admin_|articles_status_published/, `${label}:\n${text}`);
        // The walk stops at the cap: a LIMIT inside the count.
        assert.match(compiled.sql, /limit/i, label);
      }
    });
  });
}
