import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MigrationReport } from '../domain/migration-report.ts';
import { Errors } from '../errors.ts';
import type { ServiceContext } from './context.ts';
import { exportPublication } from './export/publication-export.ts';
import { importJson } from './import/json.ts';

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
  ctx: ServiceContext,
  options: { output?: string; backupDir: string },
): Promise<BackupResult> {
  const archive = ctx.store.archive;
  const stamp = ctx.now().toISOString().replace(/[:.]/g, '-');
  if (archive.dialect === 'sqlite') {
    if (!archive.sqliteFile)
      throw Errors.BACKUP_FAILED({ reason: 'An in-memory database cannot be backed up' });
    const file = path.resolve(options.output ?? path.join(options.backupDir, `pressroom-${stamp}.db`));
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      await archive.copyDatabaseTo(file);
    } catch (cause) {
      throw Errors.BACKUP_FAILED({ reason: `Backup to ${file} failed` }, { cause });
    }
    return { file, kind: 'sqlite' };
  }
  const file = path.resolve(options.output ?? path.join(options.backupDir, `pressroom-${stamp}.json`));
  mkdirSync(path.dirname(file), { recursive: true });
  const stream = createWriteStream(file);
  try {
    await exportPublication(ctx, {
      write: async (text) => {
        if (!stream.write(text)) await once(stream, 'drain');
      },
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

/**
 * Restores a backup: a SQLite backup file (into a SQLite database; stop the server first) or a
 * JSON export (into either database). Refuses to overwrite a database that holds content
 * unless `force` is set.
 */
export async function restoreDatabase(
  ctx: ServiceContext,
  file: string,
  options: { force: boolean },
): Promise<{ kind: 'sqlite' | 'json'; report?: MigrationReport }> {
  const archive = ctx.store.archive;
  if (!existsSync(file)) throw Errors.RESTORE_REFUSED({ reason: `No backup file at ${file}` });
  if (!statSync(file).isFile())
    throw Errors.RESTORE_REFUSED({
      reason: `${file} is a folder; give the backup file itself (.db or .json)`,
    });
  if (!options.force && (await archive.hasContent())) {
    throw Errors.RESTORE_REFUSED({
      reason: `${archive.displayUrl} already holds content; restoring would overwrite it. Run again with --force to replace it.`,
    });
  }
  const head = (await readFile(file)).subarray(0, 16).toString('latin1');
  if (head.startsWith('SQLite format 3')) {
    if (archive.dialect !== 'sqlite' || !archive.sqliteFile) {
      throw Errors.RESTORE_REFUSED({
        reason:
          'A SQLite backup can only be restored into a SQLite database; for PostgreSQL restore a JSON backup',
      });
    }
    await archive.replaceDatabaseWith(file);
    return { kind: 'sqlite' };
  }
  const report = await importJson(ctx, file, { actor: 'restore', replace: options.force });
  return { kind: 'json', report };
}
