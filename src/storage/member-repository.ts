import { type Kysely, type Selectable, sql } from 'kysely';
import type { Member, MemberSession, MemberStatus, MemberToken, MemberTokenKind } from '../domain/member.ts';
import type { MemberStore } from '../domain/ports/member-store.ts';
import { isAppError } from '../errors.ts';
import type { Database, MembersTable, MemberTokensTable } from './schema.ts';

/** A members row as the domain reads it (the members admin reads it so too). */
export function toMember(row: Selectable<MembersTable>): Member {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    status: row.status as MemberStatus,
    tierId: row.tier_id,
    confirmedAt: row.confirmed_at,
    consentAt: row.consent_at,
    consentSource: row.consent_source,
    isBanned: row.is_banned === 1,
    bouncedAt: row.bounced_at,
    complainedAt: row.complained_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toToken(row: Selectable<MemberTokensTable>): MemberToken {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    kind: row.kind as MemberTokenKind,
    memberId: row.member_id,
    newEmail: row.new_email,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  };
}

function toSession(row: {
  id: string;
  member_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}): MemberSession {
  return {
    id: row.id,
    memberId: row.member_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

/** Whether a write failed on the unique address (the connection reports it as ALREADY_IN_USE). */
function isAddressClash(error: unknown): boolean {
  const raw = isAppError(error) ? error.cause : error;
  if (!(raw instanceof Error)) return isAppError(error) && error.code === 'ALREADY_IN_USE';
  const { code } = raw as { code?: unknown };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** Members with their sessions, links and link-request counts. */
export class MemberRepository implements MemberStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async findById(id: number): Promise<Member | undefined> {
    const row = await this.db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toMember(row);
  }

  async findByEmail(email: string): Promise<Member | undefined> {
    const row = await this.db.selectFrom('members').selectAll().where('email', '=', email).executeTakeFirst();
    return row && toMember(row);
  }

  async insertPending(member: {
    email: string;
    name: string;
    createdAt: string;
  }): Promise<number | undefined> {
    const row = await this.db
      .insertInto('members')
      .values({
        email: member.email,
        name: member.name,
        status: 'pending',
        created_at: member.createdAt,
        updated_at: member.createdAt,
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id;
  }

  async activate(id: number, at: string, consentSource: string): Promise<boolean> {
    const result = await this.db
      .updateTable('members')
      .set({
        status: 'active',
        confirmed_at: at,
        consent_at: at,
        consent_source: consentSource,
        updated_at: at,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async rename(id: number, name: string, at: string): Promise<void> {
    await this.db.updateTable('members').set({ name, updated_at: at }).where('id', '=', id).execute();
  }

  async changeEmail(id: number, email: string, at: string): Promise<boolean> {
    const holder = await this.db
      .selectFrom('members')
      .select('id')
      .where('email', '=', email)
      .where('id', '<>', id)
      .executeTakeFirst();
    if (holder) return false;
    try {
      await this.db.updateTable('members').set({ email, updated_at: at }).where('id', '=', id).execute();
    } catch (error) {
      // Another member took the address between the look and the write.
      if (isAddressClash(error)) return false;
      throw error;
    }
    return true;
  }

  async delete(id: number): Promise<void> {
    // The foreign keys cascade too; deleting here says so where it matters.
    await this.db.deleteFrom('member_sessions').where('member_id', '=', id).execute();
    await this.db.deleteFrom('member_tokens').where('member_id', '=', id).execute();
    // Their comments go with them (the cascade) and the replies of others to them lose their
    // parent: each such reply starts a thread of its own, and the replies below it join that
    // thread, as the comments' root_id says (migration 0039) before the cascade clears it.
    await sql`
      with recursive below(id, root) as (
        select c.id, c.id from comments c join comments p on c.parent_id = p.id
        where p.member_id = ${id} and (c.member_id is null or c.member_id <> ${id})
        union
        select c.id, below.root from comments c join below on c.parent_id = below.id
        where c.member_id is null or c.member_id <> ${id}
      )
      update comments set root_id = case when below.id = below.root then null else below.root end
      from below where comments.id = below.id`.execute(this.db);
    await this.db.deleteFrom('members').where('id', '=', id).execute();
  }

  async insertToken(token: Omit<MemberToken, 'id' | 'usedAt'>): Promise<number> {
    const row = await this.db
      .insertInto('member_tokens')
      .values({
        token_hash: token.tokenHash,
        kind: token.kind,
        member_id: token.memberId,
        new_email: token.newEmail,
        created_at: token.createdAt,
        expires_at: token.expiresAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async findTokenByHash(tokenHash: string): Promise<MemberToken | undefined> {
    const row = await this.db
      .selectFrom('member_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && toToken(row);
  }

  async markTokenUsed(id: number, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('member_tokens')
      .set({ used_at: at })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async voidTokens(memberId: number, kind: MemberTokenKind, at: string): Promise<void> {
    await this.db
      .updateTable('member_tokens')
      .set({ used_at: at })
      .where('member_id', '=', memberId)
      .where('kind', '=', kind)
      .where('used_at', 'is', null)
      .execute();
  }

  async listTokens(memberId: number): Promise<MemberToken[]> {
    const rows = await this.db
      .selectFrom('member_tokens')
      .selectAll()
      .where('member_id', '=', memberId)
      .orderBy('id')
      .execute();
    return rows.map(toToken);
  }

  async deleteTokensExpiredBefore(before: string): Promise<void> {
    await this.db.deleteFrom('member_tokens').where('expires_at', '<', before).execute();
  }

  async insertSession(session: MemberSession): Promise<void> {
    await this.db
      .insertInto('member_sessions')
      .values({
        id: session.id,
        member_id: session.memberId,
        created_at: session.createdAt,
        last_seen_at: session.lastSeenAt,
        expires_at: session.expiresAt,
      })
      .execute();
  }

  async isPaidTier(tierId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('member_tiers')
      .select('is_paid')
      .where('id', '=', tierId)
      .executeTakeFirst();
    return row?.is_paid === 1;
  }

  async findSession(id: string): Promise<MemberSession | undefined> {
    const row = await this.db
      .selectFrom('member_sessions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toSession(row);
  }

  async touchSession(id: string, lastSeenAt: string, expiresAt: string): Promise<void> {
    await this.db
      .updateTable('member_sessions')
      .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
      .where('id', '=', id)
      .execute();
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom('member_sessions').where('id', '=', id).execute();
  }

  async deleteSessionsOf(memberId: number): Promise<number> {
    const result = await this.db
      .deleteFrom('member_sessions')
      .where('member_id', '=', memberId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteExpiredSessions(now: string): Promise<number> {
    const result = await this.db
      .deleteFrom('member_sessions')
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async listSessions(memberId: number): Promise<MemberSession[]> {
    const rows = await this.db
      .selectFrom('member_sessions')
      .selectAll()
      .where('member_id', '=', memberId)
      .orderBy('created_at')
      .execute();
    return rows.map(toSession);
  }

  async recordLinkRequest(keys: string[], at: string): Promise<void> {
    if (keys.length === 0) return;
    await this.db
      .insertInto('member_link_requests')
      .values(keys.map((key) => ({ key, created_at: at })))
      .execute();
  }

  async countLinkRequestsSince(key: string, since: string): Promise<number> {
    const row = await this.db
      .selectFrom('member_link_requests')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('key', '=', key)
      .where('created_at', '>=', since)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async forgetLinkRequests(options: { before?: string; keys?: string[] }): Promise<void> {
    let query = this.db.deleteFrom('member_link_requests');
    if (options.before !== undefined) query = query.where('created_at', '<', options.before);
    if (options.keys !== undefined) {
      if (options.keys.length === 0) return;
      query = query.where('key', 'in', options.keys);
    }
    await query.execute();
  }
}
