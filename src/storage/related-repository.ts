import type { Kysely, Transaction } from 'kysely';
import type { RelatedList, RelatedStore } from '../domain/ports/related-store.ts';
import { parameterChunks } from './chunks.ts';
import { runCompiled } from './compiled-query.ts';
import type { Database } from './schema.ts';

/** Related-article lists, one row per article, the ids comma-separated in ranking order. */
export class RelatedRepository implements RelatedStore {
  private readonly db: Kysely<Database> | Transaction<Database>;

  constructor(db: Kysely<Database> | Transaction<Database>) {
    this.db = db;
  }

  async get(articleId: number): Promise<RelatedList | undefined> {
    const [row] = await runCompiled(this.db, 'related articles', [articleId], ([id]) =>
      this.db
        .selectFrom('article_related')
        .select(['related_ids', 'computed_at'])
        .where('article_id', '=', id as number),
    );
    if (!row) return undefined;
    const articleIds = row.related_ids === '' ? [] : row.related_ids.split(',').map(Number);
    return { articleIds: articleIds.filter(Number.isSafeInteger), computedAt: row.computed_at };
  }

  async put(articleId: number, list: RelatedList): Promise<void> {
    const values = { related_ids: list.articleIds.join(','), computed_at: list.computedAt };
    await this.db
      .insertInto('article_related')
      .values({ article_id: articleId, ...values })
      .onConflict((oc) => oc.column('article_id').doUpdateSet(values))
      .execute();
  }

  async putMany(lists: ReadonlyMap<number, RelatedList>): Promise<void> {
    const rows = [...lists].map(([articleId, list]) => ({
      article_id: articleId,
      related_ids: list.articleIds.join(','),
      computed_at: list.computedAt,
    }));
    for (const chunk of parameterChunks(rows, 3)) {
      await this.db
        .insertInto('article_related')
        .values(chunk)
        .onConflict((oc) =>
          oc.column('article_id').doUpdateSet((eb) => ({
            related_ids: eb.ref('excluded.related_ids'),
            computed_at: eb.ref('excluded.computed_at'),
          })),
        )
        .execute();
    }
  }

  async forget(articleIds: number[]): Promise<void> {
    if (articleIds.length === 0) return;
    await this.db.deleteFrom('article_related').where('article_id', 'in', articleIds).execute();
  }
}
