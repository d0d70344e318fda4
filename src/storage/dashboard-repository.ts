import { type Kysely, sql } from 'kysely';
import type {
  ArticleSummaryRow,
  DashboardBucketQuery,
  DashboardStore,
} from '../domain/ports/dashboard-store.ts';
import type { Database } from './schema.ts';

/** The admin dashboard's read-only queries over articles. */
export class DashboardRepository implements DashboardStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /**
   * Articles in the given bucket, optionally only those whose byline includes a person.
   * "scheduled" includes published articles dated in the future (imports do that).
   */
  async list(options: DashboardBucketQuery & { limit: number }): Promise<ArticleSummaryRow[]> {
    let query = this.inBucket(options)
      .select(['id', 'slug', 'title', 'status', 'published_at', 'updated_at'])
      .limit(options.limit);
    switch (options.bucket) {
      case 'review':
      case 'draft':
        query = query.orderBy('updated_at', 'desc');
        break;
      case 'scheduled':
        query = query.orderBy('published_at', 'asc');
        break;
      case 'published':
        query = query.orderBy('published_at', 'desc');
        break;
    }
    return (await query.execute()).map((row) => ({
      id: row.id,
      slug: row.slug,
      title: row.title,
      status: row.status,
      publishedAt: row.published_at,
      updatedAt: row.updated_at,
    }));
  }

  /**
   * How many articles are in the bucket, counted up to `cap` and no further: the rows are read
   * from the status index, so the cost stops at the cap however large the archive.
   */
  async count(options: DashboardBucketQuery & { cap: number }): Promise<number> {
    const capped = this.inBucket(options).select(sql<number>`1`.as('one')).limit(options.cap);
    const row = await this.db
      .selectFrom(capped.as('capped'))
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  private inBucket(options: DashboardBucketQuery) {
    let query = this.db.selectFrom('articles').where('deleted_at', 'is', null);
    switch (options.bucket) {
      case 'review':
      case 'draft':
        query = query.where('status', '=', options.bucket);
        break;
      case 'scheduled':
        query = query.where((eb) =>
          eb.or([
            eb('status', '=', 'scheduled'),
            eb.and([eb('status', '=', 'published'), eb('published_at', '>', options.now)]),
          ]),
        );
        break;
      case 'published':
        query = query.where('status', '=', 'published').where('published_at', '<=', options.now);
        break;
    }
    if (options.authorPersonId !== undefined) {
      const personId = options.authorPersonId;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('article_authors')
            .select('article_authors.article_id')
            .whereRef('article_authors.article_id', '=', 'articles.id')
            .where('article_authors.person_id', '=', personId),
        ),
      );
    }
    return query;
  }
}
