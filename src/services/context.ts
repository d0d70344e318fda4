import type { Logger } from 'pino';
import type { Store } from '../storage/store.js';

/** What changed, so caches can drop exactly the pages that show it. */
export type ContentChange =
  | { kind: 'article'; id: number; slugs: string[] }
  | { kind: 'person'; id: number }
  | { kind: 'term'; id: number }
  | { kind: 'page'; slug: string }
  | { kind: 'settings' }
  | { kind: 'everything' };

export type ChangeListener = (change: ContentChange) => void;

/** Tells listeners (the page cache, feeds, search) that content changed, after the change committed. */
export class ChangeBus {
  private readonly listeners = new Set<ChangeListener>();

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(change: ContentChange): void {
    for (const listener of this.listeners) listener(change);
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
}
