import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../src/storage/database.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const AT = '2026-01-01T00:00:00.000Z';
const LATER = '2099-01-01T00:00:00.000Z';

for (const kind of DATABASE_KINDS) {
  describe(`migration 0035 records the articles already out on ${kind}`, () => {
    let database: TestDatabase;
    let handle: DatabaseHandle;
    const idOf = new Map<string, number>();

    before(async () => {
      database = await createTestDatabase(kind);
      handle = openDatabase({ url: database.url });
      const report = await migrateToLatest(handle, { upTo: '0034-newsletter-digest-periods' });
      assert.equal(report.failed, null);
      const rows: [string, string, string | null][] = [
        ['published', 'published', AT],
        ['unpublished', 'unpublished', AT],
        ['back-to-draft', 'draft', AT],
        ['draft', 'draft', null],
        ['scheduled', 'scheduled', LATER],
      ];
      for (const [slug, status, publishedAt] of rows) {
        const made = await sql<{ id: number }>`INSERT INTO articles
            (slug, title, body_markdown, body_html, status, published_at, created_at, updated_at,
             language, visibility, is_featured, has_comments, word_count, version)
          VALUES (${slug}, ${slug}, 'Body', '<p>Body</p>', ${status}, ${publishedAt}, ${AT}, ${AT},
            'en', 'public', 0, 1, 1, 1) RETURNING id`.execute(handle.db);
        idOf.set(slug, Number(made.rows[0]?.id));
      }
      assert.equal((await migrateToLatest(handle)).failed, null);
    });

    after(async () => {
      await handle?.close();
      await database?.drop();
    });

    it('marks every article with a publication date no schedule set, so none is announced later', async () => {
      const { rows } = await sql<{ article_id: number; published_at: string }>`
        SELECT article_id, published_at FROM article_first_publications ORDER BY article_id`.execute(
        handle.db,
      );
      assert.deepEqual(
        rows.map((r) => [Number(r.article_id), r.published_at]),
        ['published', 'unpublished', 'back-to-draft'].map((slug) => [idOf.get(slug), AT]),
      );
    });
  });
}
