import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../src/storage/database.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const AT = '2026-01-01T00:00:00.000Z';

for (const kind of DATABASE_KINDS) {
  describe(`migration 0021 moves the article bodies last on ${kind}`, () => {
    let database: TestDatabase;
    let handle: DatabaseHandle;
    const ids: number[] = [];
    let indexesBefore: string[] = [];

    const indexNames = async () =>
      kind === 'sqlite'
        ? (
            await sql<{
              name: string;
            }>`select name from sqlite_master where type = 'index' and tbl_name = 'articles' order by name`.execute(
              handle.db,
            )
          ).rows.map((r) => r.name)
        : (
            await sql<{
              name: string;
            }>`select indexname as name from pg_indexes where tablename = 'articles' order by indexname`.execute(
              handle.db,
            )
          ).rows.map((r) => r.name);

    before(async () => {
      database = await createTestDatabase(kind);
      handle = openDatabase({ url: database.url });
      const report = await migrateToLatest(handle, { upTo: '0020-correction-changes' });
      assert.equal(report.failed, null);
      const db = handle.db;
      const person = await sql<{ id: number }>`INSERT INTO people (slug, name, links, created_at, updated_at)
        VALUES ('ana', 'Ana Reis', '[]', ${AT}, ${AT}) RETURNING id`.execute(db);
      const personId = Number(person.rows[0]?.id);
      for (const slug of ['first', 'second', 'third']) {
        const made = await sql<{ id: number }>`INSERT INTO articles
            (slug, title, summary, body_markdown, body_html, status, published_at, created_at, updated_at,
             language, visibility, is_featured, has_comments, word_count, version, seo_title)
          VALUES (${slug}, ${`Title ${slug}`}, ${`Summary ${slug}`}, ${`Body of ${slug} `.repeat(2000)},
            ${`<p>Body of ${slug}</p>`.repeat(1000)}, 'published', ${AT}, ${AT}, ${AT}, 'en', 'public', 0, 1, 6000, 3,
            ${`SEO ${slug}`}) RETURNING id`.execute(db);
        const id = Number(made.rows[0]?.id);
        ids.push(id);
        await sql`INSERT INTO article_authors (article_id, person_id, position) VALUES (${id}, ${personId}, 0)`.execute(
          db,
        );
        await sql`INSERT INTO corrections (article_id, kind, note, created_at) VALUES (${id}, 'correction', 'Fixed', ${AT})`.execute(
          db,
        );
      }
      // The newest article was deleted for good: its id must never be handed out again.
      const last = ids.pop();
      await sql`DELETE FROM articles WHERE id = ${last}`.execute(db);
      indexesBefore = await indexNames();
      // Up to this migration only: later ones add columns and indexes of their own.
      const migrated = await migrateToLatest(handle, { upTo: '0021-article-bodies-last' });
      assert.equal(migrated.failed, null);
      assert.ok(migrated.applied.includes('0021-article-bodies-last'));
    });

    after(async () => {
      await handle?.close();
      await database?.drop();
    });

    it('keeps every row, column value and reference', async () => {
      const rows = await sql<{
        id: number;
        slug: string;
        summary: string;
        body_markdown: string;
        body_html: string;
        seo_title: string;
        version: number;
      }>`SELECT * FROM articles ORDER BY id`.execute(handle.db);
      assert.deepEqual(
        rows.rows.map((r) => [r.id, r.slug, r.summary, r.seo_title, r.version]),
        [
          [ids[0], 'first', 'Summary first', 'SEO first', 3],
          [ids[1], 'second', 'Summary second', 'SEO second', 3],
        ],
      );
      assert.equal(rows.rows[0]?.body_markdown, 'Body of first '.repeat(2000));
      assert.equal(rows.rows[1]?.body_html, '<p>Body of second</p>'.repeat(1000));
      const authors = await sql<{ n: number }>`SELECT count(*) AS n FROM article_authors`.execute(handle.db);
      assert.equal(Number(authors.rows[0]?.n), 2);
      const corrections = await sql<{ n: number }>`SELECT count(*) AS n FROM corrections`.execute(handle.db);
      assert.equal(Number(corrections.rows[0]?.n), 2);
    });

    it('puts the bodies last on SQLite and keeps the indexes', async () => {
      assert.deepEqual(await indexNames(), indexesBefore);
      if (kind !== 'sqlite') return;
      const columns = await sql<{ name: string }>`pragma table_info("articles")`.execute(handle.db);
      assert.deepEqual(
        columns.rows.slice(-2).map((c) => c.name),
        ['body_markdown', 'body_html'],
      );
      const tables = await sql<{
        name: string;
      }>`SELECT name FROM sqlite_master WHERE name LIKE 'articles%' AND type = 'table'`.execute(handle.db);
      assert.deepEqual(
        tables.rows.map((t) => t.name),
        ['articles'],
      );
    });

    it('never hands out the id of a deleted article again', async () => {
      if (kind === 'sqlite') {
        const kept = await sql<{
          type: string;
        }>`SELECT typeof(seq) AS type FROM sqlite_sequence WHERE name = 'articles'`.execute(handle.db);
        assert.equal(kept.rows[0]?.type, 'integer');
      }
      const made = await sql<{ id: number }>`INSERT INTO articles
          (slug, title, body_markdown, body_html, status, created_at, updated_at, language, visibility,
           is_featured, has_comments, word_count, version)
        VALUES ('fourth', 'Fourth', '', '', 'draft', ${AT}, ${AT}, 'en', 'public', 0, 1, 0, 1) RETURNING id`.execute(
        handle.db,
      );
      assert.equal(Number(made.rows[0]?.id), (ids[1] ?? 0) + 2);
    });

    it('leaves foreign keys enforced, deletions cascading', async () => {
      await assert.rejects(
        sql`INSERT INTO article_authors (article_id, person_id, position) VALUES (999999, 1, 0)`.execute(
          handle.db,
        ),
      );
      await sql`DELETE FROM articles WHERE id = ${ids[0]}`.execute(handle.db);
      const authors = await sql<{ n: number }>`SELECT count(*) AS n FROM article_authors`.execute(handle.db);
      assert.equal(Number(authors.rows[0]?.n), 1);
      const corrections = await sql<{
        n: number;
      }>`SELECT count(*) AS n FROM corrections WHERE article_id = ${ids[0]}`.execute(handle.db);
      assert.equal(Number(corrections.rows[0]?.n), 0);
    });
  });
}

