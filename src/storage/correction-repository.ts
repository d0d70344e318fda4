import type { Kysely } from 'kysely';
import type { Correction, CorrectionChange, CorrectionStore } from '../domain/ports/correction-store.ts';
import { type CamelDatabase, camelCased } from './camel-case.ts';
import { runCompiled } from './compiled-query.ts';
import type { Database } from './schema.ts';

/** Public, dated corrections and updates appended to articles. */
export class CorrectionRepository implements CorrectionStore {
  // A correction is its row with camelCase names, so the plugin maps it both ways.
  private readonly db: Kysely<CamelDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = camelCased(db);
  }

  async listFor(articleId: number): Promise<Correction[]> {
    return runCompiled(this.db, 'corrections of an article', [articleId], ([id]) =>
      this.db
        .selectFrom('corrections')
        .selectAll()
        .where('articleId', '=', id as number)
        .orderBy('createdAt')
        .orderBy('id'),
    );
  }

  async find(articleId: number, id: number): Promise<Correction | undefined> {
    return this.db
      .selectFrom('corrections')
      .selectAll()
      .where('articleId', '=', articleId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async add(correction: Omit<Correction, 'id'>): Promise<number> {
    const { id } = await this.db
      .insertInto('corrections')
      .values({
        articleId: correction.articleId,
        kind: correction.kind,
        note: correction.note,
        createdAt: correction.createdAt,
        updatedAt: correction.updatedAt,
        withdrawnAt: correction.withdrawnAt,
        withdrawnReason: correction.withdrawnReason,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  async update(id: number, change: CorrectionChange): Promise<void> {
    await this.db
      .updateTable('corrections')
      .set({
        kind: change.kind,
        note: change.note,
        updatedAt: change.updatedAt,
        withdrawnAt: change.withdrawnAt,
        withdrawnReason: change.withdrawnReason,
      })
      .where('id', '=', id)
      .execute();
  }
}
