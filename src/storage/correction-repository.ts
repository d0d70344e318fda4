import type { Kysely } from 'kysely';
import type { Correction, CorrectionStore } from '../domain/ports/correction-store.ts';
import type { Database } from './schema.ts';

/** Public, dated corrections and updates appended to articles. */
export class CorrectionRepository implements CorrectionStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async listFor(articleId: number): Promise<Correction[]> {
    const rows = await this.db
      .selectFrom('corrections')
      .selectAll()
      .where('article_id', '=', articleId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      articleId: r.article_id,
      kind: r.kind,
      note: r.note,
      createdAt: r.created_at,
    }));
  }

  async add(correction: Omit<Correction, 'id'>): Promise<number> {
    const { id } = await this.db
      .insertInto('corrections')
      .values({
        article_id: correction.articleId,
        kind: correction.kind,
        note: correction.note,
        created_at: correction.createdAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }
}
