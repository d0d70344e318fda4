import type { Kysely } from 'kysely';
import type { WaitingAlert } from '../domain/newsletter-alert.ts';
import type { NewsletterAlertStore } from '../domain/ports/newsletter-alert-store.ts';
import type { Database } from './schema.ts';

/** The alert queue (newsletter_alert_articles) and the record of first publications. */
export class NewsletterAlertRepository implements NewsletterAlertStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async recordFirstPublication(articleId: number, at: string): Promise<boolean> {
    const rows = await this.db
      .insertInto('article_first_publications')
      .values({ article_id: articleId, published_at: at })
      .onConflict((oc) => oc.column('article_id').doNothing())
      .returning('article_id')
      .execute();
    return rows.length > 0;
  }

  async alertNewslettersFor(input: {
    termIds: readonly number[];
    personIds: readonly number[];
  }): Promise<number[]> {
    if (input.termIds.length === 0 && input.personIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('newsletters')
      .select('id')
      .where('is_active', '=', 1)
      .where((eb) =>
        eb.or([
          ...(input.termIds.length > 0
            ? [eb.and([eb('kind', '=', 'term'), eb('term_id', 'in', [...input.termIds])])]
            : []),
          ...(input.personIds.length > 0
            ? [eb.and([eb('kind', '=', 'author'), eb('person_id', 'in', [...input.personIds])])]
            : []),
        ]),
      )
      .orderBy('id')
      .execute();
    return rows.map((row) => row.id);
  }

  async queueArticle(input: {
    articleId: number;
    newsletterIds: readonly number[];
    at: string;
  }): Promise<void> {
    if (input.newsletterIds.length === 0) return;
    await this.db
      .insertInto('newsletter_alert_articles')
      .values(
        input.newsletterIds.map((newsletterId) => ({
          newsletter_id: newsletterId,
          article_id: input.articleId,
          status: 'waiting',
          queued_at: input.at,
          issue_id: null,
        })),
      )
      .onConflict((oc) => oc.columns(['newsletter_id', 'article_id']).doNothing())
      .execute();
  }

  async requeueDropped(articleId: number, at: string): Promise<number[]> {
    const rows = await this.db
      .updateTable('newsletter_alert_articles')
      .set({ status: 'waiting', queued_at: at })
      .where('article_id', '=', articleId)
      .where('status', '=', 'dropped')
      .returning('newsletter_id')
      .execute();
    return rows.map((row) => row.newsletter_id);
  }

  async listWaiting(newsletterId: number, limit: number): Promise<WaitingAlert[]> {
    const rows = await this.db
      .selectFrom('newsletter_alert_articles as q')
      .innerJoin('articles as a', 'a.id', 'q.article_id')
      .select(['q.article_id', 'q.queued_at', 'a.status', 'a.deleted_at'])
      .where('q.newsletter_id', '=', newsletterId)
      .where('q.status', '=', 'waiting')
      .orderBy('q.queued_at')
      .orderBy('q.article_id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      articleId: row.article_id,
      queuedAt: row.queued_at,
      isPublished: row.status === 'published' && row.deleted_at === null,
    }));
  }

  async dropWaiting(newsletterId: number, articleIds: readonly number[]): Promise<void> {
    if (articleIds.length === 0) return;
    await this.db
      .updateTable('newsletter_alert_articles')
      .set({ status: 'dropped' })
      .where('newsletter_id', '=', newsletterId)
      .where('article_id', 'in', [...articleIds])
      .where('status', '=', 'waiting')
      .execute();
  }

  async markIssued(newsletterId: number, articleIds: readonly number[], issueId: number): Promise<number> {
    if (articleIds.length === 0) return 0;
    const result = await this.db
      .updateTable('newsletter_alert_articles')
      .set({ status: 'issued', issue_id: issueId })
      .where('newsletter_id', '=', newsletterId)
      .where('article_id', 'in', [...articleIds])
      .where('status', '=', 'waiting')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
