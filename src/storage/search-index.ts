import { type Kysely, type RawBuilder, sql } from 'kysely';
import type {
  SearchDocument,
  SearchFilters,
  SearchHit,
  SearchIndex,
  SearchRequest,
  SearchResultPage,
  SimilarRequest,
} from '../domain/ports/search-index.ts';
import type { SearchQuery } from '../domain/search-query.ts';
import { parameterChunks } from './chunks.ts';
import type { DialectName } from './migrations/helpers.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

/** How many matches are ranked by relevance before the rest follow by recency (see SqliteSearchIndex.cutoff); tests lower it. */
export const SEARCH_TUNING = {
  rankedCandidates: 500,
  /** PostgreSQL must read each match's row to rank it, so it ranks fewer. */
  postgresRankedCandidates: 300,
  /** Related articles: only the newest matches are ranked, so a common word costs no more than a rare one. */
  similarCandidates: 100,
  /**
   * Related articles are sought among this many newest ids: a title's words may be common
   * ones, found in half the archive, and walking their matches would follow its size.
   */
  similarWindow: 5000,
};

/** The index for the given database; the store says which dialect, so nothing is probed per transaction. */
export function createSearchIndex(db: Db, dialect: DialectName): SearchIndex {
  return dialect === 'postgres' ? new PostgresSearchIndex(db) : new SqliteSearchIndex(db);
}

/**
 * Conditions on an index entry `e` (publication time) and the article id `idColumn`,
 * shared by both dialects. The index holds published articles only; the time check hides
 * scheduled ones until their moment.
 */
