import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * The members admin lists members newest first (by id, the primary key) and filters them by
 * status and tier (migration 0029's indexes) and by three rare marks: banned, bounced,
 * complained. Each mark gets a partial index of the ids that carry it, so that "the banned
 * ones, newest first" walks only those, never the whole table. Tiers are listed in the
 * admin's order.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createIndex('members_banned_id')
    .on('members')
    .column('id')
    .where(sql.ref('is_banned'), '=', 1)
    .execute();
  await db.schema
    .createIndex('members_bounced_id')
    .on('members')
    .column('id')
    .where(sql.ref('bounced_at'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('members_complained_id')
    .on('members')
    .column('id')
    .where(sql.ref('complained_at'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('member_tiers_position')
    .on('member_tiers')
    .columns(['position', 'id'])
    .execute();
}
