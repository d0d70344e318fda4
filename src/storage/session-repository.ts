import type { Kysely } from 'kysely';
import type { SessionRecord, SessionStore } from '../domain/ports/session-store.ts';
import { type CamelDatabase, camelCased } from './camel-case.ts';
import type { Database } from './schema.ts';

/** Sessions live in the database so any number of app processes share them. */
export class SessionRepository implements SessionStore {
  // A session record is its row with camelCase names, so the plugin maps it both ways.
  private readonly db: Kysely<CamelDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = camelCased(db);
  }

  async insert(session: SessionRecord): Promise<void> {
    const { id, userId, createdAt, lastSeenAt, expiresAt, ip, userAgent } = session;
    await this.db
      .insertInto('sessions')
      .values({ id, userId, createdAt, lastSeenAt, expiresAt, ip, userAgent })
      .execute();
  }

  async findById(id: string): Promise<SessionRecord | undefined> {
    return this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async touch(id: string, lastSeenAt: string, expiresAt: string): Promise<void> {
    await this.db.updateTable('sessions').set({ lastSeenAt, expiresAt }).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  /** Ends every session of a user; returns how many there were. */
  async deleteForUser(userId: number): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('userId', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteExpired(now: string): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expiresAt', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** A user's live sessions, most recently used first. */
  async listForUser(userId: number, now: string): Promise<SessionRecord[]> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('userId', '=', userId)
      .where('expiresAt', '>', now)
      .orderBy('lastSeenAt', 'desc')
      .execute();
  }

  async countForUser(userId: number, now: string): Promise<number> {
    const row = await this.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('userId', '=', userId)
      .where('expiresAt', '>', now)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
