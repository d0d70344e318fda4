import type { Kysely } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * Related-article lists, worked out on an article's first view and kept: ranking candidates
 * costs milliseconds on a large archive, reading this row a few microseconds. No foreign key:
 * the lists are derived, and a stale id is filtered out when the list is read.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('article_related')
    .addColumn('article_id', 'integer', (c) => c.primaryKey())
    .addColumn('related_ids', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .execute();
}
