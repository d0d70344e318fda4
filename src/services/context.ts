import type { Logger } from 'pino';
import type { Store } from '../domain/ports/store.ts';
import type { WebmentionSettings } from '../domain/webmention.ts';

/** What changed, so caches can drop exactly the pages that show it. */
export type ContentChange =
  | {
      kind: 'article';
      id: number;
      slugs: string[];
      /**
       * The listings that show or showed the article (its terms, authors and months, before and
       * after the change), so caches drop only those; without it, every listing is dropped.
       */
      listings?: { termIds: number[]; personIds: number[]; months: string[] };
    }
  | { kind: 'person'; id: number }
  | { kind: 'term'; id: number }
  | { kind: 'page'; slug: string }
  | { kind: 'settings' }
  | { kind: 'everything' };

/** `isRemote` is true for a change made by another process and relayed to this one. */
export type ChangeListener = (change: ContentChange, origin: { isRemote: boolean }) => void;

/**
 * Tells listeners (the page cache, feeds, search) that content changed, after the change
 * committed. With several processes, a broadcaster relays local changes to the others and
 * delivers theirs here with `isRemote` set, so it does not echo them back.
 */
export class ChangeBus {
  private readonly listeners = new Set<ChangeListener>();

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(change: ContentChange, origin: { isRemote: boolean } = { isRemote: false }): void {
    for (const listener of this.listeners) listener(change, origin);
  }
}

/** What every service needs: the store, the time, a logger and the change bus. */
export interface ServiceContext {
  store: Store;
  now: () => Date;
  log: Logger;
  changes: ChangeBus;
  /** Public base URL without trailing slash. */
  siteUrl: string;
  /**
   * How many megabytes of revisions and images one contributor or author may save in 24 hours
   * (0: no limit); without it, DEFAULT_DAILY_WRITE_MEGABYTES (newsroom/write-quota.ts).
   */
  dailyWriteMegabytes?: number;
  /** Days reach keeps its detail before the daily roll-up; without it, DEFAULT_REACH_DETAIL_DAYS (republishing/reach.ts). */
  reachDetailDays?: number;
  /**
   * Minutes a term or author alert waits after a publish before it goes out; without it,
   * DEFAULT_ALERT_GRACE_MINUTES (domain/newsletter-alert.ts).
   */
  alertGraceMinutes?: number;
  /** How webmention sources are fetched; without it, the safe defaults (no private addresses). */
  webmention?: WebmentionSettings;
}
