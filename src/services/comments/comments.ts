import { createHash } from 'node:crypto';
import { commentLinkHosts, renderCommentText, renderImportedComment } from '../../content/comment-markup.ts';
import { type Article, isPubliclyVisible, toIsoTimestamp } from '../../domain/article.ts';
import { canReadFull, type MemberReader } from '../../domain/article-access.ts';
import {
  arrangeThreads,
  COMMENT_EDIT_MINUTES,
  COMMENT_PAGE_SIZE,
  COMMENT_REPLY_CAP,
  type CommentCursor,
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
  THREAD_PAGE_SIZE,
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

/** An article's comments as its comments page shows them: one page of them. */
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
  /** This page's top-level comments in the order asked, each with its first replies. */
  threads: ThreadNode<ShownComment>[];
  /** Approved comments, as the article's count says. */
  count: number;
  order: 'newest' | 'oldest';
  /** The reader's own comments that wait for an editor, shown only to them. */
  ownHeld: ShownComment[];
  /** The id of the one thread this page shows (its replies paged), when it shows one. */
  focus?: number | undefined;
  /** Where the pages before and after this one start, in the order shown; absent at either end. */
  pages: { previous?: CommentCursor | undefined; next?: CommentCursor | undefined };
  /**
   * The approved replies not shown under a top-level comment, by its id; `isAtLeast` when the
   * count stopped at REPLY_COUNT_CAP replies read and there may be more.
   */
  moreReplies: Map<number, { count: number; isAtLeast: boolean }>;
  /** The comment the reader chose to reply to, when it is one readers see on this article. */
  replyTo?: ShownComment | undefined;
}

/** Where a page of comments starts: after a place, or before one, in the order shown. */
export interface CommentPageStart {
  after?: CommentCursor | undefined;
  before?: CommentCursor | undefined;
}

/** The most replies counted for a thread's "more replies" link: beyond it the page says "1,000+". */
export const REPLY_COUNT_CAP = 1000;

/** Comments readers see, and those kept only as a place for their replies (a member's own removal). */
const READ = { shown: ['approved'], placeholders: ['deleted'] } as const satisfies {
  shown: readonly CommentStatus[];
  placeholders: readonly CommentStatus[];
};

function isPlaceholder(comment: Pick<CommentDetail, 'status'>): boolean {
  return (READ.placeholders as readonly string[]).includes(comment.status);
}

/**
 * One page of comments by keyset, in the order shown: `read` fetches from a place going
 * forward or backward in time, at most `limit`. One more than a page is read to learn whether
 * another page follows in the direction read; going forward from a place, there is one behind.
 */
async function pageInOrder<C extends CommentCursor>(input: {
  start: CommentPageStart;
  isNewestFirst: boolean;
  size: number;
  read: (from: CommentCursor | undefined, direction: 'forward' | 'backward', limit: number) => Promise<C[]>;
}): Promise<{ items: C[]; previous?: CommentCursor | undefined; next?: CommentCursor | undefined }> {
  const { start, size } = input;
  const ahead = input.isNewestFirst ? 'backward' : 'forward';
  const behind = input.isNewestFirst ? 'forward' : 'backward';
  const cursorOf = (c: C | undefined) => c && { createdAt: c.createdAt, id: c.id };
  if (start.before) {
    const rows = await input.read(start.before, behind, size + 1);
    const items = rows.slice(0, size).reverse();
    return {
      items,
      previous: rows.length > size ? cursorOf(items[0]) : undefined,
      next: cursorOf(items.at(-1)) ?? start.before,
    };
  }
  const rows = await input.read(start.after, ahead, size + 1);
  const items = rows.slice(0, size);
  return {
    items,
    previous: start.after ? (cursorOf(items[0]) ?? start.after) : undefined,
    next: rows.length > size ? cursorOf(items.at(-1)) : undefined,
  };
}

/**
 * A top-level comment with its loaded replies as one thread. A reply whose parent is not loaded
 * (beyond the page, or not shown) hangs from the top-level comment rather than standing apart.
 */
