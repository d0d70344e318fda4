import { isRecordId } from '../../domain/limits.ts';
import type { ViewCount } from '../../domain/ports/view-store.ts';
import { referringHost } from '../../domain/reach.ts';
import { hostOf } from '../../domain/republication.ts';
import { BatchedCounter, type BatchedCountsTiming } from '../batched-counts.ts';
import type { ServiceContext } from '../context.ts';
import { type ArticleCard, Reader } from '../reader.ts';
import { SiteStructure } from '../site-structure.ts';

/** What a view beacon says: the article, and the host the reader came from as the browser reported it. */
export interface ViewHit {
  articleId: number;
  /** The referring site's host (never more of its address); absent when the reader came from nowhere. */
  referrer?: string | undefined;
  /** The Host the beacon was sent to: our own pages under any of our names are not referrers. */
  requestHost?: string | undefined;
}

/**
 * Counts reads in memory and writes them in one transaction every few seconds. It keeps
 * an article id, a day and the referring site's host, nothing about the reader: no cookie,
 * address or agent is stored.
 */
export class ViewCounter extends BatchedCounter<ViewCount> {
  private readonly ctx: Pick<ServiceContext, 'store' | 'now' | 'log'>;
  private readonly siteHost: string | null;

  constructor(
    ctx: Pick<ServiceContext, 'store' | 'now' | 'log' | 'siteUrl'>,
    options: BatchedCountsTiming = {},
  ) {
    super({
      ...options,
      label: 'views',
      log: ctx.log,
      write: async (batch) => {
        await ctx.store.transaction((repos) =>
          repos.views.add(batch.map(({ item, count }) => ({ ...item, count }))),
        );
        return undefined;
      },
    });
    this.ctx = ctx;
    this.siteHost = hostOf(ctx.siteUrl);
  }

  /** Counts one read (the caller has left bots out). */
  record(hit: ViewHit): void {
    const { articleId } = hit;
    // No article has another id; one past the integer column would fail the whole flush.
    if (!isRecordId(articleId)) return;
    const day = this.dayOf(this.ctx.now().getTime());
    const ownHosts = [this.siteHost, hit.requestHost?.toLowerCase()].filter((h): h is string => !!h);
    const referrer = referringHost(hit.referrer, ownHosts);
    const counted = this.counts.add(`${articleId}|${day}|${referrer ?? ''}`, {
      articleId,
      day,
      count: 0,
      referrer,
    });
    // A flood of made-up referring hosts fills the batch with new keys: the read itself still
    // counts, without its host, when the article's plain key is already held.
    if (!counted && referrer)
      this.counts.add(`${articleId}|${day}|`, { articleId, day, count: 0, referrer: null });
  }
}

export type MostReadPeriod = 'day' | 'week';

/** Most-read published articles over the last day (today and yesterday, UTC) or week. */
export async function mostRead(
  ctx: ServiceContext,
  options: { period: MostReadPeriod; termIds?: number[]; limit?: number },
): Promise<ArticleCard[]> {
  const now = ctx.now();
  const days = options.period === 'day' ? 1 : 6;
  const sinceDay = new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  const top = await ctx.store.views.mostRead({
    sinceDay,
    now: now.toISOString(),
    ...(options.termIds ? { termIds: options.termIds } : {}),
    limit: options.limit ?? 5,
  });
  const articles = await SiteStructure.of(ctx).articleSummaries(top.map((t) => t.articleId));
  return new Reader(ctx).cards(articles);
}
