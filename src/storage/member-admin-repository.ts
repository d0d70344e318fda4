import { type ExpressionBuilder, type Kysely, type Selectable, type SqlBool, sql } from 'kysely';
import {
  type AdminMember,
  type MemberListFilters,
  type MemberTier,
  memberSearchOf,
} from '../domain/member-admin.ts';
import type {
  ImportedMember,
  MemberAdminStore,
  MemberTierFields,
} from '../domain/ports/member-admin-store.ts';
import { likeContaining } from './like-pattern.ts';
import { toMember } from './member-repository.ts';
import type { DialectName } from './migrations/helpers.ts';
import type { Database, MembersTable, MemberTiersTable } from './schema.ts';

type MemberRow = Selectable<MembersTable> & { tier_name: string | null };

function toAdminMember(row: MemberRow): AdminMember {
  return { ...toMember(row), tierName: row.tier_name };
}

function toTier(row: Selectable<MemberTiersTable>): MemberTier {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    isPaid: row.is_paid === 1,
    priceLabel: row.price_label,
    provider: row.provider,
    position: row.position,
    isActive: row.is_active === 1,
  };
}

function tierColumns(fields: MemberTierFields) {
  return {
    slug: fields.slug,
    name: fields.name,
    description: fields.description,
    is_paid: fields.isPaid ? 1 : 0,
    price_label: fields.priceLabel,
  };
}

/** The last code point: a prefix followed by it is above every text that begins with the prefix. */
const LAST_CHARACTER = 0x10ffff;

/** How many addresses one `IN (…)` lookup of an import batch names (well under both databases' limits). */
const IMPORT_LOOKUP_CHUNK = 500;

/**
 * The members list's filters as conditions on `members m`. Each mark is written exactly as its
 * partial index's condition (migration 0033), so the planner can walk that index alone.
 */
function memberConditions(dialect: DialectName, filters: Omit<MemberListFilters, 'afterId'>) {
  return (eb: ExpressionBuilder<Database & { m: MembersTable }, 'm'>) => {
    const conditions = [];
    const search = filters.text ? memberSearchOf(filters.text) : undefined;
    if (search?.kind === 'address') {
      // A range of the address index in byte order (migration 0036): "begins with", read from
      // the index alone.
      const email =
        dialect === 'postgres' ? sql`${eb.ref('m.email')} COLLATE "C"` : sql`${eb.ref('m.email')}`;
      const last = dialect === 'postgres' ? sql`chr(${LAST_CHARACTER})` : sql`char(${LAST_CHARACTER})`;
      conditions.push(
        sql<SqlBool>`(${email} >= ${search.prefix} AND ${email} < ${search.prefix} || ${last})`,
      );
    } else if (search) {
      const pattern = likeContaining(search.text);
      const like = dialect === 'postgres' ? sql`ILIKE` : sql`LIKE`;
      conditions.push(
        sql<SqlBool>`(${eb.ref('m.email')} ${like} ${pattern} ESCAPE '\\' OR ${eb.ref('m.name')} ${like} ${pattern} ESCAPE '\\')`,
      );
    }
    if (filters.status) conditions.push(eb('m.status', '=', filters.status));
    if (filters.tier === 'none') conditions.push(eb('m.tier_id', 'is', null));
    else if (filters.tier !== undefined) conditions.push(eb('m.tier_id', '=', filters.tier));
    if (filters.mark === 'banned') conditions.push(eb('m.is_banned', '=', 1));
    if (filters.mark === 'bounced') conditions.push(eb('m.bounced_at', 'is not', null));
    if (filters.mark === 'complained') conditions.push(eb('m.complained_at', 'is not', null));
    return eb.and(conditions);
  };
}

/**
 * The members list's page query, newest first by id, exported so that a test can read its plan:
 * unfiltered it walks the primary key backwards from the cursor and stops at the page's end; a
 * search by an address's beginning reads the address index's range; a search anywhere reads the
 * members from the cursor down to `downToId` at most.
 */
export function memberAdminListQuery(
  db: Kysely<Database>,
  dialect: DialectName,
  filters: MemberListFilters & { limit: number },
) {
  let select = db.selectFrom('members as m').where(memberConditions(dialect, filters));
  if (filters.afterId !== undefined) select = select.where('m.id', '<', filters.afterId);
  if (filters.downToId !== undefined) select = select.where('m.id', '>=', filters.downToId);
  return select.orderBy('m.id', 'desc').limit(filters.limit);
}

/**
 * The id of the `size`th member below `afterId` (newest first), where a page of a search anywhere
 * stops reading: a walk of the primary key, `size` entries long. Nothing when fewer are left.
 */
export function memberSearchWindowQuery(db: Kysely<Database>, afterId: number | undefined, size: number) {
  let select = db.selectFrom('members').select('id');
  if (afterId !== undefined) select = select.where('id', '<', afterId);
  return select
    .orderBy('id', 'desc')
    .limit(1)
    .offset(size - 1);
}

/** How many members match, counted no further than `cap`: the list's own walk, cut at the cap. */
export function memberAdminCountQuery(
  db: Kysely<Database>,
  dialect: DialectName,
  filters: Omit<MemberListFilters, 'afterId'>,
  cap: number,
) {
  return db
    .selectFrom(
      memberAdminListQuery(db, dialect, { ...filters, limit: cap })
        .select('m.id')
        .as('matching'),
    )
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'));
}

