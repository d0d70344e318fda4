import { createHash } from 'node:crypto';
import { commentLinkHosts, renderCommentText, renderImportedComment } from '../../content/comment-markup.ts';
import { type Article, isPubliclyVisible, toIsoTimestamp } from '../../domain/article.ts';
import { canReadFull, type MemberReader } from '../../domain/article-access.ts';
import {
  arrangeThreads,
  COMMENT_EDIT_MINUTES,
  type CommentDetail,
  type CommentSettings,
  type CommentStatus,
  cleanCommentText,
  commentTextErrors,
  duplicateKeyOf,
  hasCommentsOn,
  isEditable,
  isHeld,
  isOpenForComments,
  type ThreadNode,
} from '../../domain/comment.ts';
import type { Member } from '../../domain/member.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import type { SiteSettings } from '../../domain/settings.ts';
import { cleanLine } from '../../domain/text.ts';
import { Errors } from '../../errors.ts';
import { listedState } from '../articles.ts';
import type { ServiceContext } from '../context.ts';
import { SiteStructure } from '../site-structure.ts';

/** The job that mails editors the comments waiting for them, several at once. */
export const COMMENT_DIGEST_JOB = 'comment-held-digest';
/** The one digest job: while it waits, later held comments join it rather than queue their own. */
export const COMMENT_DIGEST_KEY = 'comment-held-digest';
/** The job that tells a member of a reply to their comment. */
export const COMMENT_REPLY_JOB = 'comment-reply-notice';

/** The reply job's payload. */
export interface CommentReplyJob {
  commentId: number;
}

