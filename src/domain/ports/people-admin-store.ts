import type { AdminArticleCursor } from './article-admin-store.ts';

/** How the admin's people list is ordered: by name (A–Z) or last change (newest first). */
export type PeopleSort = 'name' | 'updated';

/** One search of the admin's people list. */
export interface PeopleAdminQuery {
  /** Looked for in the name, the slug and the email, as written (case aside). */
  text?: string;
  sort: PeopleSort;
  after?: AdminArticleCursor;
  limit: number;
}

/** One line of the admin's people list. */
export interface PeopleAdminRow {
  id: number;
  slug: string;
  name: string;
  email: string | null;
  updatedAt: string;
}

/** The admin's people list, one page at a time. */
export interface PeopleAdminStore {
  list(query: PeopleAdminQuery): Promise<PeopleAdminRow[]>;
  /** How many people the search matches, counted up to `cap` at most (read from the list's index). */
  count(query: Omit<PeopleAdminQuery, 'after' | 'limit'>, cap: number): Promise<number>;
}
