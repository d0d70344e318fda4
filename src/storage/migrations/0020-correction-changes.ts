import type { Kysely } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * Corrections can be edited and withdrawn. A withdrawn one keeps its row (the article's history
 * and readers' notice of the withdrawal refer to it) with when and why it was withdrawn.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('corrections').addColumn('updated_at', 'varchar(32)').execute();
  await db.schema.alterTable('corrections').addColumn('withdrawn_at', 'varchar(32)').execute();
  await db.schema.alterTable('corrections').addColumn('withdrawn_reason', 'text').execute();
}
