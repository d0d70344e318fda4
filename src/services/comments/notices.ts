import type { Mailer } from '../../adapters/mailer.ts';
import { toIsoTimestamp } from '../../domain/article.ts';
import { canSignIn } from '../../domain/member.ts';
import { commentsPath } from '../../domain/paths.ts';
import { can } from '../../domain/permissions.ts';
import type { ServiceContext } from '../context.ts';
import { loadSiteSettings } from '../settings.ts';

/** The most held comments one digest lists; the rest follow in the next. */
const DIGEST_MAX = 200;

/** How much of a comment a mail quotes. */
const QUOTE_CHARS = 300;

function quoted(text: string): string {
  const short = text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}…` : text;
  return short
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/**
 * Mails every active editor and admin one message listing the comments that came to wait for
 * moderation since the last (the digest job's work); returns how many comments it listed.
 * Without mail configured, nobody is told and the comments stay unlisted for a later digest.
 */
export async function sendHeldCommentDigest(ctx: ServiceContext, mailer: Mailer): Promise<number> {
  if (!mailer.isConfigured) return 0;
  const held = await ctx.store.comments.heldUnnoticed(DIGEST_MAX);
  if (held.length === 0) return 0;
  const editors = (await ctx.store.users.list()).filter(
    (u) => !u.isDisabled && can(u.role, 'comment.moderate'),
  );
  if (editors.length > 0) {
    const settings = await loadSiteSettings(ctx);
    const count = `${held.length} comment${held.length === 1 ? '' : 's'}`;
    // One message to them all: a retry after a refusal sends it once more, not once per editor.
    await mailer.send({
      to: editors.map((e) => e.email).join(', '),
      subject: `${count} waiting for moderation on ${settings.siteName}`,
      text: [
        `${count} waiting for an editor:`,
        '',
        ...held.flatMap((c) => [`${c.authorName} on “${c.articleTitle}”:`, quoted(c.body), '']),
        `Moderate them: ${ctx.siteUrl}/admin/comments`,
      ].join('\n'),
    });
  }
  await ctx.store.comments.markHeldNoticed(
    held.map((c) => c.id),
    toIsoTimestamp(ctx.now()),
  );
  return held.length;
}

/**
 * Mails a member that someone replied to their comment, when they asked to be told (the reply
 * job's work). Nothing is sent for a reply no longer shown, or to a member who may no longer
 * sign in or whose address bounced.
 */
export async function sendReplyNotice(
  ctx: ServiceContext,
  mailer: Mailer,
  commentId: number,
): Promise<'sent' | 'skipped'> {
  if (!mailer.isConfigured) return 'skipped';
  const reply = await ctx.store.comments.findDetail(commentId);
  if (reply?.status !== 'approved' || reply.parentId === null) return 'skipped';
  const parent = await ctx.store.comments.findDetail(reply.parentId);
  if (!parent?.hasReplyNotice || parent.memberId === null || parent.memberId === reply.memberId)
    return 'skipped';
  const [member, article, settings] = await Promise.all([
    ctx.store.members.findById(parent.memberId),
    ctx.store.articles.findById(reply.articleId),
    loadSiteSettings(ctx),
  ]);
  if (!member || !canSignIn(member) || member.bouncedAt || member.complainedAt || !article) return 'skipped';
  await mailer.send({
    to: member.email,
    subject: `${reply.authorName} replied to your comment on “${article.title}”`,
    text: [
      `${reply.authorName} replied to your comment on “${article.title}”:`,
      '',
      quoted(reply.body),
      '',
      `Read it: ${ctx.siteUrl}${commentsPath(article.slug)}#comment-${reply.id}`,
      '',
      '--',
      `You asked ${settings.siteName} to tell you of replies to this comment.`,
    ].join('\n'),
  });
  return 'sent';
}
