import { toIsoTimestamp } from '../../domain/article.ts';
import {
  alertDueAt,
  alertSubject,
  DEFAULT_ALERT_GRACE_MINUTES,
  MAX_ALERT_ARTICLES,
  planAlert,
} from '../../domain/newsletter-alert.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import type { ServiceContext } from '../context.ts';
import { sendIssue } from './issues.ts';

/** The job that makes a term or author alert newsletter's next issue; one per newsletter. */
export const NEWSLETTER_ALERT_JOB = 'newsletter-alert';

/** The alert job's key for a newsletter: re-arming it moves its time, never adds a second. */
export function alertJobKey(newsletterId: number): string {
  return `${NEWSLETTER_ALERT_JOB}:${newsletterId}`;
}

/** Payload of a NEWSLETTER_ALERT_JOB. */
export interface NewsletterAlertJob {
  newsletterId: number;
}

/** The grace period in milliseconds, from the context's setting or the default. */
export function alertGraceMs(ctx: Pick<ServiceContext, 'alertGraceMinutes'>): number {
  return (ctx.alertGraceMinutes ?? DEFAULT_ALERT_GRACE_MINUTES) * 60_000;
}

/** What a publish hands the alerts: the article as published, and whether it had been published before. */
export interface PublicationForAlerts {
  article: { id: number; termIds: readonly number[]; authorIds: readonly number[] };
  /**
   * True when the article had been published before this publish (it is published again after
   * an unpublish): it is not announced again.
   */
  wasPublishedBefore: boolean;
  now: Date;
  graceMs: number;
}

type AlertRepositories = Pick<Repositories, 'newsletterAlerts' | 'taxonomies' | 'jobs'>;

/**
 * Queues an article for the alerts that cover it, inside the publish's own transaction, and
 * arms each alert's job: a term alert covers its term and every term below it (an article in
 * "Lisbon" is announced to the alert for "Portugal" and for "Europe" above it), an author
 * alert the articles that name the author. Only a first publication is announced; an article
 * published again after an unpublish goes back only into the alerts it was dropped from before
 * they went out. Cost: the article's terms and their ancestors, and the alert newsletters found
 * by index; nothing proportional to the archive or the subscribers.
 */
export async function queueAlertsIn(
  repos: AlertRepositories,
  publication: PublicationForAlerts,
): Promise<void> {
  const { article, now, graceMs } = publication;
  const at = toIsoTimestamp(now);
  const isFirst = await repos.newsletterAlerts.recordFirstPublication(article.id, at);
  if (publication.wasPublishedBefore || !isFirst) {
    const requeued = await repos.newsletterAlerts.requeueDropped(article.id, at);
    for (const newsletterId of requeued) await armAlertJob(repos, { newsletterId, now, graceMs });
    return;
  }
  const terms =
    article.termIds.length > 0 ? await repos.taxonomies.findTermsWithAncestors(article.termIds) : [];
  const newsletterIds = await repos.newsletterAlerts.alertNewslettersFor({
    termIds: terms.map((term) => term.id),
    personIds: article.authorIds,
  });
  if (newsletterIds.length === 0) return;
  await repos.newsletterAlerts.queueArticle({ articleId: article.id, newsletterIds, at });
  for (const newsletterId of newsletterIds) await armAlertJob(repos, { newsletterId, now, graceMs });
}

/**
 * Records that an article was published before, without announcing anything: an article
 * scheduled after an unpublish loses its first date to the schedule, and would otherwise be
 * taken for new when the schedule publishes it.
 */
export async function recordEarlierPublicationIn(
  repos: Pick<Repositories, 'newsletterAlerts'>,
  input: { articleId: number; publishedAt: string },
): Promise<void> {
  await repos.newsletterAlerts.recordFirstPublication(input.articleId, input.publishedAt);
}

/** Puts the newsletter's alert job on the queue for when its waiting articles are due. */
async function armAlertJob(
  repos: Pick<Repositories, 'newsletterAlerts' | 'jobs'>,
  input: { newsletterId: number; now: Date; graceMs: number },
): Promise<void> {
  const [oldest] = await repos.newsletterAlerts.listWaiting(input.newsletterId, 1);
  const now = toIsoTimestamp(input.now);
  const runAt = alertDueAt([oldest?.queuedAt ?? now, now], input.graceMs);
  await putAlertJob(repos, input.newsletterId, toIsoTimestamp(runAt), now);
}

