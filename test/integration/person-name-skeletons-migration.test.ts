import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { nameSkeleton } from '../../src/domain/name-skeleton.ts';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../src/storage/database.ts';
import { PersonRepository } from '../../src/storage/person-repository.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const AT = '2026-01-01T00:00:00.000Z';
// More than one backfill chunk (500), and not a multiple of it.
const PEOPLE = 1203;

const nameOf = (i: number) =>
  i === 7 ? 'N\u0430dia K\u043ervell' : i === 8 ? '\u039dadia\u200d  Korvell' : `Person ${i}`;

for (const kind of DATABASE_KINDS) {
  describe(`migration 0023 gives every person a name skeleton on ${kind}`, () => {
    let database: TestDatabase;
    let handle: DatabaseHandle;

    before(async () => {
      database = await createTestDatabase(kind);
      handle = openDatabase({ url: database.url });
      assert.equal((await migrateToLatest(handle, { upTo: '0022-daily-write-quota' })).failed, null);
      const rows = Array.from({ length: PEOPLE }, (_, i) => ({
        slug: `person-${i}`,
        name: nameOf(i),
        links: '[]',
        created_at: AT,
        updated_at: AT,
      }));
      for (let at = 0; at < rows.length; at += 200) {
        await handle.db
          .insertInto('people')
          .values(rows.slice(at, at + 200) as never)
          .execute();
      }
      const migrated = await migrateToLatest(handle);
      assert.equal(migrated.failed, null);
      assert.ok(migrated.applied.includes('0023-person-name-skeletons'));
    });

    after(async () => {
      await handle?.close();
      await database?.drop();
    });

    it('fills in the skeleton of every person already there', async () => {
      const rows = await handle.db.selectFrom('people').select(['slug', 'name', 'name_skeleton']).execute();
      assert.equal(rows.length, PEOPLE);
      for (const row of rows) assert.equal(row.name_skeleton, nameSkeleton(row.name), row.slug);
      assert.equal(rows.find((r) => r.slug === 'person-7')?.name_skeleton, 'nadia korvell');
    });

    it('finds a person by how their name looks, whatever their slug, on an indexed column', async () => {
      const people = new PersonRepository(handle.db);
      assert.equal((await people.findByNameSkeleton('Nadia Korvell'))?.slug, 'person-7');
      assert.equal((await people.findByNameSkeleton('\uff2eadia korvell'))?.slug, 'person-7');
      assert.equal(await people.findByNameSkeleton('Nadia Korvel'), undefined);
      assert.equal(await people.findByNameSkeleton('\u200b'), undefined);
      const indexes =
        kind === 'sqlite'
          ? (
              await sql<{
                name: string;
              }>`select name from sqlite_master where type = 'index' and tbl_name = 'people'`.execute(
                handle.db,
              )
            ).rows
          : (
              await sql<{
                name: string;
              }>`select indexname as name from pg_indexes where tablename = 'people'`.execute(handle.db)
            ).rows;
      assert.ok(indexes.some((r) => r.name === 'people_name_skeleton'));
    });

    it('keeps the skeleton with the name on every insert and update', async () => {
      const people = new PersonRepository(handle.db);
      const record = {
        slug: 'columnist-9',
        name: 'Ilse Br\u0391ndt',
        bio: null,
        bioHtml: null,
        email: null,
        website: null,
        links: [],
        photo: null,
        createdAt: AT,
        updatedAt: AT,
      };
      const id = await people.insert(record);
      const skeleton = async () =>
        (await handle.db.selectFrom('people').select('name_skeleton').where('id', '=', id).executeTakeFirst())
          ?.name_skeleton;
      assert.equal(await skeleton(), 'ilse brandt');
      await people.update(id, { ...record, name: 'Ilse  K\u043ehl' });
      assert.equal(await skeleton(), 'ilse kohl');
      assert.equal((await people.findByNameSkeleton('ILSE KOHL'))?.id, id);
    });
  });
}
