import { type Kysely, sql } from 'kysely';

/**
 * Alerts for a term or an author go out by themselves when an article is first published.
 *
 * `article_first_publications` remembers that an article has been published once, so that a
 * re-publish (after an unpublish, or a schedule made after one) announces nothing: the article's
 * own publication date cannot tell, since a schedule overwrites it. Articles that are, or have
 * been, published when this runs are recorded as such, so none of the archive is announced later.
 *
 * `newsletter_alert_articles` holds each article waiting for an alert newsletter's next issue
 * (status `waiting`), dropped from it (unpublished before it went out), or gone out in an issue.
 * The primary key lets an article into one newsletter's alerts once; the index on
 * (newsletter_id, status, queued_at, article_id) lets the alert job read only what waits, in
 * order, however long the history grows. Alert newsletters are looked up by their term and
 * person when an article is published, hence the two indexes on newsletters.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('article_first_publications')
    .addColumn('article_id', 'integer', (c) => c.primaryKey().references('articles.id').onDelete('cascade'))
    .addColumn('published_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await sql`
    INSERT INTO article_first_publications (article_id, published_at)
    SELECT id, published_at FROM articles
    WHERE published_at IS NOT NULL AND status <> 'scheduled'
  `.execute(db);

  await db.schema
    .createTable('newsletter_alert_articles')
    .addColumn('newsletter_id', 'integer', (c) =>
      c.notNull().references('newsletters.id').onDelete('cascade'),
    )
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('queued_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('issue_id', 'integer', (c) => c.references('newsletter_issues.id').onDelete('set null'))
    .addPrimaryKeyConstraint('newsletter_alert_articles_pk', ['newsletter_id', 'article_id'])
    .execute();
  await db.schema
    .createIndex('newsletter_alert_articles_waiting')
    .on('newsletter_alert_articles')
    .columns(['newsletter_id', 'status', 'queued_at', 'article_id'])
    .execute();
  await db.schema
    .createIndex('newsletter_alert_articles_article')
    .on('newsletter_alert_articles')
    .columns(['article_id', 'status'])
    .execute();
  await db.schema.createIndex('newsletters_term').on('newsletters').column('term_id').execute();
  await db.schema.createIndex('newsletters_person').on('newsletters').column('person_id').execute();
}
