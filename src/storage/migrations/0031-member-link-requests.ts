import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from './helpers.ts';

/**
 * Every request for a member's link (sign-up, sign-in, a new address), counted under hashed keys
 * (the sender's address group, and the address the link goes to) so that a day's links from one
 * network or to one inbox can be limited whether or not the address has an account. Rows live
 * only while they count (24 hours); no address is kept in the clear.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await idColumn(db.schema.createTable('member_link_requests'), ctx)
    .addColumn('key', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('member_link_requests_key_time')
    .on('member_link_requests')
    .columns(['key', 'created_at'])
    .execute();
  await db.schema
    .createIndex('member_link_requests_time')
    .on('member_link_requests')
    .column('created_at')
    .execute();
}
