import { type Mailer, UnconfiguredMailer } from '../adapters/mailer.ts';
import type { ServiceContext } from '../services/context.ts';
import {
  notifyEditorsOfRequest,
  REPRINT_NOTICE_JOB,
  REPRINT_REPLY_JOB,
  type ReprintJob,
  sendReprintReply,
} from '../services/republishing/reprint-requests.ts';
import type { JobHandler } from './runner.ts';

/**
 * Emails of reprint and translation requests: the reply to the requester once an editor
 * decides, and the notice to editors of a new request. A reply already sent is not sent again.
 */
export function reprintMailHandlers(
  ctx: ServiceContext,
  mailer: Mailer = new UnconfiguredMailer(),
): Record<string, JobHandler> {
  return {
    [REPRINT_REPLY_JOB]: async (job) => {
      await sendReprintReply(ctx, mailer, (job.payload as ReprintJob).requestId);
    },
    [REPRINT_NOTICE_JOB]: async (job) => {
      await notifyEditorsOfRequest(ctx, mailer, (job.payload as ReprintJob).requestId);
    },
  };
}
