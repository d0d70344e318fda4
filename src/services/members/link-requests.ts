import { createHash } from 'node:crypto';
import { toIsoTimestamp } from '../../domain/article.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { Errors } from '../../errors.ts';
import { DAY_MS, type MembersContext } from './context.ts';

/** Who asks for a link, as the day's limits count them. */
export interface LinkRequester {
  /** The sender's address group (see addressGroup in auth.ts). */
  sender: string;
  /** The normalised address the link would go to. */
  email: string;
}

function keyOf(kind: 'sender' | 'email', value: string): string {
  return createHash('sha256').update(`member-link-${kind}\u0000${value}`).digest('hex');
}

/** The hashed key a day's links to one address are counted under. */
export function emailKeyOf(email: string): string {
  return keyOf('email', email);
}

/**
 * Counts a request for a link against the day's limits, or refuses it with MEMBER_LINKS_LIMIT:
 * per address group (`members.dailyLinksPerAddress`) and per email address
 * (`members.dailyLinksPerEmail`). Every request counts, whether or not the address has an
 * account, so the limits tell nobody which addresses have one. Runs in the caller's
 * transaction; rows past the day are forgotten on the way.
 */
export async function countLinkRequest(
  ctx: MembersContext,
  repos: Pick<Repositories, 'members'>,
  requester: LinkRequester,
): Promise<void> {
  const now = ctx.now();
  const since = toIsoTimestamp(new Date(now.getTime() - DAY_MS));
  const { dailyLinksPerAddress, dailyLinksPerEmail } = ctx.config.members;
  const senderKey = keyOf('sender', requester.sender);
  const emailKey = emailKeyOf(requester.email);
  await repos.members.forgetLinkRequests({ before: since });
  if (
    dailyLinksPerAddress > 0 &&
    (await repos.members.countLinkRequestsSince(senderKey, since)) >= dailyLinksPerAddress
  )
    throw Errors.MEMBER_LINKS_LIMIT({ isForAddress: false }, { retryAfterSeconds: 3600 });
  if (
    dailyLinksPerEmail > 0 &&
    (await repos.members.countLinkRequestsSince(emailKey, since)) >= dailyLinksPerEmail
  )
    throw Errors.MEMBER_LINKS_LIMIT({ isForAddress: true }, { retryAfterSeconds: 3600 });
  await repos.members.recordLinkRequest([senderKey, emailKey], toIsoTimestamp(now));
}
