import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../src/storage/database.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';

for (const kind of DATABASE_KINDS) {
  describe(`migration 0007 fills articles.created_by on ${kind}`, () => {
    let database: TestDatabase;
    let handle: DatabaseHandle;

    before(async () => {
      database = await createTestDatabase(kind);
      handle = openDatabase({ url: database.url });
      const report = await migrateToLatest(handle, { upTo: '0006-newsroom' });
      assert.equal(report.failed, null);
      const db = handle.db;
      const at = '2026-01-01T00:00:00.000Z';
      const user = await db
        .insertInto('users')
        .values({
          email: 'eda@press.example',
          name: 'Eda',
          role: 'editor',
          password_hash: null,
          person_id: null,
          is_disabled: 0,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const article = (slug: string) =>
        sql<{
          id: number;
        }>`INSERT INTO articles (slug, title, body_markdown, body_html, status, created_at, updated_at, language, visibility, is_featured, has_comments, word_count, version)
          VALUES (${slug}, ${slug}, '', '', 'draft', ${at}, ${at}, 'en', 'public', 0, 1, 0, 2) RETURNING id`
          .execute(db)
          .then((r) => Number(r.rows[0]?.id));
      const revision = (id: number, version: number, actor: string) =>
        db
          .insertInto('revisions')
          .values({
            entity_type: 'article',
            entity_id: id,
            version,
            actor,
            note: null,
            snapshot: '{}',
            created_at: at,
          })
          .execute();
      const byUser = await article('by-user');
      await revision(byUser, 1, String(user.id));
      await revision(byUser, 2, '999');
      const imported = await article('imported');
      await revision(imported, 1, 'import');
      await revision(imported, 2, String(user.id));
      await article('no-history');
      await migrateToLatest(handle);
    });

    after(async () => {
      await handle.close();
      await database.drop();
    });

    it('names the user of the first revision, and no one for imports or articles without history', async () => {
      const rows = await sql<{ slug: string; created_by: number | null }>`
        SELECT slug, created_by FROM articles ORDER BY slug`.execute(handle.db);
      const user = await handle.db.selectFrom('users').select('id').executeTakeFirstOrThrow();
      assert.deepEqual(
        rows.rows.map((r) => [r.slug, r.created_by === null ? null : Number(r.created_by)]),
        [
          ['by-user', user.id],
          ['imported', null],
          ['no-history', null],
        ],
      );
    });
  });
}
