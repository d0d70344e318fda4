import type { DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely';
import { type AppError, Errors, isAppError } from '../errors.ts';
import { uniqueClash } from './unique-clash.ts';

/**
 * Failures that come from the state of the machine rather than from a bug: the database cannot
 * be reached, or its storage refuses writes (read-only, failing, or full). Each becomes an
 * AppError of kind `unavailable`, so a reader sees a 503 that says what happened and a command
 * says the same; the driver's own error stays attached as `cause` for the log.
 */

/** Node's errors for a connection that cannot be made or was cut. */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** pg's own errors for a connection that ended or never answered (they carry no code). */
const CONNECTION_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection ended)/;

/** PostgreSQL SQLSTATEs (besides class 08, connection exceptions) that mean the server cannot serve us now. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '3D000', '28000', '28P01']);

function reachableAgain(cause: unknown): AppError {
  return Errors.DATABASE_UNAVAILABLE(
    { reason: 'The database is not answering at the moment. Try again in a minute.' },
    { cause },
  );
}

/** The AppError a database failure stands for, or undefined when it is not one of these (a bug, a constraint). */
export function databaseFault(error: unknown): AppError | undefined {
  if (isAppError(error)) return error;
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // SQLite (better-sqlite3 gives the extended result code: SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED...).
    if (code === 'SQLITE_FULL') return Errors.STORAGE_FULL(undefined, { cause: error });
    // Another process held the write lock past busy_timeout: busy, not broken.
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
      return Errors.DATABASE_UNAVAILABLE(
        { reason: 'The database is busy with other writes. Try again in a moment.' },
        { cause: error },
      );
    if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN')
      return Errors.STORAGE_READ_ONLY(undefined, { cause: error });
    // PostgreSQL: disk_full, read_only_sql_transaction (a standby), then the server going away.
    if (code === '53100') return Errors.STORAGE_FULL(undefined, { cause: error });
    if (code === '25006') return Errors.STORAGE_READ_ONLY(undefined, { cause: error });
    if (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || CONNECTION_ERRNOS.has(code))
      return reachableAgain(error);
  }
  if (CONNECTION_MESSAGES.test(error.message)) return reachableAgain(error);
  return undefined;
}

/** A database failure as its AppError: a fault of the machine, or a lost race for a unique value. */
function translated(error: unknown): unknown {
  return databaseFault(error) ?? uniqueClash(error) ?? error;
}

/**
 * SQLite ends a transaction by itself when a write fails for want of space or on an I/O error;
 * the ROLLBACK that follows then fails, and its error would hide the one that matters.
 */
function isNoTransactionLeft(error: unknown): boolean {
  return error instanceof Error && /no transaction is active/.test(error.message);
}

const connectionsWithFaults = new WeakSet<DatabaseConnection>();

/**
 * Makes the connection's queries throw their AppError, once per connection (drivers lend the
 * same connection object again and again). It wraps the methods in place rather than handing out
 * a proxy: Kysely adds its query logging the same way, in place and once per connection object it
 * has seen, and a new proxy at every acquisition made it wrap again each time, until the stack
 * overflowed.
 */
function connectionWith(connection: DatabaseConnection): DatabaseConnection {
  if (connectionsWithFaults.has(connection)) return connection;
  connectionsWithFaults.add(connection);
  const executeQuery = connection.executeQuery.bind(connection);
  const streamQuery = connection.streamQuery.bind(connection);
  connection.executeQuery = async <R>(
    ...args: Parameters<DatabaseConnection['executeQuery']>
  ): Promise<QueryResult<R>> => {
    try {
      return await executeQuery<R>(...args);
    } catch (error) {
      throw translated(error);
    }
  };
  connection.streamQuery = async function* <R>(
    ...args: Parameters<DatabaseConnection['streamQuery']>
  ): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* streamQuery<R>(...args);
    } catch (error) {
      throw translated(error);
    }
  };
  return connection;
}

function driverWith(driver: Driver): Driver {
  // The connection Kysely is given is the wrapped one, and it hands that back to the driver's
  // other methods; each unwraps nothing, since the proxy forwards everything else to the original.
  const wrapped: Driver = {
    init: (options) => driver.init(options),
    acquireConnection: async (options) => {
      try {
        return connectionWith(await driver.acquireConnection(options));
      } catch (error) {
        // No connection at all: whatever the reason (refused, unknown database, bad password),
        // the database cannot be used now.
        throw databaseFault(error) ?? reachableAgain(error);
      }
    },
    beginTransaction: async (connection, settings) => {
      try {
        await driver.beginTransaction(connection, settings);
      } catch (error) {
        throw translated(error);
      }
    },
    commitTransaction: async (connection) => {
      try {
        await driver.commitTransaction(connection);
      } catch (error) {
        throw translated(error);
      }
    },
    rollbackTransaction: async (connection) => {
      try {
        await driver.rollbackTransaction(connection);
      } catch (error) {
        if (isNoTransactionLeft(error)) return;
        throw translated(error);
      }
    },
    releaseConnection: (connection, options) => driver.releaseConnection(connection, options),
    destroy: (options) => driver.destroy(options),
  };
  if (driver.savepoint) wrapped.savepoint = driver.savepoint.bind(driver);
  if (driver.rollbackToSavepoint) wrapped.rollbackToSavepoint = driver.rollbackToSavepoint.bind(driver);
  if (driver.releaseSavepoint) wrapped.releaseSavepoint = driver.releaseSavepoint.bind(driver);
  return wrapped;
}

/** The dialect with every database failure of the kinds above turned into its AppError. */
export function withDatabaseFaults(dialect: Dialect): Dialect {
  return {
    createDriver: () => driverWith(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
