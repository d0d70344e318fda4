import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * The members list finds addresses by their beginning as a range of an index: `email >= 'ana@'
 * AND email < 'ana@' || U+10FFFF`, which is exactly "begins with" only in a byte-wise order.
 * SQLite's unique index on the address is byte-wise already (addresses are kept in lower case);
 * PostgreSQL's follows the database's collation, so it gets one in the "C" collation.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect !== 'postgres') return;
  await sql`CREATE INDEX members_email_bytes ON members (email COLLATE "C")`.execute(db);
}