function threadNodeOf(root: ShownComment, loadedReplies: readonly ShownComment[]): ThreadNode<ShownComment> {
  const parents = new Set(loadedReplies.flatMap((r) => (r.parentId === null ? [] : [r.parentId])));
  // A placeholder keeps its place only for the replies shown under it.
  const replies = loadedReplies.filter((r) => !isPlaceholder(r) || parents.has(r.id));
  const loaded = new Set([root.id, ...replies.map((r) => r.id)]);
  const placed = replies.map((r) =>
    r.parentId !== null && loaded.has(r.parentId) ? r : { ...r, parentId: root.id },
  );
  const [node] = arrangeThreads([root, ...placed], 'oldest');
  return node ?? { comment: root, depth: 1, replies: [] };
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
 * One page of an article's comments, threaded, for a reader (`member` undefined: not signed in):
 * COMMENT_PAGE_SIZE top-level comments from `start` in the order asked, each with its first
 * COMMENT_REPLY_CAP replies; or, given `threadId`, that one thread with THREAD_PAGE_SIZE of its
 * replies. What it reads is bounded by the page, never by the article's comments. Deleted
 * comments keep their place only when replies hang from them; a member sees their own held
 * comments apart, marked as waiting. NOT_FOUND for an article that is not published or has
 * comments off, or a thread that is not one of its shown top-level comments.
 */
export async function commentThread(
  ctx: ServiceContext,
  input: {
    slug: string;
    member?: Pick<Member, 'id' | 'tierId'> | undefined;
    order?: 'newest' | 'oldest';
    start?: CommentPageStart;
    threadId?: number | undefined;
    replyTo?: number | undefined;
  },
): Promise<CommentThread> {
  const { article, rules } = await commentableArticle(ctx, input.slug);
  if (!hasCommentsOn(article, rules)) throw Errors.NOT_FOUND();
  const now = ctx.now();
  const memberId = input.member?.id;
  const isForReader = canReadFull(article, await readerOf(ctx, input.member));
  const isOpen = isOpenForComments(article, rules, now);
  const shown = (c: CommentDetail): ShownComment => {
    const isOwn = memberId !== undefined && c.memberId === memberId;
    return {
      ...c,
      html: c.status === 'deleted' ? '' : (c.bodyHtml ?? renderImportedComment(c.body)),
      isOwn,
      canEdit: isOwn && c.status !== 'deleted' && isOpen && isEditable(c.createdAt, now),
    };
  };
  const order = input.order ?? 'oldest';
  const comments = ctx.store.comments;
  const base = { articleId: article.id, statuses: [...READ.shown, ...READ.placeholders] as CommentStatus[] };
  const start = input.start ?? {};
  let threads: ThreadNode<ShownComment>[] = [];
  let pages: CommentThread['pages'] = {};
  const moreReplies: CommentThread['moreReplies'] = new Map();
  if (input.threadId !== undefined) {
    const root = await comments.findDetail(input.threadId);
    const isShownRoot =
      root !== undefined &&
      root.articleId === article.id &&
      root.parentId === null &&
      root.kind === 'comment' &&
      base.statuses.includes(root.status);
    if (!root || !isShownRoot) throw Errors.NOT_FOUND();
    if (isForReader) {
      const page = await pageInOrder({
        start,
        isNewestFirst: false,
        size: THREAD_PAGE_SIZE,
        read: async (after, direction, limit) =>
          (await comments.repliesOf({ ...base, rootIds: [root.id], after, direction, limit })).get(root.id) ??
          [],
      });
      threads = [threadNodeOf(shown(root), page.items.map(shown))];
      pages = { previous: page.previous, next: page.next };
    }
  } else if (isForReader) {
    const page = await pageInOrder({
      start,
      isNewestFirst: order === 'newest',
      size: COMMENT_PAGE_SIZE,
      read: (after, direction, limit) => comments.topLevelPage({ ...base, after, direction, limit }),
    });
    const rootIds = page.items.map((c) => c.id);
    const replies = await comments.repliesOf({
      ...base,
      rootIds,
      direction: 'forward',
      limit: COMMENT_REPLY_CAP + 1,
    });
    const longer = rootIds.filter((id) => (replies.get(id)?.length ?? 0) > COMMENT_REPLY_CAP);
    const counts = await comments.replyCounts({
      articleId: article.id,
      rootIds: longer,
      statuses: READ.shown,
      cap: REPLY_COUNT_CAP,
    });
    for (const id of longer) {
      const approvedShown = (replies.get(id) ?? [])
        .slice(0, COMMENT_REPLY_CAP)
        .filter((r) => r.status === 'approved').length;
      const counted = counts.get(id) ?? { count: 0, isAtLeast: false };
      moreReplies.set(id, {
        count: Math.max(1, counted.count - approvedShown),
        isAtLeast: counted.isAtLeast,
      });
    }
    // A page may show fewer than its size: a deleted comment with no reply shown is left out.
    // Deciding it here, from the replies read anyway, keeps the page's read one range of an index.
    threads = page.items
      .map((root) =>
        threadNodeOf(shown(root), (replies.get(root.id) ?? []).slice(0, COMMENT_REPLY_CAP).map(shown)),
      )
      .filter((node) => !isPlaceholder(node.comment) || node.replies.length > 0);
    pages = { previous: page.previous, next: page.next };
  }
  const ownHeld = isForReader && memberId !== undefined ? await comments.heldOf(article.id, memberId) : [];
  const target = input.replyTo === undefined ? undefined : await comments.findDetail(input.replyTo);
  const replyTo =
    target?.articleId === article.id && target.status === 'approved' && target.kind === 'comment'
      ? shown(target)
      : undefined;
  const count = (await comments.approvedCounts([article.id])).get(article.id) ?? 0;
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
    threads,
    count,
    order,
    ownHeld: ownHeld.map(shown),
    focus: input.threadId,
    pages,
    moreReplies,
    replyTo: isForReader ? replyTo : undefined,
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
