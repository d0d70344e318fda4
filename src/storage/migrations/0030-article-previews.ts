import type { Kysely } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * The public preview of a members' or paid article, rendered and sanitized when the article is
 * saved (as body_html is), never per request. Null for public articles, and for a gated article
 * saved before this column: readers not allowed its text get none of it until it is saved again.
 * Added at the end, after the bodies, where listings (which never read it) do not pass through it.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('articles').addColumn('preview_html', 'text').execute();
}
