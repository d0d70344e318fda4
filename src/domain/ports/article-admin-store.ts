import type { ArticleStatus } from '../article.ts';

/** How the admin's article list is ordered: last change, publication date (newest first), or title (A–Z). */
export type AdminArticleSort = 'updated' | 'published' | 'title';

/** Where a page of the admin's article list starts: just after this row in the list's order. */
export interface AdminArticleCursor {
  /** The last row's value of the sort column (its update time, publication time or title). */
  key: string;
  id: number;
}

/** One search of the admin's article list. Every condition narrows; none is required. */
export interface AdminArticleQuery {
  /** Words looked for in the title and the text, as written (no stemming). */
  text?: string;
  status?: ArticleStatus;
  authorPersonId?: number;
  termId?: number;
  /** On the sort's date (publication date when sorted by it, otherwise the last change): from this instant… */
  from?: string;
  /** …up to, not including, this one. */
  to?: string;
  sort: AdminArticleSort;
  /** Only articles this user created or whose byline holds this person (contributors and authors). */
  ownedBy?: { userId: number; personId: number | null };
  after?: AdminArticleCursor;
  /** The page before this row instead: rows come nearest first, in the list's reverse order. */
  before?: AdminArticleCursor;
  limit: number;
}

/** One line of the admin's article list. */
export interface AdminArticleRow {
  id: number;
  slug: string;
  title: string;
  status: ArticleStatus;
  publishedAt: string | null;
  updatedAt: string;
  createdBy: number | null;
  /** Byline person ids, in order. */
  authorIds: number[];
}

/** The admin's article list: indexed, one page at a time, never the whole table. */
export interface ArticleAdminStore {
  /** Up to `limit` rows in the query's order, starting after the cursor. */
  list(query: AdminArticleQuery): Promise<AdminArticleRow[]>;
  /** How many articles the query's conditions match, counted no further than `cap`. */
  count(query: Omit<AdminArticleQuery, 'after' | 'before' | 'limit'>, cap: number): Promise<number>;
}
