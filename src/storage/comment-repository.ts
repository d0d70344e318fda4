import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { byCommentTime, type Comment, type CommentDetail, type CommentStatus } from '../domain/comment.ts';
import type {
  CommentRecord,
  CommentStore,
  NewMemberComment,
  QueuedComment,
  ThreadReadOptions,
} from '../domain/ports/comment-store.ts';
import { chunksOf, parameterChunks } from './chunks.ts';
import { runCompiled } from './compiled-query.ts';
import type { DialectName } from './migrations/helpers.ts';
import type { CommentsTable, Database } from './schema.ts';

/**
 * The approved comments of some articles, counted (a listing's counts beside each date), each
 * read from the index on (article_id, status, kind), migration 0038 (without it SQLite walked
 * every approved comment of the site for a page of twenty articles). On SQLite, one counted
 * subquery per article joined with UNION ALL: the same counts as `article_id IN (…)` grouped,
 * for which SQLite built a temporary table of the list and grouped the counts, and which took
 * 200–400 µs in a request against 10–20 µs this way. PostgreSQL plans each statement it is sent,
 * and planning a union of one subquery per card took it 19 ms for a home page: there the
 * grouped IN. SQLite gives every article a row (0 for none), PostgreSQL only those with some.
 */
export function approvedCountQuery(
  db: Kysely<Database>,
  articleIds: readonly number[],
  dialect: DialectName,
) {
  if (dialect === 'postgres')
    return db
      .selectFrom('comments')
      .select(['article_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('status', '=', 'approved')
      .where('kind', '=', 'comment')
      .where('article_id', 'in', [...articleIds])
      .groupBy('article_id');
  const counted = (id: number) =>
    db.selectNoFrom((eb) => [
      eb.val(id).as('article_id'),
      eb
        .selectFrom('comments')
        .select((inner) => inner.fn.countAll<number | string>().as('n'))
        .where('article_id', '=', id)
        .where('status', '=', 'approved')
        .where('kind', '=', 'comment')
        .as('n'),
    ]);
  const [first, ...rest] = articleIds.map(counted);
  if (!first) throw new Error('approvedCountQuery needs at least one article');
  return rest.reduce((all, one) => all.unionAll(one), first);
}

// Threads read by one compound statement: a page's worth, well under SQLite's 500 compound terms
// and the parameter limits (about a dozen a thread).
const THREADS_A_STATEMENT = 100;

function toComment(row: Selectable<CommentsTable>): Comment {
  return {
    id: row.id,
    articleId: row.article_id,
    parentId: row.parent_id,
    authorName: row.author_name,
    authorEmail: row.author_email,
    authorUrl: row.author_url,
    body: row.body,
    status: row.status as CommentStatus,
    kind: row.kind as Comment['kind'],
    createdAt: row.created_at,
    sourceId: row.source_id,
  };
}

function toDetail(row: Selectable<CommentsTable>): CommentDetail {
  return {
    ...toComment(row),
    memberId: row.member_id,
    bodyHtml: row.body_html,
    editedAt: row.edited_at,
    hasReplyNotice: row.notify_replies === 1,
  };
}

// Written by imports and by the JSON load: they carry none of the members' columns, which an
// update leaves as they are.
function toRow(record: CommentRecord): Omit<Insertable<CommentsTable>, 'id'> {
  return {
    article_id: record.articleId,
    parent_id: record.parentId,
    author_name: record.authorName,
    author_email: record.authorEmail,
    author_url: record.authorUrl,
    body: record.body,
    status: record.status,
    kind: record.kind,
    created_at: record.createdAt,
    source_id: record.sourceId,
  };
}

function toQueued(
  row: Selectable<CommentsTable> & {
    article_title: string;
    article_slug: string;
    member_email: string | null;
    member_is_banned: number | null;
  },
): QueuedComment {
  return {
    ...toDetail(row),
    articleTitle: row.article_title,
    articleSlug: row.article_slug,
    memberEmail: row.member_email,
    isMemberBanned: row.member_is_banned === 1,
  };
}

/** Comments on articles. */
export class CommentRepository implements CommentStore {
  private readonly db: Kysely<Database>;
  private readonly dialect: DialectName;

  constructor(db: Kysely<Database>, dialect: DialectName) {
    this.db = db;
    this.dialect = dialect;
  }

  async findById(id: number): Promise<Comment | undefined> {
    const row = await this.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toComment(row);
  }

  /** Comments on one article, oldest first. */
  async listForArticle(articleId: number): Promise<CommentDetail[]> {
    const rows = await this.db
      .selectFrom('comments')
      .selectAll()
      .where('article_id', '=', articleId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toDetail);
  }

  /** Every comment, by id: for exports. */
  async listAll(): Promise<Comment[]> {
    const rows = await this.db.selectFrom('comments').selectAll().orderBy('id').execute();
    return rows.map(toComment);
  }

  async listAfter(afterId: number, limit: number): Promise<Comment[]> {
    const rows = await this.db
      .selectFrom('comments')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    // A member's comment leaves as readers saw it, its sanitized HTML, as in the JSON dump: its
    // Markdown-lite source would come back as an imported comment's HTML, and a "<a href>" the
    // member typed (shown as text) would return a link.
    return rows.map((row) => ({ ...toComment(row), body: row.body_html ?? row.body }));
  }

  async idsAfter(afterId: number, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('comments')
      .select('id')
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Ids of the comments whose source id starts with `prefix` (those imported from one site).
   * Wildcard characters in the prefix match themselves and more; the exact test is done here.
   */
  async findIdBySourceId(sourceId: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('comments')
      .select('id')
      .where('source_id', '=', sourceId)
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  async findByIds(ids: number[]): Promise<Comment[]> {
    const found: Comment[] = [];
    for (const chunk of parameterChunks([...new Set(ids)], 1))
      found.push(
        ...(await this.db.selectFrom('comments').selectAll().where('id', 'in', chunk).execute()).map(
          toComment,
        ),
      );
    return found;
  }

  async idsBySourceIds(sourceIds: string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const chunk of parameterChunks([...new Set(sourceIds)], 1)) {
      const rows = await this.db
        .selectFrom('comments')
        .select(['id', 'source_id'])
        .where('source_id', 'in', chunk)
        .orderBy('id')
        .execute();
      // The first of several, as findIdBySourceId answers.
      for (const row of rows)
        if (row.source_id !== null && !found.has(row.source_id)) found.set(row.source_id, row.id);
    }
    return found;
  }

  async insert(record: CommentRecord): Promise<number> {
    const { id } = await this.db
      .insertInto('comments')
      .values(toRow(record))
      .returning('id')
      .executeTakeFirstOrThrow();
    if (record.parentId !== null) await this.placeInThread(id);
    return id;
  }

  /**
   * Sets the thread (root_id) of a comment from its parent's, and of every reply below it: after
   * it was written with a new parent. UNION stops the walk on an imported parent cycle.
   */
  private async placeInThread(id: number): Promise<void> {
    const row = await this.db
      .selectFrom('comments as c')
      .leftJoin('comments as parent', 'parent.id', 'c.parent_id')
      .select(['c.parent_id', 'parent.id as found_parent', 'parent.root_id as parent_root'])
      .where('c.id', '=', id)
      .executeTakeFirst();
    if (!row) return;
    const root = row.found_parent === null ? null : (row.parent_root ?? row.found_parent);
    // A comment that would be its own thread's root is on a cycle: it is shown at the top level.
    const ownRoot = root === id ? null : root;
    await this.db.updateTable('comments').set({ root_id: ownRoot }).where('id', '=', id).execute();
    await sql`
      with recursive below(id) as (
        select id from comments where parent_id = ${id}
        union
        select c.id from comments c join below on c.parent_id = below.id
      )
      update comments set root_id = ${ownRoot ?? id}
      where id in (select id from below) and id <> ${ownRoot ?? id}`.execute(this.db);
  }

  async insertMany(records: (CommentRecord & { sourceId: string })[]): Promise<number[]> {
    const ids: number[] = [];
    for (const chunk of parameterChunks(records, 10)) {
      // Neither database promises RETURNING in VALUES order: rows are matched by their origin.
      const rows = await this.db
        .insertInto('comments')
        .values(chunk.map(toRow))
        .returning(['id', 'source_id'])
        .execute();
      const bySource = new Map(rows.map((row) => [row.source_id, row.id]));
      if (bySource.size !== chunk.length) throw new Error('insertMany: comments need distinct source ids');
      for (const record of chunk) ids.push(bySource.get(record.sourceId) as number);
    }
    for (const [index, record] of records.entries())
      if (record.parentId !== null) await this.placeInThread(ids[index] as number);
    return ids;
  }

  async update(id: number, record: CommentRecord): Promise<void> {
    const before = await this.db
      .selectFrom('comments')
      .select('parent_id')
      .where('id', '=', id)
      .executeTakeFirst();
    await this.db.updateTable('comments').set(toRow(record)).where('id', '=', id).execute();
    if (before && before.parent_id !== record.parentId) await this.placeInThread(id);
  }

  /** One article's comments (not pingbacks) of some statuses: the part of a thread readers see. */
  private threadQuery(options: Pick<ThreadReadOptions, 'articleId' | 'statuses'>) {
    return this.db
      .selectFrom('comments')
      .selectAll('comments')
      .where('comments.article_id', '=', options.articleId)
      .where('comments.kind', '=', 'comment')
      .where('comments.status', 'in', [...options.statuses]);
  }

  async topLevelPage(
    options: ThreadReadOptions & { direction: 'forward' | 'backward' },
  ): Promise<CommentDetail[]> {
    const isForward = options.direction === 'forward';
    const { after } = options;
    const values = [
      options.articleId,
      ...options.statuses,
      ...(after ? [after.createdAt, after.id] : []),
      options.limit,
    ];
    // Every article view fetches the thread: built once per shape (see runCompiled).
    const shape = `top-level comments ${options.direction} ${after ? 'after' : 'first'}`;
    const rows = await runCompiled(this.db, shape, values, ([articleId, ...rest]) => {
      const statuses = rest.slice(0, options.statuses.length) as CommentStatus[];
      const [at, id] = after ? rest.slice(statuses.length) : [];
      let query = this.threadQuery({ articleId: articleId as number, statuses }).where(
        'comments.root_id',
        'is',
        null,
      );
      if (after)
        query = query.where((eb) =>
          eb(
            eb.refTuple('comments.created_at', 'comments.id'),
            isForward ? '>' : '<',
            eb.tuple(at as string, id as number),
          ),
        );
      const direction = isForward ? 'asc' : 'desc';
      return query
        .orderBy('comments.created_at', direction)
        .orderBy('comments.id', direction)
        .limit(rest.at(-1) as number);
    });
    return rows.map(toDetail);
  }

  async repliesOf(
    options: ThreadReadOptions & { rootIds: readonly number[]; direction: 'forward' | 'backward' },
  ): Promise<Map<number, CommentDetail[]>> {
    const found = new Map<number, CommentDetail[]>();
    const isForward = options.direction === 'forward';
    const direction = isForward ? 'asc' : 'desc';
    // One statement of one bounded range read a thread, rather than an IN over every thread's
    // replies: a thread of thousands costs what a thread of twenty does.
    for (const chunk of chunksOf([...new Set(options.rootIds)], THREADS_A_STATEMENT)) {
      const branches = chunk.map((rootId) => {
        let query = this.threadQuery(options).where('comments.root_id', '=', rootId);
        const { after } = options;
        if (after)
          query = query.where((eb) =>
            eb(
              eb.refTuple('comments.created_at', 'comments.id'),
              isForward ? '>' : '<',
              eb.tuple(after.createdAt, after.id),
            ),
          );
        const limited = query
          .orderBy('comments.created_at', direction)
          .orderBy('comments.id', direction)
          .limit(options.limit);
        return this.db.selectFrom(limited.as('thread')).selectAll();
      });
      const [first, ...rest] = branches;
      if (!first) continue;
      const rows = await rest.reduce((all, branch) => all.unionAll(branch), first).execute();
      for (const row of rows) {
        if (row.root_id === null) continue;
        const thread = found.get(row.root_id) ?? [];
        thread.push(toDetail(row));
        found.set(row.root_id, thread);
      }
    }
    // A compound statement keeps no order: each thread's rows are put back in the order read.
    const sign = isForward ? 1 : -1;
    for (const thread of found.values()) thread.sort((a, b) => sign * byCommentTime(a, b));
    return found;
  }

  async replyCounts(options: {
    articleId: number;
    rootIds: readonly number[];
    statuses: readonly CommentStatus[];
    cap: number;
  }): Promise<Map<number, { count: number; isAtLeast: boolean }>> {
    const counts = new Map<number, { count: number; isAtLeast: boolean }>();
    for (const chunk of chunksOf([...new Set(options.rootIds)], THREADS_A_STATEMENT)) {
      // The status is tested on the rows read, not in the WHERE: given it there, SQLite (without
      // ANALYZE) counted from the (article_id, status, kind) index, every approved comment of the
      // article for each thread.
      const branches = chunk.map((rootId) =>
        this.db
          .selectFrom(
            this.db
              .selectFrom('comments')
              .select(['status', 'kind'])
              .where('article_id', '=', options.articleId)
              .where('root_id', '=', rootId)
              .limit(options.cap)
              .as('thread'),
          )
          // The thread's id as a parameter: PostgreSQL may answer it as text.
          .select((eb) => [
            eb.val(rootId).as('root_id'),
            eb.fn.countAll<number | string>().as('read'),
            eb.fn
              .count<number | string>(
                eb
                  .case()
                  .when(
                    eb.and([
                      eb('thread.status', 'in', options.statuses.length ? [...options.statuses] : ['']),
                      eb('thread.kind', '=', 'comment'),
                    ]),
                  )
                  .then(1)
                  .end(),
              )
              .as('n'),
          ]),
      );
      const [first, ...rest] = branches;
      if (!first) continue;
      const rows = await rest.reduce((all, branch) => all.unionAll(branch), first).execute();
      for (const row of rows)
        counts.set(Number(row.root_id), { count: Number(row.n), isAtLeast: Number(row.read) >= options.cap });
    }
    return counts;
  }

  async heldOf(articleId: number, memberId: number): Promise<CommentDetail[]> {
    const rows = await this.db
      .selectFrom('comments')
      .selectAll()
      .where('member_id', '=', memberId)
      .where('article_id', '=', articleId)
      .where('status', '=', 'pending')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toDetail);
  }

  async findDetail(id: number): Promise<CommentDetail | undefined> {
    const row = await this.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDetail(row);
  }

  async insertMemberComment(comment: NewMemberComment): Promise<number> {
    const { id } = await this.db
      .insertInto('comments')
      .values({
        article_id: comment.articleId,
        parent_id: comment.parentId,
        member_id: comment.memberId,
        author_name: comment.authorName,
        author_email: null,
        author_url: null,
        body: comment.body,
        body_html: comment.bodyHtml,
        status: comment.status,
        kind: 'comment',
        created_at: comment.createdAt,
        source_id: null,
        sender_key: comment.senderKey,
        notify_replies: comment.hasReplyNotice ? 1 : 0,
        root_id:
          comment.parentId === null
            ? null
            : sql<number>`(select coalesce(p.root_id, p.id) from comments p where p.id = ${comment.parentId})`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  async approvedCounts(articleIds: readonly number[]): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    for (const chunk of parameterChunks([...new Set(articleIds)], 1)) {
      // Every listing and article page counts its cards' comments: built and compiled once per
      // number of articles, as Kysely would otherwise build it anew (a third of an uncached
      // article page's processor time went to the two counts it asks for).
      const rows = await runCompiled(this.db, 'approved comments of articles', chunk, (ids) =>
        approvedCountQuery(this.db, ids as number[], this.dialect),
      );
      // The id comes back as given (PostgreSQL may answer a parameter as text).
      for (const row of rows) if (Number(row.n) > 0) counts.set(Number(row.article_id), Number(row.n));
    }
    return counts;
  }

  async countByMemberSince(memberId: number, since: string): Promise<number> {
    const row = await this.db
      .selectFrom('comments')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('member_id', '=', memberId)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async countBySenderSince(senderKey: string, since: string): Promise<number> {
    const row = await this.db
      .selectFrom('comments')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('sender_key', '=', senderKey)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async hasApproved(memberId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('comments')
      .select('id')
      .where('member_id', '=', memberId)
      .where('status', '=', 'approved')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async bodiesByMemberSince(memberId: number, articleId: number, since: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('comments')
      .select('body')
      .where('member_id', '=', memberId)
      .where('article_id', '=', articleId)
      .where('created_at', '>=', since)
      .execute();
    return rows.map((r) => r.body);
  }

  async setStatus(id: number, from: readonly CommentStatus[], to: CommentStatus): Promise<boolean> {
    const result = await this.db
      .updateTable('comments')
      .set({ status: to })
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async editBody(id: number, body: string, bodyHtml: string, editedAt: string): Promise<void> {
    await this.db
      .updateTable('comments')
      .set({ body, body_html: bodyHtml, edited_at: editedAt })
      .where('id', '=', id)
      .execute();
  }

  private queueQuery() {
    return this.db
      .selectFrom('comments')
      .innerJoin('articles', 'articles.id', 'comments.article_id')
      .leftJoin('members', 'members.id', 'comments.member_id')
      .selectAll('comments')
      .select([
        'articles.title as article_title',
        'articles.slug as article_slug',
        'members.email as member_email',
        'members.is_banned as member_is_banned',
      ]);
  }

  async queue(options: {
    status: CommentStatus;
    limit: number;
    beforeId?: number;
  }): Promise<QueuedComment[]> {
    let query = this.queueQuery().where('comments.status', '=', options.status);
    if (options.beforeId !== undefined) query = query.where('comments.id', '<', options.beforeId);
    const rows = await query.orderBy('comments.id', 'desc').limit(options.limit).execute();
    return rows.map(toQueued);
  }

  async countByStatus(status: CommentStatus): Promise<number> {
    const row = await this.db
      .selectFrom('comments')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', '=', status)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async queueOf(ids: readonly number[]): Promise<QueuedComment[]> {
    const found: QueuedComment[] = [];
    for (const chunk of parameterChunks([...new Set(ids)], 1))
      found.push(...(await this.queueQuery().where('comments.id', 'in', chunk).execute()).map(toQueued));
    return found;
  }

  async ofMember(memberId: number): Promise<QueuedComment[]> {
    const rows = await this.queueQuery()
      .where('comments.member_id', '=', memberId)
      .orderBy('comments.id')
      .execute();
    return rows.map(toQueued);
  }

  async pendingIdsOf(memberId: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('comments')
      .select('id')
      .where('member_id', '=', memberId)
      .where('status', '=', 'pending')
      .execute();
    return rows.map((r) => r.id);
  }

  async heldUnnoticed(limit: number): Promise<QueuedComment[]> {
    const rows = await this.queueQuery()
      .where('comments.status', '=', 'pending')
      .where('comments.held_notice_at', 'is', null)
      .where('comments.member_id', 'is not', null)
      .orderBy('comments.id')
      .limit(limit)
      .execute();
    return rows.map(toQueued);
  }

  async markHeldNoticed(ids: readonly number[], at: string): Promise<void> {
    for (const chunk of parameterChunks([...ids], 1))
      await this.db.updateTable('comments').set({ held_notice_at: at }).where('id', 'in', chunk).execute();
  }

  async forgetSendersBefore(before: string): Promise<void> {
    await this.db
      .updateTable('comments')
      .set({ sender_key: null })
      .where('sender_key', 'is not', null)
      .where('created_at', '<', before)
      .execute();
  }
}
