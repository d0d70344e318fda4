import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MediaStore } from '../../adapters/media-store.ts';
import { emptyExportSections, exportRowErrors } from '../../domain/export-format.ts';
import { emptyReport } from '../../domain/migration-report.ts';
import { isAppError } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import { mediaRowProblems } from './export-rows.ts';
import { type ImportFileOutcome, readYamlList } from './markdown-publication.ts';

/**
 * Reads back the media of a Markdown export: the files under media/ (originals and variants),
 * copied into the instance's media store, and the media index in media.yaml, loaded the way the
 * JSON import loads its `media` section. Both are idempotent: a file already there with the same
 * bytes and a row already there with the same URL are left as they are.
 */
export async function importMediaLibrary(
  ctx: ServiceContext,
  folder: string,
  media: MediaStore | undefined,
): Promise<ImportFileOutcome[]> {
  const outcomes = await copyMediaFiles(folder, media);
  const rows = await importMediaRows(ctx, path.join(folder, 'media.yaml'));
  if (rows) outcomes.push(rows);
  return outcomes;
}

/** Copies media/ into the store: one outcome for the folder, and one for each file refused or failed. */
async function copyMediaFiles(folder: string, media: MediaStore | undefined): Promise<ImportFileOutcome[]> {
  const root = path.join(folder, 'media');
  const info = await lstat(root).catch(() => null);
  if (!info) return [];
  const refuse = (file: string, message: string): ImportFileOutcome => ({
    file,
    status: 'failed',
    errors: [{ field: '(file)', message }],
  });
  if (!info.isDirectory())
    return [
      refuse(root, 'must be a folder (a link to one is not followed, so nothing outside the export is read)'),
    ];
  if (!media) return [refuse(root, 'was not copied: this import has no media store to copy it into')];
  const outcomes: ImportFileOutcome[] = [];
  let copied = 0;
  let unchanged = 0;
  // Entries come from readdir, so no name holds a separator or "..": each stays below root. Links
  // are refused rather than followed, since one could point anywhere on the machine.
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(root, relative), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      const file = path.join(root, child);
      if (entry.isDirectory()) await walk(child);
      else if (!entry.isFile())
        outcomes.push(
          refuse(file, entry.isSymbolicLink() ? 'is a link; links are not followed' : 'is not a file'),
        );
      else {
        try {
          const bytes = await readFile(file);
          const existing = await media.read(child);
          if (existing?.equals(bytes)) unchanged += 1;
          else if (existing)
            outcomes.push(refuse(file, `a different file is already at media/${child}; it was kept`));
          else {
            await media.put(child, bytes);
            copied += 1;
          }
        } catch (error) {
          if (!isAppError(error) && !(error as NodeJS.ErrnoException).code) throw error;
          outcomes.push(refuse(file, error instanceof Error ? error.message : String(error)));
        }
      }
    }
  };
  await walk('');
  outcomes.unshift({
    file: root,
    status: copied > 0 ? 'imported' : 'unchanged',
    note: `${copied} media files copied, ${unchanged} already there`,
  });
  return outcomes;
}

/** media.yaml: every row checked first, then all loaded in one transaction, matched by URL. */
async function importMediaRows(ctx: ServiceContext, file: string): Promise<ImportFileOutcome | null> {
  const read = await readYamlList(file);
  if (read === null) return null;
  if ('errors' in read) return { file, status: 'failed', errors: read.errors };
  const errors = read.rows.flatMap((row, index) =>
    [...mediaRowProblems(row), ...exportRowErrors('media', row)].map((e) => ({
      ...e,
      field: `[${index}].${e.field}`,
    })),
  );
  if (errors.length > 0) return { file, status: 'failed', errors };
  const report = emptyReport(file);
  try {
    await ctx.store.archive.load({ ...emptyExportSections(), media: read.rows }, report, {
      replace: false,
      origin: file,
    });
  } catch (error) {
    if (isAppError(error))
      return {
        file,
        status: 'failed',
        errors: error.details ?? [{ field: '(file)', message: error.message }],
      };
    throw error;
  }
  ctx.changes.publish({ kind: 'everything' });
  const { imported, unchanged } = report.counts.media;
  return {
    file,
    status: imported > 0 ? 'imported' : 'unchanged',
    note: [
      `${read.rows.length} media (${imported} new, ${unchanged} already there)`,
      ...report.warnings,
    ].join('; '),
  };
}
