import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { isAppError } from '../errors.ts';
import { openDatabase } from './database.ts';
import { databaseFault } from './database-faults.ts';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('database faults', () => {
  test('tells a full or read-only disk and a database that went away from everything else', () => {
    const cases: Array<[Error, string | undefined]> = [
      [withCode('database or disk is full', 'SQLITE_FULL'), 'STORAGE_FULL'],
      [withCode('disk I/O error', 'SQLITE_IOERR_WRITE'), 'STORAGE_READ_ONLY'],
      [withCode('attempt to write a readonly database', 'SQLITE_READONLY'), 'STORAGE_READ_ONLY'],
      [withCode('database is locked', 'SQLITE_BUSY'), 'DATABASE_UNAVAILABLE'],
      [withCode('database is locked', 'SQLITE_BUSY_SNAPSHOT'), 'DATABASE_UNAVAILABLE'],
      [withCode('could not extend file', '53100'), 'STORAGE_FULL'],
      [withCode('cannot execute INSERT in a read-only transaction', '25006'), 'STORAGE_READ_ONLY'],
      [withCode('terminating connection due to administrator command', '57P01'), 'DATABASE_UNAVAILABLE'],
      [withCode('connection failure', '08006'), 'DATABASE_UNAVAILABLE'],
      [withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'DATABASE_UNAVAILABLE'],
      [new Error('Connection terminated unexpectedly'), 'DATABASE_UNAVAILABLE'],
      // Bugs and rule violations stay what they are.
      [withCode('UNIQUE constraint failed: articles.slug', 'SQLITE_CONSTRAINT_UNIQUE'), undefined],
      [withCode('duplicate key value violates unique constraint', '23505'), undefined],
      [withCode('syntax error at or near "SELEC"', '42601'), undefined],
      [new TypeError("Cannot read properties of undefined (reading 'id')"), undefined],
    ];
    for (const [error, code] of cases) {
      const fault = databaseFault(error);
      assert.equal(fault?.code, code, error.message);
      if (fault) {
        assert.equal(fault.kind, 'unavailable');
        assert.equal(fault.cause, error, 'the driver error is kept for the log');
        assert.doesNotMatch(
          fault.message,
          /SQLITE|ECONN|administrator command/,
          'no internals in the message',
        );
      }
    }
  });

  test('a transaction that fills the database fails as STORAGE_FULL, not with the failed rollback', async () => {
    // SQLite ends the transaction itself when it runs out of room; the ROLLBACK that follows then
    // fails with "no transaction is active", an error that once replaced the one that matters.
    const handle = openDatabase({ url: 'sqlite::memory:' });
    try {
      await sql`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`.execute(handle.db);
      await sql`INSERT INTO notes (body) VALUES ('kept')`.execute(handle.db);
      await sql`PRAGMA max_page_count = 20`.execute(handle.db);
      const failure = await handle.db
        .transaction()
        .execute(async (trx) => {
          for (let i = 0; i < 100; i += 1)
            await sql`INSERT INTO notes (body) VALUES (${'x'.repeat(4000)})`.execute(trx);
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      assert.ok(isAppError(failure), `an AppError, not ${String(failure)}`);
      assert.equal(failure.code, 'STORAGE_FULL');
      const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM notes`.execute(handle.db);
      assert.equal(rows[0]?.n, 1, 'nothing of the failed transaction was kept');
      await sql`INSERT INTO notes (body) VALUES ('after')`.execute(handle.db);
    } finally {
      await handle.close();
    }
  });
});
