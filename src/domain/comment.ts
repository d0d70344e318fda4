import type { FieldError } from '../errors.ts';
import { lengthErrors } from './limits.ts';
import { nameSkeleton } from './name-skeleton.ts';
import { cleanLine } from './text.ts';

/** `trash` is an editor's rejection; `deleted` a member's own removal (the thread keeps its place). */
export const COMMENT_STATUSES = ['approved', 'pending', 'spam', 'trash', 'deleted'] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

/** A reader's comment on an article (imported ones keep their thread and moderation status). */
export interface Comment {
  id: number;
  articleId: number;
  parentId: number | null;
  authorName: string;
  authorEmail: string | null;
  authorUrl: string | null;
  body: string;
  status: CommentStatus;
  kind: 'comment' | 'pingback' | 'trackback';
  createdAt: string;
  sourceId: string | null;
}

/** The longest value of each of a comment's short fields, in characters: what the columns hold. */
export const COMMENT_LIMITS = { authorName: 300, authorEmail: 320, authorUrl: 2000, sourceId: 300 } as const;

/** Every field of a comment longer than it may be, by field (the export's column names). */
export function commentLengthErrors(
  comment: Pick<Comment, 'authorName' | 'authorEmail' | 'authorUrl' | 'sourceId'>,
): FieldError[] {
  return lengthErrors([
    ['author_name', comment.authorName, COMMENT_LIMITS.authorName],
    ['author_email', comment.authorEmail, COMMENT_LIMITS.authorEmail],
    ['author_url', comment.authorUrl, COMMENT_LIMITS.authorUrl],
    ['source_id', comment.sourceId, COMMENT_LIMITS.sourceId],
  ]);
}

/** A comment as the thread and the moderation queue show it: an imported one, or a member's. */
export interface CommentDetail extends Comment {
  /** The member who wrote it; null for an imported comment (its author is only a name). */
  memberId: number | null;
  /** Sanitized HTML rendered when a member's comment was saved; null for imported ones. */
  bodyHtml: string | null;
  editedAt: string | null;
  /** Whether its author asked to be mailed replies to it. */
  hasReplyNotice: boolean;
}

/** How comments wait for an editor: none do, a member's first does, or every one does. */
export const COMMENT_POLICIES = ['open', 'first', 'all'] as const;
export type CommentPolicy = (typeof COMMENT_POLICIES)[number];

/** The longest comment, in characters: a long letter, not an article. */
export const COMMENT_MAX_CHARS = 5000;

/** Replies nest this deep (a top-level comment is depth 1); a reply deeper still joins its parent's level. */
export const COMMENT_MAX_DEPTH = 4;

/** How long a member may edit their comment after posting it: long enough to fix a typo. */
export const COMMENT_EDIT_MINUTES = 15;

/** What decides whether an article takes comments, and how they are held (the site's settings). */
export interface CommentSettings {
  /** The site's switch: off closes comments on every article. */
  isOpen: boolean;
  /** Days after publication that comments stay open; 0 keeps them open. */
  closeAfterDays: number;
  policy: CommentPolicy;
  /** Links one comment may carry; 0 allows none. */
  maxLinks: number;
  /** Words and phrases that refuse a comment, one a line, matched without regard to case. */
  blockedWords: string;
  /** Domains a comment may not link to (with their subdomains), one a line. */
  blockedDomains: string;
}

/** Whether an article shows its comments at all: the site and the article both have them on. */
export function hasCommentsOn(
  article: { hasComments: boolean },
  settings: Pick<CommentSettings, 'isOpen'>,
): boolean {
  return settings.isOpen && article.hasComments;
}

/**
 * Whether new comments are taken: comments on, and the article not older than the closing age.
 *
 * @example isOpenForComments({ hasComments: true, publishedAt: '2026-01-01T00:00:00Z' }, { isOpen: true, closeAfterDays: 30 }, new Date('2026-03-01')) // false
 */
