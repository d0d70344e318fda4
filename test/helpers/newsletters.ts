import type { Kysely } from 'kysely';
import type { Database } from '../../src/storage/schema.ts';

/** Members are made by the members' own service elsewhere; newsletter tests need only rows, many of them fast. */
export async function addMembers(
  db: Kysely<Database>,
  input: { count: number; prefix: string; status?: string; domain?: string },
): Promise<number[]> {
  const now = '2026-11-01T00:00:00.000Z';
  const ids: number[] = [];
  const chunk = 500;
  for (let start = 0; start < input.count; start += chunk) {
    const rows = [];
    for (let i = start; i < Math.min(input.count, start + chunk); i++)
      rows.push({
        email: `${input.prefix}-${i}@${input.domain ?? 'readers.example'}`,
        name: `Reader ${i}`,
        status: input.status ?? 'active',
        confirmed_at: now,
        consent_at: now,
        consent_source: 'test',
        created_at: now,
        updated_at: now,
      });
    const inserted = await db.insertInto('members').values(rows).returning('id').execute();
    ids.push(...inserted.map((row) => row.id));
  }
  return ids;
}

/** Subscribes members to a newsletter, in bulk. */
export async function subscribeMembers(
  db: Kysely<Database>,
  newsletterId: number,
  memberIds: number[],
): Promise<void> {
  for (let start = 0; start < memberIds.length; start += 500) {
    await db
      .insertInto('newsletter_subscriptions')
      .values(
        memberIds.slice(start, start + 500).map((memberId) => ({
          newsletter_id: newsletterId,
          member_id: memberId,
          source: 'test',
          created_at: '2026-11-01T00:00:00.000Z',
        })),
      )
      .execute();
  }
}

/** The deliveries of an issue by status. */
export async function deliveryStatuses(db: Kysely<Database>, issueId: number): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('newsletter_deliveries')
    .select(['member_id', 'status'])
    .where('issue_id', '=', issueId)
    .execute();
  return new Map(rows.map((row) => [row.member_id, row.status]));
}
