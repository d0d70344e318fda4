import { isRecordId } from '../../domain/limits.ts';
import type { ViewCount } from '../../domain/ports/view-store.ts';
import { BatchedCounter, type BatchedCountsTiming } from '../batched-counts.ts';
import type { ServiceContext } from '../context.ts';
import { type ArticleCard, Reader } from '../reader.ts';

/**
 * Counts reads in memory and writes them in one transaction every few seconds. It keeps
 * an article id and a day, nothing about the reader: no cookie, address or agent is stored.
 */
export class ViewCounter extends BatchedCounter<ViewCount> {
  private readonly ctx: Pick<ServiceContext, 'store' | 'now' | 'log'>;

  constructor(ctx: Pick<ServiceContext, 'store' | 'now' | 'log'>, options: BatchedCountsTiming = {}) {
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
  }

  record(articleId: number): void {
    // No article has another id; one past the integer column would fail the whole flush.
    if (!isRecordId(articleId)) return;
    const day = this.ctx.now().toISOString().slice(0, 10);
    this.counts.add(`${articleId}|${day}`, { articleId, day, count: 0 });
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
  const articles = await ctx.store.articles.findSummariesByIds(top.map((t) => t.articleId));
  return new Reader(ctx).cards(articles);
}
