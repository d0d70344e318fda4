import type { Kysely } from 'kysely';
import type { ArticleSummaryRow, DashboardStore } from '../domain/ports/dashboard-store.ts';
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
  async list(options: {
    bucket: 'review' | 'scheduled' | 'published' | 'draft';
    now: string;
    limit: number;
    authorPersonId?: number;
  }): Promise<ArticleSummaryRow[]> {
    let query = this.db
      .selectFrom('articles')
      .select(['id', 'slug', 'title', 'status', 'published_at', 'updated_at'])
      .where('deleted_at', 'is', null)
      .limit(options.limit);
    switch (options.bucket) {
      case 'review':
      case 'draft':
        query = query.where('status', '=', options.bucket).orderBy('updated_at', 'desc');
        break;
      case 'scheduled':
        query = query
          .where((eb) =>
            eb.or([
              eb('status', '=', 'scheduled'),
              eb.and([eb('status', '=', 'published'), eb('published_at', '>', options.now)]),
            ]),
          )
          .orderBy('published_at', 'asc');
        break;
      case 'published':
        query = query
          .where('status', '=', 'published')
          .where('published_at', '<=', options.now)
          .orderBy('published_at', 'desc');
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
    return (await query.execute()).map((row) => ({
      id: row.id,
      slug: row.slug,
      title: row.title,
      status: row.status,
      publishedAt: row.published_at,
      updatedAt: row.updated_at,
    }));
  }
}
