import type { AdminArticleCursor } from './article-admin-store.ts';

/**
 * How the admin's term and page lists are ordered: the site's own order (position, as the
 * navigation and taxonomy pages show them), by name or title (A–Z, case aside), or by last
 * change (newest first).
 */
export type NameListSort = 'position' | 'name' | 'updated';

/** One search of a list read by keyset: names beginning with `text` (case aside), in `sort` order. */
export interface NameListQuery {
  /** The beginning of the name (or title), as written, case aside. */
  text?: string;
  sort: NameListSort;
  after?: AdminArticleCursor;
  limit: number;
}

/** One line of the admin's term list. */
export interface TermListRow {
  id: number;
  slug: string;
  name: string;
  parentId: number | null;
  position: number;
  updatedAt: string;
  /** This row's value of the list's sort, as the next page's cursor must name it. */
  key: string;
}

/** One line of the admin's page list. */
export interface PageListRow {
  id: number;
  slug: string;
  title: string;
  status: 'draft' | 'published';
  showInNavigation: boolean;
  position: number;
  updatedAt: string;
  /** This row's value of the list's sort, as the next page's cursor must name it. */
  key: string;
}

/** A person or a term offered by a type-ahead picker, or found by what was typed. */
export interface PersonChoiceRow {
  id: number;
  slug: string;
  name: string;
}

export interface TermChoiceRow {
  id: number;
  taxonomyId: number;
  slug: string;
  name: string;
}

/**
 * The newsroom's long lists (terms, pages) and its type-ahead pickers (people, terms), each
 * read from an index in order so that a page or a suggestion costs the same at any archive size.
 */
export interface AdminListStore {
  terms(query: NameListQuery & { taxonomyId: number }): Promise<TermListRow[]>;
  pages(query: NameListQuery): Promise<PageListRow[]>;
  /** How many terms the search matches, counted up to `cap` at most (read from the list's index). */
  countTerms(
    query: Omit<NameListQuery, 'after' | 'limit'> & { taxonomyId: number },
    cap: number,
  ): Promise<number>;
  /** How many pages the search matches, counted up to `cap` at most. */
  countPages(query: Omit<NameListQuery, 'after' | 'limit'>, cap: number): Promise<number>;
  /**
   * People whose name begins with `text` (case aside), A–Z; then, while there is room and
   * `text` has two characters or more, those whose name holds it further in, A–Z.
   */
  suggestPeople(text: string, limit: number): Promise<PersonChoiceRow[]>;
  /**
   * Terms of these taxonomies whose name begins with `text` (case aside), A–Z within each
   * taxonomy; then, while there is room, those whose name holds it further in (as suggestPeople).
   */
  suggestTerms(text: string, taxonomyIds: number[], limit: number): Promise<TermChoiceRow[]>;
  /** People whose slug is `slug` or whose name is `name` (case aside). */
  peopleCalled(name: string, slug: string): Promise<PersonChoiceRow[]>;
  /** Terms of these taxonomies whose slug is `slug` or whose name is `name` (case aside). */
  termsCalled(name: string, slug: string, taxonomyIds: number[]): Promise<TermChoiceRow[]>;
}