async function putAlertJob(
  repos: Pick<Repositories, 'jobs'>,
  newsletterId: number,
  runAt: string,
  now: string,
): Promise<void> {
  await repos.jobs.put(
    {
      kind: NEWSLETTER_ALERT_JOB,
      dedupeKey: alertJobKey(newsletterId),
      payload: { newsletterId } satisfies NewsletterAlertJob,
      runAt,
      maxAttempts: 10,
    },
    now,
  );
}

/** Another run made this alert first (two processes raced): this run's writes are rolled back. */
class AlertTakenElsewhere extends Error {}

/** Articles read per alert run; more than an issue holds, so that the due time sees the newest. */
const WAITING_READ = MAX_ALERT_ARTICLES * 3;

/**
 * The alert job's work for one newsletter: drops the waiting articles unpublished meanwhile and,
 * once the alert is due (see planAlert), makes an issue of those whose grace is over and starts
 * sending it through the newsletter pipeline (the same send job, unsubscribe links, headers,
 * DKIM and bounce handling as any issue). The issue and the marks on its articles are written in
 * one transaction, under the issue's unique key (`alert:<first article id>`), so a second run,
 * or a second process, makes no second issue. Returns the issue made, if any.
 */
export async function issueDueAlert(ctx: ServiceContext, newsletterId: number): Promise<number | undefined> {
  const now = ctx.now();
  const nowIso = toIsoTimestamp(now);
  const graceMs = alertGraceMs(ctx);
  let issueId: number | undefined;
  try {
    issueId = await ctx.store.transaction(async (repos) => {
      const newsletter = await repos.newsletters.findNewsletter(newsletterId);
      if (!newsletter) return undefined;
      const waiting = await repos.newsletterAlerts.listWaiting(newsletterId, WAITING_READ);
      // More may wait past what was read: the job comes back for them at once.
      const hasMore = waiting.length === WAITING_READ;
      if (!newsletter.isActive) {
        // An alert switched off sends nothing automatically: what waited for it is let go.
        await repos.newsletterAlerts.dropWaiting(
          newsletterId,
          waiting.map((a) => a.articleId),
        );
        if (hasMore) await putAlertJob(repos, newsletterId, nowIso, nowIso);
        return undefined;
      }
      const plan = planAlert(waiting, now, graceMs);
      if (hasMore && !plan.nextAt) plan.nextAt = now;
      await repos.newsletterAlerts.dropWaiting(newsletterId, plan.drop);
      let made: number | undefined;
      if (plan.send.length > 0) {
        const summaries = await repos.articles.findSummariesByIds(plan.send);
        const titleOf = new Map(summaries.map((a) => [a.id, a.title]));
        made = await repos.newsletters.createPeriodIssue(
          {
            newsletterId,
            periodKey: `alert:${Math.min(...plan.send)}`,
            subject: alertSubject(
              newsletter.name,
              plan.send.map((id) => titleOf.get(id) ?? ''),
            ),
            intro: '',
            articleIds: plan.send,
          },
          nowIso,
        );
        if (made === undefined) throw new AlertTakenElsewhere();
        const marked = await repos.newsletterAlerts.markIssued(newsletterId, plan.send, made);
        if (marked !== plan.send.length) throw new AlertTakenElsewhere();
      }
      if (plan.nextAt) await putAlertJob(repos, newsletterId, toIsoTimestamp(plan.nextAt), nowIso);
      return made;
    });
  } catch (error) {
    if (!(error instanceof AlertTakenElsewhere)) throw error;
    ctx.log.info({ newsletterId }, 'alert already made by another run');
    return undefined;
  }
  if (issueId === undefined) return undefined;
  ctx.log.info({ newsletterId, issueId }, 'alert made');
  try {
    await sendIssue(ctx, issueId);
  } catch (error) {
    // The issue is scheduled for now: if it could not start here, the send of due issues will.
    if ((error as { code?: string }).code !== 'ISSUE_ALREADY_SENT') throw error;
  }
  return issueId;
}
