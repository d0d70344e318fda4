import type { Kysely } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/** An image's caption in the media library: shown under it where an article inserts it. */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('media').addColumn('caption', 'text').execute();
}
