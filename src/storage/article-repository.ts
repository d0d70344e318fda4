import { randomBytes } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import type {
  Article,
  ArticleForReaders,
  ArticleStatus,
  ArticleSummary,
  Visibility,
} from '../domain/article.ts';
import type { ListingPosition } from '../domain/listing.ts';
import type {
  ArticleRecord,
  ArticleStateChange,
  ArticleStore,
  DeletedArticle,
  DueArticle,
  PublishedQuery,
} from '../domain/ports/article-store.ts';
import { Errors, isAppError } from '../errors.ts';
import { parameterChunks } from './chunks.ts';
import { runCompiled } from './compiled-query.ts';
import type { ArticlesTable, Database } from './schema.ts';

type ArticleRow = Selectable<ArticlesTable>;

/**
 * Whether a write failed because another article holds the slug: the unique index is what keeps
 * two saves that both found a slug free from both taking it.
 */
function isSlugClash(error: unknown): boolean {
  // The connection reports a unique-index error as ALREADY_IN_USE, with the driver's error as cause.
  const raw = isAppError(error) ? error.cause : error;
  if (!(raw instanceof Error)) return false;
  const { code, constraint } = raw as { code?: unknown; constraint?: unknown };
  if (code === 'SQLITE_CONSTRAINT_UNIQUE') return /\barticles\.slug\b/.test(raw.message);
  return code === '23505' && constraint === 'articles_slug_key';
}

async function refusingSlugClash<T>(slug: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isSlugClash(error)) throw Errors.SLUG_TAKEN({ slug }, { cause: error });
    throw error;
  }
}

/** Newest first; on the same time, the higher id first (the indexes' order). */
function byListingOrder(a: ListingPosition, b: ListingPosition): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return b.id - a.id;
}

/**
 * The page from rows read in listing order from the start or from `after`. Read after a
 * position, the rows start at the position itself (`<=`), which is dropped; if they do not, it
 * is not in the listing.
 */
function pageOf(
  rows: ListingPosition[],
  page: { after: ListingPosition | undefined; skip: number; limit: number; exclude: Set<number> },
): ListingPosition[] | undefined {
  let rest = rows;
  if (page.after) {
    const [first] = rows;
    if (first?.id !== page.after.id || first.at !== page.after.at) return undefined;
    rest = rows.slice(1);
  }
  const kept = page.exclude.size > 0 ? rest.filter((p) => !page.exclude.has(p.id)) : rest;
  return kept.slice(page.skip, page.skip + page.limit);
}

function toArticle(row: ArticleRow, authorIds: number[], termIds: number[]): Article {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    subtitle: row.subtitle,
    summary: row.summary,
    epigraph:
      row.epigraph_text === null ? null : { text: row.epigraph_text, attribution: row.epigraph_attribution },
    bodyMarkdown: row.body_markdown,
    bodyHtml: row.body_html,
    previewHtml: row.preview_html,
    status: row.status as ArticleStatus,
    publishedAt: row.published_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    source: row.source_name === null ? null : { name: row.source_name, url: row.source_url },
    canonicalUrl: row.canonical_url,
    license: row.license,
    language: row.language,
    featuredImage: row.featured_image,
    featuredImageAlt: row.featured_image_alt,
    seoTitle: row.seo_title,
    seoDescription: row.seo_description,
    socialImage: row.social_image,
    visibility: row.visibility as Visibility,
    isFeatured: row.is_featured === 1,
    hasComments: row.has_comments === 1,
    wordCount: row.word_count,
    version: row.version,
    createdBy: row.created_by,
    authorIds,
    termIds,
  };
}

function summaryOf(article: Article): ArticleSummary {
  const { bodyMarkdown: _markdown, bodyHtml: _html, previewHtml: _preview, ...summary } = article;
  return summary;
}

