import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from './helpers.ts';

/**
 * Requests for permission to reprint or translate an article, from the form under it, and the
 * editors' decisions. The sender is kept only as a hash of their address, to count a day's
 * requests from one place.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await idColumn(db.schema.createTable('reprint_requests'), ctx)
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('requester_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('email', 'varchar(320)', (c) => c.notNull())
    .addColumn('organisation', 'varchar(200)')
    .addColumn('outlet', 'varchar(200)')
    .addColumn('target_language', 'varchar(100)')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('decided_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_by_label', 'varchar(320)')
    .addColumn('decided_at', 'varchar(32)')
    .addColumn('reply_text', 'text')
    .addColumn('reply_sent_at', 'varchar(32)')
    .addColumn('sender_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('reprint_requests_status_id')
    .on('reprint_requests')
    .columns(['status', 'id'])
    .execute();
  await db.schema
    .createIndex('reprint_requests_sender_time')
    .on('reprint_requests')
    .columns(['sender_key', 'created_at'])
    .execute();
}
