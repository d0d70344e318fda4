import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../src/storage/database.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const AT = '2026-01-01T00:00:00.000Z';

for (const kind of DATABASE_KINDS) {
  describe(`migration 0039 names each reply's thread on ${kind}`, () => {
    let database: TestDatabase;
    let handle: DatabaseHandle;
    const idOf = new Map<string, number>();

    before(async () => {
      database = await createTestDatabase(kind);
      handle = openDatabase({ url: database.url });
      assert.equal((await migrateToLatest(handle, { upTo: '0038-comment-counts' })).failed, null);
      const article = await sql<{ id: number }>`INSERT INTO articles
          (slug, title, body_markdown, body_html, status, published_at, created_at, updated_at,
           language, visibility, is_featured, has_comments, word_count, version)
        VALUES ('talk', 'Talk', 'Body', '<p>Body</p>', 'published', ${AT}, ${AT}, ${AT},
          'en', 'public', 0, 1, 1, 1) RETURNING id`.execute(handle.db);
      const articleId = Number(article.rows[0]?.id);
      const add = async (name: string, parent: string | null) => {
        const made = await sql<{ id: number }>`INSERT INTO comments
            (article_id, parent_id, author_name, body, status, kind, created_at)
          VALUES (${articleId}, ${parent === null ? null : (idOf.get(parent) as number)}, ${name}, 'Text',
            'approved', 'comment', ${AT}) RETURNING id`.execute(handle.db);
        idOf.set(name, Number(made.rows[0]?.id));
      };
      await add('top', null);
      await add('reply', 'top');
      await add('deeper', 'reply');
      await add('deepest', 'deeper');
      await add('other', null);
      await add('other-reply', 'other');
      assert.equal((await migrateToLatest(handle)).failed, null);
    });

    after(async () => {
      await handle?.close();
      await database?.drop();
    });

    it('gives every reply, however deep, the top-level comment its thread starts from', async () => {
      const { rows } = await sql<{ id: number; root_id: number | null }>`
        SELECT id, root_id FROM comments ORDER BY id`.execute(handle.db);
      const top = idOf.get('top');
      const other = idOf.get('other');
      assert.deepEqual(
        rows.map((r) => [Number(r.id), r.root_id === null ? null : Number(r.root_id)]),
        [
          [top, null],
          [idOf.get('reply'), top],
          [idOf.get('deeper'), top],
          [idOf.get('deepest'), top],
          [other, null],
          [idOf.get('other-reply'), other],
        ],
      );
    });
  });
}
