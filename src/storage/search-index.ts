import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { SearchQuery } from '../domain/search-query.js';
import type { DialectName } from './migrations/helpers.js';
import type { Database } from './schema.js';

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
  remove(articleId: number): Promise<void>;
  clear(): Promise<void>;
  count(): Promise<number>;
  /** Matches ranked: title matches first, then relevance, then newest. */
  search(request: SearchRequest): Promise<{ hits: SearchHit[]; total: number }>;
  /** Articles sharing the most of `words`, best first. */
  similar(request: SimilarRequest): Promise<number[]>;
  /** Ids of published articles after `afterId`, ascending: what a rebuild indexes. */
  indexableIds(afterId: number, limit: number): Promise<number[]>;
  /** The text search configurations of indexed articles (PostgreSQL; SQLite has none). */
  configsInUse(): Promise<string[]>;
}

type Db = Kysely<Database>;

/**
 * Which database a Kysely instance talks to, from its placeholder style ($1 or ?). Repositories
 * are built from a connection or a transaction alone, and only the index needs to know.
 */
export function dialectOf(db: Db): DialectName {
  const compiled = db.selectFrom('articles').select('id').where('id', '=', 0).compile();
  return compiled.sql.includes('$1') ? 'postgres' : 'sqlite';
}

export function createSearchIndex(db: Db): SearchIndex {
  return dialectOf(db) === 'postgres' ? new PostgresSearchIndex(db) : new SqliteSearchIndex(db);
}

/** Conditions on the joined `articles a` row shared by both dialects. */
function filterSql(filters: SearchFilters): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [
    sql`a.status = 'published'`,
    sql`a.published_at IS NOT NULL`,
    sql`a.published_at <= ${filters.now}`,
  ];
  if (filters.from) parts.push(sql`a.published_at >= ${filters.from}`);
  if (filters.to) parts.push(sql`a.published_at < ${filters.to}`);
  if (filters.termIds && filters.termIds.length > 0) {
    parts.push(
      sql`a.id IN (SELECT article_id FROM article_terms WHERE term_id IN (${sql.join(filters.termIds)}))`,
    );
  }
  if (filters.personId !== undefined) {
    parts.push(sql`a.id IN (SELECT article_id FROM article_authors WHERE person_id = ${filters.personId})`);
  }
  return sql.join(parts, sql` AND `);
}

/** An FTS5 query from parsed words only; words hold letters, digits and marks, never quotes. */
export function fts5Expression(query: SearchQuery): string {
  const parts = [
    ...query.phrases.map((words) => `"${words.join(' ')}"`),
    ...query.terms.map((t) => `"${t.text}"${t.isPrefix ? '*' : ''}`),
  ];
  return parts.join(' AND ');
}

abstract class BaseSearchIndex {
  constructor(protected readonly db: Db) {}

  async indexableIds(afterId: number, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('articles')
      .select('id')
      .where('status', '=', 'published')
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }
}

class SqliteSearchIndex extends BaseSearchIndex implements SearchIndex {
  async put(d: SearchDocument): Promise<void> {
    await this.remove(d.articleId);
    await sql`INSERT INTO article_search (rowid, title, subtitle_summary, body, people, terms)
      VALUES (${d.articleId}, ${d.title}, ${d.subtitleSummary}, ${d.body}, ${d.people}, ${d.terms})`.execute(
      this.db,
    );
  }

  async remove(articleId: number): Promise<void> {
    await sql`DELETE FROM article_search WHERE rowid = ${articleId}`.execute(this.db);
  }

  async configsInUse(): Promise<string[]> {
    return [];
  }

  async clear(): Promise<void> {
    await sql`DELETE FROM article_search`.execute(this.db);
  }

