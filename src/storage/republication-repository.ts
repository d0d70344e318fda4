import { type Kysely, sql } from 'kysely';
import type {
  Republication,
  RepublicationHits,
  RepublicationStore,
} from '../domain/ports/republication-store.ts';
import type { Database } from './schema.ts';

/** Rows per statement: well under both databases' bound-parameter limits. */
const CHUNK = 200;

/** Pages that displayed our articles: totals per page and a count per day, nothing about readers. */
export class RepublicationRepository implements RepublicationStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async add(hits: RepublicationHits[]): Promise<number> {
    if (hits.length === 0) return 0;
    const ids = [...new Set(hits.map((h) => h.articleId))];
    const published = new Set<number>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('articles')
        .select('id')
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .where('status', '=', 'published')
        .execute();
      for (const row of rows) published.add(row.id);
    }
    // One row per page (several days of one window fold together): a statement may not update
    // the same row twice.
    const pages = new Map<
      string,
      { articleId: number; host: string; page: string; views: number; first: string; last: string }
    >();
    const days: { key: string; day: string; count: number }[] = [];
    for (const hit of hits) {
      if (!published.has(hit.articleId) || hit.count <= 0) continue;
      const key = `${hit.articleId} ${hit.page}`;
      const page = pages.get(key);
      if (page) {
        page.views += hit.count;
        if (hit.firstAt < page.first) page.first = hit.firstAt;
        if (hit.lastAt > page.last) page.last = hit.lastAt;
      } else {
        pages.set(key, {
          articleId: hit.articleId,
          host: hit.host,
          page: hit.page,
          views: hit.count,
          first: hit.firstAt,
          last: hit.lastAt,
        });
      }
      days.push({ key, day: hit.day, count: hit.count });
    }
    const idOf = new Map<string, number>();
    const rows = [...pages.values()];
    for (let i = 0; i < rows.length; i += CHUNK) {
      const saved = await this.db
        .insertInto('republications')
        .values(
          rows.slice(i, i + CHUNK).map((p) => ({
            article_id: p.articleId,
            host: p.host,
            page: p.page,
            views: p.views,
            first_seen: p.first,
            last_seen: p.last,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['article_id', 'page']).doUpdateSet({
            views: sql`republications.views + excluded.views`,
            // Several processes flush on their own: windows may land out of order.
            first_seen: sql`CASE WHEN excluded.first_seen < republications.first_seen
              THEN excluded.first_seen ELSE republications.first_seen END`,
            last_seen: sql`CASE WHEN excluded.last_seen > republications.last_seen
              THEN excluded.last_seen ELSE republications.last_seen END`,
          }),
        )
        .returning(['id', 'article_id', 'page'])
        .execute();
      for (const row of saved) idOf.set(`${row.article_id} ${row.page}`, row.id);
    }
    const counts = days.flatMap((d) => {
      const id = idOf.get(d.key);
      return id === undefined ? [] : [{ republication_id: id, day: d.day, count: d.count }];
    });
    for (let i = 0; i < counts.length; i += CHUNK) {
      await this.db
        .insertInto('republication_views')
        .values(counts.slice(i, i + CHUNK))
        .onConflict((oc) =>
          oc
            .columns(['republication_id', 'day'])
            .doUpdateSet({ count: sql`republication_views.count + excluded.count` }),
        )
        .execute();
    }
    return counts.reduce((n, c) => n + c.count, 0);
  }

  async ofArticle(articleId: number, limit: number): Promise<Republication[]> {
    const rows = await this.db
      .selectFrom('republications')
      .select(['host', 'page', 'views', 'first_seen', 'last_seen'])
      .where('article_id', '=', articleId)
      .orderBy('last_seen', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      host: r.host,
      page: r.page,
      views: Number(r.views),
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
    }));
  }

  async totalsOf(articleId: number): Promise<{ pages: number; views: number }> {
    const row = await this.db
      .selectFrom('republications')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('pages'),
        eb.fn.sum<number | string | null>('views').as('views'),
      ])
      .where('article_id', '=', articleId)
      .executeTakeFirst();
    return { pages: Number(row?.pages ?? 0), views: Number(row?.views ?? 0) };
  }
}
