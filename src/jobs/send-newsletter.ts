import type { NewsletterMailer } from '../adapters/newsletter-mailer.ts';
import type { Config } from '../config.ts';
import { toIsoTimestamp } from '../domain/article.ts';
import type { Job } from '../domain/ports/job-store.ts';
import { Errors } from '../errors.ts';
import type { ServiceContext } from '../services/context.ts';
import { NEWSLETTER_SEND_JOB, type NewsletterSendJob, sendJobKey } from '../services/newsletters/issues.ts';
import { runIssueSend, type SendSettings } from '../services/newsletters/sending.ts';
import { loadTokens } from '../services/newsletters/unsubscribe.ts';
import type { JobHandler } from './runner.ts';

/**
 * How long one run of the sending job goes on before it hands the queue back (putting itself
 * on it again): a send to 100,000 members takes minutes, and scheduled publishing must not wait.
 */
export const SEND_SLICE_MS = 10_000;

/** Sending settings from the newsletter configuration. */
export function sendSettingsOf(newsletter: Config['newsletter']): SendSettings {
  const leaseMs = newsletter.leaseSeconds * 1000;
  // A claim must be sent well within its lease even at the configured rate.
  const byRate =
    newsletter.messagesPerSecond > 0
      ? Math.max(1, Math.floor((newsletter.messagesPerSecond * newsletter.leaseSeconds) / 4))
      : newsletter.batchSize;
  return {
    batchSize: Math.min(newsletter.batchSize, byRate),
    leaseMs,
    inFlight: newsletter.connections * 4,
  };
}

/**
 * The newsletter sending job: one issue, a slice at a time, resumed by whichever worker claims
 * it next. The job's lock is cut to the send's lease at once and renewed with every claim of
 * deliveries, so a worker that dies holds the send up for one lease, not the queue's long lock.
 */
export function newsletterSendHandlers(
  ctx: ServiceContext,
  options: { mailer: NewsletterMailer | undefined; newsletter: Config['newsletter'] },
): Record<string, JobHandler> {
  const settings = sendSettingsOf(options.newsletter);
  return {
    [NEWSLETTER_SEND_JOB]: async (job) => {
      const { mailer } = options;
      if (!mailer)
        throw Errors.MAIL_FAILED({
          reason: 'email is not configured (set PRESSROOM_MAIL__HOST and related settings)',
        });
      const { issueId } = job.payload as NewsletterSendJob;
      const worker = job.lockedBy ?? 'worker';
      const outcome = await runIssueSend(
        ctx,
        {
          mailer,
          tokens: await loadTokens(ctx),
          settings,
          worker,
          keepAlive: () => holdJob(ctx, job, worker, settings.leaseMs),
        },
        issueId,
        Date.now() + SEND_SLICE_MS,
      );
      if (outcome.outcome === 'done') return;
      const now = toIsoTimestamp(ctx.now());
      // Putting the job back re-arms it (pending, unlocked): the runner's completion of this run
      // then finds it no longer ours and leaves it.
      await ctx.store.jobs.put(
        {
          kind: NEWSLETTER_SEND_JOB,
          dedupeKey: sendJobKey(issueId),
          payload: { issueId } satisfies NewsletterSendJob,
          runAt: outcome.outcome === 'more' ? now : outcome.at,
          maxAttempts: 20,
        },
        now,
      );
    },
  };
}

async function holdJob(ctx: ServiceContext, job: Job, worker: string, leaseMs: number): Promise<void> {
  const until = toIsoTimestamp(new Date(ctx.now().getTime() + leaseMs));
  if (!(await ctx.store.jobs.extendLock(job.id, worker, until)))
    throw new Error('another worker took this newsletter send over');
}
