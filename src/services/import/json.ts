import { readFile } from 'node:fs/promises';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportRow,
  type ExportRowKind,
  type ExportSections,
  exportRowErrors,
} from '../../domain/export-format.ts';
import { emptyReport, type MigrationReport, type ReportKind } from '../../domain/migration-report.ts';
import { clipText } from '../../domain/text.ts';
import { type AppError, Errors, type FieldError } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import { rebuildSearchIndex } from '../discovery/search.ts';
import { checkExportSections, revisionRowProblems } from './export-rows.ts';

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
 * Reads a Pressroom export (docs/export-format.md) into this instance, in one transaction. Each
 * row is first checked as the editor checks what it saves (see checkExportSections): a bad one
 * is left out and reported as failed, with its reason, and the rest is loaded.
 * Into an empty instance it recreates the publication exactly: the same rows, timestamps,
 * versions, revisions, corrections and comments. Into a non-empty one it updates what exists
 * (matched by slug, URL or path) and adds the rest; history is added only for new entities.
 * With `replace`, the content already there is removed first, in the same transaction.
 */
export async function importJson(
  ctx: ServiceContext,
  file: string,
  options: { actor?: string; replace?: boolean; stopSignal?: AbortSignal } = {},
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
  const loadable = rowsThatFit(sections, report, file);
  // Checked and rendered before the load's transaction opens: rendering a long body takes a worker.
  const checked = await checkExportSections(loadable, report);
  // The load is one transaction: a stop asked for while the file was read and checked (which
  // takes most of the time of a large one) stops before it, with nothing written. One asked for
  // during the load lets it finish whole.
  await new Promise((resolve) => setImmediate(resolve));
  if (options.stopSignal?.aborted) {
    const reason =
      typeof options.stopSignal.reason === 'string' ? options.stopSignal.reason : 'a request to stop';
    const stopped = emptyReport(report.source);
    stopped.stoppedBy = `${reason} before anything was written`;
    stopped.warnings.push(`nothing was imported: the import was stopped by ${stopped.stoppedBy}`);
    return stopped;
  }
  await ctx.store.archive.load(checked, report, { replace: options.replace ?? false, origin: file });
  // Rows were loaded around article saves: the search index is built here, where it happened.
  await rebuildSearchIndex(ctx);
  ctx.changes.publish({ kind: 'everything' });
  // A stop asked for during the load came too late to stop it: the report says so, rather than
  // leaving whoever asked to wonder what was kept.
  await new Promise((resolve) => setImmediate(resolve));
  if (options.stopSignal?.aborted) {
    const reason =
      typeof options.stopSignal.reason === 'string' ? options.stopSignal.reason : 'a request to stop';
    report.warnings.push(
      `${reason} came during the load, which is one transaction, too late to stop it: everything above was imported`,
    );
  }
  return report;
}

/** How each section's rows are counted and named in the report. */
const SECTION_ROWS: Record<keyof ExportSections, { kind: ReportKind; noun: string; ref: string }> = {
  settings: { kind: 'item', noun: 'setting', ref: 'key' },
  settingsRevisions: { kind: 'item', noun: 'settings revision', ref: 'version' },
  taxonomies: { kind: 'item', noun: 'taxonomy', ref: 'slug' },
  terms: { kind: 'term', noun: 'term', ref: 'slug' },
  people: { kind: 'person', noun: 'person', ref: 'slug' },
  articles: { kind: 'article', noun: 'article', ref: 'slug' },
  pages: { kind: 'page', noun: 'page', ref: 'slug' },
  media: { kind: 'media', noun: 'media', ref: 'url' },
  redirects: { kind: 'redirect', noun: 'redirect', ref: 'from_path' },
  importSources: { kind: 'item', noun: 'import source', ref: 'source_id' },
};

