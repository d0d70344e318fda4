import type { ExportRow, ExportSections, ExportSink } from '../export-format.ts';
import type { MigrationReport } from '../migration-report.ts';

/**
 * Whole-database operations: the export document, loading one back, and copies of the SQLite
 * file. They read and write every table at once, so they live beside the repositories rather
 * than being spelled out table by table in services.
 */
export interface ArchiveStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** The database's URL without its password, for messages. */
  readonly displayUrl: string;
  /** The SQLite file; null for PostgreSQL and for an in-memory database. */
  readonly sqliteFile: string | null;
  /** Whether the database holds any content (the default taxonomies and settings do not count). */
  hasContent(): Promise<boolean>;
  /** Writes the whole publication as one export document, read from one consistent snapshot. */
  dump(
    sink: ExportSink,
    options: { now: Date; siteUrl: string },
  ): Promise<{ articles: number; pages: number }>;
  /** The media index as the export document's `media` section holds it, a batch at a time. */
  dumpMedia(onBatch: (rows: ExportRow[]) => Promise<void>): Promise<void>;
  /**
   * The revisions of some entities (every one of the type when `ids` is left out), oldest first
   * and keyed by entity id, as the export document holds them: snapshots name authors, terms,
   * taxonomies and parents by slug.
   */
  dumpRevisions(
    entityType: 'article' | 'page' | 'person' | 'term' | 'settings',
    ids?: number[],
  ): Promise<Map<number, ExportRow[]>>;
  /** The corrections of some articles, oldest first, keyed by article id, as the export holds them. */
  dumpCorrections(articleIds: number[]): Promise<Map<number, ExportRow[]>>;
  /** The import mappings as the export document's `importSources` section holds them, a batch at a time. */
  dumpImportSources(onBatch: (rows: ExportRow[]) => Promise<void>): Promise<void>;
  /**
   * Loads the sections of an export document in one transaction, counting into `report`;
   * with `replace`, the content tables are emptied first (in the same transaction).
   * `origin` names the document in error messages.
   */
  load(
    sections: ExportSections,
    report: MigrationReport,
    options: { replace: boolean; origin: string },
  ): Promise<void>;
  /** SQLite only: copies the live database into `file` with the online backup API. */
  copyDatabaseTo(file: string): Promise<void>;
  /** SQLite only: checks that `file` is an intact SQLite database and copies it over the live one. */
  replaceDatabaseWith(file: string): Promise<void>;
}
