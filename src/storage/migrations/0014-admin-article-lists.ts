import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * The admin's article list pages by keyset in three orders (last change, publication date,
 * title), alone or within one status. Each order gets an index that ends with the id, the
 * tie-breaker of the keyset, so a page is read from the index in order and the walk stops at
 * the page's end, at any depth of a 100,000-article archive. They hold live articles only
 * (`deleted_at IS NULL`, as the list asks): PostgreSQL cannot read an index on
 * (deleted_at, updated_at) in updated_at order for that condition, and SQLite, given the
 * condition, prefers `articles_deleted` (it guesses an equality finds few rows) and sorts every
 * live article. That index now holds deleted articles only, all its readers ask for: it no
 * longer offers itself for live ones.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  const indexes: [string, string[]][] = [
    ['articles_admin_updated', ['updated_at', 'id']],
    ['articles_admin_published', ['published_at', 'id']],
    ['articles_admin_title', ['title', 'id']],
    ['articles_admin_status_updated', ['status', 'updated_at', 'id']],
    ['articles_admin_status_published', ['status', 'published_at', 'id']],
    ['articles_admin_status_title', ['status', 'title', 'id']],
  ];
  await db.schema.dropIndex('articles_deleted').execute();
  await db.schema
    .createIndex('articles_deleted')
    .on('articles')
    .column('deleted_at')
    .where(sql.ref('deleted_at'), 'is not', null)
    .execute();
  for (const [name, columns] of indexes) {
    await db.schema
      .createIndex(name)
      .on('articles')
      .columns(columns)
      .where(sql.ref('deleted_at'), 'is', null)
      .execute();
  }
}
