import type { RelatedList } from '../../domain/ports/related-store.ts';
import type { ServiceContext } from '../context.ts';

/** Lists worked out are written together, at most this long after the first of them... */
const WRITE_DELAY_MS = 1_000;
/** ...and no more than this many wait: past it, a list is shown but not kept (worked out again later). */
const MAX_UNWRITTEN = 5_000;

/**
 * The kept related-article lists, with the ones just worked out held in memory until they are
 * written in one transaction. An article's first view used to write (and wait for the disk) on
 * the reader's request: a burst of first views became a queue of small transactions.
 */
export class RelatedLists {
  private unwritten = new Map<number, RelatedList>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly ctx: Pick<ServiceContext, 'store' | 'log'>;

  constructor(ctx: Pick<ServiceContext, 'store' | 'log'>) {
    this.ctx = ctx;
  }

  async get(articleId: number): Promise<RelatedList | undefined> {
    return this.unwritten.get(articleId) ?? (await this.ctx.store.related.get(articleId));
  }

  /** Keeps a list: readable at once, written with the others shortly. */
  keep(articleId: number, list: RelatedList): void {
    if (!this.unwritten.has(articleId) && this.unwritten.size >= MAX_UNWRITTEN) return;
    this.unwritten.set(articleId, list);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), WRITE_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Drops lists not yet written (their articles changed: the lists may be stale). */
  forget(articleIds: readonly number[] | 'all'): void {
    if (articleIds === 'all') this.unwritten.clear();
    else for (const id of articleIds) this.unwritten.delete(id);
  }

  /** Writes what waits; a database that refuses (read-only, full) only costs working lists out again. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.unwritten;
    if (batch.size === 0) return this.writing;
    this.unwritten = new Map();
    this.writing = this.writing.then(async () => {
      try {
        await this.ctx.store.transaction((repos) => repos.related.putMany(batch));
      } catch (err) {
        this.ctx.log.warn({ err, lists: batch.size }, 'related articles: could not keep the lists');
      }
    });
    return this.writing;
  }
}
