import type { Kysely } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * An article's own title and description for search engines and social cards, and the image
 * its cards show, each used in place of the title, summary and featured image when set.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('articles').addColumn('seo_title', 'varchar(300)').execute();
  await db.schema.alterTable('articles').addColumn('seo_description', 'varchar(1000)').execute();
  await db.schema.alterTable('articles').addColumn('social_image', 'varchar(2000)').execute();
}
