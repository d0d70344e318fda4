import type { Kysely } from 'kysely';
import type { AuthTokenKind, AuthTokenRecord, AuthTokenStore } from '../domain/ports/auth-token-store.ts';
import type { Database } from './schema.ts';

/** Single-use links for password resets and invitations, stored as hashes. */
export class AuthTokenRepository implements AuthTokenStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async insert(token: Omit<AuthTokenRecord, 'id' | 'usedAt'>): Promise<number> {
    const { id } = await this.db
      .insertInto('auth_tokens')
      .values({
        token_hash: token.tokenHash,
        kind: token.kind,
        user_id: token.userId,
        created_by: token.createdBy,
        created_at: token.createdAt,
        expires_at: token.expiresAt,
        used_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  async findByHash(tokenHash: string): Promise<AuthTokenRecord | undefined> {
    const row = await this.db
      .selectFrom('auth_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        tokenHash: row.token_hash,
        kind: row.kind as AuthTokenKind,
        userId: row.user_id,
        createdBy: row.created_by,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        usedAt: row.used_at,
      }
    );
  }

  /**
   * Marks a token used, only if it still is unused: returns false when another request won the
   * race, so a link works exactly once even with several processes.
   */
  async markUsed(id: number, usedAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('auth_tokens')
      .set({ used_at: usedAt })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Voids every unused token of a kind for a user (a newer link replaces older ones). */
  async voidForUser(userId: number, kind: AuthTokenKind, usedAt: string): Promise<void> {
    await this.db
      .updateTable('auth_tokens')
      .set({ used_at: usedAt })
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .where('used_at', 'is', null)
      .execute();
  }

  async deleteById(id: number): Promise<void> {
    await this.db.deleteFrom('auth_tokens').where('id', '=', id).execute();
  }

  async countSince(userId: number, kind: AuthTokenKind, since: string): Promise<number> {
    const row = await this.db
      .selectFrom('auth_tokens')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }
}
