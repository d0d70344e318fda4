import { type Article, toIsoTimestamp } from '../../domain/article.ts';
import type { DueArticle } from '../../domain/ports/article-store.ts';
import {
  availableTransitions,
  mayTransition,
  nextStatus,
  STATUS_LABELS,
  type WorkflowAction,
} from '../../domain/workflow.ts';
import { Errors } from '../../errors.ts';
import { announceArticle, draftOf, type SaveResult, saveArticleIn } from '../articles.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { alertGraceMs, queueAlertsIn, recordEarlierPublicationIn } from '../newsletters/alerts.ts';
import { uncreditedPeople } from './byline.ts';
import { auditActor, loadArticle, permissionDenied, revisionActor, type Staff } from './staff.ts';

/**
 * The job kind earlier versions armed once per scheduled article. Such jobs may still wait in a
 * database; they are handled (idempotently), never created any more.
 */
export const PUBLISH_JOB = 'publish-article';

/** The key of an earlier version's per-article publishing job. */
export function publishJobKey(articleId: number): string {
  return `${PUBLISH_JOB}:${articleId}`;
}

export interface TransitionInput {
  articleId: number;
  action: WorkflowAction;
  /** The version the editor saw; a newer save in between is reported, not overwritten. */
  expectedVersion?: number;
  /** For "schedule": when it goes live. */
  publishAt?: string;
}

/**
 * Loads an article some workflow action is open to the user on now, or refuses saying why: what
 * a request to move it may be refused for before it is read.
 */
export async function loadTransitionable(
  ctx: ServiceContext,
  staff: Staff,
  id: number,
): Promise<{ article: Article; isOwn: boolean }> {
  const loaded = await loadArticle(ctx.store, staff, id);
  const { article, isOwn } = loaded;
  if (availableTransitions(staff.role, article.status, isOwn).length === 0) {
    throw permissionDenied(
      isOwn
        ? `“${article.title}” is ${STATUS_LABELS[article.status].toLowerCase()}; only an editor can change its status now.`
        : `Your role (${staff.role}) may not change the status of “${article.title}”.`,
    );
  }
  return loaded;
}

/**
 * Moves an article through the workflow (submit, return, publish, schedule, unpublish) in one
 * transaction: checks the role, saves a revision, audits. Scheduled articles are published by
 * publishDueArticles when their time comes.
 */
export async function transitionArticle(
  ctx: ServiceContext,
  staff: Staff,
  input: TransitionInput,
): Promise<Article> {
  const now = ctx.now();
  const result = await ctx.store.transaction(async (repos) => {
    const { article, isOwn } = await loadArticle(repos, staff, input.articleId);
    if (!mayTransition(staff.role, input.action, isOwn)) {
      throw permissionDenied(`Your role (${staff.role}) may not do this to “${article.title}”.`);
    }
    const status = nextStatus(article.status, input.action);
    if (status === 'published' || status === 'scheduled') {
      const problems = await uncreditedPeople(repos, staff, article);
      if (problems.length > 0) throw Errors.VALIDATION_FAILED({ details: problems });
    }
    let publishedAt = article.publishedAt;
    if (input.action === 'schedule') {
      publishedAt = parseFutureTime(input.publishAt, now);
    } else if (input.action === 'publish') {
      // Republishing keeps the first publication date; a cancelled schedule's future date does not count.
      if (publishedAt === null || Date.parse(publishedAt) > now.getTime()) publishedAt = toIsoTimestamp(now);
    } else if (article.status === 'scheduled') {
      publishedAt = null;
    }
    const saved = await saveArticleIn(
      repos,
      { ...draftOf(article), status, publishedAt },
      {
        id: article.id,
        actor: revisionActor(staff),
        now,
        ...(input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {}),
        note: `${STATUS_LABELS[article.status]} → ${STATUS_LABELS[status]}`,
      },
    );
    // A job armed by an earlier version of the application for this article is dropped: the
    // recurring poll (publishDueArticles) publishes scheduled articles now.
    if (status !== 'scheduled') await repos.jobs.cancel(publishJobKey(article.id));
    const wasPublishedBefore = hasBeenPublished(article, now);
    if (status === 'published') {
      await queueAlertsIn(repos, {
        article: saved.article,
        wasPublishedBefore,
        now,
        graceMs: alertGraceMs(ctx),
      });
    } else if (status === 'scheduled' && wasPublishedBefore && article.publishedAt !== null) {
      await recordEarlierPublicationIn(repos, { articleId: article.id, publishedAt: article.publishedAt });
    }
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: `article.${input.action}`,
      entity: ['article', article.id],
      summary: summaryOf(input.action, saved.article),
      at: now,
    });
    return saved;
  });
  announceArticle(ctx, result);
  return result.article;
}

/**
 * Publishes a scheduled article whose time has come, exactly once whichever process calls it:
 * the article is claimed with a conditional UPDATE before anything else in the transaction.
 * An article that is no longer scheduled (published by hand, unpublished, sent back, or taken
 * by another process) or not yet due is left alone.
 */
