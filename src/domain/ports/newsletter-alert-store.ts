import type { WaitingAlert } from '../newsletter-alert.ts';

/**
 * The queue behind term and author alerts: which articles wait for which alert newsletter's
 * next issue, and which articles have been published once. Every read is by newsletter or by
 * article, on an index, so its cost does not grow with the archive.
 */
export interface NewsletterAlertStore {
  /** Records that an article is published for the first time; false when it was recorded before. */
  recordFirstPublication(articleId: number, at: string): Promise<boolean>;
  /** Ids of the active term alerts for any of these terms and author alerts for any of these people. */
  alertNewslettersFor(input: { termIds: readonly number[]; personIds: readonly number[] }): Promise<number[]>;
  /** Puts an article in each newsletter's queue, waiting; an article already queued for one is left as it is. */
  queueArticle(input: { articleId: number; newsletterIds: readonly number[]; at: string }): Promise<void>;
  /**
   * Puts an article back in the queues it was dropped from before its alert went out (it is
   * published again), waiting from `at`; returns those newsletters' ids.
   */
  requeueDropped(articleId: number, at: string): Promise<number[]>;
  /** Up to `limit` articles waiting for a newsletter's next alert, longest waiting first. */
  listWaiting(newsletterId: number, limit: number): Promise<WaitingAlert[]>;
  /** Drops waiting articles from a newsletter's queue (they were unpublished meanwhile). */
  dropWaiting(newsletterId: number, articleIds: readonly number[]): Promise<void>;
  /** Marks waiting articles as gone out in an issue; returns how many were still waiting. */
  markIssued(newsletterId: number, articleIds: readonly number[], issueId: number): Promise<number>;
}