function filterSql(
  filters: SearchFilters,
  idColumn: RawBuilder<unknown>,
  dialect: DialectName = 'sqlite',
): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`e.published_at <= ${filters.now}`];
  if (filters.from) parts.push(sql`e.published_at >= ${filters.from}`);
  if (filters.to) parts.push(sql`e.published_at < ${filters.to}`);
  if (dialect === 'postgres') {
    if (filters.termIds && filters.termIds.length > 0)
      parts.push(sql`e.term_ids && ARRAY[${sql.join(filters.termIds)}]::integer[]`);
    if (filters.personId !== undefined)
      parts.push(sql`e.person_ids @> ARRAY[${filters.personId}]::integer[]`);
    return sql.join(parts, sql` AND `);
  }
  if (filters.termIds && filters.termIds.length > 0) {
    parts.push(
      sql`EXISTS (SELECT 1 FROM article_terms x WHERE x.article_id = ${idColumn} AND x.term_id IN (${sql.join(filters.termIds)}))`,
    );
  }
  if (filters.personId !== undefined) {
    parts.push(
      sql`EXISTS (SELECT 1 FROM article_authors x WHERE x.article_id = ${idColumn} AND x.person_id = ${filters.personId})`,
    );
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
  protected readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

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
    await sql`INSERT INTO article_search_entries (article_id, published_at)
      VALUES (${d.articleId}, ${d.publishedAt})`.execute(this.db);
  }

  async putMany(documents: SearchDocument[]): Promise<void> {
    // A later document for the same article wins, as with one put after another.
    const last = [...new Map(documents.map((d) => [d.articleId, d])).values()];
    for (const chunk of parameterChunks(last, 6)) {
      const ids = chunk.map((d) => d.articleId);
      await sql`DELETE FROM article_search WHERE rowid IN (${sql.join(ids.map((id) => sql`CAST(${id} AS INTEGER)`))})`.execute(
        this.db,
      );
      await sql`DELETE FROM article_search_entries WHERE article_id IN (${sql.join(ids)})`.execute(this.db);
      await sql`INSERT INTO article_search (rowid, title, subtitle_summary, body, people, terms) VALUES ${sql.join(
        chunk.map(
          (d) => sql`(${d.articleId}, ${d.title}, ${d.subtitleSummary}, ${d.body}, ${d.people}, ${d.terms})`,
        ),
      )}`.execute(this.db);
      await sql`INSERT INTO article_search_entries (article_id, published_at) VALUES ${sql.join(
        chunk.map((d) => sql`(${d.articleId}, ${d.publishedAt})`),
      )}`.execute(this.db);
    }
  }

  async remove(articleId: number): Promise<void> {
    await sql`DELETE FROM article_search WHERE rowid = CAST(${articleId} AS INTEGER)`.execute(this.db);
    await sql`DELETE FROM article_search_entries WHERE article_id = ${articleId}`.execute(this.db);
  }

  async configsInUse(): Promise<string[]> {
    return [];
  }

  async clear(): Promise<void> {
    await sql`DELETE FROM article_search`.execute(this.db);
    await sql`DELETE FROM article_search_entries`.execute(this.db);
  }

  async count(): Promise<number> {
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM article_search_entries`.execute(
      this.db,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Ranking costs something per match, and a common word is found in most of the archive.
   * Only the newest SEARCH_TUNING.rankedCandidates matches
   * (by id, which follows publication for everything but back-filled archives) are ranked by
   * relevance; older matches follow them, newest first. This finds where the ranked ones end.
   */
  private async cutoff(match: string): Promise<number | null> {
    const { rows } = await sql<{ id: number }>`
      SELECT rowid AS id FROM article_search WHERE article_search MATCH ${match}
      ORDER BY rowid DESC LIMIT 1 OFFSET ${SEARCH_TUNING.rankedCandidates - 1}`.execute(this.db);
    return rows[0] ? Number(rows[0].id) : null;
  }

  async search(request: SearchRequest): Promise<SearchResultPage> {
    const match = fts5Expression(request.query);
    if (match === '') return { hits: [], total: 0, isTotalExact: true };
    const titleMatch = `title : (${match})`;
    const summaryMatch = `subtitle_summary : (${match})`;
    const cutoff = await this.cutoff(match);
    const inRanked = cutoff === null ? sql`` : sql` AND rowid >= CAST(${cutoff} AS INTEGER)`;
    const where = filterSql(request, sql`m.id`);
    // Relevance is where the words are found: in the title, then the subtitle or summary, then
    // anywhere (body, authors, terms), newer first within each. bm25 would weigh rare words
    // more, but it counts each word's documents over the whole index on every query: a common
    // word cost 100 ms at a million articles. Each MATCH here reads only the ranked range.
    // MATERIALIZED runs each full-text query once, not once per candidate row.
    const { rows } = await sql<{ id: number; title_hit: number; total: number }>`
      WITH m AS MATERIALIZED (
        SELECT rowid AS id FROM article_search WHERE article_search MATCH ${match}${inRanked}
      ), t AS MATERIALIZED (
        SELECT rowid AS id FROM article_search WHERE article_search MATCH ${titleMatch}${inRanked}
      ), s AS MATERIALIZED (
        SELECT rowid AS id FROM article_search WHERE article_search MATCH ${summaryMatch}${inRanked}
      )
      SELECT m.id AS id, (m.id IN t) AS title_hit, count(*) OVER () AS total
      FROM m JOIN article_search_entries e ON e.article_id = m.id
      WHERE ${where}
      ORDER BY title_hit DESC, (m.id IN s) DESC, e.published_at DESC, m.id DESC
      LIMIT ${request.limit} OFFSET ${request.offset}`.execute(this.db);
    const hits = rows.map((r) => ({ articleId: Number(r.id), isTitleMatch: Number(r.title_hit) === 1 }));
    const rankedTotal = rows[0]
      ? Number(rows[0].total)
      : await this.countMatches(match, request, cutoff === null ? {} : { min: cutoff });
    if (cutoff === null) return { hits, total: rankedTotal, isTotalExact: true };

    const older = sql` AND rowid < CAST(${cutoff} AS INTEGER)`;
    // Counting every match costs as much as ranking them (phrases and several words need
    // positions, filters a join), so past the ranked ones the total is what has been seen,
    // plus one when a look-ahead row says there is more.
    if (request.offset + request.limit < rankedTotal)
      return { hits, total: rankedTotal, isTotalExact: false };
    const needed = request.limit - hits.length;
    const tailOffset = Math.max(0, request.offset - rankedTotal);
    const tail = await this.olderMatches(match, older, where, needed + 1, tailOffset);
    hits.push(...tail.slice(0, needed));
    const hasMore = tail.length > needed;
    const seen = rankedTotal + tailOffset + Math.min(tail.length, needed);
    return { hits, total: hasMore ? seen + 1 : seen, isTotalExact: !hasMore };
  }

  /** Matches below the ranked ones, newest (highest id) first. */
  private async olderMatches(
    match: string,
    older: RawBuilder<unknown>,
    where: RawBuilder<unknown>,
    limit: number,
    offset: number,
  ): Promise<SearchHit[]> {
    const { rows } = await sql<{ id: number }>`
      SELECT m.id AS id FROM (
        SELECT rowid AS id FROM article_search WHERE article_search MATCH ${match}${older}
      ) m JOIN article_search_entries e ON e.article_id = m.id
      WHERE ${where}
      ORDER BY m.id DESC
      LIMIT ${limit} OFFSET ${offset}`.execute(this.db);
    return rows.map((r) => ({ articleId: Number(r.id), isTitleMatch: false }));
  }

  /** Matches passing the filters, among rowids >= min and < below. */
  private async countMatches(
    match: string,
    filters: SearchFilters,
    bounds: { min?: number; below?: number },
  ): Promise<number> {
    const inBounds = (id: number) =>
      (bounds.min === undefined || id >= bounds.min) && (bounds.below === undefined || id < bounds.below);
    const range = sql`${bounds.min !== undefined ? sql` AND rowid >= CAST(${bounds.min} AS INTEGER)` : sql``}${
      bounds.below !== undefined ? sql` AND rowid < CAST(${bounds.below} AS INTEGER)` : sql``
    }`;
    const hasFilters = Boolean(
      filters.from || filters.to || filters.termIds?.length || filters.personId !== undefined,
    );
    if (!hasFilters) {
      // FTS5 counts matches from its index alone; only articles scheduled for later (few) are
      // then looked up and taken off.
      const { rows: all } = await sql<{ n: number }>`
        SELECT count(*) AS n FROM article_search WHERE article_search MATCH ${match}${range}`.execute(
        this.db,
      );
      const { rows: later } = await sql<{ id: number }>`
        SELECT article_id AS id FROM article_search_entries WHERE published_at > ${filters.now} LIMIT 501`.execute(
        this.db,
      );
      let hidden = 0;
      const candidates = later.map((r) => Number(r.id)).filter(inBounds);
      // Beside MATCH, FTS5 ignored a bound `rowid = ?` in testing (every match came back) but
      // honours `rowid = CAST(? AS INTEGER)`; every rowid comparison here is cast alike.
      for (const id of later.length <= 500 ? candidates : []) {
        const { rows: matched } = await sql<{ id: number }>`
          SELECT rowid AS id FROM article_search WHERE article_search MATCH ${match} AND rowid = CAST(${id} AS INTEGER)`.execute(
          this.db,
        );
        hidden += matched.length;
      }
      if (later.length <= 500) return Number(all[0]?.n ?? 0) - hidden;
    }
    const { rows } = await sql<{ n: number }>`
      WITH m AS MATERIALIZED (SELECT rowid AS id FROM article_search WHERE article_search MATCH ${match}${range})
      SELECT count(*) AS n FROM m JOIN article_search_entries e ON e.article_id = m.id
      WHERE ${filterSql(filters, sql`m.id`)}`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  async similar(request: SimilarRequest): Promise<number[]> {
    if (request.words.length === 0) return [];
    // Titles, subtitles and summaries only: they say what an article is about, and matching
    // bodies would rank most of a large archive.
    const match = `{title subtitle_summary} : (${request.words.map((w) => `"${w}"`).join(' OR ')})`;
    // bm25 works out each word's frequency over the whole index before ranking anything, so a
    // common word costs a walk of half the archive. Candidates are instead the newest matches
    // (FTS5 reads each word's list newest first and stops), ranked here by the words they share.
    const { rows: candidates } = await sql<{ id: number; title: string; rest: string }>`
      SELECT rowid AS id, title, subtitle_summary AS rest FROM article_search
      WHERE article_search MATCH ${match}
      ORDER BY rowid DESC LIMIT ${SEARCH_TUNING.similarCandidates}`.execute(this.db);
    const ids = candidates.map((c) => Number(c.id)).filter((id) => id !== request.excludeId);
    if (ids.length === 0) return [];
    const { rows: visible } = await sql<{ id: number; published_at: string }>`
      SELECT article_id AS id, published_at FROM article_search_entries
      WHERE article_id IN (${sql.join(ids)}) AND published_at <= ${request.now}`.execute(this.db);
    const publishedAt = new Map(visible.map((v) => [Number(v.id), v.published_at]));
    const wordsOf = (text: string) => new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u));
    const scored = candidates.flatMap((c) => {
      const at = publishedAt.get(Number(c.id));
      if (at === undefined || Number(c.id) === request.excludeId) return [];
      const title = wordsOf(c.title);
      const rest = wordsOf(c.rest);
      const score = request.words.reduce((n, w) => n + (title.has(w) ? 2 : 0) + (rest.has(w) ? 1 : 0), 0);
      return [{ id: Number(c.id), score, at }];
    });
    scored.sort((a, b) => b.score - a.score || b.at.localeCompare(a.at));
    return scored.slice(0, request.limit).map((c) => c.id);
  }
}

class PostgresSearchIndex extends BaseSearchIndex implements SearchIndex {
  async put(d: SearchDocument): Promise<void> {
    await this.putMany([d]);
  }

  async putMany(documents: SearchDocument[]): Promise<void> {
    const intArray = (ids: number[]) =>
      ids.length > 0 ? sql`ARRAY[${sql.join(ids)}]::integer[]` : sql`'{}'::integer[]`;
    const row = (d: SearchDocument) => {
      const config = sql`${d.config}::regconfig`;
      const title = sql`setweight(to_tsvector(${config}, ${d.title}), 'A')`;
      const subtitle = sql`setweight(to_tsvector(${config}, ${d.subtitleSummary}), 'B')`;
      const names = sql`setweight(to_tsvector(${config}, ${`${d.people} ${d.terms}`}), 'C')`;
      return sql`(${d.articleId}, ${d.config}, ${d.publishedAt}, ${intArray(d.termIds)}, ${intArray(d.personIds)},
        ${title} || ${subtitle} || ${names},
        ${title} || ${subtitle} || ${names} || setweight(to_tsvector(${config}, ${d.body}), 'D'))`;
    };
    // A later document for the same article wins, as with one put after another.
    const last = [...new Map(documents.map((d) => [d.articleId, d])).values()];
    const parametersOf = (d: SearchDocument) => 20 + d.termIds.length + d.personIds.length;
    for (const chunk of parameterChunks(last, Math.max(...last.map(parametersOf))))
      await sql`INSERT INTO article_search (article_id, config, published_at, term_ids, person_ids, head, document)
        VALUES ${sql.join(chunk.map(row))}
        ON CONFLICT (article_id) DO UPDATE SET config = EXCLUDED.config, published_at = EXCLUDED.published_at,
          term_ids = EXCLUDED.term_ids, person_ids = EXCLUDED.person_ids,
          head = EXCLUDED.head, document = EXCLUDED.document`.execute(this.db);
  }

  async remove(articleId: number): Promise<void> {
    await sql`DELETE FROM article_search WHERE article_id = ${articleId}`.execute(this.db);
  }

  /**
   * The few distinct configurations, found by skipping through the config index (one probe
   * per language) instead of reading every entry as DISTINCT would.
   */
  async configsInUse(): Promise<string[]> {
    const { rows } = await sql<{ config: string }>`
      WITH RECURSIVE c AS (
        (SELECT config FROM article_search ORDER BY config LIMIT 1)
        UNION ALL
        SELECT (SELECT s.config FROM article_search s WHERE s.config > c.config ORDER BY s.config LIMIT 1)
        FROM c WHERE c.config IS NOT NULL
      )
      SELECT config FROM c WHERE config IS NOT NULL`.execute(this.db);
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

  /**
   * Ranks the newest matches only, then lists older matches newest first, and does not count
   * past what it has seen ("more than 300 articles found"): ranking or counting every match of
   * a common word means reading every matching row.
   */
  async search(request: SearchRequest): Promise<SearchResultPage> {
    if (request.query.terms.length === 0 && request.query.phrases.length === 0)
      return { hits: [], total: 0, isTotalExact: true };
    const q = this.tsquery(request.query, request.configs);
    const where = sql`e.document @@ ${q} AND ${filterSql(request, sql`e.article_id`, 'postgres')}`;
    // "Newest" is walked along an index that stops early: the primary key (ids follow
    // publication), or the date index when a date range narrows it. With a term or author
    // filter, walking would read many rows the filter rejects; an expression key makes the
    // planner combine the text and id indexes instead.
    const byDate = Boolean(request.from || request.to);
    const hasIdFilter = Boolean(request.termIds?.length) || request.personId !== undefined;
    const newest = byDate
      ? sql`e.published_at DESC, e.article_id DESC`
      : hasIdFilter
        ? sql`(e.article_id + 0) DESC`
        : sql`e.article_id DESC`;
    const cap = SEARCH_TUNING.postgresRankedCandidates;
    // Ranking reads `head` only: body matches rank below title, subtitle and name matches,
    // and among themselves by date.
    const { rows } = await sql<{ id: number; title_hit: boolean; published_at: string }>`
      WITH c AS MATERIALIZED (
        SELECT e.article_id, e.head, e.published_at FROM article_search e
        WHERE ${where} ORDER BY ${newest} LIMIT ${cap}
      )
      SELECT c.article_id AS id, (ts_filter(c.head, '{a}') @@ ${q}) AS title_hit, c.published_at
      FROM c
      ORDER BY title_hit DESC, ts_rank('{0.1, 0.3, 0.5, 1.0}', c.head, ${q}) DESC,
        c.published_at DESC, c.article_id DESC`.execute(this.db);
    const ranked = rows.map((r) => ({ articleId: Number(r.id), isTitleMatch: r.title_hit === true }));
    const hits = ranked.slice(request.offset, request.offset + request.limit);
    if (ranked.length < cap) return { hits, total: ranked.length, isTotalExact: true };

    const isOlder = (b: (typeof rows)[number], a: (typeof rows)[number]) =>
      byDate
        ? b.published_at < a.published_at ||
          (b.published_at === a.published_at && Number(b.id) < Number(a.id))
        : Number(b.id) < Number(a.id);
    const oldest = rows.reduce((a, b) => (isOlder(b, a) ? b : a));
    const older = byDate
      ? sql`(e.published_at, e.article_id) < (${oldest.published_at}, ${Number(oldest.id)})`
      : sql`e.article_id < ${Number(oldest.id)}`;
    if (request.offset + request.limit < ranked.length) {
      // The page lies within the ranked matches; there may be many more, uncounted.
      return { hits, total: ranked.length, isTotalExact: false };
    }
    const needed = request.limit - hits.length;
    const tailOffset = Math.max(0, request.offset - ranked.length);
    const { rows: tail } = await sql<{ id: number }>`
      SELECT e.article_id AS id FROM article_search e
      WHERE ${where} AND ${older}
      ORDER BY ${newest}
      LIMIT ${needed + 1} OFFSET ${tailOffset}`.execute(this.db);
    hits.push(...tail.slice(0, needed).map((r) => ({ articleId: Number(r.id), isTitleMatch: false })));
    const hasMore = tail.length > needed;
    const seen = ranked.length + tailOffset + Math.min(tail.length, needed);
    return { hits, total: hasMore ? seen + 1 : seen, isTotalExact: !hasMore };
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
    // Candidates share a word in their title, subtitle, summary or names: cheap and telling.
    // They are sought among the newest entries only, walking the primary key down, and at most
    // SEARCH_TUNING.similarCandidates of them are ranked: the cost does not follow the archive.
    const { rows } = await sql<{ id: number }>`
      WITH c AS MATERIALIZED (
        SELECT e.article_id, e.head, e.published_at FROM article_search e
        WHERE e.article_id >= coalesce((SELECT article_id FROM article_search
            ORDER BY article_id DESC OFFSET ${SEARCH_TUNING.similarWindow} LIMIT 1), 0)
          AND e.head @@ ${q} AND e.article_id <> ${request.excludeId}
          AND ${filterSql({ now: request.now }, sql`e.article_id`, 'postgres')}
        ORDER BY e.article_id DESC LIMIT ${SEARCH_TUNING.similarCandidates}
      )
      SELECT c.article_id AS id FROM c
      ORDER BY ts_rank('{0.1, 0.3, 0.5, 1.0}', c.head, ${q}) DESC, c.published_at DESC
      LIMIT ${request.limit}`.execute(this.db);
    return rows.map((r) => Number(r.id));
  }
}
