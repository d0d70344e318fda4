import type { Kysely } from 'kysely';
import type { Autosave, AutosaveStore } from '../domain/ports/autosave-store.ts';
import type { Database } from './schema.ts';

/** Autosaved work in progress, one per editor per article, apart from the article itself. */
export class AutosaveRepository implements AutosaveStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async find(articleId: number, userId: number): Promise<Autosave | undefined> {
    const row = await this.db
      .selectFrom('article_autosaves')
      .selectAll()
      .where('article_id', '=', articleId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return (
      row && {
        articleId: row.article_id,
        userId: row.user_id,
        baseVersion: row.base_version,
        snapshot: JSON.parse(row.snapshot) as unknown,
        savedAt: row.saved_at,
      }
    );
  }

  async put(autosave: Autosave): Promise<void> {
    const values = {
      article_id: autosave.articleId,
      user_id: autosave.userId,
      base_version: autosave.baseVersion,
      snapshot: JSON.stringify(autosave.snapshot),
      saved_at: autosave.savedAt,
    };
    await this.db
      .insertInto('article_autosaves')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['article_id', 'user_id']).doUpdateSet({
          base_version: values.base_version,
          snapshot: values.snapshot,
          saved_at: values.saved_at,
        }),
      )
      .execute();
  }

  async remove(articleId: number, userId: number): Promise<void> {
    await this.db
      .deleteFrom('article_autosaves')
      .where('article_id', '=', articleId)
      .where('user_id', '=', userId)
      .execute();
  }
}
