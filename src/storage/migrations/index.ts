import type { Kysely } from 'kysely';
import * as core from './0001-core.js';
import * as users from './0002-users.js';
import * as discovery from './0003-discovery.js';
import * as migrationTools from './0004-migration-tools.js';
import * as accounts from './0005-accounts.js';
import * as newsroom from './0006-newsroom.js';
import type { MigrationContext } from './helpers.js';

export interface VersionedMigration {
  up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void>;
}

/**
 * Every migration in order. Names sort lexically; never edit one that has shipped,
 * add a new one instead.
 */
export const MIGRATIONS: Record<string, VersionedMigration> = {
  '0001-core': core,
  '0002-users': users,
  '0003-discovery': discovery,
  '0004-migration-tools': migrationTools,
  '0005-accounts': accounts,
  '0006-newsroom': newsroom,
};
