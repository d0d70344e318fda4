import { type Kysely, sql } from 'kysely';
import type {
  ArticleReach,
  DayViews,
  MentionReach,
  ReachQuery,
  ReachStore,
  ReferrerViews,
  RepublicationReach,
  RepublisherReach,
  RollUpReport,
} from '../domain/ports/reach-store.ts';
import type { Database } from './schema.ts';

/** The day after `day` (YYYY-MM-DD): mentions carry timestamps, compared against the next day's start. */
function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * Reach over a period. Site-wide figures read the period's rows through the day indexes
 * (article_views_day, article_referrers_day, republication_views_day); one article's read its
 * own keys. Top lists are grouped and cut in the database.
 */
export class ReachRepository implements ReachStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async viewsByDay(query: ReachQuery): Promise<DayViews[]> {
    let q = this.db
      .selectFrom('article_views')
      .where('day', '>=', query.since)
      .where('day', '<=', query.until)
      .groupBy('day')
      .select((eb) => ['day', eb.fn.sum<number>('count').as('views')])
      .orderBy('day');
    if (query.articleId !== undefined) q = q.where('article_id', '=', query.articleId);
    const rows = await q.execute();
    return rows.map((r) => ({ day: r.day, views: Number(r.views) }));
  }

  /**
   * The period's counts are read first through the (day, article_id) index (MATERIALIZED keeps
   * SQLite from walking every count in article order), then each article is found by key.
   */
  async topArticles(query: ReachQuery & { limit: number }): Promise<ArticleReach[]> {
    const { rows } = await sql<{ article_id: number; title: string; total: number }>`
      WITH r AS MATERIALIZED (
        SELECT article_id, count FROM article_views WHERE day >= ${query.since} AND day <= ${query.until}
      )
      SELECT r.article_id, a.title, sum(r.count) AS total
      FROM r CROSS JOIN articles a
      WHERE a.id = r.article_id
      GROUP BY r.article_id, a.title
      ORDER BY total DESC, r.article_id DESC
      LIMIT ${query.limit}`.execute(this.db);
    return rows.map((r) => ({ articleId: Number(r.article_id), title: r.title, views: Number(r.total) }));
  }

  async topReferrers(query: ReachQuery & { limit: number }): Promise<ReferrerViews[]> {
    let q = this.db
      .selectFrom('article_referrers')
      .where('day', '>=', query.since)
      .where('day', '<=', query.until)
      .groupBy('host')
      .select((eb) => ['host', eb.fn.sum<number>('count').as('views')])
      .orderBy('views', 'desc')
      .orderBy('host')
      .limit(query.limit);
    if (query.articleId !== undefined) q = q.where('article_id', '=', query.articleId);
    const rows = await q.execute();
    return rows.map((r) => ({ host: r.host, views: Number(r.views) }));
  }

  async republishers(query: ReachQuery & { limit: number }): Promise<RepublisherReach[]> {
    let q = this.db
      .selectFrom('republication_views as v')
      .innerJoin('republications as r', 'r.id', 'v.republication_id')
      .where('v.day', '>=', query.since)
      .where('v.day', '<=', query.until)
      .groupBy('r.host')
      .select((eb) => [
        'r.host',
        eb.fn.sum<number>('v.count').as('views'),
        sql<number>`count(DISTINCT r.article_id)`.as('articles'),
        sql<number>`count(DISTINCT r.id)`.as('pages'),
        eb.fn.min<string>('r.first_seen').as('first_seen'),
        eb.fn.max<string>('r.last_seen').as('last_seen'),
      ])
      .orderBy('views', 'desc')
      .orderBy('r.host')
      .limit(query.limit);
    if (query.articleId !== undefined) q = q.where('r.article_id', '=', query.articleId);
    const rows = await q.execute();
    return rows.map((r) => ({
      host: r.host,
      views: Number(r.views),
      articles: Number(r.articles),
      pages: Number(r.pages),
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
    }));
  }

  async republications(
    query: ReachQuery & { articleId: number; limit: number },
  ): Promise<RepublicationReach[]> {
    const rows = await this.db
      .selectFrom('republications as r')
      .innerJoin('republication_views as v', 'v.republication_id', 'r.id')
      .where('r.article_id', '=', query.articleId)
      .where('v.day', '>=', query.since)
      .where('v.day', '<=', query.until)
      .groupBy(['r.id', 'r.host', 'r.page', 'r.views', 'r.first_seen', 'r.last_seen'])
      .select((eb) => [
        'r.host',
        'r.page',
        'r.views',
        'r.first_seen',
        'r.last_seen',
        eb.fn.sum<number>('v.count').as('period_views'),
      ])
      .orderBy('period_views', 'desc')
      .orderBy('r.id')
      .limit(query.limit)
      .execute();
    return rows.map((r) => ({
      host: r.host,
      page: r.page,
      views: Number(r.period_views),
      totalViews: Number(r.views),
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
    }));
  }

  async mentions(query: ReachQuery & { limit: number }): Promise<MentionReach[]> {
    let q = this.db
      .selectFrom('webmentions as w')
      .innerJoin('articles as a', 'a.id', 'w.article_id')
      .where('w.status', '=', 'verified')
      .where('w.first_verified_at', '>=', query.since)
      .where('w.first_verified_at', '<', nextDay(query.until))
      .select(['w.article_id', 'a.title', 'w.source', 'w.source_title', 'w.first_verified_at'])
      .orderBy('w.first_verified_at', 'desc')
      .orderBy('w.id', 'desc')
      .limit(query.limit);
    if (query.articleId !== undefined) q = q.where('w.article_id', '=', query.articleId);
    const rows = await q.execute();
    return rows.map((r) => ({
      articleId: Number(r.article_id),
      articleTitle: r.title,
      source: r.source,
      sourceTitle: r.source_title,
      firstVerifiedAt: r.first_verified_at ?? '',
    }));
  }

  /**
   * Each step names the detail as the partial indexes do (host <> '' as a literal, page <> host),
   * so both databases read only the rows not yet rolled up.
   */
  async rollUp(beforeDay: string): Promise<RollUpReport> {
    const referrerRows = await this.db
      .selectFrom('article_referrers')
      .where('day', '<', beforeDay)
      .where(sql<boolean>`host <> ''`)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(referrerRows.n) > 0) {
      await sql`
        INSERT INTO article_referrers (article_id, day, host, count)
        SELECT article_id, day, '', sum(count) FROM article_referrers
        WHERE day < ${beforeDay} AND host <> ''
        GROUP BY article_id, day
        ON CONFLICT (article_id, day, host) DO UPDATE SET count = article_referrers.count + excluded.count
      `.execute(this.db);
      await this.db
        .deleteFrom('article_referrers')
        .where('day', '<', beforeDay)
        .where(sql<boolean>`host <> ''`)
        .execute();
    }
    // A page's row carries timestamps; one last seen before the day's start is older than it.
    const pages = await this.db
      .selectFrom('republications')
      .where('last_seen', '<', beforeDay)
      .whereRef('page', '<>', 'host')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(pages.n) > 0) {
      // Several processes' flushes may land out of order: earliest and latest are kept either way.
      await sql`
        INSERT INTO republications (article_id, host, page, views, first_seen, last_seen)
        SELECT article_id, host, host, sum(views), min(first_seen), max(last_seen) FROM republications
        WHERE last_seen < ${beforeDay} AND page <> host
        GROUP BY article_id, host
        ON CONFLICT (article_id, page) DO UPDATE SET
          views = republications.views + excluded.views,
          first_seen = CASE WHEN excluded.first_seen < republications.first_seen
            THEN excluded.first_seen ELSE republications.first_seen END,
          last_seen = CASE WHEN excluded.last_seen > republications.last_seen
            THEN excluded.last_seen ELSE republications.last_seen END
      `.execute(this.db);
      await sql`
        INSERT INTO republication_views (republication_id, day, count)
        SELECT f.id, v.day, sum(v.count)
        FROM republications o
        JOIN republication_views v ON v.republication_id = o.id
        JOIN republications f ON f.article_id = o.article_id AND f.page = o.host
        WHERE o.last_seen < ${beforeDay} AND o.page <> o.host
        GROUP BY f.id, v.day
        ON CONFLICT (republication_id, day) DO UPDATE SET count = republication_views.count + excluded.count
      `.execute(this.db);
      await sql`
        DELETE FROM republication_views WHERE republication_id IN (
          SELECT id FROM republications WHERE last_seen < ${beforeDay} AND page <> host
        )
      `.execute(this.db);
      await this.db
        .deleteFrom('republications')
        .where('last_seen', '<', beforeDay)
        .whereRef('page', '<>', 'host')
        .execute();
    }
    return { referrerRows: Number(referrerRows.n), pages: Number(pages.n) };
  }
}