export function isOpenForComments(
  article: { hasComments: boolean; publishedAt: string | null },
  settings: Pick<CommentSettings, 'isOpen' | 'closeAfterDays'>,
  now: Date,
): boolean {
  if (!hasCommentsOn(article, settings)) return false;
  if (settings.closeAfterDays <= 0 || article.publishedAt === null) return true;
  const closesAt = new Date(article.publishedAt).getTime() + settings.closeAfterDays * 86_400_000;
  return now.getTime() < closesAt;
}

/** Whether a member's comment waits for an editor under the policy. */
export function isHeld(policy: CommentPolicy, hasApprovedBefore: boolean): boolean {
  return policy === 'all' || (policy === 'first' && !hasApprovedBefore);
}

/** Whether a member may still edit a comment they posted at `createdAt`. */
export function isEditable(createdAt: string, now: Date): boolean {
  return now.getTime() - new Date(createdAt).getTime() < COMMENT_EDIT_MINUTES * 60_000;
}

/** The non-empty lines of a list setting, trimmed and lower-cased. */
function listLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line !== '');
}

/**
 * A host as it looks: `ѕраm.example` (Cyrillic) is another site than `spam.example`, but one
 * made to be taken for it, so a block on the one catches the other.
 */
function hostSkeleton(host: string): string {
  return comparableText(host).replace(/\s/g, '');
}

/**
 * Why a comment's text is refused by the site's rules, as field errors under `body`: empty, too
 * long, too many links, a blocked word or a blocked domain. `linkHosts` are the hosts of the links
 * the text renders to (one entry a link). Blocked words are not named back, so the list cannot be
 * probed.
 */
export function commentTextErrors(
  text: string,
  rules: Pick<CommentSettings, 'maxLinks' | 'blockedWords' | 'blockedDomains'>,
  linkHosts: readonly string[],
): FieldError[] {
  if (text.trim() === '') return [{ field: 'body', message: 'must not be empty' }];
  const long = lengthErrors([['body', text, COMMENT_MAX_CHARS]]);
  if (long.length > 0) return long;
  if (linkHosts.length > rules.maxLinks) {
    return [
      {
        field: 'body',
        message:
          rules.maxLinks === 0
            ? 'may not carry links'
            : `may carry at most ${rules.maxLinks} link${rules.maxLinks === 1 ? '' : 's'}`,
      },
    ];
  }
  const domains = listLines(rules.blockedDomains)
    .map((d) => hostSkeleton(d.replace(/^\*?\./, '')))
    .filter((d) => d !== '');
  const hosts = linkHosts.map(hostSkeleton);
  if (hosts.some((host) => domains.some((d) => host === d || host.endsWith(`.${d}`))))
    return [{ field: 'body', message: 'links to a site this publication does not accept links to' }];
  const comparable = comparableText(text);
  // A line of nothing but invisible characters compares as empty, which every text includes.
  const words = listLines(rules.blockedWords)
    .map(comparableText)
    .filter((word) => word !== '');
  if (words.some((word) => comparable.includes(word)))
    return [{ field: 'body', message: 'contains words this publication does not accept' }];
  return [];
}

/**
 * A comment's text as stored: XML-forbidden characters and bidirectional controls dropped, line
 * ends unified, ends trimmed. The controls (embeddings, overrides, isolates and the direction
 * marks) are dropped rather than refused: a reader's keyboard may insert a mark unseen, and the
 * page gives each comment its own direction (`dir="auto"`), which is what the marks were for;
 * kept, an override makes "gpj.exe" read "exe.jpg" and turns a quoted name around.
 */
export function cleanCommentText(raw: string): string {
  return cleanLine(raw).replace(/\r\n?/g, '\n').trim();
}

/**
 * A text as a reader sees it, for comparing: compatibility forms (wide letters) as plain ones,
 * invisible and format characters, Latin, Greek and Cyrillic accents, case and runs of spaces
 * dropped, and letters of other scripts that look Latin read as Latin (the skeleton bylines are
 * compared by). Without it "casi\u200bno", "ｃａｓｉｎｏ", "casinó" and "cаsinо" (Cyrillic а
 * and о) pass a blocked "casino", and a spammer repeats a comment by adding a zero-width space.
 * Only for matching: the stored text stays as written.
 * @example comparableText('Ｃasi\u200bnó  b\u043enus') // 'casino bonus'
 */