describe('migrations on SQLite', () => {
  it('roll back a run that leaves a row without its parent', async () => {
    const database = await createTestDatabase('sqlite');
    const handle = openDatabase({ url: database.url });
    try {
      assert.equal((await migrateToLatest(handle, { upTo: '0020-correction-changes' })).failed, null);
      // A reference left dangling while foreign keys were off, as a faulty migration would leave it.
      await sql`pragma foreign_keys = off`.execute(handle.db);
      await sql`INSERT INTO corrections (article_id, kind, note, created_at) VALUES (424242, 'correction', 'Orphan', ${AT})`.execute(
        handle.db,
      );
      await sql`pragma foreign_keys = on`.execute(handle.db);
      const report = await migrateToLatest(handle);
      assert.match(report.failed?.message ?? '', /row\(s\) of corrections refer to rows that do not exist/);
      assert.deepEqual(report.applied, []);
      const columns = await sql<{ name: string }>`pragma table_info("articles")`.execute(handle.db);
      assert.equal(columns.rows.at(-1)?.name, 'social_image', 'the rebuild was rolled back');
      const foreignKeys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(handle.db);
      assert.equal(foreignKeys.rows[0]?.foreign_keys, 1);
    } finally {
      await handle.close();
      await database.drop();
    }
  });
});

describe('a start with nothing to migrate on SQLite', () => {
  it('reads no table of the archive to check references', async () => {
    const database = await createTestDatabase('sqlite');
    const first = openDatabase({ url: database.url });
    assert.equal((await migrateToLatest(first)).failed, null);
    await first.close();
    const queries: string[] = [];
    const handle = openDatabase({ url: database.url, onQuery: (query) => queries.push(query.sql) });
    try {
      const report = await migrateToLatest(handle);
      assert.deepEqual(report.applied, []);
      assert.ok(queries.length > 0, 'the queries of the run are seen');
      assert.deepEqual(
        queries.filter((q) => /foreign_key_check/i.test(q)),
        [],
      );
    } finally {
      await handle.close();
      await database.drop();
    }
  });
});
