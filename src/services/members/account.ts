import { toIsoTimestamp } from '../../domain/article.ts';
import { type Member, readMemberEmail, readMemberName } from '../../domain/member.ts';
import { Errors } from '../../errors.ts';
import type { MembersContext } from './context.ts';
import { countLinkRequest, emailKeyOf } from './link-requests.ts';
import { queueMemberLink } from './links.ts';

/** Changes the signed-in member's name (it may be emptied); VALIDATION_FAILED names the problem. */
export async function renameMember(ctx: MembersContext, member: Member, rawName: string): Promise<void> {
  const name = readMemberName(rawName);
  if (!name.ok) throw Errors.VALIDATION_FAILED({ details: name.errors });
  await ctx.store.transaction((repos) =>
    repos.members.rename(member.id, name.value, toIsoTimestamp(ctx.now())),
  );
}

/**
 * Asks to move the account to a new address: a link is mailed to that address, and the account
 * keeps its old one until the link is followed. An address another account holds answers the
 * same (its holder is mailed a note instead, see sendMemberLink): this form must not tell a
 * member which addresses have accounts. VALIDATION_FAILED for a wrong address or the current
 * one; MEMBER_LINKS_LIMIT past the day's links.
 */
export async function requestEmailChange(
  ctx: MembersContext,
  member: Member,
  input: { email: string; sender: string },
): Promise<void> {
  const email = readMemberEmail(input.email);
  if (!email.ok) throw Errors.VALIDATION_FAILED({ details: email.errors });
  if (email.value === member.email)
    throw Errors.VALIDATION_FAILED({ details: [{ field: 'email', message: 'is already your address' }] });
  await ctx.store.transaction(async (repos) => {
    await countLinkRequest(ctx, repos, { sender: input.sender, email: email.value });
    await queueMemberLink(ctx, repos, { memberId: member.id, kind: 'email', newEmail: email.value });
  });
  ctx.log.child({ module: 'members' }).info({ memberId: member.id }, 'member email change asked');
}

/** Everything kept about a member, as they download it ("download my data"). */
export interface MemberDataExport {
  exportedAt: string;
  member: {
    email: string;
    name: string;
    status: string;
    tierId: number | null;
    createdAt: string;
    updatedAt: string;
    confirmedAt: string | null;
    consent: { at: string | null; source: string | null };
    bouncedAt: string | null;
    complainedAt: string | null;
  };
  /** Signed-in browsers; their ids are secrets and are left out. */
  sessions: { createdAt: string; lastSeenAt: string; expiresAt: string }[];
  /** The newsletters they receive, each with when and from where they chose it (their consent). */
  subscriptions: { newsletter: string; slug: string; chosenAt: string; source: string }[];
  /** Links mailed (their tokens are kept only as hashes, left out). */
  links: {
    kind: string;
    newEmail: string | null;
    createdAt: string;
    expiresAt: string;
    usedAt: string | null;
  }[];
  /** Their comments, with the article each is under and its text as they wrote it. */
  comments: {
    article: string;
    articleSlug: string;
    text: string;
    status: string;
    postedAt: string;
    editedAt: string | null;
    isReplyNoticeOn: boolean;
  }[];
}

/** Everything we hold on the member, as a JSON-ready object. */
export async function memberDataExport(ctx: MembersContext, member: Member): Promise<MemberDataExport> {
  const [sessions, links, subscriptions, comments] = await Promise.all([
    ctx.store.members.listSessions(member.id),
    ctx.store.members.listTokens(member.id),
    ctx.store.newsletters.listSubscriptionsOf(member.id),
    ctx.store.comments.ofMember(member.id),
  ]);
  return {
    exportedAt: toIsoTimestamp(ctx.now()),
    member: {
      email: member.email,
      name: member.name,
      status: member.status,
      tierId: member.tierId,
      createdAt: member.createdAt,
      updatedAt: member.updatedAt,
      confirmedAt: member.confirmedAt,
      consent: { at: member.consentAt, source: member.consentSource },
      bouncedAt: member.bouncedAt,
      complainedAt: member.complainedAt,
    },
    sessions: sessions.map(({ createdAt, lastSeenAt, expiresAt }) => ({ createdAt, lastSeenAt, expiresAt })),
    subscriptions: subscriptions.map((s) => ({
      newsletter: s.newsletterName,
      slug: s.newsletterSlug,
      chosenAt: s.createdAt,
      source: s.source,
    })),
    links: links.map(({ kind, newEmail, createdAt, expiresAt, usedAt }) => ({
      kind,
      newEmail,
      createdAt,
      expiresAt,
      usedAt,
    })),
    comments: comments.map((c) => ({
      article: c.articleTitle,
      articleSlug: c.articleSlug,
      text: c.body,
      status: c.status,
      postedAt: c.createdAt,
      editedAt: c.editedAt,
      isReplyNoticeOn: c.hasReplyNotice,
    })),
  };
}

/**
 * Deletes the member and everything kept on them: their sessions (every browser is signed out),
 * their links, their subscriptions and deliveries (the foreign keys cascade), and the day's count of links to their address. One transaction.
 */
export async function deleteMember(ctx: MembersContext, member: Member): Promise<void> {
  await ctx.store.transaction(async (repos) => {
    await repos.members.delete(member.id);
    await repos.members.forgetLinkRequests({ keys: [emailKeyOf(member.email)] });
  });
  ctx.log.child({ module: 'members' }).info({ memberId: member.id }, 'member deleted their account');
}
