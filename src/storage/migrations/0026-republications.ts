import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from './helpers.ts';

/**
 * Where articles were republished, as the tracking image saw it: one row per page showing an
 * article (its totals, first and last seen), and its views per UTC day. No row says anything
 * about a reader. The day index serves site-wide totals over a period.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await idColumn(db.schema.createTable('republications'), ctx)
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('host', 'varchar(260)', (c) => c.notNull())
    .addColumn('page', 'varchar(600)', (c) => c.notNull())
    .addColumn('views', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_seen', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_seen', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('republications_article_page', ['article_id', 'page'])
    .execute();
  await db.schema
    .createIndex('republications_article_seen')
    .on('republications')
    .columns(['article_id', 'last_seen'])
    .execute();
  await db.schema
    .createTable('republication_views')
    .addColumn('republication_id', 'integer', (c) =>
      c.notNull().references('republications.id').onDelete('cascade'),
    )
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('republication_views_pk', ['republication_id', 'day'])
    .execute();
  await db.schema
    .createIndex('republication_views_day')
    .on('republication_views')
    .columns(['day', 'republication_id'])
    .execute();
}
