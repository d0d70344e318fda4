import type { Taxonomy, Term } from '../taxonomy.ts';

export type TermRecord = Omit<Term, 'id'>;

/** Taxonomies and their terms. */
export interface TaxonomyStore {
  listTaxonomies(): Promise<Taxonomy[]>;
  insertTaxonomy(taxonomy: Omit<Taxonomy, 'id'>): Promise<number>;
  /**
   * Adds the taxonomies whose slug no taxonomy has, leaving the others as they are; safe when
   * another process adds the same ones at the same moment (two first starts at once).
   */
  insertMissingTaxonomies(taxonomies: Omit<Taxonomy, 'id'>[]): Promise<void>;
  findTermById(id: number): Promise<Term | undefined>;
  findTerm(taxonomyId: number, slug: string): Promise<Term | undefined>;
  /** Case-insensitive match on the term's name within one taxonomy. */
  findTermByName(taxonomyId: number, name: string): Promise<Term | undefined>;
  /** Every term of one taxonomy with this name, case aside (a few: names repeat under different parents). */
  findTermsByName(taxonomyId: number, name: string): Promise<Term[]>;
  findTermsByIds(ids: number[]): Promise<Term[]>;
  /**
   * These terms and every ancestor of each (parents, their parents…), in no particular order:
   * what a term's place in its tree needs, read without reading the rest of the terms.
   */
  findTermsWithAncestors(ids: readonly number[]): Promise<Term[]>;
  listTerms(taxonomyId?: number): Promise<Term[]>;
  /**
   * At most `limit` terms of one taxonomy, the first by position: read from an index, so that
   * telling a small taxonomy from a large one costs the same whatever its size.
   */
  listTermsUpTo(taxonomyId: number, limit: number): Promise<Term[]>;
  /** When each term was made and last changed, by id (for an export; a store may keep none). */
  listTermTimes(): Promise<Map<number, { createdAt: string; updatedAt: string }>>;
  insertTerm(record: TermRecord, now: string): Promise<number>;
  updateTerm(id: number, record: TermRecord, now: string): Promise<void>;
  /**
   * Number of published articles per term (of these terms only, when given), for listings: from
   * the maintained listing counts. Terms without one are left out.
   */
  publishedCounts(termIds?: readonly number[]): Promise<Map<number, number>>;
}

/** Writes that reshape a taxonomy: its settings, moving articles between terms, reordering, deleting. */
export interface TermAdminStore {
  /** Moves every article filed under `fromId` to `intoId`; articles that had both keep one. */
  moveArticles(fromId: number, intoId: number): Promise<number>;
  reparentChildren(fromParentId: number, toParentId: number | null, now: string): Promise<void>;
  setPosition(termId: number, position: number, now: string): Promise<void>;
  /** The highest position among a taxonomy's terms, 0 when it has none. */
  lastPosition(taxonomyId: number): Promise<number>;
  updateTaxonomy(
    id: number,
    fields: {
      name: string;
      pluralName: string;
      isHierarchical: boolean;
      isMultiple: boolean;
    },
  ): Promise<void>;
  deleteTerm(termId: number): Promise<void>;
  /** Ids of the articles filed under a term, so their cached pages can be dropped. */
  articleIdsFor(termId: number): Promise<number[]>;
}
