import { readFile } from 'node:fs/promises';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportSections } from '../../domain/export-format.ts';
import { emptyReport, type MigrationReport } from '../../domain/migration-report.ts';
import { type AppError, Errors } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import { rebuildSearchIndex } from '../discovery/search.ts';

type Row = Record<string, unknown>;

function failed(file: string, message: string, cause?: unknown): AppError {
  return Errors.IMPORT_FAILED({ file, reason: message }, { cause });
}

function list(value: unknown, name: string, file: string): Row[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw failed(file, `"${name}" must be a list`);
  return value as Row[];
}

/**
 * Reads a Pressroom export (docs/export-format.md) into this instance, in one transaction.
 * Into an empty instance it recreates the publication exactly: the same rows, timestamps,
 * versions, revisions, corrections and comments. Into a non-empty one it updates what exists
 * (matched by slug, URL or path) and adds the rest; history is added only for new entities.
 * With `replace`, the content already there is removed first, in the same transaction.
 */
export async function importJson(
  ctx: ServiceContext,
  file: string,
  options: { actor?: string; replace?: boolean } = {},
): Promise<MigrationReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw Errors.IMPORT_FAILED({ reason: `Cannot read ${file}: ${whyUnreadable(cause)}` }, { cause });
  }
  let doc: Row;
  try {
    doc = JSON.parse(text) as Row;
  } catch (cause) {
    const position = /position (\d+)/.exec(String(cause))?.[1];
    const line = position ? text.slice(0, Number(position)).split('\n').length : null;
    throw failed(file, `${line ? `line ${line}: ` : ''}not valid JSON`, cause);
  }
  if (doc?.format !== EXPORT_FORMAT)
    throw failed(file, `this is not a Pressroom export (no "format": "${EXPORT_FORMAT}")`);
  if (typeof doc.version !== 'number' || doc.version > EXPORT_VERSION)
    throw failed(
      file,
      `export format version ${String(doc.version)} is newer than this Pressroom reads (${EXPORT_VERSION})`,
    );
  const sections: ExportSections = {
    settings: list(doc.settings, 'settings', file),
    taxonomies: list(doc.taxonomies, 'taxonomies', file),
    terms: list(doc.terms, 'terms', file),
    people: list(doc.people, 'people', file),
    articles: list(doc.articles, 'articles', file),
    pages: list(doc.pages, 'pages', file),
    settingsRevisions: list(doc.settingsRevisions, 'settingsRevisions', file),
    media: list(doc.media, 'media', file),
    redirects: list(doc.redirects, 'redirects', file),
    importSources: list(doc.importSources, 'importSources', file),
  };

  const report = emptyReport(`Pressroom export ${String(doc.siteUrl ?? '')}`.trim());
  await ctx.store.archive.load(sections, report, { replace: options.replace ?? false, origin: file });
  // Rows were loaded around article saves: the search index is built here, where it happened.
  await rebuildSearchIndex(ctx);
  ctx.changes.publish({ kind: 'everything' });
  return report;
}

/** Why a file could not be opened, in words (a folder given for a file is a common slip). */
function whyUnreadable(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  return cause instanceof Error ? cause.message : String(cause);
}
