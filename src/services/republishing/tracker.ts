import { isLikelyBot } from '../../domain/bots.ts';
import { isRecordId } from '../../domain/limits.ts';
import type { Republication, Republisher } from '../../domain/ports/republication-store.ts';
import { hostOf, type RepublicationPage, republicationPage } from '../../domain/republication.ts';
import { BatchedCounter, type BatchedCountsTiming } from '../batched-counts.ts';
import type { ServiceContext } from '../context.ts';

export interface RepublicationTrackerOptions extends BatchedCountsTiming {
  /** Distinct (article, page, day) keys held between flushes; hits on new keys past it are dropped. */
  maxPending?: number;
  /** Hits counted per client address per minute (0: no limit); the image is answered all the same. */
  hitsPerMinute?: number;
  /** Addresses remembered for that limit in one minute; past it, hits from new addresses are not counted. */
  maxAddresses?: number;
}

/** What the tracking image's request says, as the route read it. Nothing of it is stored but the page. */
export interface TrackingHit {
  articleId: number;
  referer: string | undefined;
  userAgent: string | undefined;
  /** Only to limit the hits one client adds in a minute; held in memory for that minute. */
  clientAddress: string;
  /** The Host the image was asked from: our own pages under any of our names are not republications. */
  requestHost: string | undefined;
}

/** Why a hit was or was not counted (tests and the benchmark read it; readers never see it). */
export type TrackingOutcome = 'counted' | 'no-page' | 'bot' | 'bad-id' | 'rate-limited' | 'full';

/**
 * Counts the tracking image of republished articles: per article, the page that displayed it
 * (from the Referer, normalised) and a count per day, batched in memory and written every few
 * seconds in one transaction. No cookie is read or set; no address or user agent is stored.
 * Whether the article exists and is published is checked when writing, so the image answers
 * the same for every id and nobody learns which ids are drafts.
 */
export class RepublicationTracker extends BatchedCounter<PendingHits> {
  private readonly ctx: Pick<ServiceContext, 'store' | 'now' | 'log' | 'siteUrl'>;
  private readonly ownHosts: string[];
  private readonly hitsPerMinute: number;
  private readonly maxAddresses: number;
  private minute = -1;
  private readonly byAddress = new Map<string, number>();
  // The same few pages and browsers send most hits: their verdicts are remembered (a bounded
  // map, emptied when full) rather than parsed again on every hit. A page is remembered by its
  // Referer alone; whether it is one of ours under the Host asked for is a comparison per hit.
  private readonly pages = new Map<string, ShownPage | null>();
  private readonly agents = new Map<string, boolean>();

  constructor(
    ctx: Pick<ServiceContext, 'store' | 'now' | 'log' | 'siteUrl'>,
    options: RepublicationTrackerOptions = {},
  ) {
    const { hitsPerMinute, maxAddresses, ...timing } = options;
    super({
      ...timing,
      label: 'republications',
      log: ctx.log,
      // Returns how many hits were stored (those on published articles): what flush() answers.
      write: (batch) =>
        ctx.store.transaction((repos) =>
          repos.republications.add(
            batch.map(({ item, count }) => ({
              articleId: item.articleId,
              host: item.host,
              page: item.page,
              day: item.day,
              count,
              firstAt: new Date(item.firstMs).toISOString(),
              lastAt: new Date(item.lastMs).toISOString(),
            })),
          ),
        ),
    });
    this.ctx = ctx;
    const siteHost = hostOf(ctx.siteUrl);
    this.ownHosts = siteHost === null ? [] : [siteHost];
    this.hitsPerMinute = hitsPerMinute ?? 600;
    this.maxAddresses = maxAddresses ?? 10_000;
  }

  /** Counts one display of the tracking image, if it came from a person on another site's page. */
  record(hit: TrackingHit): TrackingOutcome {
    if (!isRecordId(hit.articleId)) return 'bad-id';
    // Many pages send no Referer (or one of ours): the user agent is read only for the others.
    const shown = this.pageOf(hit.referer);
    if (!shown || isSameHost(shown.page.host, hit.requestHost)) return 'no-page';
    if (this.isBot(hit.userAgent)) return 'bot';
    const now = this.ctx.now().getTime();
    if (!this.isWithinRate(hit.clientAddress, now)) return 'rate-limited';
    const day = this.dayOf(now);
    const entry = this.counts.add(keyOf(shown, hit.articleId, day), {
      articleId: hit.articleId,
      host: shown.page.host,
      page: shown.page.page,
      day,
      firstMs: now,
      lastMs: now,
    });
    if (!entry) return 'full';
    entry.item.lastMs = now;
    return 'counted';
  }

