import type { Kysely } from 'kysely';
import { nameSkeleton } from '../../domain/name-skeleton.ts';
import type { MigrationContext } from './helpers.ts';

/** People read and written per statement while the skeletons are filled in. */
const BACKFILL_CHUNK = 500;

/**
 * Each person's name as it looks (nameSkeleton: lookalike letters, case, spacing and invisible
 * characters aside), indexed, so that a writer who takes a name reading like an existing
 * person's is found out whatever that person's slug or spelling. The repository keeps it on every
 * write; this fills it in for the people already here, a chunk at a time by id.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('people').addColumn('name_skeleton', 'text').execute();
  await db.schema.createIndex('people_name_skeleton').on('people').columns(['name_skeleton', 'id']).execute();
  const people = db as unknown as Kysely<{
    people: { id: number; name: string; name_skeleton: string | null };
  }>;
  for (let lastId = 0; ; ) {
    const rows = await people
      .selectFrom('people')
      .select(['id', 'name'])
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(BACKFILL_CHUNK)
      .execute();
    for (const row of rows) {
      await people
        .updateTable('people')
        .set({ name_skeleton: nameSkeleton(row.name) })
        .where('id', '=', row.id)
        .execute();
    }
    const last = rows.at(-1);
    if (!last || rows.length < BACKFILL_CHUNK) break;
    lastId = last.id;
  }
}
