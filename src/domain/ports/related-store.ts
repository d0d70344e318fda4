/** A stored list of the articles most like one article, and when it was worked out. */
export interface RelatedList {
  articleIds: number[];
  computedAt: string;
}

/**
 * Related-article lists, worked out once per article and kept, so an article page reads one
 * row instead of ranking the archive. Derived data: a list may name articles unpublished
 * since, which readers filter out; forgetting a list only costs working it out again.
 */
export interface RelatedStore {
  get(articleId: number): Promise<RelatedList | undefined>;
  put(articleId: number, list: RelatedList): Promise<void>;
  /** Keeps many lists at once (each replaces the article's list). */
  putMany(lists: ReadonlyMap<number, RelatedList>): Promise<void>;
  /** Drops the lists of these articles (after they changed). */
  forget(articleIds: number[]): Promise<void>;
}