export function comparableText(text: string): string {
  return nameSkeleton(text);
}

/** The same text written twice reads as the same: case, spaces and what does not show do not count. */
export function duplicateKeyOf(text: string): string {
  return comparableText(text);
}

/** One comment in a thread, with its replies. */
export interface ThreadNode<C> {
  comment: C;
  depth: number;
  replies: ThreadNode<C>[];
}

/** Comments in time order, and by id among those of the same moment: the order threads are read in. */
export function byCommentTime(
  a: { createdAt: string; id: number },
  b: { createdAt: string; id: number },
): number {
  return a.createdAt === b.createdAt ? a.id - b.id : a.createdAt < b.createdAt ? -1 : 1;
}

/**
 * Arranges comments into threads: top-level ones in the order asked (newest or oldest first),
 * replies always oldest first under their parent. A reply whose parent is not among them (held,
 * removed, or posted after it: only an odd import does that) is shown at the top level rather
 * than lost; a reply to a comment already COMMENT_MAX_DEPTH deep is placed beside it, under the
 * same parent, so threads never narrow to nothing.
 */
export function arrangeThreads<C extends { id: number; parentId: number | null; createdAt: string }>(
  comments: readonly C[],
  order: 'newest' | 'oldest',
): ThreadNode<C>[] {
  const byTime = [...comments].sort(byCommentTime);
  const roots: ThreadNode<C>[] = [];
  const placed = new Map<number, { node: ThreadNode<C>; siblings: ThreadNode<C>[] }>();
  for (const comment of byTime) {
    const parent = comment.parentId === null ? undefined : placed.get(comment.parentId);
    let siblings = roots;
    let depth = 1;
    if (parent && parent.node.depth < COMMENT_MAX_DEPTH) {
      siblings = parent.node.replies;
      depth = parent.node.depth + 1;
    } else if (parent) {
      siblings = parent.siblings;
      depth = parent.node.depth;
    }
    const node: ThreadNode<C> = { comment, depth, replies: [] };
    siblings.push(node);
    placed.set(comment.id, { node, siblings });
  }
  return order === 'newest' ? roots.reverse() : roots;
}

/** Top-level comments on one page of an article's comments. */
export const COMMENT_PAGE_SIZE = 50;
/** Replies shown under a top-level comment on the comments page; the rest are on the thread's own page. */
export const COMMENT_REPLY_CAP = 20;
/** Replies on one page of a single thread. */
export const THREAD_PAGE_SIZE = 50;

/** A place in an article's comments, in time order: a comment's time, and its id between equal times. */
export interface CommentCursor {
  createdAt: string;
  id: number;
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T[\d:.]{2,18}(?:Z|[+-]\d{2}:\d{2})?),(\d{1,10})$/;

/**
 * A cursor as it travels in a link, "time,id".
 * @example commentCursorText({ createdAt: '2026-11-02T10:00:00.000Z', id: 7 }) // '2026-11-02T10:00:00.000Z,7'
 */
export function commentCursorText(cursor: CommentCursor): string {
  return `${cursor.createdAt},${cursor.id}`;
}

/**
 * The cursor a link carried in `field`, or the field error that refuses it: a comment's time and
 * id, as `commentCursorText` writes them.
 */
export function parseCommentCursor(text: string, field: string): CommentCursor | FieldError {
  const match = CURSOR.exec(text);
  const id = Number(match?.[2]);
  if (
    !match ||
    !Number.isSafeInteger(id) ||
    id < 1 ||
    id > 2_147_483_647 ||
    Number.isNaN(Date.parse(match[1] as string))
  )
    return { field, message: 'is not a place in the comments (a link’s "time,id")' };
  return { createdAt: match[1] as string, id };
}
