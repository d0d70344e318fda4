import { createHash } from 'node:crypto';
import sanitizeHtml from 'sanitize-html';
import { isPubliclyVisible, toIsoTimestamp } from '../../domain/article.ts';
import type { PageFetcher } from '../../domain/ports/page-fetcher.ts';
import type { WebmentionRecord } from '../../domain/ports/webmention-store.ts';
import {
  documentBase,
  hasLinkTo,
  textMentions,
  urlsInAttributes,
  type Webmention,
  type WebmentionStatus,
  webmentionFieldProblems,
} from '../../domain/webmention.ts';
import { Errors } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import { Reader } from '../reader.ts';

/** The job kind that checks a received webmention. */
export const WEBMENTION_JOB = 'verify-webmention';

/** What a queued check needs; the job's payload. */
export interface WebmentionJob {
  articleId: number;
  source: string;
  target: string;
  receivedAt: string;
}

/** The longest source title kept, in characters. */
const MAX_TITLE_LENGTH = 300;

/**
 * Refused mentions kept per article, and as many removed ones: the most recently checked.
 * Anyone may send mentions from ever new pages, so rows of mentions that are not listed as
 * verified would otherwise grow without end; each check that writes one deletes the oldest
 * beyond the cap in the same transaction (a bounded delete on one article's rows), rather than
 * a periodic sweep by age that a burst could outrun between sweeps. Verified mentions are
 * never pruned: each needs a real page that links to the article.
 */
export const MAX_UNLISTED_MENTIONS = 100;

/**
 * Accepts a webmention: checks that both fields are http(s) URLs, that they differ, and that the
 * target is one of our published articles (at its address or an old one that redirects to it),
 * then queues the check of the source. Throws VALIDATION_FAILED naming the field otherwise.
 */
export async function receiveWebmention(
  ctx: ServiceContext,
  fields: { source: string | undefined; target: string | undefined },
  limits: { maxWaiting: number },
): Promise<{ articleId: number }> {
  const problems = webmentionFieldProblems(fields);
  if (problems.length > 0) throw Errors.VALIDATION_FAILED({ details: problems });
  const source = fields.source as string;
  const target = fields.target as string;
  const articleId = await articleAt(ctx, target);
  if (articleId === undefined) {
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'target', message: 'is not the address of an article published on this site' }],
    });
  }
  if ((await ctx.store.jobs.countWaiting(WEBMENTION_JOB, limits.maxWaiting)) >= limits.maxWaiting) {
    ctx.log
      .child({ module: 'webmentions' })
      .warn({ articleId, source }, 'webmention refused: too many waiting');
    throw Errors.WEBMENTIONS_BACKLOG();
  }
  const receivedAt = toIsoTimestamp(ctx.now());
  const payload: WebmentionJob = { articleId, source, target, receivedAt };
  // One pending check per article and source: a source sent again is checked again, once.
  await ctx.store.jobs.put(
    {
      kind: WEBMENTION_JOB,
      dedupeKey: `webmention:${articleId}:${createHash('sha256').update(source).digest('hex')}`,
      payload,
      runAt: receivedAt,
      maxAttempts: 3,
    },
    receivedAt,
  );
  ctx.log.child({ module: 'webmentions' }).info({ articleId, source }, 'webmention received');
  return { articleId };
}

/** The id of the published article at a URL of this site (following old addresses), if any. */
export async function articleAt(ctx: ServiceContext, target: string): Promise<number | undefined> {
  const site = new URL(ctx.siteUrl);
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  const base = site.pathname.replace(/\/$/, '');
  if (url.origin !== site.origin || !url.pathname.startsWith(`${base}/`)) return undefined;
  const path = url.pathname.slice(base.length).replace(/(.)\/$/, '$1');
  const direct = await publishedArticleAt(ctx, path);
  if (direct !== undefined) return direct;
  let decoded: string;
  try {
    decoded = decodeURI(path);
  } catch {
    return undefined;
  }
  if (decoded.includes('\u0000')) return undefined;
  // The not-found handler's own lookup: renamed slugs, imported WordPress addresses.
  const moved = await new Reader(ctx).oldAddress(decoded);
  return moved?.kind === 'moved' ? publishedArticleAt(ctx, moved.to) : undefined;
}

