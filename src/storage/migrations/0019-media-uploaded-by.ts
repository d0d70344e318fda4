import type { Kysely } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * Who uploaded an image, so a contributor or author may describe (alt text, caption) only the
 * images they uploaded; editors and admins describe any. Empty for images an import brought
 * and those uploaded before this column: only editors and admins describe those.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('media').addColumn('uploaded_by', 'integer').execute();
}
