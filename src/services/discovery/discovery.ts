import type { Article } from '../../domain/article.ts';
import type { ContentChange, ServiceContext } from '../context.ts';
import type { ArticleCard } from '../reader.ts';
import { indexArticleIn, rebuildSearchIndex, Search } from './search.ts';
import { type MostReadPeriod, mostRead, ViewCounter } from './views.ts';
import { WebSubPinger } from './websub.ts';

export interface DiscoveryOptions {
  /** WebSub hub URL; empty for none. */
  websubHub: string;
  /** Called after read counts were written, so caches showing most-read lists may refresh. */
  onViewsFlushed?: (views: number) => void;
  viewFlushMs?: number;
}

const MOST_READ_MEMO_MS = 60_000;
const MOST_READ_MEMO_SIZE = 500;

/** Search, related articles, most-read lists and the listeners that keep them current. */
export class Discovery {
  readonly search: Search;
  readonly views: ViewCounter;
  readonly websub: WebSubPinger | null;
  private detach: (() => void)[] = [];
  private readonly mostReadMemo = new Map<string, { cards: Promise<ArticleCard[]>; at: number }>();

  private readonly ctx: ServiceContext;

  constructor(ctx: ServiceContext, options: DiscoveryOptions) {
    this.ctx = ctx;
    this.search = new Search(ctx);
    this.views = new ViewCounter(ctx, {
      ...(options.viewFlushMs !== undefined ? { flushMs: options.viewFlushMs } : {}),
      ...(options.onViewsFlushed ? { onFlushed: options.onViewsFlushed } : {}),
    });
    this.websub = options.websubHub ? new WebSubPinger(ctx, options.websubHub) : null;
  }

  /**
   * Most-read lists may lag the counts (README: up to five minutes), so each is worked out at
   * most once a minute and shared by every page that shows it, cached or not. The memo holds
   * at most MOST_READ_MEMO_SIZE lists.
   */
  mostRead(period: MostReadPeriod, termIds?: number[]): Promise<ArticleCard[]> {
    const key = `${period}:${termIds?.join(',') ?? ''}`;
    const now = this.ctx.now().getTime();
    const memo = this.mostReadMemo.get(key);
    if (memo && Math.abs(now - memo.at) < MOST_READ_MEMO_MS) return memo.cards;
    const cards = mostRead(this.ctx, { period, ...(termIds ? { termIds } : {}) });
    // A failed query is not remembered.
    cards.catch(() => this.mostReadMemo.delete(key));
    this.mostReadMemo.delete(key);
    this.mostReadMemo.set(key, { cards, at: now });
    if (this.mostReadMemo.size > MOST_READ_MEMO_SIZE) {
      const oldest = this.mostReadMemo.keys().next().value;
      if (oldest !== undefined) this.mostReadMemo.delete(oldest);
    }
    return cards;
  }

  related(article: Article): Promise<ArticleCard[]> {
    return this.search.related(article);
  }

  /** Starts the view flusher and the change listeners; `stop` undoes it. */
  start(): void {
    this.views.start();
    if (this.websub) this.detach.push(this.websub.attach());
    // The index lives in the database: the process that made a change keeps it in step. A
    // change relayed from another process (or SQLite's data_version noticing one) is already
    // there; rebuilding on it made every server reindex the archive after each outside write.
    this.detach.push(
      this.ctx.changes.subscribe((change, origin) => {
        if (!origin.isRemote) void this.keepIndexInStep(change);
        // An article that left the listings (unpublished, deleted) must not linger in a
        // remembered most-read list; a draft's save changes none of them.
        const isListingChange =
          change.kind === 'everything' ||
          (change.kind === 'article' && (!change.listings || change.listings.months.length > 0));
        if (isListingChange) this.mostReadMemo.clear();
        // Lists worked out before a change, not yet written, may be stale: work them out again.
        if (change.kind === 'article') this.search.relatedLists.forget([change.id]);
        else if (change.kind === 'everything') this.search.relatedLists.forget('all');
      }),
    );
  }

  async stop(): Promise<void> {
    for (const off of this.detach) off();
    this.detach = [];
    await this.views.stop();
    await this.search.relatedLists.flush();
    await this.websub?.flush();
  }

  /**
   * Article saves index the article in their own transaction; this catches what changes
   * around articles: an author's or a term's name, or everything at once (a restore).
   */
  private async keepIndexInStep(change: ContentChange): Promise<void> {
    try {
      if (change.kind === 'everything') {
        await rebuildSearchIndex(this.ctx);
        this.search.reset();
        return;
      }
      if (change.kind !== 'person' && change.kind !== 'term') return;
      const filter = change.kind === 'person' ? { personId: change.id } : { termId: change.id };
      // In batches by id, so a term on half a million articles never loads them at once.
      let afterId = 0;
      for (;;) {
        const batch = await this.ctx.store.articles.idsFiledUnder(filter, afterId, 200);
        if (batch.length === 0) break;
        await this.ctx.store.transaction(async (repos) => {
          for (const id of batch) await indexArticleIn(repos, id);
        });
        afterId = batch[batch.length - 1] ?? afterId;
      }
    } catch (err) {
      this.ctx.log.error({ err, change }, 'search: could not update the index after a change');
    }
  }
}
