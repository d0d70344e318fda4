import type { Kysely, Selectable } from 'kysely';
import type { Comment, CommentStatus } from '../domain/comment.ts';
import type { CommentRecord, CommentStore } from '../domain/ports/comment-store.ts';
import { parameterChunks } from './chunks.ts';
import type { CommentsTable, Database } from './schema.ts';

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

function toRow(record: CommentRecord): Omit<Selectable<CommentsTable>, 'id'> {
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

/** Comments on articles. */
export class CommentRepository implements CommentStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async findById(id: number): Promise<Comment | undefined> {
    const row = await this.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toComment(row);
  }

  /** Comments on one article, oldest first. */
  async listForArticle(articleId: number): Promise<Comment[]> {
    const rows = await this.db
      .selectFrom('comments')
      .selectAll()
      .where('article_id', '=', articleId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toComment);
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
    return rows.map(toComment);
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
    return id;
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
    return ids;
  }

  async update(id: number, record: CommentRecord): Promise<void> {
    await this.db.updateTable('comments').set(toRow(record)).where('id', '=', id).execute();
  }
}
