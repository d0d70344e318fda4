import type { Kysely } from 'kysely';

/**
 * Listings count each article's approved comments. The article index (article_id, created_at)
 * leaves every comment of an article to read, and for a page of many articles SQLite preferred
 * the (status, id) index: every approved comment of the site, for each listing built. This one
 * answers the count from the index alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('comments_article_status')
    .on('comments')
    .columns(['article_id', 'status', 'kind'])
    .execute();
}
