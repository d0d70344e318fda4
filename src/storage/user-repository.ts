import type { Kysely, Selectable } from 'kysely';
import type { UserStore } from '../domain/ports/user-store.ts';
import type { Role, User } from '../domain/user.ts';
import type { Database, UsersTable } from './schema.ts';

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    personId: row.person_id,
    isDisabled: row.is_disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Staff logins. Password hashes never leave this repository except through findCredentials. */
export class UserRepository implements UserStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    return row && toUser(row);
  }

  async findCredentials(email: string): Promise<{ user: User; passwordHash: string | null } | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    return row && { user: toUser(row), passwordHash: row.password_hash };
  }

  async findById(id: number): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  /** Whether the user has set a password (an invited user has not, until they accept). */
  async hasPassword(id: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', id)
      .executeTakeFirst();
    return Boolean(row?.password_hash);
  }

  async update(
    id: number,
    changes: {
      name?: string;
      role?: Role;
      isDisabled?: boolean;
      passwordHash?: string;
      personId?: number | null;
    },
    now: string,
  ): Promise<void> {
    await this.db
      .updateTable('users')
      .set({
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.role !== undefined ? { role: changes.role } : {}),
        ...(changes.isDisabled !== undefined ? { is_disabled: changes.isDisabled ? 1 : 0 } : {}),
        ...(changes.passwordHash !== undefined ? { password_hash: changes.passwordHash } : {}),
        ...(changes.personId !== undefined ? { person_id: changes.personId } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Admins who can sign in (not disabled, with a password). */
  async countActiveAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('role', '=', 'admin')
      .where('is_disabled', '=', 0)
      .where('password_hash', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Ids of users who have not set a password yet (invited). */
  async pendingIds(): Promise<Set<number>> {
    const rows = await this.db.selectFrom('users').select('id').where('password_hash', 'is', null).execute();
    return new Set(rows.map((r) => r.id));
  }

  async list(): Promise<User[]> {
    return (await this.db.selectFrom('users').selectAll().orderBy('email').execute()).map(toUser);
  }

  async insert(user: Omit<User, 'id'> & { passwordHash: string | null }): Promise<number> {
    const { id } = await this.db
      .insertInto('users')
      .values({
        email: user.email.toLowerCase(),
        name: user.name,
        role: user.role,
        password_hash: user.passwordHash,
        person_id: user.personId,
        is_disabled: user.isDisabled ? 1 : 0,
        created_at: user.createdAt,
        updated_at: user.updatedAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }
}