function toRow(record: ArticleRecord): Omit<ArticleRow, 'id' | 'deleted_at' | 'deleted_slug'> {
  return {
    slug: record.slug,
    title: record.title,
    subtitle: record.subtitle,
    summary: record.summary,
    epigraph_text: record.epigraph?.text ?? null,
    epigraph_attribution: record.epigraph?.attribution ?? null,
    body_markdown: record.bodyMarkdown,
    body_html: record.bodyHtml,
    preview_html: record.previewHtml,
    status: record.status,
    published_at: record.publishedAt,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    source_name: record.source?.name ?? null,
    source_url: record.source?.url ?? null,
    canonical_url: record.canonicalUrl,
    license: record.license,
    language: record.language,
    featured_image: record.featuredImage,
    featured_image_alt: record.featuredImageAlt,
    seo_title: record.seoTitle,
    seo_description: record.seoDescription,
    social_image: record.socialImage,
    visibility: record.visibility,
    is_featured: record.isFeatured ? 1 : 0,
    has_comments: record.hasComments ? 1 : 0,
    word_count: record.wordCount,
    version: record.version,
    created_by: record.createdBy,
  };
}

// A record, not a list, so that a new column fails to compile until it is named here.
const SUMMARY_COLUMNS_RECORD: Record<
  Exclude<keyof ArticlesTable, 'body_markdown' | 'body_html' | 'preview_html'>,
  true
> = {
  id: true,
  slug: true,
  title: true,
  subtitle: true,
  summary: true,
  epigraph_text: true,
  epigraph_attribution: true,
  status: true,
  published_at: true,
  created_at: true,
  updated_at: true,
  source_name: true,
  source_url: true,
  canonical_url: true,
  license: true,
  language: true,
  featured_image: true,
  featured_image_alt: true,
  seo_title: true,
  seo_description: true,
  social_image: true,
  visibility: true,
  is_featured: true,
  has_comments: true,
  word_count: true,
  version: true,
  created_by: true,
  deleted_at: true,
  deleted_slug: true,
};
/** Every column but the bodies, which sit in overflow pages and are the bulk of a row. */
const SUMMARY_COLUMNS = Object.keys(SUMMARY_COLUMNS_RECORD) as (keyof typeof SUMMARY_COLUMNS_RECORD)[];

