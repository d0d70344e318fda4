import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * Discovery: the full-text index (FTS5 on SQLite, weighted tsvectors on PostgreSQL) and
 * daily view counts for most-read lists. The index is filled by the services, never here.
 * It holds published articles only, with their publication time beside the text so that
 * searches filter and order without touching the (large) article rows.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect === 'sqlite') {
    // rowid is the article id. Text arrives already folded (accents removed) so both
    // databases match the same words; the tokenizer still folds whatever slips through.
    await sql`CREATE VIRTUAL TABLE article_search USING fts5(
      title, subtitle_summary, body, people, terms,
      tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
    )`.execute(db);
    await db.schema
      .createTable('article_search_entries')
      .addColumn('article_id', 'integer', (c) => c.primaryKey())
      .addColumn('published_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('article_search_entries_published')
      .on('article_search_entries')
      .column('published_at')
      .execute();
  } else {
    // `document` (everything) is matched through the GIN index; `head` (title, subtitle,
    // summary, authors, terms) is small enough to rank matches without reading bodies. Term
    // and author ids and the date sit beside them, indexed, so filters combine with the
    // text match in the index instead of row by row.
    await db.schema
      .createTable('article_search')
      .addColumn('article_id', 'integer', (c) => c.primaryKey().references('articles.id').onDelete('cascade'))
      .addColumn('config', 'varchar(40)', (c) => c.notNull())
      .addColumn('published_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('term_ids', sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addColumn('person_ids', sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addColumn('head', sql`tsvector`, (c) => c.notNull())
      .addColumn('document', sql`tsvector`, (c) => c.notNull())
      .execute();
    await sql`CREATE INDEX article_search_document ON article_search USING gin (document)`.execute(db);
    await sql`CREATE INDEX article_search_terms ON article_search USING gin (term_ids)`.execute(db);
    await sql`CREATE INDEX article_search_people ON article_search USING gin (person_ids)`.execute(db);
    await db.schema
      .createIndex('article_search_published')
      .on('article_search')
      .column('published_at')
      .execute();
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
