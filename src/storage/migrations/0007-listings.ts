import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * Reader listings that cost the same at any archive size.
 *
 * - `listed_at` on article_terms and article_authors repeats the article's publication time
 *   while it is published (NULL otherwise), so a term's or an author's newest articles are one
 *   walk down (term_id, listed_at, article_id) instead of a sort of every article they hold.
 * - `listing_counts` keeps how many articles each listing shows (`site`, `term:ID`, `person:ID`,
 *   `month:YYYY-MM`) and when one of them last changed, so pagination, the taxonomy index and
 *   the sitemaps count nothing per request. Saves keep both up to date.
 * - The featured list and the published list get indexes that also order them; on PostgreSQL
 *   the search index's text configurations get one too.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect === 'postgres') {
    // Lets the search find its few text configurations by skipping through an index.
    await db.schema.createIndex('article_search_config').on('article_search').column('config').execute();
  }
  await db.schema.alterTable('article_terms').addColumn('listed_at', 'varchar(32)').execute();
  await db.schema.alterTable('article_authors').addColumn('listed_at', 'varchar(32)').execute();
  for (const table of ['article_terms', 'article_authors']) {
    await sql`UPDATE ${sql.table(table)} SET listed_at = (
      SELECT CASE WHEN a.status = 'published' THEN a.published_at END FROM articles a
      WHERE a.id = ${sql.table(table)}.article_id)`.execute(db);
  }
  await db.schema
    .createIndex('article_terms_listed')
    .on('article_terms')
    .columns(['term_id', 'listed_at', 'article_id'])
    .execute();
  await db.schema
    .createIndex('article_authors_listed')
    .on('article_authors')
    .columns(['person_id', 'listed_at', 'article_id'])
    .execute();
  await db.schema
    .createIndex('articles_featured')
    .on('articles')
    .columns(['is_featured', 'status', 'published_at', 'id'])
    .execute();
  await db.schema
    .createIndex('articles_listed')
    .on('articles')
    .columns(['status', 'published_at', 'id'])
    .execute();

  await db.schema
    .createTable('listing_counts')
    .addColumn('scope', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_modified', 'varchar(32)', (c) => c.notNull())
    .execute();
  await sql`INSERT INTO listing_counts (scope, count, last_modified)
    SELECT 'site', count(*), coalesce(max(updated_at), '') FROM articles WHERE status = 'published'`.execute(
    db,
  );
  await sql`INSERT INTO listing_counts (scope, count, last_modified)
    SELECT 'month:' || substr(published_at, 1, 7), count(*), max(updated_at) FROM articles
    WHERE status = 'published' AND published_at IS NOT NULL GROUP BY substr(published_at, 1, 7)`.execute(db);
  await sql`INSERT INTO listing_counts (scope, count, last_modified)
    SELECT 'term:' || x.term_id, count(*), max(a.updated_at) FROM article_terms x
    JOIN articles a ON a.id = x.article_id WHERE x.listed_at IS NOT NULL GROUP BY x.term_id`.execute(db);
  await sql`INSERT INTO listing_counts (scope, count, last_modified)
    SELECT 'person:' || x.person_id, count(*), max(a.updated_at) FROM article_authors x
    JOIN articles a ON a.id = x.article_id WHERE x.listed_at IS NOT NULL GROUP BY x.person_id`.execute(db);
}
