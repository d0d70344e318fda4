import { type Article, toIsoTimestamp } from '../../domain/article.ts';
import { mayTransition, nextStatus, STATUS_LABELS, type WorkflowAction } from '../../domain/workflow.ts';
import { invalid } from '../../errors.ts';
import type { Repositories } from '../../storage/store.ts';
import { announceArticle, draftOf, type SaveResult, saveArticleIn } from '../articles.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { auditActor, loadArticle, permissionDenied, revisionActor, type Staff } from './staff.ts';

export const PUBLISH_JOB = 'publish-article';

/** The job key of an article's scheduled publication: one per article, so rescheduling replaces it. */
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
 * Moves an article through the workflow (submit, return, publish, schedule, unpublish) in one
 * transaction: checks the role, saves a revision, (re)arms or cancels the publishing job, audits.
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
    if (status === 'scheduled' && publishedAt) {
      await repos.jobs.put(
        {
          kind: PUBLISH_JOB,
          dedupeKey: publishJobKey(article.id),
          payload: { articleId: article.id },
          runAt: publishedAt,
        },
        toIsoTimestamp(now),
      );
    } else {
      await repos.jobs.cancel(publishJobKey(article.id));
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
 * Publishes a scheduled article whose time has come. Idempotent: an article that is no longer
 * scheduled (published by hand, unpublished, sent back) or not yet due is left alone.
 */
export async function publishScheduledArticle(
  ctx: ServiceContext,
  articleId: number,
): Promise<'published' | 'skipped'> {
  const now = ctx.now();
  const result = await ctx.store.transaction(async (repos): Promise<SaveResult | undefined> => {
    const article = await repos.articles.findById(articleId);
    if (article?.status !== 'scheduled' || article.publishedAt === null) return undefined;
    if (Date.parse(article.publishedAt) > now.getTime()) return undefined;
    const saved = await saveArticleIn(
      repos,
      { ...draftOf(article), status: 'published' },
      {
        id: article.id,
        actor: 'system',
        now,
        expectedVersion: article.version,
        note: 'Published on schedule',
      },
    );
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

/**
 * Makes sure every scheduled article has its publishing job (e.g. articles imported as
 * scheduled, or scheduled before jobs existed). Returns how many jobs it created.
 */
export async function ensurePublishJobs(ctx: ServiceContext): Promise<number> {
  const now = toIsoTimestamp(ctx.now());
  return ctx.store.transaction(async (repos: Repositories) => {
    let created = 0;
    for (const article of await repos.articles.listAll()) {
      if (article.status !== 'scheduled' || article.publishedAt === null) continue;
      const job = await repos.jobs.findByKey(publishJobKey(article.id));
      if (job && (job.status === 'pending' || job.status === 'running')) continue;
      await repos.jobs.put(
        {
          kind: PUBLISH_JOB,
          dedupeKey: publishJobKey(article.id),
          payload: { articleId: article.id },
          runAt: article.publishedAt,
        },
        now,
      );
      created++;
    }
    return created;
  });
}

function parseFutureTime(value: string | undefined, now: Date): string {
  if (!value?.trim()) throw invalid([{ field: 'publish_at', message: 'is required to schedule an article' }]);
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw invalid([{ field: 'publish_at', message: 'is not a valid date and time' }]);
  if (time <= now.getTime()) throw invalid([{ field: 'publish_at', message: 'must be in the future' }]);
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
