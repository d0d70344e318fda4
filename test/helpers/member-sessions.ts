import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { MemberReaderOfSession } from '../../src/domain/article-access.ts';
import type { Database } from '../../src/storage/schema.ts';

// Member rows and sessions written straight into the members' tables (migration 0029), and the
// smallest session lookup that reads them: enough to prove what gated articles show a member.
// The members' own sign-in supplies the real lookup (Wiring.memberReader) in the app.

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Adds an active member (on a paid or a free tier) with a live session; returns the session's
 * cookie token.
 */
export async function addSignedInMember(
  db: Kysely<Database>,
  options: { email: string; isPaid: boolean; now: Date },
): Promise<string> {
  const at = options.now.toISOString();
  const tierSlug = options.isPaid ? 'supporter' : 'free';
  const tier =
    (await db.selectFrom('member_tiers').select('id').where('slug', '=', tierSlug).executeTakeFirst()) ??
    (await db
      .insertInto('member_tiers')
      .values({
        slug: tierSlug,
        name: tierSlug,
        is_paid: options.isPaid ? 1 : 0,
        price_label: null,
        provider: null,
        provider_ref: null,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow());
  const member = await db
    .insertInto('members')
    .values({
      email: options.email,
      status: 'active',
      tier_id: tier.id,
      confirmed_at: at,
      consent_at: at,
      consent_source: 'test',
      bounced_at: null,
      complained_at: null,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('member_sessions')
    .values({
      id: sha256(token),
      member_id: member.id,
      created_at: at,
      last_seen_at: at,
      expires_at: new Date(options.now.getTime() + 86_400_000).toISOString(),
    })
    .execute();
  return token;
}

/** The member of a live session of an active, not banned member, and whether their tier is paid. */
export function memberReaderFrom(db: Kysely<Database>, now: () => Date): MemberReaderOfSession {
  return async (token) => {
    const row = await db
      .selectFrom('member_sessions')
      .innerJoin('members', 'members.id', 'member_sessions.member_id')
      .leftJoin('member_tiers', 'member_tiers.id', 'members.tier_id')
      .select(['members.id as memberId', 'member_tiers.is_paid as isPaid'])
      .where('member_sessions.id', '=', sha256(token))
      .where('member_sessions.expires_at', '>', now().toISOString())
      .where('members.status', '=', 'active')
      .where('members.is_banned', '=', 0)
      .executeTakeFirst();
    return row ? { memberId: row.memberId, isPaid: row.isPaid === 1 } : undefined;
  };
}
