import { commentLinkHosts, renderCommentText } from '../../content/comment-markup.ts';
import { toIsoTimestamp } from '../../domain/article.ts';
import { type CommentStatus, cleanCommentText, commentTextErrors } from '../../domain/comment.ts';
import type { QueuedComment } from '../../domain/ports/comment-store.ts';
import { Errors } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { auditActor, requireCan, type Staff } from '../newsroom/staff.ts';
import { loadSiteSettings } from '../settings.ts';
import { announceCommentChange, commentSettingsOf, queueReplyNotice } from './comments.ts';

/** What an editor decides about a comment. */
export const COMMENT_DECISIONS = ['approve', 'reject', 'spam'] as const;
export type CommentDecision = (typeof COMMENT_DECISIONS)[number];

/** The statuses the moderation queue lists, in its tabs' order. */
export const QUEUE_STATUSES = [
  'pending',
  'approved',
  'spam',
  'trash',
] as const satisfies readonly CommentStatus[];

const DECIDED: Record<CommentDecision, { to: CommentStatus; from: CommentStatus[]; verb: string }> = {
  approve: { to: 'approved', from: ['pending', 'spam', 'trash'], verb: 'Approved' },
  reject: { to: 'trash', from: ['pending', 'approved', 'spam'], verb: 'Rejected' },
  spam: { to: 'spam', from: ['pending', 'approved', 'trash'], verb: 'Marked as spam' },
};

export const MODERATION_REFUSAL = 'Only editors and admins may moderate comments.';

/** The longest page of the queue. */
const MAX_PAGE = 100;

function requireModerator(staff: Staff): void {
  requireCan(staff, 'comment.moderate', MODERATION_REFUSAL);
}

/** How a comment is named in the audit log: its id, author and article, not its text. */
function described(comment: QueuedComment): string {
  return `comment #${comment.id} by ${comment.authorName}${comment.memberId ? ` (member #${comment.memberId})` : ''} on “${comment.articleTitle}”`;
}

async function queuedComment(ctx: ServiceContext, id: number): Promise<QueuedComment> {
  const [comment] = await ctx.store.comments.queueOf([id]);
  if (!comment) throw Errors.COMMENT_NOT_FOUND({ id });
  return comment;
}

/** One page of the moderation queue: a status's comments, newest first, with their counts by status. */
export async function commentQueue(
  ctx: ServiceContext,
  staff: Staff,
  options: { status: (typeof QUEUE_STATUSES)[number]; beforeId?: number; limit?: number },
): Promise<{ rows: QueuedComment[]; counts: Record<(typeof QUEUE_STATUSES)[number], number> }> {
  requireModerator(staff);
  const [rows, ...counts] = await Promise.all([
    ctx.store.comments.queue({
      status: options.status,
      limit: Math.min(Math.max(options.limit ?? 50, 1), MAX_PAGE),
      ...(options.beforeId !== undefined ? { beforeId: options.beforeId } : {}),
    }),
    ...QUEUE_STATUSES.map((s) => ctx.store.comments.countByStatus(s)),
  ]);
  return {
    rows,
    counts: Object.fromEntries(QUEUE_STATUSES.map((s, i) => [s, counts[i] ?? 0])) as Record<
      (typeof QUEUE_STATUSES)[number],
      number
    >,
  };
}

/** One comment as the queue shows it, for its edit page; COMMENT_NOT_FOUND when there is none. */
export async function commentForModeration(
  ctx: ServiceContext,
  staff: Staff,
  id: number,
): Promise<QueuedComment> {
  requireModerator(staff);
  return queuedComment(ctx, id);
}

/**
 * Approves, rejects or marks a comment as spam, audited with the change. COMMENT_DECIDED when it
 * already has that status or its author deleted it. An approved reply tells the parent's author,
 * if they asked.
 */
export async function moderateComment(
  ctx: ServiceContext,
  staff: Staff,
  input: { id: number; decision: CommentDecision },
): Promise<void> {
  requireModerator(staff);
  const rule = DECIDED[input.decision];
  const now = ctx.now();
  const comment = await ctx.store.transaction(async (repos) => {
    const [comment] = await repos.comments.queueOf([input.id]);
    if (!comment) throw Errors.COMMENT_NOT_FOUND({ id: input.id });
    if (!(await repos.comments.setStatus(comment.id, rule.from, rule.to)))
      throw Errors.COMMENT_DECIDED({ status: comment.status });
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: `comment.${input.decision}`,
      entity: ['comment', comment.id],
      summary: `${rule.verb} ${described(comment)}`,
      at: now,
    });
    if (rule.to === 'approved') await queueReplyNotice(repos, { comment, now });
    return comment;
  });
  const article = await ctx.store.articles.findById(comment.articleId);
  // Only a change to what readers see changes the article's page and counts.
  if (article && (comment.status === 'approved' || rule.to === 'approved'))
    announceCommentChange(ctx, article);
}

