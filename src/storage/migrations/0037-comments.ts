import type { Kysely } from 'kysely';

/**
 * Members' comments under articles, beside the imported ones the table already holds: who wrote
 * one (a member; imported comments keep only their author's name), its rendered HTML (rendered
 * once when saved, as article bodies are), when it was last edited, a hash of the sender's
 * address group (only to count one place's comments), whether its author wants replies mailed,
 * and when editors were told it waits for moderation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite adds columns one at a time. A member who erases their
  // account takes their comments with them.
  await db.schema
    .alterTable('comments')
    .addColumn('member_id', 'integer', (c) => c.references('members.id').onDelete('cascade'))
    .execute();
  await db.schema.alterTable('comments').addColumn('body_html', 'text').execute();
  await db.schema.alterTable('comments').addColumn('edited_at', 'varchar(32)').execute();
  await db.schema.alterTable('comments').addColumn('sender_key', 'varchar(64)').execute();
  await db.schema
    .alterTable('comments')
    .addColumn('notify_replies', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('comments').addColumn('held_notice_at', 'varchar(32)').execute();
  // The moderation queue reads one status newest first; an article's thread reads one article.
  await db.schema.createIndex('comments_status_id').on('comments').columns(['status', 'id']).execute();
  await db.schema
    .createIndex('comments_member_time')
    .on('comments')
    .columns(['member_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('comments_sender_time')
    .on('comments')
    .columns(['sender_key', 'created_at'])
    .execute();
}
