import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../src/storage/database.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const AT = '2026-01-01T00:00:00.000Z';
const LONG = `Licensed to the ${'very '.repeat(37)}patient reader.`.slice(0, 200);

/** Hand-written licenses as the free-text field held them, and what each becomes. */
const CASES: [string | null, string | null][] = [
  ['CC BY 4.0', 'cc-by-4.0'],
  ['cc-by-nd-4.0', 'cc-by-nd-4.0'],
  ['Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International', 'cc-by-nc-nd-4.0'],
  ['https://creativecommons.org/licenses/by-nd/4.0/', 'cc-by-nd-4.0'],
  ['All rights reserved.', 'all-rights-reserved'],
  ['CC BY-SA 4.0', 'other:CC BY-SA 4.0'],
  [LONG, `other:${LONG}`],
  ['   ', null],
  [null, null],
];

for (const kind of DATABASE_KINDS) {
  describe(`migration 0024 turns hand-written licenses into codes on ${kind}`, () => {
    let database: TestDatabase;
    let handle: DatabaseHandle;

    before(async () => {
      database = await createTestDatabase(kind);
      handle = openDatabase({ url: database.url });
      assert.equal((await migrateToLatest(handle, { upTo: '0023-person-name-skeletons' })).failed, null);
      let i = 0;
      for (const [license] of CASES) {
        const slug = `article-${i++}`;
        await sql`INSERT INTO articles (slug, title, body_markdown, body_html, status, created_at, updated_at, language, visibility, is_featured, has_comments, word_count, version, license)
          VALUES (${slug}, ${slug}, '', '', 'draft', ${AT}, ${AT}, 'en', 'public', 0, 1, 0, 1, ${license})`.execute(
          handle.db,
        );
      }
      await handle.db
        .insertInto('settings')
        .values({ key: 'default_license', value: 'CC BY-NC-ND 4.0', updated_at: AT })
        .execute();
      const migrated = await migrateToLatest(handle);
      assert.equal(migrated.failed, null);
      assert.ok(migrated.applied.includes('0024-license-codes'));
    });

    after(async () => {
      await handle?.close();
      await database?.drop();
    });

    it('maps recognizable licenses to codes and keeps every other text word for word', async () => {
      const rows = await handle.db.selectFrom('articles').select(['slug', 'license']).orderBy('id').execute();
      assert.deepEqual(
        rows.map((r) => r.license),
        CASES.map(([, code]) => code),
      );
    });

    it('maps the site default too', async () => {
      const row = await handle.db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', 'default_license')
        .executeTakeFirst();
      assert.equal(row?.value, 'cc-by-nc-nd-4.0');
    });
  });
}
