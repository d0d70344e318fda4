import type { Kysely } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * A monthly sitemap lists up to 50,000 articles: address, last change and image. Read from the
 * table, each row's columns after the bodies cost a walk of the body's overflow pages (at a
 * million articles, seconds per sitemap on a cold cache); this index holds all it needs, in
 * its order.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createIndex('articles_sitemap')
    .on('articles')
    .columns(['status', 'published_at', 'id', 'slug', 'updated_at', 'featured_image'])
    .execute();
}
