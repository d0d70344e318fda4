import type { Article, ArticleForReaders, ArticleStatus, ArticleSummary } from '../article.ts';
import type { ListingPosition } from '../listing.ts';

/** Columns written when an article is saved; id and relations are handled separately. */
export type ArticleRecord = Omit<Article, 'id' | 'authorIds' | 'termIds'>;

export interface PublishedQuery {
  now: string;
  limit: number;
  /** Articles skipped first; counted from `after` when it is given. */
  offset: number;
  /**
   * Only articles listed after this position (older), read by keyset. The position must be an
   * article of the listing (a page's last one): the read checks it at no extra cost.
   */
  after?: ListingPosition;
  termIds?: number[];
  personId?: number;
  isFeatured?: boolean;
  excludeIds?: number[];
}

/** A deleted article as it was, under the slug readers knew, and when it was deleted. */
export interface DeletedArticle {
  article: Article;
  deletedAt: string;
}

/** What deleting or restoring an article writes besides the mark itself. */
export interface ArticleStateChange {
  status: ArticleStatus;
  publishedAt: string | null;
  version: number;
  updatedAt: string;
}

/** A scheduled article whose time has come, and the time: where the next batch starts. */
export interface DueArticle {
  id: number;
  publishedAt: string;
}

/**
 * Articles with their ordered authors and terms. A deleted article is kept (its revisions,
 * corrections and comments stay attached) but every read here passes it by, except
 * findDeleted and listDeleted.
 */
export interface ArticleStore {
  findById(id: number): Promise<Article | undefined>;
  findBySlug(slug: string): Promise<Article | undefined>;
  findByIds(ids: number[]): Promise<Article[]>;
  /** The same articles without their bodies, in the order of `ids`: for listings and cards. */
  findSummariesByIds(ids: number[]): Promise<ArticleSummary[]>;
  /** The same articles with their HTML but not their Markdown, in the order of `ids`: for feeds and search. */
  findForReadersByIds(ids: number[]): Promise<ArticleForReaders[]>;
  insert(record: ArticleRecord): Promise<number>;
  /** Writes the record only if the stored version is `expectedVersion`; returns whether it did. */
  update(id: number, record: ArticleRecord, expectedVersion: number): Promise<boolean>;
  /** Which of these slugs live articles have, and whose they are. */
  slugOwners(slugs: string[]): Promise<Map<string, number>>;
  /**
   * Authors and terms of articles just inserted (an import's batch), with when each is listed
   * (its publication time when published, else null), in a few statements.
   */
  addRelations(
    relations: { articleId: number; authorIds: number[]; termIds: number[]; listedAt: string | null }[],
  ): Promise<void>;
  setAuthors(articleId: number, personIds: number[]): Promise<void>;
  setTerms(articleId: number, termIds: number[]): Promise<void>;
  /** Published articles visible at `now`, newest first; totals come from the listing counts. */
  listPublished(query: PublishedQuery): Promise<{ articles: Article[] }>;
  /** Ids of a listing page, read from indexes that hold them in order. */
  publishedIds(query: PublishedQuery): Promise<number[]>;
  /**
   * The positions of a listing page's articles, newest first; undefined when `after` is given
   * and is not an article of this listing (unpublished since, or made up).
   */
  publishedPositions(query: PublishedQuery): Promise<ListingPosition[] | undefined>;
  /** The terms of each article, in order, without reading the articles themselves. */
  termIdsOf(articleIds: number[]): Promise<Map<number, number[]>>;
  /** Ids of the articles filed under a term or written by a person, any status, after `afterId`. */
  idsFiledUnder(
    filter: { termId: number } | { personId: number },
    afterId: number,
    limit: number,
  ): Promise<number[]>;
  /**
   * Scheduled articles whose time has come, oldest first (by time, then id), after `after` when
   * given. Served by the (status, published_at) index, so its cost follows the number due, not
   * the archive.
   */
  listDueScheduled(now: string, limit: number, after?: DueArticle): Promise<DueArticle[]>;
  /**
   * Claims a due scheduled article for publication: one conditional update, so of several
   * processes exactly one gets true. Run it first in its transaction.
   */
  claimDueScheduled(id: number, now: string): Promise<boolean>;
  /**
   * Ids above `afterId` (by id, at most `limit`) of live gated articles (not public) that have
   * no preview kept: saved before previews were (migration 0030).
   */
  gatedWithoutPreview(afterId: number, limit: number): Promise<number[]>;
  /** Keeps an article's preview, rendered from what it holds now, touching nothing else. */
  setPreview(id: number, previewHtml: string | null): Promise<void>;
  /** Whether any article exists, in any status (reads one row, unlike count). */
  hasAny(): Promise<boolean>;
  /** How many articles exist, in any status. */
  count(): Promise<number>;
  /** Every article (any status), oldest first: for exports and index rebuilds. */
  listAll(): Promise<Article[]>;
  /**
   * The articles (any status) with ids above `afterId`, by id, at most `limit`: an export reads
   * the archive a batch at a time, each batch found by the primary key, whatever its depth.
   */
  listAfter(afterId: number, limit: number): Promise<Article[]>;
  /**
   * Marks an article deleted, if the stored version is `expectedVersion`; returns whether it
   * did. Its slug is set aside, so that another article may take it.
   */
  markDeleted(
    id: number,
    change: ArticleStateChange & { deletedAt: string },
    expectedVersion: number,
  ): Promise<boolean>;
  /**
   * Gives an article a new version and change time without touching its content (a correction
   * added, edited or withdrawn), if the stored version is `expectedVersion`; returns whether it did.
   */
  markChanged(
    id: number,
    change: { version: number; updatedAt: string },
    expectedVersion: number,
  ): Promise<boolean>;
  /** A deleted article, under the slug it had. */
  findDeleted(id: number): Promise<DeletedArticle | undefined>;
  /** Deleted articles, the most recently deleted first. */
  listDeleted(limit: number): Promise<DeletedArticle[]>;
  /**
   * Brings a deleted article back under `slug`, if it is still deleted at `expectedVersion`;
   * returns whether it did. The caller makes sure no other article holds the slug.
   */
  restoreDeleted(
    id: number,
    change: ArticleStateChange & { slug: string },
    expectedVersion: number,
  ): Promise<boolean>;
}