/** The limits a post is checked against (the `comments` config). */
export interface CommentLimits {
  /** Comments one member may post in an hour (0: no limit). */
  hourlyPerMember: number;
  /** Comments one address group may post in an hour (0: no limit). */
  hourlyPerAddress: number;
  /** Minutes before the digest of held comments is mailed. */
  digestMinutes: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Comments readers see: approved ones, and the places of deleted ones that have replies. */
const SHOWN: readonly CommentStatus[] = ['approved', 'deleted'];

/** The comment rules of the site's settings. */
export function commentSettingsOf(settings: SiteSettings): CommentSettings {
  return {
    isOpen: settings.commentsOpen,
    closeAfterDays: settings.commentsCloseAfterDays,
    policy: settings.commentsModeration,
    maxLinks: settings.commentsMaxLinks,
    blockedWords: settings.commentsBlockedWords,
    blockedDomains: settings.commentsBlockedDomains,
  };
}

/** A sender as counted: a hash of their address group, so no address is kept. */
function senderKeyOf(addressGroup: string): string {
  return createHash('sha256').update(`comment-sender\u0000${addressGroup}`).digest('hex');
}

/** A comment as a thread shows it: its HTML (imported ones rendered now), and whether it is the reader's. */
export interface ShownComment extends CommentDetail {
  html: string;
  isOwn: boolean;
  /** Whether its author may still edit it (theirs, and within the window). */
  canEdit: boolean;
}

/** An article's comments as its comments page shows them. */
export interface CommentThread {
  article: Pick<Article, 'id' | 'slug' | 'title' | 'hasComments' | 'publishedAt'>;
  /** Whether the site and the article have comments on (the page exists only then). */
  isOn: boolean;
  /** Whether new comments are taken now. */
  isOpen: boolean;
  /**
   * Whether the reader may read the article whole, and so its discussion: members quote and
   * argue with the text, so under a gated article the thread is for its readers alone (others
   * see the count, no comment and no form).
   */
  isForReader: boolean;
  threads: ThreadNode<ShownComment>[];
  /** Approved comments, as the article's count says. */
  count: number;
  order: 'newest' | 'oldest';
  /** The reader's own comments that wait for an editor, shown only to them. */
  ownHeld: ShownComment[];
}

/** The member as a gated article's rule sees them (paid tier or not); undefined for nobody. */
async function readerOf(
  ctx: ServiceContext,
  member: Pick<Member, 'id' | 'tierId'> | undefined,
): Promise<MemberReader | undefined> {
  if (!member) return undefined;
  const isPaid = member.tierId !== null && (await ctx.store.members.isPaidTier(member.tierId));
  return { memberId: member.id, isPaid };
}

/** The published article at `slug` with the site's comment rules; NOT_FOUND when there is none. */
async function commentableArticle(
  ctx: ServiceContext,
  slug: string,
): Promise<{ article: Article; rules: CommentSettings }> {
  const article = await ctx.store.articles.findBySlug(slug);
  if (!article || !isPubliclyVisible(article, ctx.now())) throw Errors.NOT_FOUND();
  // The settings every reader page uses, kept in memory and dropped on an edit in any process:
  // the thread is fetched with every article view, and reading them from the database twice a
  // request cost as much as the thread itself.
  return { article, rules: commentSettingsOf(await SiteStructure.of(ctx).settings()) };
}

/**
 * An article's comments, threaded, for a reader (`member` undefined: not signed in). Deleted
 * comments keep their place only when replies hang from them; a member sees their own held
 * comments apart, marked as waiting. NOT_FOUND for an article that is not published or has
 * comments off.
 */
export async function commentThread(
  ctx: ServiceContext,
  input: { slug: string; member?: Pick<Member, 'id' | 'tierId'> | undefined; order?: 'newest' | 'oldest' },
): Promise<CommentThread> {
  const { article, rules } = await commentableArticle(ctx, input.slug);
  if (!hasCommentsOn(article, rules)) throw Errors.NOT_FOUND();
  const now = ctx.now();
  const memberId = input.member?.id;
  const isForReader = canReadFull(article, await readerOf(ctx, input.member));
  const isOpen = isOpenForComments(article, rules, now);
  const statuses: CommentStatus[] = memberId === undefined ? [...SHOWN] : [...SHOWN, 'pending'];
  const all = await ctx.store.comments.threadOf(article.id, statuses);
  const shown = (c: CommentDetail): ShownComment => {
    const isOwn = memberId !== undefined && c.memberId === memberId;
    return {
      ...c,
      html: c.status === 'deleted' ? '' : (c.bodyHtml ?? renderImportedComment(c.body)),
      isOwn,
      canEdit: isOwn && c.status !== 'deleted' && isOpen && isEditable(c.createdAt, now),
    };
  };
  const parents = new Set(all.flatMap((c) => (c.parentId === null ? [] : [c.parentId])));
  const visible = all.filter(
    (c) => c.kind === 'comment' && (c.status === 'approved' || (c.status === 'deleted' && parents.has(c.id))),
  );
  const ownHeld = all.filter(
    (c) => c.status === 'pending' && c.memberId === memberId && memberId !== undefined,
  );
  const order = input.order ?? 'oldest';
  const count = visible.filter((c) => c.status === 'approved').length;
  return {
    article: {
      id: article.id,
      slug: article.slug,
      title: article.title,
      hasComments: article.hasComments,
      publishedAt: article.publishedAt,
    },
    isOn: true,
    isOpen: isForReader && isOpen,
    isForReader,
    threads: isForReader ? arrangeThreads(visible.map(shown), order) : [],
    count,
    order,
    ownHeld: isForReader ? ownHeld.map(shown) : [],
  };
}

/** Tells caches the article's page and its listings changed (their comment counts). */
export function announceCommentChange(ctx: ServiceContext, article: Article): void {
  const listed = listedState(article);
  ctx.changes.publish({
    kind: 'article',
    id: article.id,
    slugs: [article.slug],
    listings: {
      termIds: listed?.termIds ?? [],
      personIds: listed?.authorIds ?? [],
      months: listed ? [listed.publishedAt.slice(0, 7)] : [],
    },
  });
}

/** Queues the digest of held comments unless one already waits to go. */
export async function queueHeldDigest(
  repos: Pick<Repositories, 'jobs'>,
  options: { now: Date; digestMinutes: number },
): Promise<void> {
  const waiting = await repos.jobs.findByKey(COMMENT_DIGEST_KEY);
  if (waiting?.status === 'pending' || waiting?.status === 'running') return;
  const at = toIsoTimestamp(options.now);
  await repos.jobs.put(
    {
      kind: COMMENT_DIGEST_JOB,
      dedupeKey: COMMENT_DIGEST_KEY,
      payload: {},
      runAt: toIsoTimestamp(new Date(options.now.getTime() + options.digestMinutes * 60_000)),
      maxAttempts: 8,
    },
    at,
  );
}

/** Queues the mail that tells a comment's parent's author of it, when they asked for one. */
export async function queueReplyNotice(
  repos: Pick<Repositories, 'jobs' | 'comments'>,
  input: { comment: Pick<CommentDetail, 'id' | 'parentId' | 'memberId'>; now: Date },
): Promise<void> {
  const { comment } = input;
  if (comment.parentId === null) return;
  const parent = await repos.comments.findDetail(comment.parentId);
  if (!parent?.hasReplyNotice || parent.memberId === null || parent.memberId === comment.memberId) return;
  const at = toIsoTimestamp(input.now);
  const payload: CommentReplyJob = { commentId: comment.id };
  await repos.jobs.put(
    { kind: COMMENT_REPLY_JOB, dedupeKey: `comment-reply:${comment.id}`, payload, runAt: at, maxAttempts: 5 },
    at,
  );
}

/**
 * Posts a member's comment (or reply) under an article. A filled honeypot drops it silently,
 * answered as if taken, so a bot learns nothing. Refuses with COMMENTS_CLOSED, NOT_FOUND (no
 * such article), COMMENT_MEMBER_BANNED, COMMENTS_FOR_READERS (a gated article the member may not
 * read whole), COMMENTS_RATE_LIMIT past the hour's comments of the
 * member or of their address, and VALIDATION_FAILED (fields `body`, `parent`) for an empty, long,
 * link-laden, blocked or repeated text or a reply to a comment not shown. Held comments (the
 * site's policy) wait for an editor, who is told in the next digest.
 */
export async function postComment(
  ctx: ServiceContext,
  input: {
    slug: string;
    member: Pick<Member, 'id' | 'name' | 'isBanned' | 'tierId'>;
    text: string;
    parentId: number | null;
    wantsReplies: boolean;
    honeypot: string;
    /** The sender's address group (see addressGroup in auth.ts). */
    sender: string;
    limits: CommentLimits;
  },
): Promise<{ status: 'approved' | 'pending'; id: number } | { status: 'dropped' }> {
  const log = ctx.log.child({ module: 'comments' });
  const { article, rules } = await commentableArticle(ctx, input.slug);
  const now = ctx.now();
  if (!isOpenForComments(article, rules, now)) throw Errors.COMMENTS_CLOSED();
  if (input.member.isBanned) throw Errors.COMMENT_MEMBER_BANNED();
  if (!canReadFull(article, await readerOf(ctx, input.member))) throw Errors.COMMENTS_FOR_READERS();
  if (input.honeypot.trim() !== '') {
    log.info({ articleId: article.id }, 'comment dropped: the hidden field was filled');
    return { status: 'dropped' };
  }
  const text = cleanCommentText(input.text);
  const problems = commentTextErrors(text, rules, commentLinkHosts(text));
  if (problems.length > 0) throw Errors.VALIDATION_FAILED({ details: problems });
  if (input.parentId !== null) {
    const parent = await ctx.store.comments.findDetail(input.parentId);
    if (parent?.articleId !== article.id || parent.status !== 'approved')
      throw Errors.VALIDATION_FAILED({
        details: [{ field: 'parent', message: 'is not a comment shown under this article' }],
      });
  }
  const createdAt = toIsoTimestamp(now);
  const hourAgo = toIsoTimestamp(new Date(now.getTime() - HOUR_MS));
  const senderKey = senderKeyOf(input.sender);
  const { hourlyPerMember, hourlyPerAddress } = input.limits;
  if (
    hourlyPerMember > 0 &&
    (await ctx.store.comments.countByMemberSince(input.member.id, hourAgo)) >= hourlyPerMember
  )
    throw Errors.COMMENTS_RATE_LIMIT({ isForMember: true }, { retryAfterSeconds: 600 });
  if (
    hourlyPerAddress > 0 &&
    (await ctx.store.comments.countBySenderSince(senderKey, hourAgo)) >= hourlyPerAddress
  )
    throw Errors.COMMENTS_RATE_LIMIT({ isForMember: false }, { retryAfterSeconds: 600 });
  const dayAgo = toIsoTimestamp(new Date(now.getTime() - DAY_MS));
  const key = duplicateKeyOf(text);
  const earlier = await ctx.store.comments.bodiesByMemberSince(input.member.id, article.id, dayAgo);
  if (earlier.some((body) => duplicateKeyOf(body) === key))
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'body', message: 'is the same as a comment you already posted here' }],
    });
  const hasApproved = await ctx.store.comments.hasApproved(input.member.id);
  const status = isHeld(rules.policy, hasApproved) ? 'pending' : 'approved';
  const id = await ctx.store.transaction(async (repos) => {
    // The hash of an IPv4 address is undone by hashing them all: keep it only while it counts.
    await repos.comments.forgetSendersBefore(hourAgo);
    const id = await repos.comments.insertMemberComment({
      articleId: article.id,
      parentId: input.parentId,
      memberId: input.member.id,
      // Names refuse direction controls now; one kept from before would turn the byline around.
      authorName: cleanLine(input.member.name).trim() || 'A member',
      body: text,
      bodyHtml: renderCommentText(text),
      status,
      createdAt,
      senderKey,
      hasReplyNotice: input.wantsReplies,
    });
    if (status === 'pending')
      await queueHeldDigest(repos, { now, digestMinutes: input.limits.digestMinutes });
    else
      await queueReplyNotice(repos, {
        comment: { id, parentId: input.parentId, memberId: input.member.id },
        now,
      });
    return id;
  });
  if (status === 'approved') announceCommentChange(ctx, article);
  log.info({ articleId: article.id, commentId: id, status }, 'comment posted');
  return { status, id };
}

