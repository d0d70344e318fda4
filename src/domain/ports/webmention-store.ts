import type { Webmention, WebmentionStatus } from '../webmention.ts';

/** What is written for a mention after a check; `id` is the store's. */
export type WebmentionRecord = Omit<Webmention, 'id'>;

/** Webmentions of our articles, one per article and source page. */
export interface WebmentionStore {
  find(articleId: number, source: string): Promise<Webmention | undefined>;
  /** Writes the mention of `articleId` by `source`, adding it or replacing what was known. */
  save(mention: WebmentionRecord): Promise<void>;
  /**
   * Deletes an article's mentions of one status but the `keep` most recently checked; returns
   * how many went.
   */
  prune(options: { articleId: number; status: WebmentionStatus; keep: number }): Promise<number>;
  /** An article's mentions, the most recently verified (or checked) first, at most `limit`. */
  listFor(articleId: number, limit: number): Promise<Webmention[]>;
  /** How many mentions an article has, listed or not. */
  countFor(articleId: number): Promise<number>;
}
