import { isRecordId } from '../../domain/limits.ts';
import type { ServiceContext } from '../context.ts';
import { type ArticleCard, Reader } from '../reader.ts';

const BOT_PATTERN =
  /bot|crawl|spider|slurp|facebookexternalhit|embedly|preview|monitor|curl|wget|python-requests|httpclient|go-http|axios|node-fetch|headless|lighthouse|pingdom|uptime|feedfetcher|scrapy|java\/|libwww|okhttp/i;

/** Whether a User-Agent is obviously not a person reading (crawlers, previews, scripts, none at all). */
export function isLikelyBot(userAgent: string | undefined): boolean {
  return !userAgent || userAgent.length < 10 || BOT_PATTERN.test(userAgent);
}

/**
 * Counts reads in memory and writes them in one transaction every few seconds. It keeps
 * an article id and a day, nothing about the reader: no cookie, address or agent is stored.
 */
interface ViewCounterOptions {
  flushMs?: number;
  maxPending?: number;
  onFlushed?: (views: number) => void;
}

export class ViewCounter {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private readonly maxPending: number;

  private readonly ctx: Pick<ServiceContext, 'store' | 'now' | 'log'>;
  private readonly options: ViewCounterOptions;

  constructor(ctx: Pick<ServiceContext, 'store' | 'now' | 'log'>, options: ViewCounterOptions = {}) {
    this.ctx = ctx;
    this.options = options;
    this.maxPending = options.maxPending ?? 10_000;
  }

  record(articleId: number): void {
    // No article has another id; one past the integer column would fail the whole flush.
    if (!isRecordId(articleId)) return;
    const key = `${articleId}|${this.ctx.now().toISOString().slice(0, 10)}`;
    // A flood of distinct ids must not grow memory without bound; excess reads are dropped.
    if (!this.pending.has(key) && this.pending.size >= this.maxPending) return;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushMs ?? 5000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** Writes pending counts; returns how many reads were written. */
  async flush(): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = this.pending;
    this.pending = new Map();
    const counts = [...batch].map(([key, count]) => {
      const [id, day] = key.split('|') as [string, string];
      return { articleId: Number(id), day, count };
    });
    try {
      await this.ctx.store.transaction((repos) => repos.views.add(counts));
    } catch (err) {
      this.ctx.log.warn({ err }, 'views: could not write read counts');
      return 0;
    }
    const total = counts.reduce((n, c) => n + c.count, 0);
    this.options.onFlushed?.(total);
    return total;
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