/** A member's own comment on the article at `slug`, or COMMENT_NOT_FOUND (another's, or gone). */
async function ownComment(
  ctx: ServiceContext,
  input: { slug: string; member: Pick<Member, 'id'>; id: number },
): Promise<{ comment: CommentDetail; article: Article; rules: CommentSettings }> {
  const { article, rules } = await commentableArticle(ctx, input.slug);
  const comment = await ctx.store.comments.findDetail(input.id);
  if (
    comment?.articleId !== article.id ||
    comment.memberId !== input.member.id ||
    !(comment.status === 'approved' || comment.status === 'pending')
  )
    throw Errors.COMMENT_NOT_FOUND({ id: input.id });
  return { comment, article, rules };
}

/**
 * Refuses an edit once the discussion is closed (by the site, the article or its age), even
 * within the edit window: a closed thread is the record as it stood, and an edit would change
 * what replies answered with no one able to answer back. Deleting stays allowed.
 */
function checkEditable(
  input: { comment: CommentDetail; article: Article; rules: CommentSettings },
  now: Date,
): void {
  if (!isOpenForComments(input.article, input.rules, now)) throw Errors.COMMENTS_CLOSED_TO_EDITS();
  if (!isEditable(input.comment.createdAt, now))
    throw Errors.COMMENT_EDIT_CLOSED({ minutes: COMMENT_EDIT_MINUTES });
}

