import { randomUUID } from 'node:crypto';
import type { Mailer } from '../../adapters/mailer.ts';
import { toIsoTimestamp } from '../../domain/article.ts';
import {
  canSignIn,
  isTokenUsable,
  type Member,
  type MemberToken,
  type MemberTokenKind,
  SIGNUP_CONSENT_SOURCE,
} from '../../domain/member.ts';
import { MEMBER_PATHS, safeReturnPath } from '../../domain/paths.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { Errors, isAppError } from '../../errors.ts';
import { hashToken, newToken } from '../auth.ts';
import { loadSiteSettings } from '../settings.ts';
import { DAY_MS, linkLifetimeMs, linkLifetimeText, type MembersContext } from './context.ts';
import { openMemberSession } from './sessions.ts';

/** The job kind that makes a member's link and mails it. */
export const MEMBER_LINK_JOB = 'send-member-link';

/**
 * The link job's payload: whom, which kind, and for an "email" link the address it confirms. A
 * sign-in asked for by address names the address instead (`address`): the job looks the member
 * up, so a sign-in request does the same work whether or not the address has an account.
 */
export type MemberLinkJob =
  | { memberId: number; kind: MemberTokenKind; newEmail?: string }
  | {
      address: string;
      kind: 'signin';
      /** A path of this site the link leads back to once followed (where sign-in was asked from). */
      returnTo?: string;
    };

/**
 * Queues the mail that carries a member's link, in the caller's transaction. The token itself
 * is made when the mail is sent (sendMemberLink), so no usable token ever waits in the queue.
 */
export async function queueMemberLink(
  ctx: MembersContext,
  repos: Pick<Repositories, 'jobs'>,
  job: MemberLinkJob,
): Promise<void> {
  const at = toIsoTimestamp(ctx.now());
  await repos.jobs.put(
    // Each request is its own mail: a key of its own, so a second request is not folded into the first.
    {
      kind: MEMBER_LINK_JOB,
      dedupeKey: `member-link:${randomUUID()}`,
      payload: job,
      runAt: at,
      maxAttempts: 6,
    },
    at,
  );
}

/** The words of each kind of mail. */
function linkMail(kind: MemberTokenKind, input: { siteName: string; link: string; lifetime: string }) {
  const { siteName, link, lifetime } = input;
  const ignore =
    'If you did not ask for this, ignore this message: nothing changes until the link is followed.';
  if (kind === 'signup')
    return {
      subject: `Confirm your membership of ${siteName}`,
      text: `Thank you for joining ${siteName}.\n\nTo confirm your email address and start your membership, open this link within ${lifetime}, then press the button on the page:\n\n${link}\n\n${ignore}\n`,
    };
  if (kind === 'signin')
    return {
      subject: `Sign in to ${siteName}`,
      text: `Open this link within ${lifetime} to sign in to your ${siteName} account. It works once.\n\n${link}\n\n${ignore}\n`,
    };
  return {
    subject: `Confirm your new email address for ${siteName}`,
    text: `You asked to use this address for your ${siteName} account. Open this link within ${lifetime} to confirm it; until then your old address stays in use.\n\n${link}\n\n${ignore}\n`,
  };
}

/**
 * The note mailed, instead of a link, to an address another member asked to move their account
 * to while it already has an account: the asker was answered as if a link went out (so the form
 * tells nobody who has an account), and the holder learns why no link came.
 */
function addressTakenMail(siteName: string) {
  return {
    subject: `This address already has an account with ${siteName}`,
    text: `Someone signed in to a ${siteName} account asked to move it to this email address. This address already has an account, so nothing was changed and no account was moved.\n\nIf it was you, sign in with this address instead. If it was not, you need not do anything.\n`,
  };
}

/**
 * Makes a link and mails it (the link job's work). Nothing is sent for a member who is gone or
 * banned, or for a sign-in link to a member not active; a new address that already has an
 * account is mailed a note with no link (addressTakenMail). A mail server that refuses for now
 * (4xx) or cannot be reached throws MAIL_FAILED, so the job is retried (with a new link; the
 * unsent one is never seen); one that refuses the address for good (5xx) throws MAIL_REFUSED,
 * which ends the job at once. Returns what it did, for tests and the log.
 */
