import { type Kysely, sql } from 'kysely';
import type { LoginAttemptStore } from '../domain/ports/login-attempt-store.ts';
import type { DialectName } from './migrations/helpers.ts';
import type { Database } from './schema.ts';

/** Sign-in attempts by key ("email:..." or "ip:..."), in the database so every process counts them. */
export class LoginAttemptRepository implements LoginAttemptStore {
  private readonly db: Kysely<Database>;
  private readonly dialect: DialectName;

  constructor(db: Kysely<Database>, dialect: DialectName) {
    this.db = db;
    this.dialect = dialect;
  }

  /** PostgreSQL: one advisory lock per key, in sorted order. SQLite's transactions begin with its one write lock. */
  async lock(keys: string[]): Promise<void> {
    if (this.dialect !== 'postgres') return;
    for (const key of [...keys].sort()) {
      await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(this.db);
    }
  }

  async tally(
    keys: string[],
    since: string,
    staleBefore: string,
  ): Promise<{ failures: number[]; inFlight: number[] }> {
    const failures: number[] = [];
    const inFlight: number[] = [];
    for (const key of keys) {
      const row = await this.db
        .selectFrom('login_attempts')
        .select((eb) => [
          eb.fn.countAll<number | string>().as('total'),
          eb.fn
            .count<number | string>(
              eb
                .case()
                .when(eb.and([eb('is_in_flight', '=', 1), eb('created_at', '>', staleBefore)]))
                .then(1)
                .end(),
            )
            .as('in_flight'),
        ])
        .where('key', '=', key)
        .where('created_at', '>', since)
        .executeTakeFirstOrThrow();
      failures.push(Number(row.total) - Number(row.in_flight));
      inFlight.push(Number(row.in_flight));
    }
    return { failures, inFlight };
  }

  async begin(keys: string[], at: string): Promise<number[]> {
    const ids: number[] = [];
    for (const key of keys) {
      const row = await this.db
        .insertInto('login_attempts')
        .values({ key, created_at: at, is_in_flight: 1 })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(Number(row.id));
    }
    return ids;
  }

  async fail(ids: number[]): Promise<void> {
    if (ids.length > 0)
      await this.db.updateTable('login_attempts').set({ is_in_flight: 0 }).where('id', 'in', ids).execute();
  }

  async deleteIds(ids: number[]): Promise<void> {
    if (ids.length > 0) await this.db.deleteFrom('login_attempts').where('id', 'in', ids).execute();
  }

  async countSince(key: string, since: string): Promise<number> {
    const row = await this.db
      .selectFrom('login_attempts')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('key', '=', key)
      .where('created_at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The oldest failure still inside the window, to tell the user when they may try again. */
  async oldestSince(key: string, since: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('login_attempts')
      .select('created_at')
      .where('key', '=', key)
      .where('created_at', '>', since)
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    return row?.created_at;
  }

  async clearFailures(key: string): Promise<void> {
    await this.db.deleteFrom('login_attempts').where('key', '=', key).where('is_in_flight', '=', 0).execute();
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('login_attempts').where('key', '=', key).execute();
  }

  async deleteBefore(before: string): Promise<void> {
    if (this.dialect !== 'postgres') {
      await this.db.deleteFrom('login_attempts').where('created_at', '<=', before).execute();
      return;
    }
    // Housekeeping that waited for rows another sign-in holds could close a cycle with it (each
    // deleting old rows the other locked first): skip them; they go next time.
    await sql`
      DELETE FROM login_attempts WHERE id IN (
        SELECT id FROM login_attempts WHERE created_at <= ${before} FOR UPDATE SKIP LOCKED
      )`.execute(this.db);
  }
}
