/** What a published article contributes to reader listings. */
export interface ListedArticle {
  publishedAt: string;
  termIds: number[];
  authorIds: number[];
}

/** How many published articles a listing holds, and when one of them last changed. */
export interface ListingCount {
  count: number;
  lastModified: string;
}

/** The listings whose sizes are kept: the site, a term, an author, a month (YYYY-MM). */
export const listingScope = {
  site: 'site',
  term: (id: number) => `term:${id}`,
  person: (id: number) => `person:${id}`,
  month: (month: string) => `month:${month}`,
};

/** Every listing an article appears in while it is published; none when it is not. */
export function listingScopesOf(article: ListedArticle | null): Set<string> {
  if (!article) return new Set();
  return new Set([
    listingScope.site,
    listingScope.month(article.publishedAt.slice(0, 7)),
    ...article.termIds.map(listingScope.term),
    ...article.authorIds.map(listingScope.person),
  ]);
}
