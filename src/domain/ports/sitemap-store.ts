export interface SitemapArticle {
  slug: string;
  title: string;
  language: string;
  publishedAt: string;
  updatedAt: string;
  featuredImage: string | null;
}

/** The few queries sitemaps need, over published articles visible at `now`. */
export interface SitemapStore {
  /** Months (YYYY-MM) with published articles, newest first, with counts and last change. */
  months(now: string): Promise<
    {
      month: string;
      count: number;
      lastModified: string;
    }[]
  >;
  /** Published articles in [from, to), oldest first. */
  articles(query: {
    now: string;
    from: string;
    /** Exclusive; omitted means up to `now`. */
    to?: string;
    limit: number;
    offset: number;
  }): Promise<SitemapArticle[]>;
  /**
   * The same range with only what a monthly sitemap lists (address, last change, image), read
   * from an index that holds exactly those: a month of 50,000 articles is one index range.
   */
  entries(query: {
    now: string;
    from: string;
    to: string;
    limit: number;
    offset: number;
  }): Promise<Pick<SitemapArticle, 'slug' | 'updatedAt' | 'featuredImage'>[]>;
  /** Terms with at least one published article, with the newest change among those articles. */
  terms(now: string): Promise<
    {
      taxonomySlug: string;
      termSlug: string;
      lastModified: string;
    }[]
  >;
  /** Authors with at least one published article, with the newest change among those articles. */
  authors(now: string): Promise<
    {
      slug: string;
      name: string;
      lastModified: string;
    }[]
  >;
}
