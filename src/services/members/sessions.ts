import { toIsoTimestamp } from '../../domain/article.ts';
import { canSignIn, type Member } from '../../domain/member.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { hashToken, newToken } from '../auth.ts';
import { DAY_MS, type MembersContext } from './context.ts';

/** A session's last_seen_at is written at most this often, so reading pages is not a write each time. */
const TOUCH_INTERVAL_MS = 60_000;

/** The cookie a token may be: what newToken makes, nothing longer (a lookup costs a hash). */
const MAX_TOKEN_LENGTH = 200;

/** Idle timeout from the last visit, capped by the absolute lifetime from sign-in. */
function sessionExpiry(ctx: MembersContext, createdAt: Date, lastSeen: Date): Date {
  const { sessionIdleDays, sessionMaxDays } = ctx.config.members;
  return new Date(
    Math.min(lastSeen.getTime() + sessionIdleDays * DAY_MS, createdAt.getTime() + sessionMaxDays * DAY_MS),
  );
}

/**
 * Opens a session for a member who has just proved they hold their address, in the caller's
 * transaction; returns the cookie's token (only its SHA-256 is stored). Expired sessions of
 * everyone are swept on the way.
 */
export async function openMemberSession(
  ctx: MembersContext,
  repos: Pick<Repositories, 'members'>,
  memberId: number,
): Promise<string> {
  const now = ctx.now();
  const token = newToken();
  await repos.members.deleteExpiredSessions(toIsoTimestamp(now));
  await repos.members.insertSession({
    id: hashToken(token),
    memberId,
    createdAt: toIsoTimestamp(now),
    lastSeenAt: toIsoTimestamp(now),
    expiresAt: toIsoTimestamp(sessionExpiry(ctx, now, now)),
  });
  return token;
}

/**
 * The signed-in member behind a member cookie's token: active and not banned, with a live
 * session; undefined otherwise (no cookie, unknown or expired session, a member gone, pending or
 * banned). Slides the idle timeout forward. Staff sessions are another table and cookie: a staff
 * token finds nothing here. This is what other parts (comments, member-only articles) call.
 *
 * @example const member = await memberForSession(ctx, request.cookies[memberCookieName]);
 */
export async function memberForSession(
  ctx: MembersContext,
  token: string | undefined,
): Promise<Member | undefined> {
  if (!token || token.length > MAX_TOKEN_LENGTH) return undefined;
  const session = await ctx.store.members.findSession(hashToken(token));
  if (!session) return undefined;
  const now = ctx.now();
  if (session.expiresAt <= toIsoTimestamp(now)) {
    await ctx.store.members.deleteSession(session.id);
    return undefined;
  }
  const member = await ctx.store.members.findById(session.memberId);
  if (!member || !canSignIn(member)) {
    await ctx.store.members.deleteSession(session.id);
    return undefined;
  }
  if (now.getTime() - new Date(session.lastSeenAt).getTime() >= TOUCH_INTERVAL_MS) {
    const expiresAt = sessionExpiry(ctx, new Date(session.createdAt), now);
    await ctx.store.members.touchSession(session.id, toIsoTimestamp(now), toIsoTimestamp(expiresAt));
  }
  return member;
}

/** Ends this browser's session. */
export async function signOutMember(ctx: MembersContext, token: string | undefined): Promise<void> {
  if (token && token.length <= MAX_TOKEN_LENGTH) await ctx.store.members.deleteSession(hashToken(token));
}
