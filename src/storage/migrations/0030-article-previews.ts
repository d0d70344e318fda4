import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * The public preview of a members' or paid article, rendered and sanitized when the article is
 * saved (as body_html is), never per request. Null for public articles, and for a gated article
 * saved before this column: readers not allowed its text get none of it until the preview is
 * filled (the server does so at start: fillMissingPreviews). Added at the end, after the bodies,
 * where listings (which never read it) do not pass through it.
 *
 * A partial index holds the gated articles alone (few, on most sites), so finding those without
 * a preview at every start reads them, not the archive.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('articles').addColumn('preview_html', 'text').execute();
  await db.schema
    .createIndex('articles_gated')
    .on('articles')
    .column('id')
    .where(sql<boolean>`visibility <> 'public'`)
    .execute();
}
