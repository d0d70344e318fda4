import { sql } from 'kysely';
import type { Logger } from 'pino';
import { startPostgresBroadcast, startSqliteWatch } from './adapters/change-broadcast.ts';
import { createMailer, type Mailer } from './adapters/mailer.ts';
import { type Config, siteUrl } from './config.ts';
import { AppError, Errors } from './errors.ts';
import { ChangeBus, type ServiceContext } from './services/context.ts';
import { ensureDefaultTaxonomies } from './services/taxonomies.ts';
import {
  type DatabaseHandle,
  databaseUnavailable,
  migrateToLatest,
  openDatabase,
} from './storage/database.ts';
import { createStore } from './storage/store.ts';

/** Everything the web app, the CLI and jobs share: one database, one store, one change bus. */
export interface Wiring extends ServiceContext {
  config: Config;
  database: DatabaseHandle;
  /** Sends invitations and password resets (and later newsletters). */
  mailer: Mailer;
  close(): Promise<void>;
}

export interface WiringOptions {
  config: Config;
  log: Logger;
  /** Defaults to the real clock; tests pass a fixed one. */
  now?: () => Date;
  /** Apply pending migrations (the server and most commands do). */
  shouldMigrate?: boolean;
  /** Relay content changes between processes (PostgreSQL NOTIFY, or SQLite data_version polling). */
  shouldShareChanges?: boolean;
}

/** Opens the database, migrates it, makes sure the default taxonomies exist, and builds the services. */
export async function createWiring(options: WiringOptions): Promise<Wiring> {
  const { config, log } = options;
  const database = openDatabase({ url: config.database.url, poolSize: config.database.poolSize });
  try {
    if (options.shouldMigrate ?? true) {
      const report = await migrateToLatest(database);
      if (report.applied.length > 0) log.info({ migrations: report.applied }, 'database migrated');
      if (report.failed) {
        throw Errors.DATABASE_UNAVAILABLE({
          // No migration named means the database could not even be reached or read.
          reason:
            report.failed.name === '(unknown)'
              ? `Cannot use the database ${database.displayUrl}: ${report.failed.message}`
              : `Migration ${report.failed.name} failed: ${report.failed.message}`,
        });
      }
    }
    const store = createStore(database);
    const mailer = createMailer(config.mail, log);
    if (options.shouldMigrate ?? true) await store.transaction((repos) => ensureDefaultTaxonomies(repos));
    const changes = new ChangeBus();
    const sharing =
      options.shouldShareChanges === false
        ? undefined
        : database.dialect === 'postgres'
          ? await startPostgresBroadcast({ url: config.database.url, bus: changes, log })
          : await startSqliteWatch({
              bus: changes,
              log,
              readDataVersion: async () => {
                const { rows } = await sql<{ data_version: number }>`PRAGMA data_version`.execute(
                  database.db,
                );
                return Number(rows[0]?.data_version ?? 0);
              },
            });
    return {
      config,
      database,
      store,
      log,
      now: options.now ?? (() => new Date()),
      changes,
      siteUrl: siteUrl(config),
      mailer,
      close: async () => {
        mailer.close();
        await sharing?.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close().catch(() => {});
    if (error instanceof AppError) throw error;
    throw databaseUnavailable(database, error);
  }
}
