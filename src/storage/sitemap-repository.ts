import { type Kysely, sql } from 'kysely';
import type { SitemapArticle, SitemapStore } from '../domain/ports/sitemap-store.ts';
import type { Database } from './schema.ts';

/** The few queries sitemaps need, over published articles visible at `now`. */
export class SitemapRepository implements SitemapStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /** Months (YYYY-MM) with published articles, newest first, with counts and last change. */
  async months(now: string): Promise<{ month: string; count: number; lastModified: string }[]> {
    const month = sql<string>`substr(published_at, 1, 7)`;
    const rows = await this.db
      .selectFrom('articles')
      .select([
        month.as('month'),
        (eb) => eb.fn.countAll().as('n'),
        (eb) => eb.fn.max('updated_at').as('last'),
      ])
      .where('status', '=', 'published')
      .where('published_at', '<=', now)
      .groupBy(month)
      .orderBy(month, 'desc')
      .execute();
    return rows.map((r) => ({ month: String(r.month), count: Number(r.n), lastModified: String(r.last) }));
  }

  /** Published articles in [from, to), oldest first. */
  async articles(query: {
    now: string;
    from: string;
    /** Exclusive; omitted means up to `now`. */
    to?: string;
    limit: number;
    offset: number;
  }): Promise<SitemapArticle[]> {
    let q = this.db
      .selectFrom('articles')
      .select(['slug', 'title', 'language', 'published_at', 'updated_at', 'featured_image'])
      .where('status', '=', 'published')
      .where('published_at', '<=', query.now)
      .where('published_at', '>=', query.from);
    if (query.to !== undefined) q = q.where('published_at', '<', query.to);
    const rows = await q
      .orderBy('published_at')
      .orderBy('id')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
    return rows.map((r) => ({
      slug: r.slug,
      title: r.title,
      language: r.language,
      publishedAt: r.published_at ?? '',
      updatedAt: r.updated_at,
      featuredImage: r.featured_image,
    }));
  }

  /** Terms with at least one published article, with the newest change among those articles. */
  async terms(now: string): Promise<{ taxonomySlug: string; termSlug: string; lastModified: string }[]> {
    const rows = await this.db
      .selectFrom('article_terms as at')
      .innerJoin('articles as a', 'a.id', 'at.article_id')
      .innerJoin('terms as t', 't.id', 'at.term_id')
      .innerJoin('taxonomies as x', 'x.id', 't.taxonomy_id')
      .select(['x.slug as taxonomy', 't.slug as term', (eb) => eb.fn.max('a.updated_at').as('last')])
      .where('a.status', '=', 'published')
      .where('a.published_at', '<=', now)
      .groupBy(['x.slug', 't.slug'])
      .orderBy('x.slug')
      .orderBy('t.slug')
      .execute();
    return rows.map((r) => ({ taxonomySlug: r.taxonomy, termSlug: r.term, lastModified: String(r.last) }));
  }

  /** Authors with at least one published article, with the newest change among those articles. */
  async authors(now: string): Promise<{ slug: string; lastModified: string }[]> {
    const rows = await this.db
      .selectFrom('article_authors as aa')
      .innerJoin('articles as a', 'a.id', 'aa.article_id')
      .innerJoin('people as p', 'p.id', 'aa.person_id')
      .select(['p.slug', (eb) => eb.fn.max('a.updated_at').as('last')])
      .where('a.status', '=', 'published')
      .where('a.published_at', '<=', now)
      .groupBy('p.slug')
      .orderBy('p.slug')
      .execute();
    return rows.map((r) => ({ slug: r.slug, lastModified: String(r.last) }));
  }
}
