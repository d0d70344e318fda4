import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from './helpers.ts';

/**
 * Newsletters, who subscribes to them, their issues and one delivery row per issue and member.
 * The delivery's UNIQUE(issue_id, member_id) is what makes a send resumable without a second
 * copy: recipients are enumerated into it once, and each row is claimed (with a lease) before
 * its message goes out. Bounce and complaint events are kept as they came, for the record.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await idColumn(db.schema.createTable('newsletters'), ctx)
    .addColumn('slug', 'varchar(100)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('term_id', 'integer', (c) => c.references('terms.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('cascade'))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('send_hour', 'integer')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('newsletter_subscriptions')
    .addColumn('newsletter_id', 'integer', (c) =>
      c.notNull().references('newsletters.id').onDelete('cascade'),
    )
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('source', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('newsletter_subscriptions_pk', ['newsletter_id', 'member_id'])
    .execute();
  await db.schema
    .createIndex('newsletter_subscriptions_member')
    .on('newsletter_subscriptions')
    .column('member_id')
    .execute();

  await idColumn(db.schema.createTable('newsletter_issues'), ctx)
    .addColumn('newsletter_id', 'integer', (c) =>
      c.notNull().references('newsletters.id').onDelete('cascade'),
    )
    .addColumn('subject', 'varchar(300)', (c) => c.notNull())
    .addColumn('intro', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('article_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('scheduled_at', 'varchar(32)')
    .addColumn('started_at', 'varchar(32)')
    .addColumn('finished_at', 'varchar(32)')
    .addColumn('html_body', 'text')
    .addColumn('text_body', 'text')
    .addColumn('recipients_after', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_enumerated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('recipient_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sent_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bounced_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('newsletter_issues_newsletter')
    .on('newsletter_issues')
    .columns(['newsletter_id', 'id'])
    .execute();
  await db.schema
    .createIndex('newsletter_issues_status')
    .on('newsletter_issues')
    .columns(['status', 'scheduled_at'])
    .execute();

  await idColumn(db.schema.createTable('newsletter_deliveries'), ctx)
    .addColumn('issue_id', 'integer', (c) =>
      c.notNull().references('newsletter_issues.id').onDelete('cascade'),
    )
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('message_id', 'varchar(300)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('lease_until', 'varchar(32)')
    .addColumn('claimed_by', 'varchar(100)')
    .addColumn('sent_at', 'varchar(32)')
    .addUniqueConstraint('newsletter_deliveries_issue_member', ['issue_id', 'member_id'])
    .execute();
  await db.schema
    .createIndex('newsletter_deliveries_claimable')
    .on('newsletter_deliveries')
    .columns(['issue_id', 'status', 'id'])
    .execute();
  await db.schema
    .createIndex('newsletter_deliveries_message')
    .on('newsletter_deliveries')
    .column('message_id')
    .execute();

  await idColumn(db.schema.createTable('newsletter_bounce_events'), ctx)
    .addColumn('email', 'varchar(320)', (c) => c.notNull())
    .addColumn('member_id', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('delivery_id', 'integer', (c) => c.references('newsletter_deliveries.id').onDelete('set null'))
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('source', 'varchar(20)', (c) => c.notNull())
    .addColumn('status_code', 'varchar(20)', (c) => c.notNull().defaultTo(''))
    .addColumn('diagnostic', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('message_id', 'varchar(300)', (c) => c.notNull().defaultTo(''))
    .addColumn('received_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('newsletter_bounce_events_member')
    .on('newsletter_bounce_events')
    .columns(['member_id', 'id'])
    .execute();

  // The key unsubscribe links are signed with, made once per database so every process agrees.
  await db.schema
    .createTable('newsletter_keys')
    .addColumn('name', 'varchar(50)', (c) => c.primaryKey())
    .addColumn('value', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
}
