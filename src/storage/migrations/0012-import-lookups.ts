import type { Kysely } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * An import finds a comment it made earlier by the source id the comment carries (exports keep
 * it there, so a re-import after a restore still finds it), one comment at a time: an index
 * keeps that lookup from reading every comment of the archive.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.createIndex('comments_source_id').on('comments').column('source_id').execute();
}
