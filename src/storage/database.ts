import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  type Driver,
  Kysely,
  type LogEvent,
  PostgresDialect,
  SqliteDialect,
  sql,
} from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import type pg from 'pg';
import { type AppError, Errors, isAppError } from '../errors.ts';
import { withDatabaseFaults } from './database-faults.ts';
import type { DialectName } from './migrations/helpers.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Database } from './schema.ts';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The connection URL with any password removed, for logs and messages. */
  displayUrl: string;
  /** The SQLite file, when the database is one. */
  sqliteFile: string | null;
  close(): Promise<void>;
}

/** Parses `sqlite:<path>`, `sqlite::memory:` or `postgres://…`. */
/**
 * The PostgreSQL driver, loaded when a PostgreSQL database is opened: a server on SQLite never
 * needs its few dozen modules at start. It is CommonJS, so this stays synchronous.
 */
function loadPg(): typeof pg {
  return createRequire(import.meta.url)('pg') as typeof pg;
}

export function parseDatabaseUrl(url: string): { dialect: DialectName; target: string } {
  if (url.startsWith('sqlite:'))
    return { dialect: 'sqlite', target: url.slice('sqlite:'.length) || './data/pressroom.db' };
  if (url.startsWith('postgres://') || url.startsWith('postgresql://'))
    return { dialect: 'postgres', target: url };
  throw Errors.CONFIG_INVALID({
    reason: `DATABASE_URL must start with sqlite: or postgres:// (got "${url.split(':')[0]}:…")`,
  });
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** Called with every query a database runs: benchmarks use it to explain what pages ask for. */
export type QueryObserver = (query: {
  sql: string;
  parameters: readonly unknown[];
  durationMs: number;
}) => void;

/**
 * Opens the database named by a URL. SQLite files are created with their folder, in WAL mode.
 * A database that cannot be reached, or whose disk is read-only or full, fails with an AppError.
 */
export function openDatabase(options: {
  url: string;
  poolSize?: number;
  onQuery?: QueryObserver;
}): DatabaseHandle {
  const { onQuery } = options;
  const log = onQuery
    ? (event: LogEvent) => {
        if (event.level === 'query')
          onQuery({
            sql: event.query.sql,
            parameters: event.query.parameters,
            durationMs: event.queryDurationMillis,
          });
      }
    : undefined;
  const { dialect, target } = parseDatabaseUrl(options.url);
  if (dialect === 'sqlite') {
    const isMemory = target === ':memory:';
    const file = isMemory ? ':memory:' : path.resolve(target);
    const displayUrl = `sqlite:${isMemory ? ':memory:' : file}`;
    let sqlite: SqliteDatabase.Database;
    try {
      if (!isMemory) mkdirSync(path.dirname(file), { recursive: true });
      sqlite = new SqliteDatabase(file);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('foreign_keys = ON');
      sqlite.pragma('busy_timeout = 5000');
      // A save the user was told is stored must outlive a power cut or a disk error, not only a
      // crash of this process: each commit waits for the disk (about 2 ms), as PostgreSQL does.
      sqlite.pragma('synchronous = FULL');
    } catch (cause) {
      // A folder, a file that is not SQLite, or a read-only place: the user's to fix, not a bug.
      throw databaseUnavailable({ displayUrl }, cause);
    }
    const db = new Kysely<Database>({
      dialect: withDatabaseFaults(new ImmediateTransactionsDialect({ database: withStatementCache(sqlite) })),
      ...(log ? { log } : {}),
    });
    return {
      db,
      dialect,
      displayUrl,
      sqliteFile: isMemory ? null : file,
      close: () => db.destroy(),
    };
  }
  const pool = new (loadPg().Pool)({ connectionString: target, max: options.poolSize ?? 10 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // A connection can also fail while a request holds it between two queries (an administrator
  // ended the backend, the server restarted). pg hands that 'error' to no one once the pool has
  // lent the client out, and an unheard 'error' ends the process; the failed query still
  // reports it, and the pool drops the broken client when it comes back.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({
    dialect: withDatabaseFaults(new PostgresDialect({ pool })),
    ...(log ? { log } : {}),
  });
  return { db, dialect, displayUrl: redact(target), sqliteFile: null, close: () => db.destroy() };
}

/**
 * Transactions take SQLite's write lock when they begin (BEGIN IMMEDIATE). A deferred one
 * reads first and asks for the lock at its first write; if another process committed in
 * between, SQLite cannot let it write on what it read and fails at once with "database is
 * locked", without waiting out busy_timeout. Beginning immediate makes it wait its turn.
 */
class ImmediateTransactionsDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}

