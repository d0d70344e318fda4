import type { Kysely } from 'kysely';
import type { MigrationContext } from './helpers.ts';

/**
 * A sign-in attempt is recorded before its password is checked, so that parallel guesses cannot
 * all see room for one more. `is_in_flight` tells such an attempt, still being checked, from a
 * failure: attempts in flight make others wait their turn, and only failures refuse them.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .alterTable('login_attempts')
    .addColumn('is_in_flight', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
