import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './helpers.js';

/**
 * Discovery: the full-text index (FTS5 on SQLite, a weighted tsvector on PostgreSQL) and
 * daily view counts for most-read lists. The index is filled by the services, never here.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect === 'sqlite') {
    // rowid is the article id. Text arrives already folded (accents removed) so both
    // databases match the same words; the tokenizer still folds whatever slips through.
    await sql`CREATE VIRTUAL TABLE article_search USING fts5(
      title, subtitle_summary, body, people, terms,
      tokenize = 'unicode61 remove_diacritics 2'
    )`.execute(db);
  } else {
    await db.schema
      .createTable('article_search')
      .addColumn('article_id', 'integer', (c) => c.primaryKey().references('articles.id').onDelete('cascade'))
      .addColumn('config', 'varchar(40)', (c) => c.notNull())
      .addColumn('document', sql`tsvector`, (c) => c.notNull())
      .execute();
    await sql`CREATE INDEX article_search_document ON article_search USING gin (document)`.execute(db);
  }

  await db.schema
    .createTable('article_views')
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('article_views_pk', ['article_id', 'day'])
    .execute();
  await db.schema
    .createIndex('article_views_day')
    .on('article_views')
    .columns(['day', 'article_id'])
    .execute();
}
