import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { Errors } from '../errors.ts';
import type { DatabaseHandle } from '../storage/database.ts';
import type { Database } from '../storage/schema.ts';
import type { ServiceContext } from './context.ts';
import { exportPublication } from './export/publication-export.ts';
import { importJson } from './import/json.ts';
import type { MigrationReport } from './import/session.ts';

export interface BackupResult {
  file: string;
  kind: 'sqlite' | 'json';
}

/**
 * Makes a consistent backup while the site keeps serving. SQLite: the online backup API on a
 * second connection (pages copied in steps, writers never blocked for long). PostgreSQL: the
 * documented JSON export, read in one transaction so it is a single consistent snapshot.
 */
export async function backupDatabase(
  ctx: ServiceContext & { database: DatabaseHandle },
  options: { output?: string; backupDir: string },
): Promise<BackupResult> {
  const stamp = ctx.now().toISOString().replace(/[:.]/g, '-');
  if (ctx.database.dialect === 'sqlite') {
    const source = ctx.database.sqliteFile;
    if (!source) throw Errors.BACKUP_FAILED({ reason: 'An in-memory database cannot be backed up' });
    const file = path.resolve(options.output ?? path.join(options.backupDir, `pressroom-${stamp}.db`));
    mkdirSync(path.dirname(file), { recursive: true });
    const connection = new SqliteDatabase(source, { readonly: true, fileMustExist: true });
    try {
      await connection.backup(file);
    } catch (cause) {
      throw Errors.BACKUP_FAILED({ reason: `Backup to ${file} failed` }, { cause });
    } finally {
      connection.close();
    }
    return { file, kind: 'sqlite' };
  }
  const file = path.resolve(options.output ?? path.join(options.backupDir, `pressroom-${stamp}.json`));
  mkdirSync(path.dirname(file), { recursive: true });
  const stream = createWriteStream(file);
  try {
    await ctx.store.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        await exportPublication(
          trx as unknown as Kysely<Database>,
          {
            write: async (text) => {
              if (!stream.write(text)) await once(stream, 'drain');
            },
          },
          { now: ctx.now(), siteUrl: ctx.siteUrl },
        );
      });
    stream.end();
    await once(stream, 'finish');
  } catch (cause) {
    stream.destroy();
    rmSync(file, { force: true });
    throw Errors.BACKUP_FAILED({ reason: `Backup to ${file} failed` }, { cause });
  }
  return { file, kind: 'json' };
}

const CONTENT_TABLES = ['articles', 'pages', 'people', 'terms', 'comments', 'media', 'redirects'] as const;

/** Whether the database holds any content (the default taxonomies and settings do not count). */
export async function hasContent(db: Kysely<Database>): Promise<boolean> {
  for (const table of CONTENT_TABLES) {
    const row = await db.selectFrom(table).select('id').limit(1).executeTakeFirst();
    if (row) return true;
  }
  return false;
}

/** Empties every content table, children first, for a forced restore from JSON. */
async function wipeContent(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of [
      'article_authors',
      'article_terms',
      'corrections',
      'comments',
      'revisions',
      'redirects',
      'import_sources',
      'articles',
      'pages',
      'media',
      'terms',
      'people',
      'settings',
    ] as const) {
      await trx.deleteFrom(table).execute();
    }
  });
}

/**
 * Restores a backup: a SQLite backup file (into a SQLite database; stop the server first) or a
 * JSON export (into either database). Refuses to overwrite a database that holds content
 * unless `force` is set.
 */
export async function restoreDatabase(
  ctx: ServiceContext & { database: DatabaseHandle },
  file: string,
  options: { force: boolean },
): Promise<{ kind: 'sqlite' | 'json'; report?: MigrationReport }> {
  if (!existsSync(file)) throw Errors.RESTORE_REFUSED({ reason: `No backup file at ${file}` });
  if (!statSync(file).isFile())
    throw Errors.RESTORE_REFUSED({
      reason: `${file} is a folder; give the backup file itself (.db or .json)`,
    });
  if (!options.force && (await hasContent(ctx.store.db))) {
    throw Errors.RESTORE_REFUSED({
      reason: `${ctx.database.displayUrl} already holds content; restoring would overwrite it. Run again with --force to replace it.`,
    });
  }
  const head = (await readFile(file)).subarray(0, 16).toString('latin1');
  if (head.startsWith('SQLite format 3')) {
    const target = ctx.database.sqliteFile;
    if (ctx.database.dialect !== 'sqlite' || !target) {
      throw Errors.RESTORE_REFUSED({
        reason:
          'A SQLite backup can only be restored into a SQLite database; for PostgreSQL restore a JSON backup',
      });
    }
    const check = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    try {
      const result = check.pragma('integrity_check', { simple: true });
      if (result !== 'ok') throw Errors.RESTORE_REFUSED({ reason: `${file} is damaged: ${String(result)}` });
    } finally {
      check.close();
    }
    // The backup API writes into the live file under SQLite's own locking, so the open
    // connection sees the restored pages; a running server should still be stopped first.
    const source = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    try {
      await source.backup(target);
    } finally {
      source.close();
    }
    return { kind: 'sqlite' };
  }
  if (options.force) await wipeContent(ctx.store.db);
  const report = await importJson(ctx, file, { actor: 'restore' });
  return { kind: 'json', report };
}
