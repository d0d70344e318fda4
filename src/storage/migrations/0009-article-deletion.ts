import type { Kysely } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * Deleting an article keeps its row, so that its revisions, corrections and comments stay
 * attached and an admin can restore it. `deleted_at` marks it deleted. The slug must be free
 * for a new article (the column is UNIQUE, which a SQLite table cannot make partial without
 * being rebuilt), so the row's slug is set aside and the one readers knew is kept in
 * `deleted_slug`. The index keeps the list of deleted articles from reading every row.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('articles').addColumn('deleted_at', 'varchar(32)').execute();
  await db.schema.alterTable('articles').addColumn('deleted_slug', 'varchar(200)').execute();
  await db.schema.createIndex('articles_deleted').on('articles').column('deleted_at').execute();
}
