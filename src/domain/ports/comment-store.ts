import type { Comment } from '../comment.ts';

export type CommentRecord = Omit<Comment, 'id'>;

/** Comments on articles. */
export interface CommentStore {
  findById(id: number): Promise<Comment | undefined>;
  /** Comments on one article, oldest first. */
  listForArticle(articleId: number): Promise<Comment[]>;
  /** Every comment, by id: for exports. */
  listAll(): Promise<Comment[]>;
  /**
   * Ids of the comments whose source id starts with `prefix` (those imported from one site).
   * Wildcard characters in the prefix match themselves and more; the exact test is done here.
   */
  idsBySourcePrefix(prefix: string): Promise<Map<string, number>>;
  insert(record: CommentRecord): Promise<number>;
  update(id: number, record: CommentRecord): Promise<void>;
}
