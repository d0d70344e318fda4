import { type Kysely, sql } from 'kysely';
import type { Redirect, RedirectStore } from '../domain/ports/redirect-store.ts';
import { parameterChunks } from './chunks.ts';
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

  async findMany(fromPaths: string[]): Promise<Redirect[]> {
    const found: Redirect[] = [];
    for (const chunk of parameterChunks([...new Set(fromPaths)], 1)) {
      const rows = await this.db
        .selectFrom('redirects')
        .select(['from_path', 'to_path', 'status_code'])
        .where('from_path', 'in', chunk)
        .execute();
      for (const r of rows)
        found.push({ fromPath: r.from_path, toPath: r.to_path, statusCode: r.status_code });
    }
    return found;
  }

  /**
   * The same as `put` of each in turn. When none of them leads to or from another's path, and
   * no stored redirect leads to one's old path or from one's new path (an import's permalinks,
   * almost always), nothing needs repointing and they are written in a few statements.
   */
  async putMany(redirects: Redirect[], now: string): Promise<void> {
    if (redirects.length === 0) return;
    const last = new Map(redirects.map((r) => [r.fromPath, r]));
    const froms = [...last.keys()];
    const tos = [...new Set(redirects.map((r) => r.toPath))];
    const toSet = new Set(tos);
    let isEntangled = froms.some((from) => toSet.has(from));
    for (const chunk of parameterChunks(froms, 1)) {
      if (isEntangled) break;
      isEntangled =
        (await this.db.selectFrom('redirects').select('id').where('to_path', 'in', chunk).limit(1).execute())
          .length > 0;
    }
    for (const chunk of parameterChunks(tos, 1)) {
      if (isEntangled) break;
      isEntangled =
        (
          await this.db
            .selectFrom('redirects')
            .select('id')
            .where('from_path', 'in', chunk)
            .limit(1)
            .execute()
        ).length > 0;
    }
    if (isEntangled) {
      for (const redirect of redirects) await this.put(redirect, now);
      return;
    }
    for (const chunk of parameterChunks([...last.values()], 4))
      await this.db
        .insertInto('redirects')
        .values(
          chunk.map((r) => ({
            from_path: r.fromPath,
            to_path: r.toPath,
            status_code: r.statusCode,
            created_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.column('from_path').doUpdateSet({
            to_path: sql`excluded.to_path`,
            status_code: sql`excluded.status_code`,
          }),
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

  async listAfter(afterId: number, limit: number): Promise<(Redirect & { id: number; createdAt: string })[]> {
    const rows = await this.db
      .selectFrom('redirects')
      .select(['id', 'from_path', 'to_path', 'status_code', 'created_at'])
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      fromPath: r.from_path,
      toPath: r.to_path,
      statusCode: r.status_code,
      createdAt: r.created_at,
    }));
  }
}
