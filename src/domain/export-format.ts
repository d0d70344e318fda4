/** The identifier of the export format; see docs/export-format.md. */
export const EXPORT_FORMAT = 'pressroom-export';
export const EXPORT_VERSION = 1;

/** A row of an export document, column names as in the database (snake_case). */
export type ExportRow = Record<string, unknown>;

/** The top-level lists of an export document, each already checked to be a list. */
export interface ExportSections {
  settings: ExportRow[];
  taxonomies: ExportRow[];
  terms: ExportRow[];
  people: ExportRow[];
  articles: ExportRow[];
  pages: ExportRow[];
  settingsRevisions: ExportRow[];
  media: ExportRow[];
  redirects: ExportRow[];
  importSources: ExportRow[];
}

/** A sink for the export text; the file is written piece by piece so memory stays flat. */
export interface ExportSink {
  write(text: string): Promise<void> | void;
}
