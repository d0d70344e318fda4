import type { Mailer } from '../adapters/mailer.ts';
import type { NewsletterMailer } from '../adapters/newsletter-mailer.ts';
import type { Config } from '../config.ts';
import type { ServiceContext } from '../services/context.ts';
import { createDueDigests } from '../services/newsletters/digests.ts';
import { sendDueIssues } from '../services/newsletters/issues.ts';
import { publishDueArticles } from '../services/newsroom/workflow.ts';
import { newsletterAlertHandler } from './make-newsletter-alert.ts';
import { publishScheduledHandler } from './publish-scheduled.ts';
import { dailyReachRollUp, rollUpReachHandler } from './roll-up-reach.ts';
import { JobRunner } from './runner.ts';
import { commentMailHandlers } from './send-comment-mail.ts';
import { memberLinkHandlers } from './send-member-link.ts';
import { newsletterSendHandlers } from './send-newsletter.ts';
import { reprintMailHandlers } from './send-reprint-mail.ts';
import { verifyWebmentionHandler } from './verify-webmention.ts';

/**
 * The job runner with every job kind this application knows, for the server and tests. Without
 * a mailer (the wiring has one), jobs that send mail fail and are tried again later; without the
 * config (the wiring has it), members' links and newsletters are not sent. With
 * `shouldScheduleDaily` (the server's), it also puts each day's housekeeping on the queue: the
 * reach roll-up.
 */
export function jobRunnerFor(
  ctx: ServiceContext & {
    mailer?: Mailer;
    newsletterMailer?: NewsletterMailer | undefined;
    config?: Pick<Config, 'members' | 'newsletter'>;
  },
  options: { pollMs?: number; workerId?: string; shouldScheduleDaily?: boolean } = {},
): JobRunner {
  const { shouldScheduleDaily, ...timing } = options;
  return new JobRunner({
    store: ctx.store,
    log: ctx.log.child({ module: 'jobs' }),
    now: ctx.now,
    handlers: {
      ...publishScheduledHandler(ctx),
      ...verifyWebmentionHandler(ctx),
      ...rollUpReachHandler(ctx),
      ...newsletterAlertHandler(ctx),
      ...reprintMailHandlers(ctx, ctx.mailer),
      ...commentMailHandlers(ctx, ctx.mailer),
      ...(ctx.config ? memberLinkHandlers({ ...ctx, config: ctx.config }, ctx.mailer) : {}),
      ...(ctx.config
        ? newsletterSendHandlers(ctx, { mailer: ctx.newsletterMailer, newsletter: ctx.config.newsletter })
        : {}),
    },
    recurring: {
      'publish-due-articles': () => publishDueArticles(ctx),
      // Digests first: one made now is scheduled for now and goes out in the same poll.
      'create-due-digests': () => createDueDigests(ctx),
      'send-due-newsletters': () => sendDueIssues(ctx),
      ...(shouldScheduleDaily ? { 'schedule-reach-roll-up': dailyReachRollUp(ctx) } : {}),
    },
    ...timing,
  });
}
