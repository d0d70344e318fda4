import type { Kysely } from 'kysely';

/**
 * An automatic digest's period ("daily:2026-12-03" in the site's time zone) kept on its issue.
 * The unique index is what makes the digest job idempotent: two processes (or one restarted)
 * that both decide to make the day's digest insert one issue; the second insert is refused.
 * Issues composed by hand have no period (NULL, never a clash).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('newsletter_issues').addColumn('period_key', 'varchar(40)').execute();
  await db.schema
    .createIndex('newsletter_issues_period')
    .on('newsletter_issues')
    .columns(['newsletter_id', 'period_key'])
    .unique()
    .execute();
}