/**
 * A member's own comment, for its edit form: COMMENT_NOT_FOUND for another's,
 * COMMENTS_CLOSED_TO_EDITS once comments are closed, COMMENT_EDIT_CLOSED after the window.
 */
export async function editableComment(
  ctx: ServiceContext,
  input: { slug: string; member: Pick<Member, 'id'>; id: number },
): Promise<CommentDetail> {
  const own = await ownComment(ctx, input);
  checkEditable(own, ctx.now());
  return own.comment;
}

/**
 * Replaces the text of a member's own comment within the edit window while comments are open,
 * checked as a new one is.
 * Where every comment waits for an editor, an edited one waits again: an approved text must not
 * turn into another unseen.
 */
export async function editOwnComment(
  ctx: ServiceContext,
  input: { slug: string; member: Pick<Member, 'id'>; id: number; text: string; digestMinutes: number },
): Promise<{ status: CommentStatus }> {
  const own = await ownComment(ctx, input);
  const { comment, article, rules } = own;
  const now = ctx.now();
  checkEditable(own, now);
  const text = cleanCommentText(input.text);
  const problems = commentTextErrors(text, rules, commentLinkHosts(text));
  if (problems.length > 0) throw Errors.VALIDATION_FAILED({ details: problems });
  const isHeldAgain = rules.policy === 'all' && comment.status === 'approved';
  await ctx.store.transaction(async (repos) => {
    await repos.comments.editBody(comment.id, text, renderCommentText(text), toIsoTimestamp(now));
    if (isHeldAgain) {
      await repos.comments.setStatus(comment.id, ['approved'], 'pending');
      await queueHeldDigest(repos, { now, digestMinutes: input.digestMinutes });
    }
  });
  if (isHeldAgain) announceCommentChange(ctx, article);
  return { status: isHeldAgain ? 'pending' : comment.status };
}

/**
 * Deletes a member's own comment, its text with it: replies stay, under a note that it was
 * deleted.
 */
export async function deleteOwnComment(
  ctx: ServiceContext,
  input: { slug: string; member: Pick<Member, 'id'>; id: number },
): Promise<void> {
  const { comment, article } = await ownComment(ctx, input);
  const at = toIsoTimestamp(ctx.now());
  const isDeleted = await ctx.store.transaction(async (repos) => {
    if (!(await repos.comments.setStatus(comment.id, ['approved', 'pending'], 'deleted'))) return false;
    await repos.comments.editBody(comment.id, '', '', at);
    return true;
  });
  if (isDeleted && comment.status === 'approved') announceCommentChange(ctx, article);
}
