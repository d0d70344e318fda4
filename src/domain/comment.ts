import type { FieldError } from '../errors.ts';
import { lengthErrors } from './limits.ts';

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
