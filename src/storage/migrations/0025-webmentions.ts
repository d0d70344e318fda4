import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from './helpers.ts';

/**
 * Webmentions of our articles: one row per article and source page, as last checked (verified,
 * removed when the source stopped linking or went away, or refused and why).
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await idColumn(db.schema.createTable('webmentions'), ctx)
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('source', 'varchar(2000)', (c) => c.notNull())
    .addColumn('target', 'varchar(2000)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('source_title', 'text')
    .addColumn('reason', 'text')
    .addColumn('first_verified_at', 'varchar(32)')
    .addColumn('last_verified_at', 'varchar(32)')
    .addColumn('received_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('webmentions_article_source', ['article_id', 'source'])
    .execute();
}
