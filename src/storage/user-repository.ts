import type { Kysely, Selectable } from 'kysely';
import type { Role, User } from '../domain/user.js';
import type { Database, UsersTable } from './schema.js';

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
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

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
