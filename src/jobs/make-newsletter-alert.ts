import type { ServiceContext } from '../services/context.ts';
import {
  issueDueAlert,
  NEWSLETTER_ALERT_JOB,
  type NewsletterAlertJob,
} from '../services/newsletters/alerts.ts';
import type { JobHandler } from './runner.ts';

/**
 * Makes a term or author alert's issue once its grace period is over and starts its send; run
 * twice, it finds nothing more waiting and makes nothing.
 */
export function newsletterAlertHandler(ctx: ServiceContext): Record<string, JobHandler> {
  return {
    [NEWSLETTER_ALERT_JOB]: async (job) => {
      await issueDueAlert(ctx, (job.payload as NewsletterAlertJob).newsletterId);
    },
  };
}