/** The members admin over Kysely: the list from its indexes, one member's changes, imports, tiers. */
export class MemberAdminRepository implements MemberAdminStore {
  private readonly db: Kysely<Database>;
  private readonly dialect: DialectName;

  constructor(db: Kysely<Database>, dialect: DialectName) {
    this.db = db;
    this.dialect = dialect;
  }

  async list(filters: MemberListFilters & { limit: number }): Promise<AdminMember[]> {
    const rows = await memberAdminListQuery(this.db, this.dialect, filters)
      .leftJoin('member_tiers as t', 't.id', 'm.tier_id')
      .selectAll('m')
      .select('t.name as tier_name')
      .execute();
    return rows.map(toAdminMember);
  }

  async searchWindowEnd(afterId: number | undefined, size: number): Promise<number | undefined> {
    const row = await memberSearchWindowQuery(this.db, afterId, size).executeTakeFirst();
    return row?.id;
  }

  async count(filters: Omit<MemberListFilters, 'afterId'>, cap: number): Promise<number> {
    const row = await memberAdminCountQuery(this.db, this.dialect, filters, cap).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async findById(id: number): Promise<AdminMember | undefined> {
    const row = await this.db
      .selectFrom('members as m')
      .leftJoin('member_tiers as t', 't.id', 'm.tier_id')
      .selectAll('m')
      .select('t.name as tier_name')
      .where('m.id', '=', id)
      .executeTakeFirst();
    return row ? toAdminMember(row) : undefined;
  }

  async setTier(id: number, tierId: number | null, at: string): Promise<void> {
    await this.db
      .updateTable('members')
      .set({ tier_id: tierId, updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  async setBanned(id: number, isBanned: boolean, at: string): Promise<void> {
    await this.db
      .updateTable('members')
      .set({ is_banned: isBanned ? 1 : 0, updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  async importBatch(
    rows: readonly ImportedMember[],
    at: string,
  ): Promise<{ created: number; updated: number }> {
    const existing = new Set<string>();
    for (let i = 0; i < rows.length; i += IMPORT_LOOKUP_CHUNK) {
      const emails = rows.slice(i, i + IMPORT_LOOKUP_CHUNK).map((r) => r.email);
      const found = await this.db
        .selectFrom('members')
        .select('email')
        .where('email', 'in', emails)
        .execute();
      for (const row of found) existing.add(row.email);
    }
    const fresh = rows.filter((r) => !existing.has(r.email));
    for (let i = 0; i < fresh.length; i += IMPORT_LOOKUP_CHUNK / 10) {
      await this.db
        .insertInto('members')
        .values(
          fresh.slice(i, i + IMPORT_LOOKUP_CHUNK / 10).map((r) => ({
            email: r.email,
            name: r.name ?? '',
            status: 'active',
            tier_id: r.tierId ?? null,
            consent_at: r.consent?.at ?? null,
            consent_source: r.consent?.source ?? null,
            created_at: at,
            updated_at: at,
          })),
        )
        .execute();
    }
    for (const row of rows) {
      if (!existing.has(row.email)) continue;
      await this.db
        .updateTable('members')
        .set({
          updated_at: at,
          ...(row.name !== undefined ? { name: row.name } : {}),
          ...(row.tierId !== undefined ? { tier_id: row.tierId } : {}),
          ...(row.consent ? { consent_at: row.consent.at, consent_source: row.consent.source } : {}),
        })
        .where('email', '=', row.email)
        .execute();
    }
    return { created: fresh.length, updated: rows.length - fresh.length };
  }

  async tiers(): Promise<MemberTier[]> {
    const rows = await this.db
      .selectFrom('member_tiers')
      .selectAll()
      .orderBy('position')
      .orderBy('id')
      .execute();
    return rows.map(toTier);
  }

  async findTier(id: number): Promise<MemberTier | undefined> {
    const row = await this.db.selectFrom('member_tiers').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toTier(row) : undefined;
  }

  async findTierBySlug(slug: string): Promise<MemberTier | undefined> {
    const row = await this.db
      .selectFrom('member_tiers')
      .selectAll()
      .where('slug', '=', slug)
      .executeTakeFirst();
    return row ? toTier(row) : undefined;
  }

  async tierMemberCounts(): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('members')
      .select(['tier_id', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
      .where('tier_id', 'is not', null)
      .groupBy('tier_id')
      .execute();
    return new Map(rows.map((r) => [r.tier_id as number, Number(r.n)]));
  }

  async insertTier(fields: MemberTierFields, at: string): Promise<MemberTier> {
    const last = await this.db
      .selectFrom('member_tiers')
      .select((eb) => eb.fn.max('position').as('position'))
      .executeTakeFirst();
    const row = await this.db
      .insertInto('member_tiers')
      .values({
        ...tierColumns(fields),
        position: Number(last?.position ?? 0) + 1,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTier(row);
  }

  async updateTier(id: number, fields: MemberTierFields, at: string): Promise<void> {
    await this.db
      .updateTable('member_tiers')
      .set({ ...tierColumns(fields), updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  async setTierActive(id: number, isActive: boolean, at: string): Promise<void> {
    await this.db
      .updateTable('member_tiers')
      .set({ is_active: isActive ? 1 : 0, updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  async setTierOrder(ids: readonly number[], at: string): Promise<void> {
    for (const [index, id] of ids.entries()) {
      await this.db
        .updateTable('member_tiers')
        .set({ position: index + 1, updated_at: at })
        .where('id', '=', id)
        .execute();
    }
  }
}
