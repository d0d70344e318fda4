import type { Kysely, Selectable } from 'kysely';
import type { WebmentionRecord, WebmentionStore } from '../domain/ports/webmention-store.ts';
import type { Webmention, WebmentionStatus } from '../domain/webmention.ts';
import type { Database, WebmentionsTable } from './schema.ts';

function toWebmention(row: Selectable<WebmentionsTable>): Webmention {
  return {
    id: row.id,
    articleId: row.article_id,
    source: row.source,
    target: row.target,
    status: row.status as WebmentionStatus,
    sourceTitle: row.source_title,
    reason: row.reason,
    firstVerifiedAt: row.first_verified_at,
    lastVerifiedAt: row.last_verified_at,
    receivedAt: row.received_at,
    updatedAt: row.updated_at,
  };
}

/** Webmentions of our articles, one row per article and source page. */
export class WebmentionRepository implements WebmentionStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async find(articleId: number, source: string): Promise<Webmention | undefined> {
    const row = await this.db
      .selectFrom('webmentions')
      .selectAll()
      .where('article_id', '=', articleId)
      .where('source', '=', source)
      .executeTakeFirst();
    return row && toWebmention(row);
  }

  async save(mention: WebmentionRecord): Promise<void> {
    const values = {
      target: mention.target,
      status: mention.status,
      source_title: mention.sourceTitle,
      reason: mention.reason,
      first_verified_at: mention.firstVerifiedAt,
      last_verified_at: mention.lastVerifiedAt,
      received_at: mention.receivedAt,
      updated_at: mention.updatedAt,
    };
    await this.db
      .insertInto('webmentions')
      .values({ article_id: mention.articleId, source: mention.source, ...values })
      .onConflict((oc) => oc.columns(['article_id', 'source']).doUpdateSet(values))
      .execute();
  }

  async prune(options: { articleId: number; status: WebmentionStatus; keep: number }): Promise<number> {
    const { articleId, status, keep } = options;
    // The unique (article_id, source) index finds an article's rows; they are few (see the caller).
    const result = await this.db
      .deleteFrom('webmentions')
      .where('article_id', '=', articleId)
      .where('status', '=', status)
      .where('id', 'not in', (kept) =>
        kept
          .selectFrom('webmentions')
          .select('id')
          .where('article_id', '=', articleId)
          .where('status', '=', status)
          .orderBy('updated_at', 'desc')
          .orderBy('id', 'desc')
          .limit(keep),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async listFor(articleId: number, limit: number): Promise<Webmention[]> {
    const rows = await this.db
      .selectFrom('webmentions')
      .selectAll()
      .where('article_id', '=', articleId)
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toWebmention);
  }

  async countFor(articleId: number): Promise<number> {
    const row = await this.db
      .selectFrom('webmentions')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('article_id', '=', articleId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
