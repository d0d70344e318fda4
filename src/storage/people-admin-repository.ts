import { type Kysely, type SqlBool, sql } from 'kysely';
import type {
  PeopleAdminQuery,
  PeopleAdminRow,
  PeopleAdminStore,
} from '../domain/ports/people-admin-store.ts';
import { likeContaining } from './like-pattern.ts';
import type { DialectName } from './migrations/helpers.ts';
import type { Database } from './schema.ts';

/** The page query of the admin's people list (exported so tests can read its plan). */
export function peopleAdminListQuery(db: Kysely<Database>, dialect: DialectName, query: PeopleAdminQuery) {
  const column = query.sort === 'name' ? 'name' : 'updated_at';
  const isAscending = query.sort === 'name';
  const direction = isAscending ? 'asc' : 'desc';
  const like = dialect === 'postgres' ? sql`ILIKE` : sql`LIKE`;
  let select = db.selectFrom('people').select(['id', 'slug', 'name', 'email', 'updated_at']);
  if (query.text) {
    const pattern = likeContaining(query.text);
    select = select.where(
      (eb) =>
        sql<SqlBool>`(${eb.ref('name')} ${like} ${pattern} ESCAPE '\\' OR ${eb.ref('slug')} ${like} ${pattern} ESCAPE '\\' OR ${eb.ref('email')} ${like} ${pattern} ESCAPE '\\')`,
    );
  }
  if (query.after) {
    const { key, id } = query.after;
    select = select.where((eb) => eb(eb.refTuple(column, 'id'), isAscending ? '>' : '<', eb.tuple(key, id)));
  }
  return select.orderBy(column, direction).orderBy('id', direction).limit(query.limit);
}

/**
 * How many people match, counted no further than `cap`: the list's own walk of its index, cut
 * at the cap, so an unfiltered count reads at most `cap` index entries, never the whole table.
 */
export function peopleAdminCountQuery(
  db: Kysely<Database>,
  dialect: DialectName,
  query: Omit<PeopleAdminQuery, 'after' | 'limit'>,
  cap: number,
) {
  return db
    .selectFrom(peopleAdminListQuery(db, dialect, { ...query, limit: cap }).as('matching'))
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'));
}

/** The admin's people list: a keyset page read in order from an index (migration 0015). */
export class PeopleAdminRepository implements PeopleAdminStore {
  private readonly db: Kysely<Database>;
  private readonly dialect: DialectName;

  constructor(db: Kysely<Database>, dialect: DialectName) {
    this.db = db;
    this.dialect = dialect;
  }

  async count(query: Omit<PeopleAdminQuery, 'after' | 'limit'>, cap: number): Promise<number> {
    const row = await peopleAdminCountQuery(this.db, this.dialect, query, cap).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async list(query: PeopleAdminQuery): Promise<PeopleAdminRow[]> {
    const rows = await peopleAdminListQuery(this.db, this.dialect, query).execute();
    return rows.map((row) => ({
      id: row.id,
      slug: row.slug,
      name: row.name,
      email: row.email,
      updatedAt: row.updated_at,
    }));
  }
}
