import type { Kysely } from 'kysely';
import type { TermAdminStore } from '../domain/ports/taxonomy-store.ts';
import type { Database } from './schema.ts';

/** Writes that reshape a taxonomy: its settings, moving articles between terms, reordering, deleting. */
export class TermAdminRepository implements TermAdminStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /** Moves every article filed under `fromId` to `intoId`; articles that had both keep one. */
  async moveArticles(fromId: number, intoId: number): Promise<number> {
    const both = await this.db
      .selectFrom('article_terms')
      .select('article_id')
      .where('term_id', '=', intoId)
      .execute();
    const already = both.map((r) => r.article_id);
    if (already.length > 0) {
      await this.db
        .deleteFrom('article_terms')
        .where('term_id', '=', fromId)
        .where('article_id', 'in', already)
        .execute();
    }
    const result = await this.db
      .updateTable('article_terms')
      .set({ term_id: intoId })
      .where('term_id', '=', fromId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async reparentChildren(fromParentId: number, toParentId: number | null, now: string): Promise<void> {
    await this.db
      .updateTable('terms')
      .set({ parent_id: toParentId, updated_at: now })
      .where('parent_id', '=', fromParentId)
      .execute();
  }

  async setPosition(termId: number, position: number, now: string): Promise<void> {
    await this.db.updateTable('terms').set({ position, updated_at: now }).where('id', '=', termId).execute();
  }

  async lastPosition(taxonomyId: number): Promise<number> {
    // Read from the end of terms_admin_position (migration 0016): one row, whatever the size.
    const row = await this.db
      .selectFrom('terms')
      .select('position')
      .where('taxonomy_id', '=', taxonomyId)
      .orderBy('position', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return Math.max(0, row?.position ?? 0);
  }

  async updateTaxonomy(
    id: number,
    fields: { name: string; pluralName: string; isHierarchical: boolean; isMultiple: boolean },
  ): Promise<void> {
    await this.db
      .updateTable('taxonomies')
      .set({
        name: fields.name,
        plural_name: fields.pluralName,
        is_hierarchical: fields.isHierarchical ? 1 : 0,
        is_multiple: fields.isMultiple ? 1 : 0,
      })
      .where('id', '=', id)
      .execute();
  }

  async deleteTerm(termId: number): Promise<void> {
    await this.db.deleteFrom('article_terms').where('term_id', '=', termId).execute();
    await this.db.deleteFrom('terms').where('id', '=', termId).execute();
  }

  /** Ids of the articles filed under a term, so their cached pages can be dropped. */
  async articleIdsFor(termId: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('article_terms')
      .select('article_id')
      .where('term_id', '=', termId)
      .execute();
    return rows.map((r) => r.article_id);
  }
}
