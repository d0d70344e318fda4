import type { Kysely } from 'kysely';
import type { Correction, CorrectionStore } from '../domain/ports/correction-store.ts';
import { type CamelDatabase, camelCased } from './camel-case.ts';
import type { Database } from './schema.ts';

/** Public, dated corrections and updates appended to articles. */
export class CorrectionRepository implements CorrectionStore {
  // A correction is its row with camelCase names, so the plugin maps it both ways.
  private readonly db: Kysely<CamelDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = camelCased(db);
  }

  async listFor(articleId: number): Promise<Correction[]> {
    return this.db
      .selectFrom('corrections')
      .selectAll()
      .where('articleId', '=', articleId)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
  }

  async add(correction: Omit<Correction, 'id'>): Promise<number> {
    const { id } = await this.db
      .insertInto('corrections')
      .values({
        articleId: correction.articleId,
        kind: correction.kind,
        note: correction.note,
        createdAt: correction.createdAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }
}
