import type { SearchQuery } from '../search-query.ts';

/** What the index holds for one published article; text is already folded by the service. */
export interface SearchDocument {
  articleId: number;
  /** PostgreSQL text search configuration for the article's language ("english", "simple"). */
  config: string;
  title: string;
  subtitleSummary: string;
  body: string;
  people: string;
  terms: string;
  /** When it was (or will be) published, ISO. */
  publishedAt: string;
  termIds: number[];
  personIds: number[];
}

export interface SearchFilters {
  /** Only articles visible at this time (ISO). */
  now: string;
  /** Articles carrying any of these terms. */
  termIds?: number[];
  personId?: number;
  /** Inclusive lower bound on published_at (ISO). */
  from?: string;
  /** Exclusive upper bound on published_at (ISO). */
  to?: string;
}

export interface SearchRequest extends SearchFilters {
  query: SearchQuery;
  /** PostgreSQL configurations the query is stemmed with (the languages of indexed articles). */
  configs: string[];
  limit: number;
  offset: number;
}

export interface SearchResultPage {
  hits: SearchHit[];
  total: number;
  /** False when `total` is a lower bound (PostgreSQL stops counting at a limit). */
  isTotalExact: boolean;
}

export interface SearchHit {
  articleId: number;
  isTitleMatch: boolean;
}

export interface SimilarRequest {
  words: string[];
  configs: string[];
  excludeId: number;
  now: string;
  limit: number;
}

/** The full-text index: the only place that knows FTS5 and tsvector apart. */
export interface SearchIndex {
  put(document: SearchDocument): Promise<void>;
  /** The same as `put` of each, in a few statements (an import's batch). */
  putMany(documents: SearchDocument[]): Promise<void>;
  remove(articleId: number): Promise<void>;
  clear(): Promise<void>;
  count(): Promise<number>;
  /** Matches ranked: title matches first, then relevance, then newest. */
  search(request: SearchRequest): Promise<SearchResultPage>;
  /** Articles sharing the most of `words`, best first. */
  similar(request: SimilarRequest): Promise<number[]>;
  /** Ids of published articles after `afterId`, ascending: what a rebuild indexes. */
  indexableIds(afterId: number, limit: number): Promise<number[]>;
  /** The text search configurations of indexed articles (PostgreSQL; SQLite has none). */
  configsInUse(): Promise<string[]>;
}
