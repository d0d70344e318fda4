export const COMMENT_STATUSES = ['approved', 'pending', 'spam', 'trash'] as const;
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