  private isBot(userAgent: string | undefined): boolean {
    if (userAgent === undefined) return true;
    let isBot = this.agents.get(userAgent);
    if (isBot === undefined) {
      isBot = isLikelyBot(userAgent);
      if (this.agents.size >= MEMO_SIZE) this.agents.clear();
      this.agents.set(userAgent, isBot);
    }
    return isBot;
  }

  private pageOf(referer: string | undefined): ShownPage | null {
    if (referer === undefined) return null;
    let shown = this.pages.get(referer);
    if (shown === undefined) {
      const page = republicationPage(referer, this.ownHosts);
      shown = page && { page, day: '', keys: new Map() };
      if (this.pages.size >= MEMO_SIZE) this.pages.clear();
      this.pages.set(referer, shown);
    }
    return shown;
  }

  /**
   * One client (an address, or every reader behind one proxy) adds at most `hitsPerMinute`
   * hits a minute: a script replaying the image cannot inflate a page's count past that, and
   * the check is a map lookup. The map starts empty each minute and holds at most
   * `maxAddresses`; when a flood of addresses fills it, hits from new ones wait for the next minute.
   */
  private isWithinRate(address: string, now: number): boolean {
    if (this.hitsPerMinute === 0) return true;
    const minute = Math.floor(now / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.byAddress.clear();
    }
    const seen = this.byAddress.get(address);
    if (seen === undefined) {
      if (this.byAddress.size >= this.maxAddresses) return false;
      this.byAddress.set(address, 1);
      return true;
    }
    if (seen >= this.hitsPerMinute) return false;
    this.byAddress.set(address, seen + 1);
    return true;
  }
}

/** A window's hits on one article from one page on one day, as held until written. */
interface PendingHits {
  articleId: number;
  host: string;
  page: string;
  day: string;
  /** The window's first and last hit (epoch ms): made ISO strings when written, not per hit. */
  firstMs: number;
  lastMs: number;
}

/** A remembered page, with the counting keys of the articles it showed on `day`. */
interface ShownPage {
  page: RepublicationPage;
  day: string;
  keys: Map<number, string>;
}

/**
 * The key a hit is counted under, made once per page, article and day: a key built per hit
 * would be a new string to hash on every hit, where a kept one carries its hash.
 */
function keyOf(shown: ShownPage, articleId: number, day: string): string {
  if (shown.day !== day || shown.keys.size >= MEMO_SIZE) {
    shown.day = day;
    shown.keys.clear();
  }
  let key = shown.keys.get(articleId);
  if (key === undefined) {
    key = `${articleId}|${day}|${shown.page.page}`;
    shown.keys.set(articleId, key);
  }
  return key;
}

/** Whether the Host the image was asked from is the page's host: our own page under another of our names. */
function isSameHost(pageHost: string, requestHost: string | undefined): boolean {
  return (
    requestHost !== undefined &&
    requestHost.length === pageHost.length &&
    requestHost.toLowerCase() === pageHost
  );
}

/** Referers and user agents whose verdict is remembered. */
const MEMO_SIZE = 1000;

/** Most pages listed for one article. */
export const MAX_REPUBLICATIONS_LISTED = 500;

/** The pages that displayed an article, most recently seen first (at most MAX_REPUBLICATIONS_LISTED). */
export function republicationsOf(
  ctx: Pick<ServiceContext, 'store'>,
  articleId: number,
  options: { limit?: number } = {},
): Promise<Republication[]> {
  const limit = Math.min(Math.max(1, options.limit ?? MAX_REPUBLICATIONS_LISTED), MAX_REPUBLICATIONS_LISTED);
  return ctx.store.republications.ofArticle(articleId, limit);
}

/** How many pages displayed an article and their views in all, listed or not. */
export function republicationTotalsOf(
  ctx: Pick<ServiceContext, 'store'>,
  articleId: number,
): Promise<{ pages: number; views: number }> {
  return ctx.store.republications.totalsOf(articleId);
}

/**
 * Sites that displayed our articles most over the last `days` UTC days (today included).
 *
 * @example topRepublishers(ctx, { days: 30, limit: 10 })
 */
export async function topRepublishers(
  ctx: Pick<ServiceContext, 'store' | 'now'>,
  options: { days: number; limit?: number },
): Promise<Republisher[]> {
  const until = ctx.now();
  const days = Math.max(1, Math.floor(options.days));
  const since = new Date(until.getTime() - (days - 1) * 86_400_000);
  const hosts = await ctx.store.reach.republishers({
    since: since.toISOString().slice(0, 10),
    until: until.toISOString().slice(0, 10),
    limit: Math.min(Math.max(1, options.limit ?? 20), 200),
  });
  return hosts.map(({ host, views, articles, pages }) => ({ host, views, articles, pages }));
}
