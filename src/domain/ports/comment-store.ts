import type { Comment, CommentCursor, CommentDetail, CommentStatus } from '../comment.ts';

export type CommentRecord = Omit<Comment, 'id'>;

/** Comments on articles. */
export interface CommentStore extends MemberCommentStore {
  findById(id: number): Promise<Comment | undefined>;
  /** Comments on one article, oldest first, members' with their member and HTML. */
  listForArticle(articleId: number): Promise<CommentDetail[]>;
  /** Every comment, by id: for exports. */
  listAll(): Promise<Comment[]>;
  /**
   * The comments with ids above `afterId`, by id, at most `limit`: for exports read in batches.
   * A member's comment carries its sanitized HTML as its body, as every export writes it.
   */
  listAfter(afterId: number, limit: number): Promise<Comment[]>;
  /** The ids of the comments above `afterId`, by id, at most `limit`. */
  idsAfter(afterId: number, limit: number): Promise<number[]>;
  /** The comment that carries exactly this source id (one of them, should several). */
  findIdBySourceId(sourceId: string): Promise<number | undefined>;
  findByIds(ids: number[]): Promise<Comment[]>;
  /** The comments carrying these origins (`findIdBySourceId` of each). */
  idsBySourceIds(sourceIds: string[]): Promise<Map<string, number>>;
  insert(record: CommentRecord): Promise<number>;
  /** Comments of distinct origins in a few statements (an import's batch); their ids, in order. */
  insertMany(records: (CommentRecord & { sourceId: string })[]): Promise<number[]>;
  update(id: number, record: CommentRecord): Promise<void>;
}

/** A member's new comment, as the comments service writes it. */
export interface NewMemberComment {
  articleId: number;
  parentId: number | null;
  memberId: number;
  authorName: string;
  body: string;
  bodyHtml: string;
  status: CommentStatus;
  createdAt: string;
  senderKey: string;
  hasReplyNotice: boolean;
}

/** How a page of a thread is read: which comments, from where, how many. */
export interface ThreadReadOptions {
  articleId: number;
  statuses: readonly CommentStatus[];
  after?: CommentCursor | undefined;
  limit: number;
}

/** A comment in the moderation queue: with its article and, for a member's, the member. */
export interface QueuedComment extends CommentDetail {
  articleTitle: string;
  articleSlug: string;
  memberEmail: string | null;
  isMemberBanned: boolean;
}

/** What members' comments need beyond the imported ones' reads and writes. */
export interface MemberCommentStore {
  /**
   * One page of an article's top-level comments of these statuses in time order (then id), from
   * after `after` going `forward` (oldest to newest) or back; at most `limit`, in the order read.
   */
  topLevelPage(input: ThreadReadOptions & { direction: 'forward' | 'backward' }): Promise<CommentDetail[]>;
  /**
   * The replies of these threads, by their top-level comments' ids: read as `topLevelPage`
   * reads, at most `limit` a thread; each thread's in the order read.
   */
  repliesOf(
    input: ThreadReadOptions & { rootIds: readonly number[]; direction: 'forward' | 'backward' },
  ): Promise<Map<number, CommentDetail[]>>;
  /**
   * How many replies of these statuses each thread has, among its first `cap` replies of any
   * status; `isAtLeast` when the thread has that many and the count stopped there.
   */
  replyCounts(input: {
    articleId: number;
    rootIds: readonly number[];
    statuses: readonly CommentStatus[];
    cap: number;
  }): Promise<Map<number, { count: number; isAtLeast: boolean }>>;
  /** A member's comments on an article that wait for an editor, oldest first. */
  heldOf(articleId: number, memberId: number): Promise<CommentDetail[]>;
  findDetail(id: number): Promise<CommentDetail | undefined>;
  insertMemberComment(comment: NewMemberComment): Promise<number>;
  /** How many approved comments each article has (an article with none is absent). */
  approvedCounts(articleIds: readonly number[]): Promise<Map<number, number>>;
  /** How many comments a member, or a sender's address group, posted since a time. */
  countByMemberSince(memberId: number, since: string): Promise<number>;
  countBySenderSince(senderKey: string, since: string): Promise<number>;
  /** Whether a member has a comment an editor (or an open policy) let through. */
  hasApproved(memberId: number): Promise<boolean>;
  /** The bodies of a member's comments on an article since a time, to spot the same one twice. */
  bodiesByMemberSince(memberId: number, articleId: number, since: string): Promise<string[]>;
  /** Changes a comment's status if it still has one of `from`; false when it had not (someone else decided). */
  setStatus(id: number, from: readonly CommentStatus[], to: CommentStatus): Promise<boolean>;
  /** Replaces a comment's text and its HTML, marking when. */
  editBody(id: number, body: string, bodyHtml: string, editedAt: string): Promise<void>;
  /** One page of a status's comments, newest first; pass the last id as `beforeId` for the next. */
  queue(options: { status: CommentStatus; limit: number; beforeId?: number }): Promise<QueuedComment[]>;
  countByStatus(status: CommentStatus): Promise<number>;
  /** These comments as the queue shows them. */
  queueOf(ids: readonly number[]): Promise<QueuedComment[]>;
  /** Every comment of a member, oldest first: for their data export. */
  ofMember(memberId: number): Promise<QueuedComment[]>;
  /** The ids of a member's comments that wait for an editor. */
  pendingIdsOf(memberId: number): Promise<number[]>;
  /** Held comments editors have not been told of yet, oldest first. */
  heldUnnoticed(limit: number): Promise<QueuedComment[]>;
  markHeldNoticed(ids: readonly number[], at: string): Promise<void>;
  /** Drops the kept address hashes of comments older than `before`: they are kept only while they count. */
  forgetSendersBefore(before: string): Promise<void>;
}