export async function publishScheduledArticle(
  ctx: ServiceContext,
  articleId: number,
): Promise<'published' | 'skipped'> {
  const now = ctx.now();
  const result = await ctx.store.transaction(async (repos): Promise<SaveResult | undefined> => {
    if (!(await repos.articles.claimDueScheduled(articleId, toIsoTimestamp(now)))) return undefined;
    const article = await repos.articles.findById(articleId);
    if (!article) return undefined;
    const saved = await saveArticleIn(
      repos,
      { ...draftOf(article), status: 'published' },
      {
        id: article.id,
        actor: 'system',
        now,
        expectedVersion: article.version,
        note: 'Published on schedule',
        // Scheduled until the claim above: it was in no listing.
        listedBefore: null,
      },
    );
    // Whether it is new is for the alerts to tell: a schedule set after an unpublish overwrote
    // the first date, which they recorded when it was scheduled.
    await queueAlertsIn(repos, {
      article: saved.article,
      wasPublishedBefore: false,
      now,
      graceMs: alertGraceMs(ctx),
    });
    await recordAudit(repos, {
      actor: SYSTEM_ACTOR,
      action: 'article.publish',
      entity: ['article', article.id],
      summary: `Published “${article.title}” on schedule`,
      at: now,
    });
    return saved;
  });
  if (!result) return 'skipped';
  announceArticle(ctx, result);
  return 'published';
}

/** A due article that failed to publish: when to try it again, and how long to wait after that. */
interface PublishBackoff {
  retryAt: number;
  waitMs: number;
}

const FIRST_RETRY_MS = 5 * 60_000;
const LONGEST_RETRY_MS = 6 * 60 * 60_000;

/**
 * Per store (one per process), the due articles that failed, so each poll skips them until their
 * wait is over instead of failing on them again. Only articles still due are kept, so it holds
 * at most the due list.
 */
const backoffs = new WeakMap<object, Map<number, PublishBackoff>>();

/**
 * Publishes every scheduled article whose time has come, however it was saved (the editor,
 * an import, a restore). Every process runs this on each poll; the claim in
 * publishScheduledArticle makes each article go live once. Returns how many this call published.
 *
 * An article that cannot be published (say, imported with a broken field) is logged once, with
 * the reason, and left for a while (5 minutes, doubling up to 6 hours) while the poll goes on
 * past it: however many of the oldest fail, the ones after them are published.
 */
export async function publishDueArticles(
  ctx: ServiceContext,
  options: { batch?: number } = {},
): Promise<number> {
  const batch = options.batch ?? 20;
  const failed = backoffs.get(ctx.store) ?? new Map<number, PublishBackoff>();
  backoffs.set(ctx.store, failed);
  const stillDue = new Set<number>();
  const now = toIsoTimestamp(ctx.now());
  let published = 0;
  let after: DueArticle | undefined;
  for (;;) {
    const due = await ctx.store.articles.listDueScheduled(now, batch, after);
    for (const { id } of due) {
      stillDue.add(id);
      const backoff = failed.get(id);
      if (backoff && backoff.retryAt > ctx.now().getTime()) continue;
      try {
        if ((await publishScheduledArticle(ctx, id)) === 'published') {
          published++;
          ctx.log.info({ articleId: id }, 'published on schedule');
        }
        failed.delete(id);
      } catch (err) {
        if (backoff) {
          ctx.log.debug({ err, articleId: id }, 'still cannot publish a scheduled article');
        } else {
          const reason = err instanceof Error ? err.message : String(err);
          ctx.log.error({ err, articleId: id, reason }, 'could not publish a scheduled article');
        }
        const waitMs = backoff ? Math.min(backoff.waitMs * 2, LONGEST_RETRY_MS) : FIRST_RETRY_MS;
        failed.set(id, { retryAt: ctx.now().getTime() + waitMs, waitMs });
      }
    }
    after = due.at(-1);
    if (due.length < batch) break;
  }
  // Published, unscheduled or deleted meanwhile: nothing left to wait for.
  for (const id of failed.keys()) if (!stillDue.has(id)) failed.delete(id);
  return published;
}

/**
 * Whether an article has been out before, read from its state before a transition: it carries
 * a publication date already past that no schedule set. An unpublish keeps the first date (and
 * so does a return to draft after it); a schedule cancelled, or unpublished before its time,
 * leaves none.
 */
function hasBeenPublished(article: Article, now: Date): boolean {
  if (article.status === 'published') return true;
  if (article.status === 'scheduled' || article.publishedAt === null) return false;
  return Date.parse(article.publishedAt) <= now.getTime();
}

function parseFutureTime(value: string | undefined, now: Date): string {
  if (!value?.trim())
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'publish_at', message: 'is required to schedule an article' }],
    });
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'publish_at', message: 'is not a valid date and time' }],
    });
  if (time <= now.getTime())
    throw Errors.VALIDATION_FAILED({ details: [{ field: 'publish_at', message: 'must be in the future' }] });
  return toIsoTimestamp(new Date(time));
}

function summaryOf(action: WorkflowAction, article: Article): string {
  const title = `“${article.title}”`;
  switch (action) {
    case 'submit':
      return `Submitted ${title} for review`;
    case 'return':
      return `Sent ${title} back to draft`;
    case 'publish':
      return `Published ${title}`;
    case 'schedule':
      return `Scheduled ${title} for ${article.publishedAt}`;
    case 'unpublish':
      return `Unpublished ${title}`;
  }
}