/**
 * Kysely prepares every query anew; with better-sqlite3 preparing costs more than running a
 * simple query, and the app sends the same few hundred SQL texts over and over. Reusing
 * prepared statements is safe here because Kysely runs one query at a time per connection.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, size = 500): SqliteDatabase.Database {
  const cache = new Map<string, SqliteDatabase.Statement>();
  // Oldest first out: the app's few hundred SQL texts fit, so a hit need not be reordered (a
  // query costs tens of microseconds; moving its entry on every hit was a visible share of it).
  const prepare = (source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      statement = sqlite.prepare(source);
      if (cache.size >= size) cache.delete(cache.keys().next().value as string);
      cache.set(source, statement);
    }
    return statement;
  };
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      let method = bound.get(property);
      if (!method) {
        method = value.bind(target);
        bound.set(property, method);
      }
      return method;
    },
  });
}

export interface MigrationReport {
  applied: string[];
  failed: { name: string; message: string } | null;
}

type MigrationResults = Awaited<ReturnType<Migrator['migrateToLatest']>>;

/**
 * Applies every pending migration (or those up to `upTo`, for tests of a later one) in one
 * transaction that holds the database's migration lock, so that two processes starting on a
 * fresh database (the server and `pressroom user create`, say) run them once, one after the
 * other: the second finds nothing left to do. On PostgreSQL Kysely takes an advisory lock and a
 * transaction; SQLite gets neither from Kysely, so the run is wrapped in BEGIN IMMEDIATE, which
 * takes the write lock at once (another process waits its turn, up to busy_timeout). A failure
 * rolls the whole run back. Returns what ran and what failed.
 */
export async function migrateToLatest(
  handle: DatabaseHandle,
  options: { upTo?: string } = {},
): Promise<MigrationReport> {
  const ctx = { dialect: handle.dialect };
  const migrations: Record<string, Migration> = {};
  for (const [name, migration] of Object.entries(MIGRATIONS)) {
    migrations[name] = { up: (db) => migration.up(db, ctx) };
  }
  const run = (db: Kysely<Database>): Promise<MigrationResults> => {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => migrations },
      migrationTableName: 'schema_migrations',
      migrationLockTableName: 'schema_migrations_lock',
      // Features developed side by side may land their migrations in either order.
      allowUnorderedMigrations: true,
    });
    return options.upTo ? migrator.migrateTo(options.upTo) : migrator.migrateToLatest();
  };
  let result: MigrationResults;
  try {
    result = handle.dialect === 'sqlite' ? await runLockedOnSqlite(handle.db, run) : await run(handle.db);
  } catch (cause) {
    throw databaseUnavailable(handle, cause);
  }
  const failedResult = (result.results ?? []).find((r) => r.status === 'Error');
  const failed = result.error
    ? { name: failedResult?.migrationName ?? '(unknown)', message: driverMessage(result.error) }
    : null;
  // A failed run was rolled back whole: nothing of it is applied.
  const applied = failed
    ? []
    : (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  return { applied, failed };
}

/**
 * Runs the migrator on one SQLite connection inside BEGIN IMMEDIATE; commits only a run without
 * error. Foreign keys are off for the run, as SQLite asks for a table made again in a new shape
 * (a drop would otherwise delete the rows referring to it), and checked before the commit: a run
 * that leaves a dangling reference is rolled back like a failed one.
 */
async function runLockedOnSqlite(
  db: Kysely<Database>,
  run: (db: Kysely<Database>) => Promise<MigrationResults>,
): Promise<MigrationResults> {
  return db.connection().execute(async (connection) => {
    // Only outside a transaction does this pragma take effect.
    await sql`pragma foreign_keys = off`.execute(connection);
    try {
      await sql`begin immediate`.execute(connection);
      let result: MigrationResults;
      try {
        result = await run(connection);
        // Checked only after a run that changed something: the check reads every table, and a
        // start with nothing to migrate must not read the archive.
        const hasApplied = (result.results ?? []).some((r) => r.status === 'Success');
        if (!result.error && hasApplied) {
          const dangling = await sql<{ table: string }>`pragma foreign_key_check`.execute(connection);
          const first = dangling.rows[0];
          if (first) {
            result = {
              ...result,
              error: new Error(
                `${dangling.rows.length} row(s) of ${first.table} refer to rows that do not exist ("pragma foreign_key_check" lists them; delete or repair them, then start again); nothing was migrated`,
              ),
            };
          }
        }
      } catch (error) {
        await sql`rollback`.execute(connection);
        throw error;
      }
      await sql.raw(result.error ? 'rollback' : 'commit').execute(connection);
      return result;
    } finally {
      await sql`pragma foreign_keys = on`.execute(connection);
    }
  });
}

/** Wraps a low-level connection error in a message that says which database could not be reached. */
export function databaseUnavailable(handle: Pick<DatabaseHandle, 'displayUrl'>, cause: unknown): AppError {
  return Errors.DATABASE_UNAVAILABLE(
    { reason: `Cannot use the database ${handle.displayUrl}: ${driverMessage(cause)}` },
    { cause },
  );
}

/**
 * The driver's own words for a failure (ECONNREFUSED, "password authentication failed"): they
 * tell an operator more than the message a reader would be shown.
 */
function driverMessage(error: unknown): string {
  const root = isAppError(error) && error.cause !== undefined ? error.cause : error;
  return root instanceof Error ? root.message : String(root);
}
