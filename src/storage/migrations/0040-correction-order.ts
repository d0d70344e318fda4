import type { Kysely } from 'kysely';

/**
 * Every article page reads its corrections in order (created_at, then id). With an index on
 * article_id alone, SQLite sorted them in a temporary B-tree on each render; setting up that
 * sort cost more than the rest of the query, even for an article with none. This index holds
 * them in order, and replaces the one on article_id, which it begins with.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('corrections_article_order')
    .on('corrections')
    .columns(['article_id', 'created_at', 'id'])
    .execute();
  await db.schema.dropIndex('corrections_article').execute();
}