export async function sendMemberLink(
  ctx: MembersContext,
  mailer: Mailer,
  payload: MemberLinkJob,
): Promise<'sent' | 'skipped'> {
  const isByAddress = 'address' in payload;
  const member = isByAddress
    ? await ctx.store.members.findByEmail(payload.address)
    : await ctx.store.members.findById(payload.memberId);
  if (!member || member.isBanned) return 'skipped';
  // Asked for by address: a member who never confirmed gets their confirmation link again.
  const kind: MemberTokenKind = isByAddress && member.status === 'pending' ? 'signup' : payload.kind;
  if (kind === 'signin' && member.status !== 'active') return 'skipped';
  if (kind === 'signup' && member.status !== 'pending') return 'skipped';
  const to = kind !== 'email' ? member.email : isByAddress ? undefined : payload.newEmail;
  if (!to) return 'skipped';
  if (kind === 'email' && (await ctx.store.members.findByEmail(to))) {
    await mailer.send({ to, ...addressTakenMail((await loadSiteSettings(ctx)).siteName) });
    return 'skipped';
  }
  const now = ctx.now();
  const token = newToken();
  await ctx.store.transaction(async (repos) => {
    // Links a week past their expiry are of no use, not even to show in the member's data.
    await repos.members.deleteTokensExpiredBefore(toIsoTimestamp(new Date(now.getTime() - 7 * DAY_MS)));
    // A newer address replaces the one asked for before: only the latest link confirms.
    if (kind === 'email') await repos.members.voidTokens(member.id, 'email', toIsoTimestamp(now));
    await repos.members.insertToken({
      tokenHash: hashToken(token),
      kind: kind,
      memberId: member.id,
      newEmail: kind === 'email' ? to : null,
      createdAt: toIsoTimestamp(now),
      expiresAt: toIsoTimestamp(new Date(now.getTime() + linkLifetimeMs(ctx, kind))),
    });
  });
  const settings = await loadSiteSettings(ctx);
  // Checked again: a job queued by an older version, or edited in the table, is no safer.
  const returnTo = isByAddress ? safeReturnPath(payload.returnTo) : undefined;
  const link = `${ctx.siteUrl}${MEMBER_PATHS.confirm}?token=${encodeURIComponent(token)}${
    returnTo ? `&return=${encodeURIComponent(returnTo)}` : ''
  }`;
  try {
    await mailer.send({
      to,
      ...linkMail(kind, { siteName: settings.siteName, link, lifetime: linkLifetimeText(ctx, kind) }),
    });
  } catch (error) {
    // The member by number, never the address (the mailer's reply has it replaced).
    if (isAppError(error) && error.code === 'MAIL_REFUSED')
      ctx.log
        .child({ module: 'members' })
        .warn(
          { memberId: member.id, kind, reason: error.message },
          'member link refused for good: not retried',
        );
    throw error;
  }
  ctx.log.child({ module: 'members' }).info({ memberId: member.id, kind: kind }, 'member link sent');
  return 'sent';
}

/** The link behind a token and its member, when it may still be followed; undefined otherwise. */
async function usableLink(
  ctx: MembersContext,
  repos: Pick<Repositories, 'members'>,
  token: string,
): Promise<{ record: MemberToken; member: Member } | undefined> {
  if (!token || token.length > 200) return undefined;
  const record = await repos.members.findTokenByHash(hashToken(token));
  if (!record || !isTokenUsable(record, toIsoTimestamp(ctx.now()))) return undefined;
  const member = await repos.members.findById(record.memberId);
  if (!member || member.isBanned) return undefined;
  // A sign-in link is for an active member; the others confirm an address.
  if (record.kind === 'signin' && member.status !== 'active') return undefined;
  return { record, member };
}

/**
 * What a link would do, without using it (the page a link opens shows this with a button): its
 * kind and the address of the account it signs in to (for a new address, that address), or
 * undefined for a link that is unknown, used or expired. The page names the address so that a
 * link someone else sent cannot sign a reader in to their account unawares.
 */
export async function peekMemberLink(
  ctx: MembersContext,
  token: string,
): Promise<{ kind: MemberTokenKind; email: string } | undefined> {
  const found = await usableLink(ctx, ctx.store, token);
  return found && { kind: found.record.kind, email: found.record.newEmail ?? found.member.email };
}

/**
 * Follows a mailed link, once: a sign-up link activates the member and records their consent;
 * an address link moves the account to the new address and ends every other session; each
 * signs this browser in. All in one transaction. AUTH_TOKEN_INVALID for a link unknown, used,
 * expired or forged; MEMBER_EMAIL_TAKEN when another account took the new address meanwhile.
 * Returns the new session's cookie token.
 */
export async function followMemberLink(
  ctx: MembersContext,
  token: string,
): Promise<{ kind: MemberTokenKind; member: Member; sessionToken: string }> {
  const at = toIsoTimestamp(ctx.now());
  const result = await ctx.store.transaction(async (repos) => {
    const found = await usableLink(ctx, repos, token);
    if (!found || !(await repos.members.markTokenUsed(found.record.id, at)))
      throw Errors.AUTH_TOKEN_INVALID();
    const { record, member } = found;
    if (record.kind === 'signup' && member.status === 'pending') {
      await repos.members.activate(member.id, at, SIGNUP_CONSENT_SOURCE);
      // The other confirmation links (the form sent twice) would otherwise sign in for two days.
      await repos.members.voidTokens(member.id, 'signup', at);
    }
    if (record.kind === 'email' && record.newEmail) {
      if (!(await repos.members.changeEmail(member.id, record.newEmail, at)))
        throw Errors.MEMBER_EMAIL_TAKEN();
      // Whoever held the account under the old address is signed out everywhere.
      await repos.members.deleteSessionsOf(member.id);
      // Links sent to the old address no longer open the account.
      await repos.members.voidTokens(member.id, 'signin', at);
      await repos.members.voidTokens(member.id, 'signup', at);
    }
    const current = await repos.members.findById(member.id);
    if (!current || !canSignIn(current)) throw Errors.AUTH_TOKEN_INVALID();
    const sessionToken = await openMemberSession(ctx, repos, current.id);
    return { kind: record.kind, member: current, sessionToken };
  });
  ctx.log
    .child({ module: 'members' })
    .info({ memberId: result.member.id, kind: result.kind }, 'member link followed');
  return result;
}