/** Articles with their ordered authors and terms. */
export class ArticleRepository implements ArticleStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /** Articles that are not deleted: what every read but the restore's starts from. */
  private live() {
    return this.db.selectFrom('articles').selectAll().where('deleted_at', 'is', null);
  }

  async findById(id: number): Promise<Article | undefined> {
    const row = await this.live().where('id', '=', id).executeTakeFirst();
    return row ? (await this.withRelations([row]))[0] : undefined;
  }

  async findBySlug(slug: string): Promise<Article | undefined> {
    const [row] = await runCompiled(this.db, 'article by slug', [slug], ([value]) =>
      this.live().where('slug', '=', value as string),
    );
    return row ? (await this.withRelations([row]))[0] : undefined;
  }

  async findByIds(ids: number[]): Promise<Article[]> {
    if (ids.length === 0) return [];
    const rows = await this.live().where('id', 'in', ids).execute();
    const byId = new Map((await this.withRelations(rows)).map((a) => [a.id, a]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async findSummariesByIds(ids: number[]): Promise<ArticleSummary[]> {
    if (ids.length === 0) return [];
    const rows = await runCompiled(this.db, 'article summaries by id', ids, (values) =>
      this.db
        .selectFrom('articles')
        .select(SUMMARY_COLUMNS)
        .where('id', 'in', values as number[])
        .where('deleted_at', 'is', null),
    );
    const articles = await this.withRelations(
      rows.map((row) => ({ ...row, body_markdown: '', body_html: '', preview_html: null })),
    );
    const byId = new Map(articles.map((a) => [a.id, summaryOf(a)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async findForReadersByIds(ids: number[]): Promise<ArticleForReaders[]> {
    if (ids.length === 0) return [];
    const rows = await runCompiled(this.db, 'articles for readers by id', ids, (values) =>
      this.db
        .selectFrom('articles')
        .select([...SUMMARY_COLUMNS, 'body_html', 'preview_html'])
        .where('id', 'in', values as number[])
        .where('deleted_at', 'is', null),
    );
    const articles = await this.withRelations(rows.map((row) => ({ ...row, body_markdown: '' })));
    const byId = new Map(
      articles.map(({ bodyMarkdown: _markdown, ...article }): [number, ArticleForReaders] => [
        article.id,
        article,
      ]),
    );
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async insert(record: ArticleRecord): Promise<number> {
    const { id } = await refusingSlugClash(record.slug, () =>
      this.db.insertInto('articles').values(toRow(record)).returning('id').executeTakeFirstOrThrow(),
    );
    return id;
  }

  /** Writes the record only if the stored version is `expectedVersion`; returns whether it did. */
  async update(id: number, record: ArticleRecord, expectedVersion: number): Promise<boolean> {
    const result = await refusingSlugClash(record.slug, () =>
      this.db
        .updateTable('articles')
        .set(toRow(record))
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) === 1;
  }

  async slugOwners(slugs: string[]): Promise<Map<string, number>> {
    const owners = new Map<string, number>();
    for (const chunk of parameterChunks([...new Set(slugs)], 1)) {
      const rows = await this.db
        .selectFrom('articles')
        .select(['id', 'slug'])
        .where('slug', 'in', chunk)
        .where('deleted_at', 'is', null)
        .execute();
      for (const row of rows) owners.set(row.slug, row.id);
    }
    return owners;
  }

  async addRelations(
    relations: { articleId: number; authorIds: number[]; termIds: number[]; listedAt: string | null }[],
  ): Promise<void> {
    const rows = (key: 'authorIds' | 'termIds') =>
      relations.flatMap((r) =>
        r[key].map((id, position) => ({ article_id: r.articleId, id, position, listed_at: r.listedAt })),
      );
    for (const chunk of parameterChunks(rows('authorIds'), 4))
      await this.db
        .insertInto('article_authors')
        .values(chunk.map(({ id, ...row }) => ({ ...row, person_id: id })))
        .execute();
    for (const chunk of parameterChunks(rows('termIds'), 4))
      await this.db
        .insertInto('article_terms')
        .values(chunk.map(({ id, ...row }) => ({ ...row, term_id: id })))
        .execute();
  }

  async setAuthors(articleId: number, personIds: number[]): Promise<void> {
    await this.db.deleteFrom('article_authors').where('article_id', '=', articleId).execute();
    if (personIds.length === 0) return;
    await this.db
      .insertInto('article_authors')
      .values(
        personIds.map((personId, position) => ({ article_id: articleId, person_id: personId, position })),
      )
      .execute();
  }

  async setTerms(articleId: number, termIds: number[]): Promise<void> {
    await this.db.deleteFrom('article_terms').where('article_id', '=', articleId).execute();
    if (termIds.length === 0) return;
    await this.db
      .insertInto('article_terms')
      .values(termIds.map((termId, position) => ({ article_id: articleId, term_id: termId, position })))
      .execute();
  }

  /**
   * Published articles visible at `now`, newest first. Totals come from the maintained listing
   * counts (ListingRepository), never from counting here.
   */
  async listPublished(query: PublishedQuery): Promise<{ articles: Article[] }> {
    return { articles: await this.findByIds(await this.publishedIds(query)) };
  }

  /** Ids of a listing page: see publishedPositions. */
  async publishedIds(query: PublishedQuery): Promise<number[]> {
    return ((await this.publishedPositions(query)) ?? []).map((p) => p.id);
  }

  /**
   * A listing page, read from indexes that hold it in order: (status, published_at, id) for the
   * site, (is_featured, status, published_at, id) for featured articles, and
   * (term_id | person_id, listed_at, article_id) for a term or an author. By offset a page costs
   * its depth (offset + limit index entries); after a position it costs limit + 1, however deep:
   * the read starts at the position itself (`<=`), so the first row tells whether the position
   * is in the listing, without a query of its own.
   */
  async publishedPositions(query: PublishedQuery): Promise<ListingPosition[] | undefined> {
    const exclude = new Set(query.excludeIds ?? []);
    if (query.personId !== undefined)
      return this.listedPositions('article_authors', 'person_id', [query.personId], query, exclude);
    if (query.termIds && query.termIds.length > 0)
      return this.listedPositions('article_terms', 'term_id', [...new Set(query.termIds)], query, exclude);
    const { after } = query;
    if (after && after.at > query.now) return undefined;
    const excluded = [...exclude];
    const values = [
      ...(after ? [after.at, after.id] : [query.now]),
      ...(query.isFeatured === undefined ? [] : [query.isFeatured ? 1 : 0]),
      ...excluded,
      after ? 1 + query.offset + query.limit : query.limit,
      after ? 0 : query.offset,
    ];
    // Every home page and feed asks: built once per shape (see runCompiled), not per request.
    const shape = `site positions ${after ? 'after' : 'to now'} ${query.isFeatured === undefined ? 'all' : 'featured'}`;
    const rows = await runCompiled(this.db, shape, values, (v) => {
      let i = 0;
      const next = () => v[i++];
      let base = this.db
        .selectFrom('articles')
        .select(['id', 'published_at'])
        .where('status', '=', 'published');
      // After a position no later than now, the position is the only bound: with a second one
      // (published_at <= now) SQLite may start the range there and walk down to the position.
      base = after
        ? base.where(sql<boolean>`(published_at, id) <= (${next()}, ${next()})`)
        : base.where('published_at', '<=', next() as string);
      if (query.isFeatured !== undefined) base = base.where('is_featured', '=', next() as number);
      if (excluded.length > 0)
        base = base.where(
          'id',
          'not in',
          excluded.map(() => next() as number),
        );
      return base
        .orderBy('published_at', 'desc')
        .orderBy('id', 'desc')
        .limit(next() as number)
        .offset(next() as number);
    });
    const positions = rows.map((r) => ({ at: r.published_at ?? '', id: r.id }));
    if (!after) return positions;
    return pageOf(positions, { after, skip: query.offset, limit: query.limit, exclude: new Set() });
  }

  /**
   * One key: the page straight from the index. Several keys (a term with sub-terms): the first
   * offset + limit of each, merged; an article filed under two of them counts once. After a
   * position, each key is read from that position on.
   */
  private async listedPositions(
    table: 'article_terms' | 'article_authors',
    column: 'term_id' | 'person_id',
    keys: number[],
    query: PublishedQuery,
    exclude: Set<number>,
  ): Promise<ListingPosition[] | undefined> {
    const { after } = query;
    const isSimple = keys.length === 1 && exclude.size === 0 && !after;
    const take = isSimple ? query.limit : (after ? 1 : 0) + query.offset + query.limit + exclude.size;
    if (after && after.at > query.now) return undefined;
    const perKey: ListingPosition[][] = [];
    // Every term and author page asks, once per key: built once per shape (see runCompiled).
    const bounds = after ? [after.at, after.id] : [query.now];
    const shape = `listed positions ${table} ${after ? 'after' : 'to now'}`;
    for (const key of keys) {
      const rows = await runCompiled(
        this.db,
        shape,
        [key, ...bounds, take, isSimple ? query.offset : 0],
        ([id, at, ...rest]) => {
          // One upper bound only, as for the site (see publishedPositions).
          const upTo = after ? sql`(listed_at, article_id) <= (${at}, ${rest[0]})` : sql`listed_at <= ${at}`;
          const [limit, offset] = after ? rest.slice(1) : rest;
          return sql<{ article_id: number; listed_at: string }>`
            SELECT article_id, listed_at FROM ${sql.table(table)}
            WHERE ${sql.ref(column)} = ${id} AND ${upTo}
            ORDER BY listed_at DESC, article_id DESC
            LIMIT ${limit} OFFSET ${offset}`;
        },
      );
      perKey.push(rows.map((r) => ({ at: r.listed_at, id: Number(r.article_id) })));
    }
    if (isSimple) return perKey[0] ?? [];
    const seen = new Set<number>();
    const merged = perKey
      .flat()
      .sort(byListingOrder)
      .filter((p) => {
        if (seen.has(p.id)) return false;
        seen.add(p.id);
        return true;
      });
    return pageOf(merged, { after, skip: query.offset, limit: query.limit, exclude });
  }

  /** The terms of each article, in order, without reading the articles themselves. */
  async termIdsOf(articleIds: number[]): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>();
    if (articleIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('article_terms')
      .select(['article_id', 'term_id'])
      .where('article_id', 'in', articleIds)
      .orderBy('position')
      .execute();
    for (const r of rows) out.set(r.article_id, [...(out.get(r.article_id) ?? []), r.term_id]);
    return out;
  }

  /** Ids of the articles filed under a term or written by a person, any status, after `afterId`. */
  async idsFiledUnder(
    filter: { termId: number } | { personId: number },
    afterId: number,
    limit: number,
  ): Promise<number[]> {
    const rows =
      'termId' in filter
        ? await this.db
            .selectFrom('article_terms')
            .select('article_id')
            .where('term_id', '=', filter.termId)
            .where('article_id', '>', afterId)
            .orderBy('article_id')
            .limit(limit)
            .execute()
        : await this.db
            .selectFrom('article_authors')
            .select('article_id')
            .where('person_id', '=', filter.personId)
            .where('article_id', '>', afterId)
            .orderBy('article_id')
            .limit(limit)
            .execute();
    return rows.map((r) => r.article_id);
  }

  /**
   * Ids of scheduled articles whose time has come, oldest first. Served by the
   * (status, published_at) index, so its cost follows the number due, not the archive.
   */
  async listDueScheduled(now: string, limit: number, after?: DueArticle): Promise<DueArticle[]> {
    let query = this.db
      .selectFrom('articles')
      .select(['id', 'published_at'])
      .where('status', '=', 'scheduled')
      .where('published_at', '<=', now);
    if (after)
      query = query.where((eb) =>
        eb.or([
          eb('published_at', '>', after.publishedAt),
          eb.and([eb('published_at', '=', after.publishedAt), eb('id', '>', after.id)]),
        ]),
      );
    const rows = await query.orderBy('published_at').orderBy('id').limit(limit).execute();
    return rows.flatMap((r) => (r.published_at === null ? [] : [{ id: r.id, publishedAt: r.published_at }]));
  }

  /**
   * Claims a due scheduled article for publication: one conditional UPDATE, so of several
   * processes exactly one gets true. Run it first in its transaction: it then waits for any
   * other writer and sees what that one committed.
   */
  async claimDueScheduled(id: number, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('articles')
      .set({ status: 'published' })
      .where('id', '=', id)
      .where('status', '=', 'scheduled')
      .where('published_at', '<=', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Whether any article exists, in any status, deleted ones too (reads one row, unlike count). */
  async gatedWithoutPreview(afterId: number, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('articles')
      .select('id')
      .where('id', '>', afterId)
      // Written out, not bound: the partial index articles_gated (migration 0030) serves a
      // query only when its condition says the same in so many words.
      .where(sql<boolean>`visibility <> 'public'`)
      .where('preview_html', 'is', null)
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  async setPreview(id: number, previewHtml: string | null): Promise<void> {
    await this.db.updateTable('articles').set({ preview_html: previewHtml }).where('id', '=', id).execute();
  }

  async hasAny(): Promise<boolean> {
    return (await this.db.selectFrom('articles').select('id').limit(1).executeTakeFirst()) !== undefined;
  }

  /** How many articles exist, in any status. */
  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom('articles')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Every article (any status), oldest first: for exports and index rebuilds. */
  async listAll(): Promise<Article[]> {
    const rows = await this.live().orderBy('id').execute();
    return this.withRelations(rows);
  }

  async listAfter(afterId: number, limit: number): Promise<Article[]> {
    const rows = await this.live().where('id', '>', afterId).orderBy('id').limit(limit).execute();
    return this.withRelations(rows);
  }

  /**
   * Marks an article deleted, if the stored version is `expectedVersion`. The row's slug is
   * set aside as `~deleted-<id>-<random>` (no slug has a tilde; the random part keeps it unique
   * when an export holding deleted articles is loaded into another database that has its own)
   * and the real one kept in deleted_slug.
   */
  async markDeleted(
    id: number,
    change: ArticleStateChange & { deletedAt: string },
    expectedVersion: number,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('articles')
      .set((eb) => ({
        deleted_slug: eb.ref('slug'),
        slug: `~deleted-${id}-${randomBytes(6).toString('hex')}`,
        deleted_at: change.deletedAt,
        status: change.status,
        published_at: change.publishedAt,
        version: change.version,
        updated_at: change.updatedAt,
      }))
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markChanged(
    id: number,
    change: { version: number; updatedAt: string },
    expectedVersion: number,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('articles')
      .set({ version: change.version, updated_at: change.updatedAt })
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async findDeleted(id: number): Promise<DeletedArticle | undefined> {
    const row = await this.db
      .selectFrom('articles')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is not', null)
      .executeTakeFirst();
    return row ? (await this.asDeleted([row]))[0] : undefined;
  }

  async listDeleted(limit: number): Promise<DeletedArticle[]> {
    const rows = await this.db
      .selectFrom('articles')
      .selectAll()
      .where('deleted_at', 'is not', null)
      .orderBy('deleted_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return this.asDeleted(rows);
  }

  async restoreDeleted(
    id: number,
    change: ArticleStateChange & { slug: string },
    expectedVersion: number,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('articles')
      .set({
        slug: change.slug,
        deleted_slug: null,
        deleted_at: null,
        status: change.status,
        published_at: change.publishedAt,
        version: change.version,
        updated_at: change.updatedAt,
      })
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .where('deleted_at', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  private async asDeleted(rows: ArticleRow[]): Promise<DeletedArticle[]> {
    const articles = await this.withRelations(rows);
    return rows.map((row, index) => ({
      article: { ...articles[index]!, slug: row.deleted_slug ?? row.slug },
      deletedAt: row.deleted_at ?? '',
    }));
  }

  /**
   * The rows as articles, with their authors and terms in byline and filing order: one query
   * for both (they are what every article page and listing reads, a round trip each before).
   */
  private async withRelations(rows: ArticleRow[]): Promise<Article[]> {
    if (rows.length === 0) return [];
    const authorsOf = new Map<number, number[]>();
    const termsOf = new Map<number, number[]>();
    // Each id is bound twice, once per table.
    for (const ids of parameterChunks(
      rows.map((r) => r.id),
      2,
    )) {
      const links = await runCompiled(this.db, 'article authors and terms', ids, (values) =>
        this.db
          .selectFrom('article_authors')
          .select(['article_id', 'person_id as linked_id', 'position', sql<number>`0`.as('is_term')])
          .where('article_id', 'in', values as number[])
          .unionAll(
            this.db
              .selectFrom('article_terms')
              .select(['article_id', 'term_id as linked_id', 'position', sql<number>`1`.as('is_term')])
              .where('article_id', 'in', values as number[]),
          ),
      );
      // Put in order here: an ORDER BY made SQLite sort the rows of both tables in a temporary
      // B-tree, which cost it about 40 % more than reading them.
      links.sort((a, b) => a.position - b.position);
      for (const link of links) {
        const of = Number(link.is_term) === 1 ? termsOf : authorsOf;
        const list = of.get(link.article_id);
        if (list) list.push(link.linked_id);
        else of.set(link.article_id, [link.linked_id]);
      }
    }
    return rows.map((row) => toArticle(row, authorsOf.get(row.id) ?? [], termsOf.get(row.id) ?? []));
  }
}
