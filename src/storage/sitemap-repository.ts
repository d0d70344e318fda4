import { type Kysely, sql } from 'kysely';
import type { SitemapArticle, SitemapStore } from '../domain/ports/sitemap-store.ts';
import { runCompiled } from './compiled-query.ts';
import type { Database } from './schema.ts';

/** The few queries sitemaps need, over published articles visible at `now`. */
export class SitemapRepository implements SitemapStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /**
   * Months (YYYY-MM) with published articles up to `now`'s month, newest first, with counts
   * and last change: read from the maintained listing counts.
   */
  async months(now: string): Promise<{ month: string; count: number; lastModified: string }[]> {
    // Sitemaps are reader pages: their queries are built once per shape (see runCompiled).
    const rows = await runCompiled(this.db, 'sitemap months', [`month:${now.slice(0, 7)}`], ([last]) =>
      this.db
        .selectFrom('listing_counts')
        .select(['scope', 'count', 'last_modified'])
        .where('scope', '>', 'month:')
        .where('scope', '<=', last as string)
        .where('count', '>', 0)
        .orderBy('scope', 'desc'),
    );
    return rows.map((r) => ({
      month: r.scope.slice('month:'.length),
      count: Number(r.count),
      lastModified: r.last_modified,
    }));
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
    const { to } = query;
    const values = [query.now, query.from, ...(to === undefined ? [] : [to]), query.limit, query.offset];
    const shape = `sitemap articles ${to === undefined ? 'to now' : 'in a range'}`;
    const rows = await runCompiled(this.db, shape, values, (v) => {
      let i = 0;
      const next = () => v[i++] as string;
      let q = this.db
        .selectFrom('articles')
        .select(['slug', 'title', 'language', 'published_at', 'updated_at', 'featured_image'])
        .where('status', '=', 'published')
        .where('published_at', '<=', next())
        .where('published_at', '>=', next());
      if (to !== undefined) q = q.where('published_at', '<', next());
      return q
        .orderBy('published_at')
        .orderBy('id')
        .limit(next() as unknown as number)
        .offset(next() as unknown as number);
    });
    return rows.map((r) => ({
      slug: r.slug,
      title: r.title,
      language: r.language,
      publishedAt: r.published_at ?? '',
      updatedAt: r.updated_at,
      featuredImage: r.featured_image,
    }));
  }

  async entries(query: {
    now: string;
    from: string;
    to: string;
    limit: number;
    offset: number;
  }): Promise<Pick<SitemapArticle, 'slug' | 'updatedAt' | 'featuredImage'>[]> {
    // Every column named here is in articles_sitemap (migration 0011): SQLite and PostgreSQL
    // answer from the index without reading the rows and their bodies.
    const values = [query.now, query.from, query.to, query.limit, query.offset];
    const rows = await runCompiled(this.db, 'sitemap entries', values, ([now, from, to, limit, offset]) =>
      this.db
        .selectFrom('articles')
        .select(['slug', 'updated_at', 'featured_image'])
        .where('status', '=', 'published')
        .where('published_at', '<=', now as string)
        .where('published_at', '>=', from as string)
        .where('published_at', '<', to as string)
        .orderBy('status')
        .orderBy('published_at')
        .orderBy('id')
        .limit(limit as number)
        .offset(offset as number),
    );
    return rows.map((r) => ({ slug: r.slug, updatedAt: r.updated_at, featuredImage: r.featured_image }));
  }

  /** Terms with at least one published article, with the newest change among those articles. */
  async terms(_now: string): Promise<{ taxonomySlug: string; termSlug: string; lastModified: string }[]> {
    const rows = await this.db
      .selectFrom('listing_counts as c')
      // The id is read out of the scope, so each row finds its term by primary key.
      .innerJoin('terms as t', (join) =>
        join.on(sql`CAST(substr(c.scope, 6) AS INTEGER)`, '=', sql.ref('t.id')),
      )
      .innerJoin('taxonomies as x', 'x.id', 't.taxonomy_id')
      .select(['x.slug as taxonomy', 't.slug as term', 'c.last_modified as last'])
      .where('c.scope', '>', 'term:')
      .where('c.scope', '<', 'term;')
      .where('c.count', '>', 0)
      .orderBy('x.slug')
      .orderBy('t.slug')
      .execute();
    return rows.map((r) => ({ taxonomySlug: r.taxonomy, termSlug: r.term, lastModified: r.last }));
  }

  /** Authors with at least one published article, with the newest change among those articles. */
  async authors(_now: string): Promise<{ slug: string; name: string; lastModified: string }[]> {
    const rows = await this.db
      .selectFrom('listing_counts as c')
      // The id is read out of the scope, so each row finds its person by primary key.
      .innerJoin('people as p', (join) =>
        join.on(sql`CAST(substr(c.scope, 8) AS INTEGER)`, '=', sql.ref('p.id')),
      )
      .select(['p.slug', 'p.name', 'c.last_modified as last'])
      .where('c.scope', '>', 'person:')
      .where('c.scope', '<', 'person;')
      .where('c.count', '>', 0)
      .orderBy('p.slug')
      .execute();
    return rows.map((r) => ({ slug: r.slug, name: r.name, lastModified: r.last }));
  }
}
