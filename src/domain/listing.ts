/** What a published article contributes to reader listings. */
export interface ListedArticle {
  publishedAt: string;
  /** The article's last change (its updated_at): a listing's last change is its newest. */
  modifiedAt: string;
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

/**
 * A place in a listing: the listing time and id of an article, the order listings sort by
 * (newest first, the higher id first on the same time). The page after it is read from the
 * index by keyset, at the same cost at page 5,000 as at page 2.
 */
export interface ListingPosition {
  at: string;
  id: number;
}

const POSITION_TEXT = /^([\x20-\x7b\x7d\x7e]{1,32})\|([1-9]\d{0,15})$/;

/** A position as a URL-safe cursor (`?after=`): opaque, one spelling per position. */
export function encodeListingPosition(position: ListingPosition): string {
  return Buffer.from(`${position.at}|${position.id}`, 'utf8').toString('base64url');
}

/**
 * The position a cursor names, or undefined when it is not one this site wrote: any other
 * spelling of the same position (padding, stray characters) is refused, so each page has one URL.
 *
 * @example decodeListingPosition(encodeListingPosition({ at: '2026-01-02T03:04:05.000Z', id: 7 }))
 */
export function decodeListingPosition(cursor: string): ListingPosition | undefined {
  if (cursor.length === 0 || cursor.length > 72 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const match = POSITION_TEXT.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) return undefined;
  const position = { at: match[1], id: Number(match[2]) };
  if (!Number.isSafeInteger(position.id) || encodeListingPosition(position) !== cursor) return undefined;
  return position;
}
