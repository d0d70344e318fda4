import { type Mailer, UnconfiguredMailer } from '../adapters/mailer.ts';
import type { MembersContext } from '../services/members/context.ts';
import { MEMBER_LINK_JOB, type MemberLinkJob, sendMemberLink } from '../services/members/links.ts';
import type { JobHandler } from './runner.ts';

/**
 * Members' links by email: sign-up confirmations, sign-in links and new-address confirmations.
 * The link is made as its mail is sent, so a retry after a refusal for now (4xx, no answer) mails
 * a fresh one; a refusal for good (5xx) ends the job at once (see the runner's final failures).
 */
export function memberLinkHandlers(
  ctx: MembersContext,
  mailer: Mailer = new UnconfiguredMailer(),
): Record<string, JobHandler> {
  return {
    [MEMBER_LINK_JOB]: async (job) => {
      await sendMemberLink(ctx, mailer, job.payload as MemberLinkJob);
    },
  };
}