async function publishedArticleAt(ctx: ServiceContext, path: string): Promise<number | undefined> {
  const encoded = /^\/articles\/([^/?#]+)$/.exec(path)?.[1];
  if (encoded === undefined) return undefined;
  let slug: string;
  try {
    slug = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  // An escaped NUL is in no slug, and PostgreSQL refuses to compare text holding one.
  if (slug.includes('\u0000')) return undefined;
  const article = await ctx.store.articles.findBySlug(slug);
  return article && isPubliclyVisible(article, ctx.now()) ? article.id : undefined;
}

/** What a page's HTML says about itself for a mention: the URLs it points at, its title and its first <base href>. */
function readHtml(text: string): { links: string[]; title: string | null; baseHref: string | undefined } {
  const links: string[] = [];
  let title: string | null = null;
  let baseHref: string | undefined;
  // sanitize-html's parser (htmlparser2) reads the page as a browser would tokenize it: markup
  // inside scripts, comments and attribute values is not mistaken for a link.
  sanitizeHtml(text, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    transformTags: {
      '*': (tagName, attribs) => {
        // A <base> sets where the links point, as browsers read it (the first one with an
        // href); it is no link itself.
        if (tagName === 'base') baseHref ??= attribs.href;
        else links.push(...urlsInAttributes(attribs));
        return { tagName, attribs };
      },
    },
    exclusiveFilter: (frame) => {
      if (frame.tag === 'title' && title === null) {
        const cleaned = frame.text.replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE_LENGTH);
        title = cleaned === '' ? null : cleaned;
      }
      return false;
    },
  });
  return { links, title, baseHref };
}

/**
 * Checks a received webmention (the job's work; safe to run again): fetches the source and
 * records the mention as verified when it links to the target. A source that no longer links,
 * or answers 410 Gone, removes a mention verified before (the spec's update and delete); one
 * that never linked is recorded as refused, with the reason. A source that cannot be reached now
 * throws, so the job is tried again later.
 */
export async function verifyWebmention(
  ctx: ServiceContext,
  fetcher: PageFetcher,
  job: WebmentionJob,
): Promise<WebmentionStatus | 'skipped'> {
  const log = ctx.log.child({ module: 'webmentions' });
  const { articleId, source, target } = job;
  const fetched = await fetcher.fetch(source);
  if (fetched.kind === 'failed')
    throw Errors.WEBMENTION_SOURCE_UNREACHABLE({ source, reason: fetched.reason });
  let outcome: { isLinked: boolean; title: string | null; reason: string | null };
  if (fetched.kind === 'gone') outcome = { isLinked: false, title: null, reason: 'the source is gone (410)' };
  else if (fetched.kind === 'refused') outcome = { isLinked: false, title: null, reason: fetched.reason };
  else if (fetched.contentType === 'text/plain') {
    const isLinked = textMentions(fetched.text, target);
    outcome = { isLinked, title: null, reason: isLinked ? null : 'the source does not link to the target' };
  } else {
    const page = readHtml(fetched.text);
    const isLinked = hasLinkTo({
      links: page.links,
      pageUrl: documentBase(fetched.url, page.baseHref),
      target,
    });
    outcome = {
      isLinked,
      title: page.title,
      reason: isLinked ? null : 'the source does not link to the target',
    };
  }
  const now = toIsoTimestamp(ctx.now());
  const status = await ctx.store.transaction(async (repos) => {
    const article = await repos.articles.findById(articleId);
    if (!article) return 'skipped' as const;
    const known = await repos.webmentions.find(articleId, source);
    // Once verified, a mention stays listed: as removed when its source withdrew it.
    const wasListed = known !== undefined && known.status !== 'refused';
    let record: WebmentionRecord;
    if (outcome.isLinked) {
      record = {
        articleId,
        source,
        target,
        status: 'verified',
        sourceTitle: outcome.title,
        reason: null,
        firstVerifiedAt: known?.firstVerifiedAt ?? now,
        lastVerifiedAt: now,
        receivedAt: job.receivedAt,
        updatedAt: now,
      };
    } else {
      // Refused for a reason of ours (too large, too many redirects), a mention listed before
      // stays as it was, with the reason noted: only its source can withdraw it.
      const isWithdrawn = fetched.kind === 'gone' || fetched.kind === 'ok';
      record = {
        articleId,
        source,
        target,
        status: !wasListed ? 'refused' : isWithdrawn ? 'removed' : (known?.status ?? 'refused'),
        sourceTitle: known?.sourceTitle ?? null,
        reason: outcome.reason,
        firstVerifiedAt: known?.firstVerifiedAt ?? null,
        lastVerifiedAt: known?.lastVerifiedAt ?? null,
        receivedAt: job.receivedAt,
        updatedAt: now,
      };
    }
    await repos.webmentions.save(record);
    if (record.status !== 'verified')
      await repos.webmentions.prune({ articleId, status: record.status, keep: MAX_UNLISTED_MENTIONS });
    return record.status;
  });
  if (status === 'verified') log.info({ articleId, source }, 'webmention verified');
  else log.warn({ articleId, source, status, reason: outcome.reason }, 'webmention not verified');
  return status;
}

/** Most mentions listed for one article. */
export const MAX_MENTIONS_LISTED = 500;

/** The webmentions of an article, verified and removed ones and those refused, newest first (at most MAX_MENTIONS_LISTED). */
export async function mentionsOf(
  ctx: Pick<ServiceContext, 'store'>,
  articleId: number,
): Promise<Webmention[]> {
  return ctx.store.webmentions.listFor(articleId, MAX_MENTIONS_LISTED);
}

/** How many webmentions an article has, listed or not. */
export async function mentionCountOf(ctx: Pick<ServiceContext, 'store'>, articleId: number): Promise<number> {
  return ctx.store.webmentions.countFor(articleId);
}
