import type { Logger } from 'pino';
import { type Config, siteUrl } from './config.js';
import { AppError } from './errors.js';
import { ChangeBus, type ServiceContext } from './services/context.js';
import { ensureDefaultTaxonomies } from './services/taxonomies.js';
import {
  type DatabaseHandle,
  databaseUnavailable,
  migrateToLatest,
  openDatabase,
} from './storage/database.js';
import { createStore } from './storage/store.js';

/** Everything the web app, the CLI and jobs share: one database, one store, one change bus. */
export interface Wiring extends ServiceContext {
  config: Config;
  database: DatabaseHandle;
  close(): Promise<void>;
}

export interface WiringOptions {
  config: Config;
  log: Logger;
  /** Defaults to the real clock; tests pass a fixed one. */
  now?: () => Date;
  /** Apply pending migrations (the server and most commands do). */
  shouldMigrate?: boolean;
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
        throw new AppError({
          code: 'DATABASE_UNAVAILABLE',
          kind: 'unavailable',
          message: `Migration ${report.failed.name} failed: ${report.failed.message}`,
        });
      }
    }
    const store = createStore(database);
    if (options.shouldMigrate ?? true) await store.transaction((repos) => ensureDefaultTaxonomies(repos));
    return {
      config,
      database,
      store,
      log,
      now: options.now ?? (() => new Date()),
      changes: new ChangeBus(),
      siteUrl: siteUrl(config),
      close: () => database.close(),
    };
  } catch (error) {
    await database.close().catch(() => {});
    if (error instanceof AppError) throw error;
    throw databaseUnavailable(database, error);
  }
}
