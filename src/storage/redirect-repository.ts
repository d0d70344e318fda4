import type { Kysely } from 'kysely';
import type { Redirect, RedirectStore } from '../domain/ports/redirect-store.ts';
import type { Database } from './schema.ts';

/** Old URLs (renamed slugs, imported permalinks, deleted articles) and what they answer now. */
export class RedirectRepository implements RedirectStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async find(fromPath: string): Promise<Redirect | undefined> {
    const row = await this.db
      .selectFrom('redirects')
      .select(['from_path', 'to_path', 'status_code'])
      .where('from_path', '=', fromPath)
      .executeTakeFirst();
    return row && { fromPath: row.from_path, toPath: row.to_path, statusCode: row.status_code };
  }

  /** Records that `fromPath` moved to `toPath`, and repoints older redirects to it so none chains. */
  async put(redirect: Redirect, now: string): Promise<void> {
    await this.db.deleteFrom('redirects').where('from_path', '=', redirect.toPath).execute();
    await this.db
      .updateTable('redirects')
      .set({ to_path: redirect.toPath })
      .where('to_path', '=', redirect.fromPath)
      .execute();
    await this.db
      .insertInto('redirects')
      .values({
        from_path: redirect.fromPath,
        to_path: redirect.toPath,
        status_code: redirect.statusCode,
        created_at: now,
      })
      .onConflict((oc) =>
        oc.column('from_path').doUpdateSet({ to_path: redirect.toPath, status_code: redirect.statusCode }),
      )
      .execute();
  }

  async markGone(fromPath: string, now: string): Promise<void> {
    await this.db
      .insertInto('redirects')
      .values({ from_path: fromPath, to_path: '', status_code: 410, created_at: now })
      .onConflict((oc) => oc.column('from_path').doUpdateSet({ to_path: '', status_code: 410 }))
      .execute();
  }

  async remove(fromPath: string): Promise<void> {
    await this.db.deleteFrom('redirects').where('from_path', '=', fromPath).execute();
  }

  async list(): Promise<Redirect[]> {
    const rows = await this.db
      .selectFrom('redirects')
      .select(['from_path', 'to_path', 'status_code'])
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ fromPath: r.from_path, toPath: r.to_path, statusCode: r.status_code }));
  }
}