/** Lists inside a row, checked row by row: a bad revision or comment costs only itself. */
const NESTED: Partial<Record<keyof ExportSections, ('revisions' | 'comments' | 'corrections')[]>> = {
  terms: ['revisions'],
  people: ['revisions'],
  articles: ['revisions', 'corrections', 'comments'],
  pages: ['revisions'],
};

/**
 * The sections without the rows (or the revisions, corrections and comments inside them) that
 * hold a value no column can: each is left out and named among the skipped things, with the
 * column and its limit, and a row, comment or correction fails as a source item (a revision is
 * history, not an item: it is only named); the rest loads. Left in, one would fail the whole
 * load on PostgreSQL, and be kept whole on SQLite.
 */
function rowsThatFit(sections: ExportSections, report: MigrationReport, file: string): ExportSections {
  const skip = (kind: ReportKind, ref: string, errors: FieldError[], item?: { noun: string; id: string }) => {
    const reason = errors.map((e) => `${e.field} ${e.message}`).join('; ');
    report.skipped.push({ kind, ref: clipText(ref, 80), reason });
    if (!item) return;
    report.counts[kind].failed += 1;
    report.items.push({ kind: item.noun, id: clipText(item.id, 120), title: '', outcome: 'failed', reason });
  };
  const fitting = { ...sections };
  for (const section of Object.keys(SECTION_ROWS) as (keyof ExportSections)[]) {
    const { kind, noun, ref } = SECTION_ROWS[section];
    fitting[section] = sections[section].flatMap((row) => {
      const name = `${noun} ${String(row[ref] ?? '?')}`;
      const errors = [
        ...exportRowErrors(section, row),
        ...(section === 'settingsRevisions' ? revisionRowProblems(row) : []),
      ];
      if (errors.length > 0) {
        // The settings' history is history, not an item of its own.
        skip(
          kind,
          name,
          errors,
          section === 'settingsRevisions' ? undefined : { noun, id: String(row[ref] ?? '?') },
        );
        return [];
      }
      const copy: ExportRow = { ...row };
      for (const key of NESTED[section] ?? []) {
        const nestedKind = `${section}.${key}` as ExportRowKind;
        const items = list(row[key], `${section}[${String(row[ref])}].${key}`, file);
        // Comments name their parent by place in the list: places are renumbered, and a reply to
        // a skipped comment becomes a comment of its own.
        const places = new Map<number, number>();
        const kept: ExportRow[] = [];
        for (const [index, item] of items.entries()) {
          const itemErrors = [
            ...exportRowErrors(nestedKind, item),
            ...(key === 'revisions' ? revisionRowProblems(item) : []),
          ];
          if (itemErrors.length > 0) {
            const owner = String(row[ref] ?? '?');
            skip(
              key === 'comments' ? 'comment' : 'item',
              `${key.replace(/s$/, '')} ${index + 1} of ${name}`,
              itemErrors,
              key === 'comments'
                ? { noun: 'comment', id: `${owner}#${index}` }
                : key === 'corrections'
                  ? { noun: 'correction', id: `${owner}#${String(item.created_at ?? '')}` }
                  : undefined,
            );
            continue;
          }
          places.set(index, kept.length);
          kept.push(item);
        }
        const owner = String(row[ref] ?? '?');
        copy[key] =
          key === 'comments'
            ? kept.map((item, at) => {
                if (typeof item.parent !== 'number') return item;
                const parent = places.get(item.parent);
                if (parent === undefined)
                  report.warnings.push(
                    `comment ${owner}#${[...places].find(([, place]) => place === at)?.[0] ?? at} (${String(item.author_name ?? '')}): its parent (comment #${item.parent}) is not in the file or was left out; it is kept as a comment of its own`,
                  );
                return { ...item, parent: parent ?? null };
              })
            : kept;
        if (row[key] === undefined) delete copy[key];
      }
      return [copy];
    });
  }
  return fitting;
}

/** Why a file could not be opened, in words (a folder given for a file is a common slip). */
function whyUnreadable(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  return cause instanceof Error ? cause.message : String(cause);
}