  async count(): Promise<number> {
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM article_search`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  async search(request: SearchRequest): Promise<{ hits: SearchHit[]; total: number }> {
    const match = fts5Expression(request.query);
    if (match === '') return { hits: [], total: 0 };
    const titleMatch = `title : (${match})`;
    const where = filterSql(request);
    // Weights: title, subtitle+summary, body, authors, terms. MATERIALIZED runs each full-text
    // query once; otherwise the planner may walk articles and re-run MATCH for every row.
    const { rows } = await sql<{ id: number; title_hit: number }>`
      WITH m AS MATERIALIZED (
        SELECT rowid AS id, bm25(article_search, 10.0, 4.0, 1.0, 3.0, 3.0) AS rank
        FROM article_search WHERE article_search MATCH ${match}
      ), t AS MATERIALIZED (
        SELECT rowid AS id FROM article_search WHERE article_search MATCH ${titleMatch}
      )
      SELECT m.id AS id, (m.id IN t) AS title_hit
      FROM m JOIN articles a ON a.id = m.id
      WHERE ${where}
      ORDER BY title_hit DESC, m.rank ASC, a.published_at DESC, a.id DESC
      LIMIT ${request.limit} OFFSET ${request.offset}`.execute(this.db);
    const { rows: counted } = await sql<{ n: number }>`
      WITH m AS MATERIALIZED (SELECT rowid AS id FROM article_search WHERE article_search MATCH ${match})
      SELECT count(*) AS n FROM m JOIN articles a ON a.id = m.id
      WHERE ${where}`.execute(this.db);
    return {
      hits: rows.map((r) => ({ articleId: Number(r.id), isTitleMatch: Number(r.title_hit) === 1 })),
      total: Number(counted[0]?.n ?? 0),
    };
  }

  async similar(request: SimilarRequest): Promise<number[]> {
    if (request.words.length === 0) return [];
    const match = request.words.map((w) => `"${w}"`).join(' OR ');
    const { rows } = await sql<{ id: number }>`
      WITH m AS MATERIALIZED (
        SELECT rowid AS id, bm25(article_search, 10.0, 4.0, 1.0, 3.0, 3.0) AS rank
        FROM article_search WHERE article_search MATCH ${match}
      )
      SELECT m.id AS id FROM m JOIN articles a ON a.id = m.id
      WHERE a.id <> ${request.excludeId} AND ${filterSql({ now: request.now })}
      ORDER BY m.rank ASC, a.published_at DESC
      LIMIT ${request.limit}`.execute(this.db);
    return rows.map((r) => Number(r.id));
  }
}

class PostgresSearchIndex extends BaseSearchIndex implements SearchIndex {
  async put(d: SearchDocument): Promise<void> {
    const config = sql`${d.config}::regconfig`;
    await sql`INSERT INTO article_search (article_id, config, document) VALUES (
        ${d.articleId}, ${d.config},
        setweight(to_tsvector(${config}, ${d.title}), 'A') ||
        setweight(to_tsvector(${config}, ${d.subtitleSummary}), 'B') ||
        setweight(to_tsvector(${config}, ${`${d.people} ${d.terms}`}), 'C') ||
        setweight(to_tsvector(${config}, ${d.body}), 'D'))
      ON CONFLICT (article_id) DO UPDATE SET config = EXCLUDED.config, document = EXCLUDED.document`.execute(
      this.db,
    );
  }

  async remove(articleId: number): Promise<void> {
    await sql`DELETE FROM article_search WHERE article_id = ${articleId}`.execute(this.db);
  }

  async configsInUse(): Promise<string[]> {
    const { rows } = await sql<{ config: string }>`SELECT DISTINCT config FROM article_search`.execute(
      this.db,
    );
    return rows.map((r) => r.config);
  }

  async clear(): Promise<void> {
    await sql`DELETE FROM article_search`.execute(this.db);
  }

  async count(): Promise<number> {
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM article_search`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * One tsquery per configuration (every word AND-ed, stop words dropping out as each language
   * decides), OR-ed together, so an English and a French article each match in their language.
   * Words are bound parameters and hold only letters, digits and marks.
   */
  private tsquery(query: SearchQuery, configs: string[]): RawBuilder<unknown> {
    const perConfig = configs.map((name) => {
      const config = sql`${name}::regconfig`;
      const parts = [
        ...query.phrases.map((words) => sql`phraseto_tsquery(${config}, ${words.join(' ')})`),
        ...query.terms.map((t) =>
          t.isPrefix
            ? sql`to_tsquery(${config}, ${`${t.text}:*`})`
            : sql`plainto_tsquery(${config}, ${t.text})`,
        ),
      ];
      return sql`(${sql.join(parts, sql` && `)})`;
    });
    return sql`(${sql.join(perConfig, sql` || `)})`;
  }

  async search(request: SearchRequest): Promise<{ hits: SearchHit[]; total: number }> {
    if (request.query.terms.length === 0 && request.query.phrases.length === 0) return { hits: [], total: 0 };
    const q = this.tsquery(request.query, request.configs);
    const where = filterSql(request);
    const { rows } = await sql<{ id: number; title_hit: boolean }>`
      SELECT s.article_id AS id, (ts_filter(s.document, '{a}') @@ ${q}) AS title_hit
      FROM article_search s JOIN articles a ON a.id = s.article_id
      WHERE s.document @@ ${q} AND ${where}
      ORDER BY title_hit DESC, ts_rank('{0.1, 0.3, 0.5, 1.0}', s.document, ${q}) DESC,
        a.published_at DESC, a.id DESC
      LIMIT ${request.limit} OFFSET ${request.offset}`.execute(this.db);
    const { rows: counted } = await sql<{ n: string }>`
      SELECT count(*) AS n FROM article_search s JOIN articles a ON a.id = s.article_id
      WHERE s.document @@ ${q} AND ${where}`.execute(this.db);
    return {
      hits: rows.map((r) => ({ articleId: Number(r.id), isTitleMatch: r.title_hit === true })),
      total: Number(counted[0]?.n ?? 0),
    };
  }

  async similar(request: SimilarRequest): Promise<number[]> {
    if (request.words.length === 0) return [];
    const perConfig = request.configs.map((name) => {
      const config = sql`${name}::regconfig`;
      return sql`(${sql.join(
        request.words.map((w) => sql`plainto_tsquery(${config}, ${w})`),
        sql` || `,
      )})`;
    });
    const q = sql`(${sql.join(perConfig, sql` || `)})`;
    const { rows } = await sql<{ id: number }>`
      SELECT s.article_id AS id FROM article_search s JOIN articles a ON a.id = s.article_id
      WHERE s.document @@ ${q} AND a.id <> ${request.excludeId} AND ${filterSql({ now: request.now })}
      ORDER BY ts_rank('{0.1, 0.3, 0.5, 1.0}', s.document, ${q}) DESC, a.published_at DESC
      LIMIT ${request.limit}`.execute(this.db);
    return rows.map((r) => Number(r.id));
  }
}
