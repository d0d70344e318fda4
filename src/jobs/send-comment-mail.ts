import { type Mailer, UnconfiguredMailer } from '../adapters/mailer.ts';
import {
  COMMENT_DIGEST_JOB,
  COMMENT_REPLY_JOB,
  type CommentReplyJob,
} from '../services/comments/comments.ts';
import { sendHeldCommentDigest, sendReplyNotice } from '../services/comments/notices.ts';
import type { ServiceContext } from '../services/context.ts';
import type { JobHandler } from './runner.ts';

/**
 * Comments' mail: the digest that tells editors which comments wait for them, and the notice
 * that tells a member of a reply to their comment.
 */
export function commentMailHandlers(
  ctx: ServiceContext,
  mailer: Mailer = new UnconfiguredMailer(),
): Record<string, JobHandler> {
  return {
    [COMMENT_DIGEST_JOB]: async () => {
      await sendHeldCommentDigest(ctx, mailer);
    },
    [COMMENT_REPLY_JOB]: async (job) => {
      await sendReplyNotice(ctx, mailer, (job.payload as CommentReplyJob).commentId);
    },
  };
}
