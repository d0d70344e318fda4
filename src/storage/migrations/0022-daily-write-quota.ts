import type { Kysely } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * What a contributor or author saved in the last day, read without touching their texts: each
 * revision's size, and indexes by who saved or uploaded and when. Older revisions have no size
 * and count as nothing (the window is a day, so they fall out of it at once).
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('revisions').addColumn('byte_size', 'integer').execute();
  await db.schema
    .createIndex('revisions_actor_time')
    .on('revisions')
    .columns(['actor', 'created_at'])
    .execute();
  await db.schema
    .createIndex('media_uploader_time')
    .on('media')
    .columns(['uploaded_by', 'created_at'])
    .execute();
}
