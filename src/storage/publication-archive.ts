import SqliteDatabase from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { ExportRow, ExportSections, ExportSink } from '../domain/export-format.ts';
import type { MigrationReport } from '../domain/migration-report.ts';
import type { ArchiveStore } from '../domain/ports/archive-store.ts';
import { Errors } from '../errors.ts';
import type { DatabaseHandle } from './database.ts';
import { ListingRepository } from './listing-repository.ts';
import {
  dumpCorrectionRows,
  dumpImportSourceRows,
  dumpMediaRows,
  dumpPublication,
  dumpRevisions,
} from './publication-dump.ts';
import { loadPublication } from './publication-load.ts';
import type { Database } from './schema.ts';

const CONTENT_TABLES = ['articles', 'pages', 'people', 'terms', 'comments', 'media', 'redirects'] as const;

/** Export, import, backup and restore of the whole database. */
export class PublicationArchive implements ArchiveStore {
  readonly dialect: DatabaseHandle['dialect'];
  readonly displayUrl: string;
  readonly sqliteFile: string | null;
  private readonly db: Kysely<Database>;

  constructor(handle: Pick<DatabaseHandle, 'db' | 'dialect' | 'displayUrl' | 'sqliteFile'>) {
    this.db = handle.db;
    this.dialect = handle.dialect;
    this.displayUrl = handle.displayUrl;
    this.sqliteFile = handle.sqliteFile;
  }

  async hasContent(): Promise<boolean> {
    for (const table of CONTENT_TABLES) {
      const row = await this.db.selectFrom(table).select('id').limit(1).executeTakeFirst();
      if (row) return true;
    }
    return false;
  }

  async dump(sink: ExportSink, options: { now: Date; siteUrl: string }) {
    // PostgreSQL: one repeatable-read transaction, so the document is a single snapshot while the
    // site keeps writing. SQLite: one connection serves the whole process, so a long transaction
    // would stall it; an export there runs from the command line, beside a quiet server.
    if (this.dialect !== 'postgres') return dumpPublication(this.db, sink, options);
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((trx) => dumpPublication(trx, sink, options));
  }

  async dumpMedia(onBatch: (rows: ExportRow[]) => Promise<void>): Promise<void> {
    await dumpMediaRows(this.db, onBatch);
  }

  dumpRevisions(
    entityType: 'article' | 'page' | 'person' | 'term' | 'settings',
    ids?: number[],
  ): Promise<Map<number, ExportRow[]>> {
    return dumpRevisions(this.db, entityType, ids);
  }

  dumpCorrections(articleIds: number[]): Promise<Map<number, ExportRow[]>> {
    return dumpCorrectionRows(this.db, articleIds);
  }

  async dumpImportSources(onBatch: (rows: ExportRow[]) => Promise<void>): Promise<void> {
    await dumpImportSourceRows(this.db, onBatch);
  }

  async load(
    sections: ExportSections,
    report: MigrationReport,
    options: { replace: boolean; origin: string },
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await loadPublication(trx, sections, report, options);
      // The rows were written around article saves: listings are worked out again from them.
      await new ListingRepository(trx).rebuild();
    });
  }

  async copyDatabaseTo(file: string): Promise<void> {
    const source = this.requireSqliteFile('backed up');
    const connection = new SqliteDatabase(source, { readonly: true, fileMustExist: true });
    try {
      await connection.backup(file);
    } finally {
      connection.close();
    }
  }

  async replaceDatabaseWith(file: string): Promise<void> {
    const target = this.requireSqliteFile('restored into');
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
  }

  private requireSqliteFile(what: string): string {
    if (this.dialect === 'sqlite' && this.sqliteFile) return this.sqliteFile;
    if (this.dialect === 'sqlite')
      throw Errors.BACKUP_FAILED({ reason: `An in-memory database cannot be ${what}` });
    throw Errors.RESTORE_REFUSED({
      reason:
        'A SQLite backup can only be restored into a SQLite database; for PostgreSQL restore a JSON backup',
    });
  }
}
