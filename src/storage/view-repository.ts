import { type Kysely, sql } from 'kysely';
import type { MostReadQuery, ViewCount, ViewStore } from '../domain/ports/view-store.ts';
import type { Database } from './schema.ts';

/** Daily read counts per article: a number per day, nothing about who read. */
export class ViewRepository implements ViewStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /** Adds counts; ids of articles that do not exist (or are not published) are ignored. */
  async add(counts: ViewCount[]): Promise<void> {
    if (counts.length === 0) return;
    const ids = [...new Set(counts.map((c) => c.articleId))];
    const existing = new Set(
      (
        await this.db
          .selectFrom('articles')
          .select('id')
          .where('id', 'in', ids)
          .where('status', '=', 'published')
          .execute()
      ).map((r) => r.id),
    );
    const rows = counts.filter((c) => existing.has(c.articleId) && c.count > 0);
    for (let i = 0; i < rows.length; i += 500) {
      await this.db
        .insertInto('article_views')
        .values(rows.slice(i, i + 500).map((c) => ({ article_id: c.articleId, day: c.day, count: c.count })))
        .onConflict((oc) =>
          oc.columns(['article_id', 'day']).doUpdateSet({ count: sql`article_views.count + excluded.count` }),
        )
        .execute();
    }
  }

  /** Article ids by reads since a day, most read first; ties go to the newer article. */
  async mostRead(query: MostReadQuery): Promise<{ articleId: number; count: number }[]> {
    let q = this.db
      .selectFrom('article_views as v')
      .innerJoin('articles as a', 'a.id', 'v.article_id')
      .select(['v.article_id', (eb) => eb.fn.sum<number>('v.count').as('total')])
      .where('v.day', '>=', query.sinceDay)
      .where('a.status', '=', 'published')
      .where('a.published_at', '<=', query.now)
      .groupBy(['v.article_id', 'a.published_at'])
      .orderBy('total', 'desc')
      .orderBy('a.published_at', 'desc')
      .limit(query.limit);
    if (query.termIds && query.termIds.length > 0) {
      const termIds = query.termIds;
      q = q.where('v.article_id', 'in', (qb) =>
        qb.selectFrom('article_terms').select('article_id').where('term_id', 'in', termIds),
      );
    }
    const rows = await q.execute();
    return rows.map((r) => ({ articleId: r.article_id, count: Number(r.total) }));
  }
}
