import type { ListedArticle, ListingCount } from '../listing.ts';

/**
 * How many published articles each listing holds (the site, a term, an author, a month) and
 * when one last changed, kept up to date by every save, so readers' pages count nothing.
 */
export interface ListingStore {
  /**
   * Records that a save moved an article from `before` to `after` (null: not published), in
   * the save's transaction.
   */
  recordSave(
    articleId: number,
    before: ListedArticle | null,
    after: ListedArticle | null,
    now: string,
  ): Promise<void>;
  /**
   * Records that new articles were saved (an import's batch), `listed` being those published;
   * their term and author rows were written with listed_at (ArticleStore.addRelations).
   */
  recordNew(listed: ListedArticle[], now: string): Promise<void>;
  /** Counts terms again from their articles (after articles moved between terms in a merge). */
  recountTerms(termIds: number[], now: string): Promise<void>;
  /** A listing's size; with `now`, without the published articles dated after it. */
  get(scope: string, now?: string): Promise<ListingCount>;
  /** Non-empty scopes of one kind, by the key after the colon. */
  nonEmpty(kind: 'term' | 'person' | 'month'): Promise<Map<string, ListingCount>>;
  /** Works every listing out again from the articles (after writes that bypass saves). */
  rebuild(): Promise<void>;
}
