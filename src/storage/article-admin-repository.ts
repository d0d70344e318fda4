import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { ArticleStatus } from '../domain/article.ts';
import { searchTerms } from '../domain/article-list-query.ts';
import type {
  AdminArticleQuery,
  AdminArticleRow,
  ArticleAdminStore,
} from '../domain/ports/article-admin-store.ts';
import { likeContaining } from './like-pattern.ts';
import type { DialectName } from './migrations/helpers.ts';
import type { Database } from './schema.ts';

const SORT_COLUMNS = { updated: 'updated_at', published: 'published_at', title: 'title' } as const;

/**
 * The admin's article list. Each sort walks its own index (migration 0014) from the cursor and
 * stops once a page is found, so a page costs the same on the first page as on the thousandth,
 * and nothing counts the whole table.
 */
export class ArticleAdminRepository implements ArticleAdminStore {
  private readonly db: Kysely<Database>;
  private readonly dialect: DialectName;

  constructor(db: Kysely<Database>, dialect: DialectName) {
    this.db = db;
    this.dialect = dialect;
  }

  async count(query: Omit<AdminArticleQuery, 'after' | 'before' | 'limit'>, cap: number): Promise<number> {
    const row = await adminArticleCountQuery(this.db, this.dialect, query, cap).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async list(query: AdminArticleQuery): Promise<AdminArticleRow[]> {
    const rows = await adminArticleListQuery(this.db, this.dialect, query).execute();
    const authors = new Map<number, number[]>();
    if (rows.length > 0) {
      const links = await this.db
        .selectFrom('article_authors')
        .select(['article_id', 'person_id'])
        .where(
          'article_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('article_id')
        .orderBy('position')
        .execute();
      for (const link of links) {
        const list = authors.get(link.article_id) ?? [];
        list.push(link.person_id);
        authors.set(link.article_id, list);
      }
    }
    return rows.map((row) => ({
      id: row.id,
      slug: row.slug,
      title: row.title,
      status: row.status as ArticleStatus,
      publishedAt: row.published_at,
      updatedAt: row.updated_at,
      createdBy: row.created_by,
      authorIds: authors.get(row.id) ?? [],
    }));
  }
}

/**
 * How many articles match, counted no further than `cap`: the list's own query, cut at the cap,
 * reads the same index range and never further (exported so tests can read its plan).
 */
export function adminArticleCountQuery(
  db: Kysely<Database>,
  dialect: DialectName,
  query: Omit<AdminArticleQuery, 'after' | 'before' | 'limit'>,
  cap: number,
) {
  return db
    .selectFrom(adminArticleListQuery(db, dialect, { ...query, limit: cap }).as('matching'))
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'));
}

/** The page query of the admin's article list (exported so tests can read its plan). */
export function adminArticleListQuery(db: Kysely<Database>, dialect: DialectName, query: AdminArticleQuery) {
  const column = SORT_COLUMNS[query.sort];
  const isAscending = query.sort === 'title';
  const direction = isAscending ? 'asc' : 'desc';
  const dateColumn = query.sort === 'published' ? 'published_at' : 'updated_at';
  const like = dialect === 'postgres' ? sql`ILIKE` : sql`LIKE`;
  let select = db
    .selectFrom('articles')
    .select(['id', 'slug', 'title', 'status', 'published_at', 'updated_at', 'created_by'])
    .where('deleted_at', 'is', null);
  if (query.sort === 'published') select = select.where('published_at', 'is not', null);
  if (query.status) select = select.where('status', '=', query.status);
  if (query.from) select = select.where(dateColumn, '>=', query.from);
  if (query.to) select = select.where(dateColumn, '<', query.to);
  // Every word and quoted phrase, each in the title or the text.
  for (const term of query.text ? searchTerms(query.text) : []) {
    const pattern = likeContaining(term);
    select = select.where(
      (eb) =>
        sql<SqlBool>`(${eb.ref('title')} ${like} ${pattern} ESCAPE '\\' OR ${eb.ref('body_markdown')} ${like} ${pattern} ESCAPE '\\')`,
    );
  }
  if (query.authorPersonId !== undefined) {
    const personId = query.authorPersonId;
    select = select.where((eb) =>
      eb.exists(
        eb
          .selectFrom('article_authors')
          .select('article_authors.article_id')
          .whereRef('article_authors.article_id', '=', 'articles.id')
          .where('article_authors.person_id', '=', personId),
      ),
    );
  }
  if (query.termId !== undefined) {
    const termId = query.termId;
    select = select.where((eb) =>
      eb.exists(
        eb
          .selectFrom('article_terms')
          .select('article_terms.article_id')
          .whereRef('article_terms.article_id', '=', 'articles.id')
          .where('article_terms.term_id', '=', termId),
      ),
    );
  }
  if (query.ownedBy) {
    const { userId, personId } = query.ownedBy;
    select = select.where((eb) => {
      const mine: Expression<SqlBool>[] = [eb('created_by', '=', userId)];
      if (personId !== null) {
        mine.push(
          eb.exists(
            eb
              .selectFrom('article_authors')
              .select('article_authors.article_id')
              .whereRef('article_authors.article_id', '=', 'articles.id')
              .where('article_authors.person_id', '=', personId),
          ),
        );
      }
      return eb.or(mine);
    });
  }
  if (query.before) {
    const { key, id } = query.before;
    select = select.where((eb) => eb(eb.refTuple(column, 'id'), isAscending ? '<' : '>', eb.tuple(key, id)));
    const back = isAscending ? 'desc' : 'asc';
    return select.orderBy(column, back).orderBy('id', back).limit(query.limit);
  }
  if (query.after) {
    const { key, id } = query.after;
    // A row value, not "a < k OR (a = k AND id < i)": both databases read a row-value range
    // straight from the index, where the OR makes SQLite merge two searches and sort them.
    select = select.where((eb) => eb(eb.refTuple(column, 'id'), isAscending ? '>' : '<', eb.tuple(key, id)));
  }
  return select.orderBy(column, direction).orderBy('id', direction).limit(query.limit);
}
