import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/storage/schema.ts';

// Member rows and sessions written straight into the members' tables (migration 0029): a
// signed-in member without going through the mailed links, to prove what gated articles show
// them through the app's own session look-up (Wiring.memberReader).

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Adds an active member (on a paid or a free tier) with a live session; returns the session's
 * cookie token.
 */
export async function addSignedInMember(
  db: Kysely<Database>,
  options: { email: string; isPaid: boolean; now: Date; name?: string },
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
      ...(options.name === undefined ? {} : { name: options.name }),
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
