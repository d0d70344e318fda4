import type {
  ArticleReach,
  DayViews,
  MentionReach,
  ReferrerViews,
  RepublicationReach,
  RepublisherReach,
  RollUpReport,
} from '../../domain/ports/reach-store.ts';
import { addDays, daysBetween, REACH_TOP_LIMIT, type ReachPeriod, utcDay } from '../../domain/reach.ts';
import type { ServiceContext } from '../context.ts';

/** Days of detail kept when the configuration names none. */
export const DEFAULT_REACH_DETAIL_DAYS = 90;
/** The durable job that rolls up old detail, once a day. */
export const REACH_ROLL_UP_JOB = 'reach-roll-up';
/** Rows in the lists of republishing pages and mentions. */
export const REACH_LIST_LIMIT = 200;

/** Reach over a period, site-wide or for one article. */
export interface ReachReport {
  period: ReachPeriod;
  /** Every day of the period, in order, with zero for days without views. */
  days: DayViews[];
  totalViews: number;
  /** Referring sites, most views first; host '' holds referrals whose site was rolled up. */
  referrers: ReferrerViews[];
  /** Sites that displayed the articles (site-wide), or their pages (one article). */
  republishers: RepublisherReach[];
  republications: RepublicationReach[];
  mentions: MentionReach[];
  /** Most-read articles of the period (site-wide only; empty for one article). */
  topArticles: ArticleReach[];
  /** Referring sites and republishing pages are kept one by one from this day on; before it, as totals. */
  detailSince: string;
  /** How many days of detail are kept. */
  detailDays: number;
}

function detailDaysOf(ctx: Pick<ServiceContext, 'reachDetailDays'>): number {
  return ctx.reachDetailDays ?? DEFAULT_REACH_DETAIL_DAYS;
}

/** The first day whose detail is kept: today and the detail days before it. */
export function detailSince(ctx: Pick<ServiceContext, 'now' | 'reachDetailDays'>): string {
  return addDays(utcDay(ctx.now()), -(detailDaysOf(ctx) - 1));
}

/**
 * Reach over a period, site-wide or (with `articleId`) for one article. Every figure is read
 * through the day indexes or the article's keys, top lists cut at REACH_TOP_LIMIT.
 *
 * @example reachReport(ctx, { period: reachPeriod({ days: '30' }, today).period })
 */
export async function reachReport(
  ctx: Pick<ServiceContext, 'store' | 'now' | 'reachDetailDays'>,
  options: { period: ReachPeriod; articleId?: number },
): Promise<ReachReport> {
  const { period, articleId } = options;
  const span = {
    since: period.since,
    until: period.until,
    ...(articleId !== undefined ? { articleId } : {}),
  };
  const reach = ctx.store.reach;
  const [counted, referrers, republishers, republications, mentions, topArticles] = await Promise.all([
    reach.viewsByDay(span),
    reach.topReferrers({ ...span, limit: REACH_TOP_LIMIT }),
    reach.republishers({ ...span, limit: REACH_TOP_LIMIT }),
    articleId === undefined
      ? Promise.resolve([])
      : reach.republications({ ...span, articleId, limit: REACH_LIST_LIMIT }),
    reach.mentions({ ...span, limit: REACH_LIST_LIMIT }),
    articleId === undefined ? reach.topArticles({ ...span, limit: REACH_TOP_LIMIT }) : Promise.resolve([]),
  ]);
  const byDay = new Map(counted.map((d) => [d.day, d.views]));
  const days = daysBetween(period.since, period.until).map((day) => ({ day, views: byDay.get(day) ?? 0 }));
  return {
    period,
    days,
    totalViews: days.reduce((n, d) => n + d.views, 0),
    referrers,
    republishers,
    republications,
    mentions,
    topArticles,
    detailSince: detailSince(ctx),
    detailDays: detailDaysOf(ctx),
  };
}

/**
 * Folds reach detail older than the detail period into daily totals (see ReachStore.rollUp), in
 * one transaction. Running it again folds nothing more.
 */
export async function rollUpReach(
  ctx: Pick<ServiceContext, 'store' | 'now' | 'log' | 'reachDetailDays'>,
): Promise<RollUpReport> {
  const before = detailSince(ctx);
  const report = await ctx.store.transaction((repos) => repos.reach.rollUp(before));
  if (report.referrerRows > 0 || report.pages > 0)
    ctx.log.info({ before, ...report }, 'reach detail rolled up');
  return report;
}

/**
 * Puts today's roll-up on the job queue unless it is there already; returns 1 when it did.
 * The job's key names the day, so every process asks for the same one job a day.
 */
export async function scheduleReachRollUp(ctx: Pick<ServiceContext, 'store' | 'now'>): Promise<number> {
  const now = ctx.now();
  const dedupeKey = `${REACH_ROLL_UP_JOB}:${utcDay(now)}`;
  if (await ctx.store.jobs.findByKey(dedupeKey)) return 0;
  await ctx.store.jobs.put(
    { kind: REACH_ROLL_UP_JOB, dedupeKey, payload: {}, runAt: now.toISOString() },
    now.toISOString(),
  );
  return 1;
}
