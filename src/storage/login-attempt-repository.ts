import type { Kysely } from 'kysely';
import type { LoginAttemptStore } from '../domain/ports/login-attempt-store.ts';
import type { Database } from './schema.ts';

/** Failed logins by key ("email:..." or "ip:..."), in the database so every process counts them. */
export class LoginAttemptRepository implements LoginAttemptStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async record(keys: string[], at: string): Promise<void> {
    if (keys.length === 0) return;
    await this.db
      .insertInto('login_attempts')
      .values(keys.map((key) => ({ key, created_at: at })))
      .execute();
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

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('login_attempts').where('key', '=', key).execute();
  }

  async deleteBefore(before: string): Promise<void> {
    await this.db.deleteFrom('login_attempts').where('created_at', '<=', before).execute();
  }
}
