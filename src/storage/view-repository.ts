import { type Kysely, sql } from 'kysely';
import type { MostReadQuery, ViewCount, ViewStore } from '../domain/ports/view-store.ts';
import type { Database } from './schema.ts';

/** Daily read counts per article: a number per day, nothing about who read. */
export class ViewRepository implements ViewStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /** Adds counts (and referring hosts' counts); ids of articles that do not exist (or are not published) are ignored. */
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
    // Several entries of one window may share an article and day (one per referring host): a
    // statement may not update the same row twice.
    const views = new Map<string, { article_id: number; day: string; count: number }>();
    const referrers: { article_id: number; day: string; host: string; count: number }[] = [];
    for (const c of counts) {
      if (!existing.has(c.articleId) || c.count <= 0) continue;
      const key = `${c.articleId}|${c.day}`;
      const row = views.get(key);
      if (row) row.count += c.count;
      else views.set(key, { article_id: c.articleId, day: c.day, count: c.count });
      if (c.referrer)
        referrers.push({ article_id: c.articleId, day: c.day, host: c.referrer, count: c.count });
    }
    const rows = [...views.values()];
    for (let i = 0; i < rows.length; i += 500) {
      await this.db
        .insertInto('article_views')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) =>
          oc.columns(['article_id', 'day']).doUpdateSet({ count: sql`article_views.count + excluded.count` }),
        )
        .execute();
    }
    for (let i = 0; i < referrers.length; i += 500) {
      await this.db
        .insertInto('article_referrers')
        .values(referrers.slice(i, i + 500))
        .onConflict((oc) =>
          oc
            .columns(['article_id', 'day', 'host'])
            .doUpdateSet({ count: sql`article_referrers.count + excluded.count` }),
        )
        .execute();
    }
  }

  /**
   * Article ids by reads since a day, most read first; ties go to the newer article. The
   * period's counts are read first, through the (day, article_id) index (MATERIALIZED keeps
   * SQLite from walking every count in article order instead): their rows follow recent
   * traffic, not the archive. Each counted article is then checked by primary key (CROSS JOIN
   * fixes that order on SQLite; PostgreSQL plans it as a plain join).
   */
  async mostRead(query: MostReadQuery): Promise<{ articleId: number; count: number }[]> {
    const byTerm =
      query.termIds && query.termIds.length > 0
        ? sql`AND EXISTS (SELECT 1 FROM article_terms x WHERE x.article_id = r.article_id
            AND x.term_id IN (${sql.join(query.termIds)}))`
        : sql``;
    const { rows } = await sql<{ article_id: number; total: number }>`
      WITH r AS MATERIALIZED (
        SELECT article_id, count FROM article_views WHERE day >= ${query.sinceDay}
      )
      SELECT r.article_id, sum(r.count) AS total, a.published_at
      FROM r CROSS JOIN articles a
      WHERE a.id = r.article_id AND a.status = 'published' AND a.published_at <= ${query.now} ${byTerm}
      GROUP BY r.article_id, a.published_at
      ORDER BY total DESC, a.published_at DESC
      LIMIT ${query.limit}`.execute(this.db);
    return rows.map((r) => ({ articleId: Number(r.article_id), count: Number(r.total) }));
  }
}
