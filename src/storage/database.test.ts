import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { openDatabase } from './database.ts';

test('an SQLite transaction holds the write lock from its start, so another writer cannot slip in between its read and its write', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-lock-'));
  const handle = openDatabase({ url: `sqlite:${path.join(dir, 'lock.db')}` });
  // Another process's connection, impatient so the test is quick.
  const other = new SqliteDatabase(path.join(dir, 'lock.db'));
  try {
    await sql`CREATE TABLE counter (n INTEGER NOT NULL)`.execute(handle.db);
    await sql`INSERT INTO counter (n) VALUES (0)`.execute(handle.db);
    other.pragma('busy_timeout = 50');
    let otherError: unknown;
    await handle.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ n: number }>`SELECT n FROM counter`.execute(trx);
      // The other writer tries to commit between this transaction's read and its write. With
      // a deferred BEGIN it would succeed and this transaction's write would then fail with
      // "database is locked"; here the other one waits, times out, and this one commits.
      try {
        other.prepare('UPDATE counter SET n = n + 100').run();
      } catch (error) {
        otherError = error;
      }
      await sql`UPDATE counter SET n = ${Number(rows[0]?.n) + 1}`.execute(trx);
    });
    assert.match(String((otherError as { code?: string })?.code), /SQLITE_BUSY/);
    assert.equal((other.prepare('SELECT n FROM counter').get() as { n: number }).n, 1);
  } finally {
    other.close();
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a query observer sees each query once, however many times the connection is lent', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-observe-'));
  const seen: string[] = [];
  const handle = openDatabase({
    url: `sqlite:${path.join(dir, 'observe.db')}`,
    onQuery: (query) => seen.push(query.sql),
  });
  try {
    // Every query lends the one SQLite connection again; logging must not pile up on it.
    for (let i = 0; i < 20_000; i++) await sql`select ${i} as n`.execute(handle.db);
    assert.equal(seen.length, 20_000);
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a pragma set through the query builder takes effect every time, not only the first time it is prepared', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-pragma-'));
  const handle = openDatabase({ url: `sqlite:${path.join(dir, 'pragma.db')}` });
  try {
    const level = async () =>
      Number(
        (await sql<{ synchronous: number }>`pragma synchronous`.execute(handle.db)).rows[0]?.synchronous,
      );
    assert.equal(await level(), 2);
    for (let round = 0; round < 3; round++) {
      await sql`pragma synchronous = normal`.execute(handle.db);
      assert.equal(await level(), 1, `round ${round}: lowered`);
      await sql`pragma synchronous = full`.execute(handle.db);
      assert.equal(await level(), 2, `round ${round}: restored`);
    }
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
