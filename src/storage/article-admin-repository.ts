import type { Kysely } from 'kysely';
import type { ArticleAdminStore } from '../domain/ports/article-store.ts';
import type { Database } from './schema.ts';

/** Queries the newsroom needs over articles that the reader side does not. */
export class ArticleAdminRepository implements ArticleAdminStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /** Who created each article: the actor of its first revision. */
  async creators(): Promise<Map<number, string>> {
    const rows = await this.db
      .selectFrom('revisions')
      .select(['entity_id', 'actor'])
      .where('entity_type', '=', 'article')
      .where('version', '=', 1)
      .execute();
    return new Map(rows.map((r) => [r.entity_id, r.actor]));
  }
}
