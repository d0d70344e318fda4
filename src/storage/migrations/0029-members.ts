import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from './helpers.ts';

/**
 * Members: readers with an account (no password: they sign in by a link mailed to them), the
 * tiers an admin defines (free or supporting; a payment provider can later be attached through
 * `provider` and `provider_ref`), their sessions (apart from staff sessions) and their single-use
 * links. Session ids and link tokens are stored only as SHA-256 hashes.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await idColumn(db.schema.createTable('member_tiers'), ctx)
    .addColumn('slug', 'varchar(100)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('is_paid', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('price_label', 'varchar(100)')
    .addColumn('provider', 'varchar(50)')
    .addColumn('provider_ref', 'varchar(200)')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await idColumn(db.schema.createTable('members'), ctx)
    .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('tier_id', 'integer', (c) => c.references('member_tiers.id').onDelete('set null'))
    .addColumn('confirmed_at', 'varchar(32)')
    .addColumn('consent_at', 'varchar(32)')
    .addColumn('consent_source', 'varchar(100)')
    .addColumn('is_banned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bounced_at', 'varchar(32)')
    .addColumn('complained_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('members_status_id').on('members').columns(['status', 'id']).execute();
  await db.schema.createIndex('members_tier_id').on('members').columns(['tier_id', 'id']).execute();

  await db.schema
    .createTable('member_sessions')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('member_sessions_member').on('member_sessions').column('member_id').execute();
  await db.schema.createIndex('member_sessions_expires').on('member_sessions').column('expires_at').execute();

  await idColumn(db.schema.createTable('member_tokens'), ctx)
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('new_email', 'varchar(320)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('member_tokens_member')
    .on('member_tokens')
    .columns(['member_id', 'kind'])
    .execute();
}
