import type { Kysely } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/** The admin's people list pages by keyset by name and by last change; each index ends with the id, the tie-breaker. */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.createIndex('people_admin_name').on('people').columns(['name', 'id']).execute();
  await db.schema.createIndex('people_admin_updated').on('people').columns(['updated_at', 'id']).execute();
}