/** Replaces a comment's text (an editor's fix: a slur, a phone number), audited; the site's blocklists apply. */
export async function editCommentAsEditor(
  ctx: ServiceContext,
  staff: Staff,
  input: { id: number; text: string },
): Promise<void> {
  requireModerator(staff);
  const text = cleanCommentText(input.text);
  // An editor may add more links than readers may: the limit is against spam, not editors.
  const rules = { ...commentSettingsOf(await loadSiteSettings(ctx)), maxLinks: Number.MAX_SAFE_INTEGER };
  const problems = commentTextErrors(text, rules, commentLinkHosts(text));
  if (problems.length > 0) throw Errors.VALIDATION_FAILED({ details: problems });
  const now = ctx.now();
  const comment = await ctx.store.transaction(async (repos) => {
    const [comment] = await repos.comments.queueOf([input.id]);
    if (!comment || comment.status === 'deleted') throw Errors.COMMENT_NOT_FOUND({ id: input.id });
    await repos.comments.editBody(comment.id, text, renderCommentText(text), toIsoTimestamp(now));
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'comment.edit',
      entity: ['comment', comment.id],
      summary: `Edited ${described(comment)}`,
      at: now,
    });
    return comment;
  });
  ctx.log.child({ module: 'comments' }).info({ commentId: comment.id }, 'comment edited by an editor');
}

/**
 * Bans the member who wrote a comment: signed out everywhere, refused comments and sign-in, and
 * their comments still waiting rejected with it, audited. Editors may do this from the queue
 * (unlike the members admin, which is for admins): it is the answer to an abusive commenter.
 */
export async function banCommenter(
  ctx: ServiceContext,
  staff: Staff,
  input: { commentId: number },
): Promise<void> {
  requireModerator(staff);
  const now = ctx.now();
  const at = toIsoTimestamp(now);
  await ctx.store.transaction(async (repos) => {
    const [comment] = await repos.comments.queueOf([input.commentId]);
    if (!comment) throw Errors.COMMENT_NOT_FOUND({ id: input.commentId });
    if (comment.memberId === null)
      throw Errors.VALIDATION_FAILED({
        details: [
          { field: 'comment', message: 'was imported: its author is not a member, so cannot be banned' },
        ],
      });
    const memberId = comment.memberId;
    await repos.memberAdmin.setBanned(memberId, true, at);
    await repos.members.deleteSessionsOf(memberId);
    const held = await repos.comments.pendingIdsOf(memberId);
    for (const id of held) await repos.comments.setStatus(id, ['pending'], 'trash');
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'comment.ban_member',
      entity: ['member', memberId],
      summary: `Banned member #${memberId} (${comment.authorName}) for ${described(comment)}; ${held.length} waiting comment${held.length === 1 ? '' : 's'} rejected`,
      at: now,
    });
  });
}
