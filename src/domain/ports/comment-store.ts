import type { Comment } from '../comment.ts';

export type CommentRecord = Omit<Comment, 'id'>;

/** Comments on articles. */
export interface CommentStore {
  findById(id: number): Promise<Comment | undefined>;
  /** Comments on one article, oldest first. */
  listForArticle(articleId: number): Promise<Comment[]>;
  /** Every comment, by id: for exports. */
  listAll(): Promise<Comment[]>;
  /** The comments with ids above `afterId`, by id, at most `limit`: for exports read in batches. */
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
