import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MediaStore } from '../../adapters/media-store.ts';
import type { ArticleDraft } from '../../domain/article.ts';
import type { ItemOutcome } from '../../domain/migration-report.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { Errors, type FieldError, isAppError } from '../../errors.ts';
import { announceArticle, draftOf, type SaveResult, saveArticleIn } from '../articles.ts';
import type { ServiceContext } from '../context.ts';
import { findOrCreatePerson } from '../people.ts';
import { findOrCreateTerm } from '../taxonomies.ts';
import { externalImagesNote, linkExternalImages, linkToExternalImage } from './external-images.ts';
import { type ArticleFile, parseArticleFile } from './front-matter.ts';
import {
  exportedHistory,
  historyProblems,
  importSourceMappings,
  isAsImported,
  localHistory,
  MARKDOWN_REVISION_NOTE,
  type PlacedItems,
} from './markdown-history.ts';
import { importMediaLibrary } from './markdown-media.ts';
import {
  checkPublicationData,
  type ImportFileOutcome,
  importPagesCommentsRedirects,
  importPeopleAndTaxonomies,
  importSettings,
  isPublicationFolder,
  keptProfilesNote,
  MARKDOWN_SOURCE,
  markdownPersonPolicy,
  rememberFile,
} from './markdown-publication.ts';
import { placeImportedArticle } from './placement.ts';
import { EDITED_HERE, sameDraft } from './session.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

const MAX_FILE_BYTES = 5 * 1024 * 1024;

export type { ImportFileOutcome };

/**
 * What a Markdown import did: how many files (article and page files, and data files such as
 * people.yaml) ended each way, in the outcomes every importer reports, and each file's outcome.
 * The counts add up to the outcomes listed.
 */
export type ImportReport = Record<ItemOutcome, number> & {
  outcomes: ImportFileOutcome[];
  /** Set when the import was asked to stop (SIGTERM, Ctrl-C) between two files: what asked, and how far it got. */
  stoppedBy?: string;
};

/** Lists the .md files at a path: the file itself, or every .md file below a folder, sorted. */
export async function markdownFilesAt(target: string): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(target);
  } catch {
    throw Errors.IMPORT_FAILED({ reason: `No file or folder at ${target}` });
  }
  if (info.isFile()) return [target];
  const entries = await readdir(target, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && /\.(md|markdown)$/i.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  if (files.length === 0) {
    // "0 created" with success would hide a wrong folder name.
    throw Errors.IMPORT_FAILED({ reason: `No .md or .markdown files in the folder ${target}` });
  }
  return files;
}

/**
 * Imports Markdown articles. Each file is checked in full, then written in its own
 * transaction: a bad file is reported by name and field and leaves nothing behind. A folder
 * written by the Markdown export is read whole; its media/ files are copied into `media`.
 */
export async function importMarkdown(
  ctx: ServiceContext,
  target: string,
  options: { actor?: string; media?: MediaStore; stopSignal?: AbortSignal } = {},
): Promise<ImportReport> {
  const actor = options.actor ?? 'import';
  const report: ImportReport = { imported: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0, outcomes: [] };
  const placed: PlacedItems = { articles: new Map(), pages: new Map() };
  const add = (outcome: ImportFileOutcome) => {
    report.outcomes.push(outcome);
    report[outcome.status] += 1;
  };
  // A folder written by the Markdown export is read back whole: what the export writes, the
  // import reads (people and terms first, so their slugs are kept; comments and redirects last).
  const isPublication = await isPublicationFolder(target);
  if (isPublication) {
    const problems = await publicationFolderProblems(ctx, target);
    if (problems.length > 0) {
      for (const outcome of problems) add(outcome);
      return report;
    }
    const settings = await importSettings(ctx, target, actor);
    if (settings) add(settings);
    for (const outcome of await importPeopleAndTaxonomies(ctx, target, actor)) add(outcome);
    for (const outcome of await importMediaLibrary(ctx, target, options.media)) add(outcome);
  }
  const files = await markdownFilesAt(isPublication ? path.join(target, 'articles') : target);
  const ownHosts = new Set([hostOf(ctx.siteUrl)].filter(Boolean));
  let done = 0;
  for (const file of files) {
    // Each file is written in its own transaction: asked to stop, the import stops between two,
    // and running it again finishes it (a file already imported reads unchanged).
    if (await isStopRequested(options.stopSignal)) {
      report.stoppedBy = `${stopReason(options.stopSignal)} after ${done} of ${files.length} files`;
      return report;
    }
    add(await importOneFile(ctx, file, { actor, placed, folder: isPublication ? target : null, ownHosts }));
    done += 1;
  }
  if (isPublication) {
    for (const outcome of await importPagesCommentsRedirects(ctx, target, actor, placed)) add(outcome);
    const file = path.join(target, 'import-sources.yaml');
    const mappings = await importSourceMappings(ctx, target, placed);
    if (mappings)
      add({
        file,
        status: mappings.added > 0 ? 'imported' : 'unchanged',
        note: `${mappings.added} import mappings added, ${mappings.unchanged} already here${mappings.left > 0 ? `, ${mappings.left} left out (their item was not imported)` : ''}`,
      });
  }
  return report;
}

/**
 * An article file with the images of other sites (in its body, or as its image) made links to
 * them, and what its report line says of them; null when it has none.
 */
function externalImagesAsLinks(
  file: ArticleFile,
  ownHosts: ReadonlySet<string>,
): { article: ArticleFile; note: string } | null {
  const body = linkExternalImages(file.body, ownHosts);
  const image = file.image ? linkToExternalImage(file.image, file.imageAlt ?? '', ownHosts) : null;
  if (body.images.length === 0 && !image) return null;
  const notes = [
    ...(body.images.length > 0 ? [externalImagesNote(body.images)] : []),
    ...(image ? [`image ${externalImagesNote(image.images)}`] : []),
  ];
  return {
    article: {
      ...file,
      body: image ? `${image.markdown}\n\n${body.markdown}` : body.markdown,
      ...(image ? { image: null, imageAlt: null } : {}),
    },
    note: notes.join('; '),
  };
}

/** Whether a stop was asked for; the event loop is let turn first, so a signal is heard during writes. */
async function isStopRequested(signal: AbortSignal | undefined): Promise<boolean> {
  if (!signal) return false;
  await new Promise((resolve) => setImmediate(resolve));
  return signal.aborted;
}

function stopReason(signal: AbortSignal | undefined): string {
  return typeof signal?.reason === 'string' ? signal.reason : 'a request to stop';
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return '';
  }
}

/** An article file read and checked, or why it cannot be imported. */
async function readArticleFile(
  file: string,
  taxonomySlugs: string[],
): Promise<{ ok: true; value: ArticleFile } | { ok: false; errors: FieldError[] }> {
  const info = await stat(file);
  if (info.size > MAX_FILE_BYTES)
    return {
      ok: false,
      errors: [{ field: '(file)', message: `is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` }],
    };
  let text: string;
  try {
    // Strict decoding: bytes that are not UTF-8 refuse the file, while a U+FFFD character the
    // text itself holds (an old archive's mojibake, "Caf\uFFFD") is read as written.
    text = UTF8.decode(await readFile(file));
  } catch {
    return { ok: false, errors: [{ field: '(file)', message: 'is not valid UTF-8 text' }] };
  }
  return parseArticleFile(text, taxonomySlugs);
}

/**
 * Checks every article file and data file of a publication folder before anything is written:
 * a folder is the export of one publication, so one that cannot be read whole is not read at all.
 */
async function publicationFolderProblems(ctx: ServiceContext, folder: string): Promise<ImportFileOutcome[]> {
  const failed: ImportFileOutcome[] = [];
  const data = await checkPublicationData(folder);
  failed.push(...data.failed);
  const taxonomySlugs = [
    ...new Set([...(await ctx.store.taxonomies.listTaxonomies()).map((t) => t.slug), ...data.taxonomySlugs]),
  ];
  for (const file of await markdownFilesAt(path.join(folder, 'articles'))) {
    const read = await readArticleFile(file, taxonomySlugs);
    if (!read.ok) failed.push({ file, status: 'failed', errors: read.errors });
  }
  for (const { file, errors } of await historyProblems(folder))
    failed.push({ file, status: 'failed', errors });
  return failed;
}

async function importOneFile(
  ctx: ServiceContext,
  file: string,
  options: { actor: string; placed: PlacedItems; folder: string | null; ownHosts: ReadonlySet<string> },
): Promise<ImportFileOutcome> {
  const taxonomySlugs = (await ctx.store.taxonomies.listTaxonomies()).map((t) => t.slug);
  const parsed = await readArticleFile(file, taxonomySlugs);
  if (!parsed.ok) return { file, status: 'failed', errors: parsed.errors };
  const history = await exportedHistory(options.folder, 'articles', parsed.value.slug);
  // Files from elsewhere (a static site's posts) get the WordPress and Ghost imports' treatment of
  // other sites' images; this instance's own export is read back as it was written.
  const linked = options.folder === null ? externalImagesAsLinks(parsed.value, options.ownHosts) : null;
  const article = linked?.article ?? parsed.value;
  try {
    const result = await ctx.store.transaction((repos) =>
      storeArticleFile(repos, article, { actor: options.actor, now: ctx.now(), ref: file, history }),
    );
    options.placed.articles.set(parsed.value.slug, result.article.id);
    if (result.outcome === 'imported' || result.outcome === 'updated') announceArticle(ctx, result);
    const warnings = [result.warning, linked?.note].filter(Boolean);
    return {
      file,
      status: result.outcome,
      slug: result.article.slug,
      ...(warnings.length > 0 ? { warning: warnings.join('; ') } : {}),
    };
  } catch (error) {
    if (isAppError(error))
      return {
        file,
        status: 'failed',
        errors: error.details ?? [{ field: '(article)', message: error.message }],
      };
    throw error;
  }
}

/**
 * Writes one parsed article file, creating unknown authors and terms, inside the caller's
 * transaction. An article at the file's slug that this import did not make is left alone: the
 * file is imported under a free slug, and `warning` says so.
 */
export async function storeArticleFile(
  repos: Repositories,
  file: ArticleFile,
  options: {
    actor: string;
    now: Date;
    defaultLanguage?: string;
    ref: string;
    /** The revisions the article had where it was exported from (history/articles/<slug>.yaml), oldest first. */
    history?: Record<string, unknown>[];
  },
): Promise<
  SaveResult & { warning: string | null; outcome: 'imported' | 'updated' | 'unchanged' | 'skipped' }
> {
  const history = options.history ?? [];
  const taxonomies = await repos.taxonomies.listTaxonomies();
  const termIds: number[] = [];
  const errors: FieldError[] = [];
  for (const [slug, names] of file.terms) {
    const taxonomy = taxonomies.find((t) => t.slug === slug);
    if (!taxonomy) {
      errors.push({ field: slug, message: 'is not a taxonomy' });
      continue;
    }
    if (!taxonomy.isMultiple && names.length > 1) {
      errors.push({ field: slug, message: `${taxonomy.name} takes one term, not ${names.length}` });
      continue;
    }
    for (const name of names)
      termIds.push((await findOrCreateTerm(repos, taxonomy, { name }, options.now)).id);
  }
  if (errors.length > 0) throw Errors.FRONT_MATTER_INVALID({ details: errors });
  const authorIds: number[] = [];
  const kept: string[] = [];
  const policy = markdownPersonPolicy(repos, { actor: options.actor, now: options.now, kept });
  for (const ref of file.authors)
    authorIds.push((await findOrCreatePerson(repos, ref, options.now, options.actor, policy)).id);

  const placement = await placeImportedArticle(repos, {
    source: MARKDOWN_SOURCE,
    sourceId: file.slug,
    slug: file.slug,
    createdAt: file.createdAt,
    ref: options.ref,
  });
  const existing = placement.existing;
  const draft: ArticleDraft = {
    slug: placement.slug,
    title: file.title,
    subtitle: file.subtitle,
    summary: file.summary,
    epigraph: file.epigraph,
    bodyMarkdown: file.body.trim(),
    status: file.status,
    // A file without a date keeps the one its article has: a re-run must not publish it anew.
    publishedAt:
      file.date ?? existing?.publishedAt ?? (file.status === 'published' ? options.now.toISOString() : null),
    source: file.source ? { name: file.source, url: file.sourceUrl } : null,
    canonicalUrl: file.canonicalUrl,
    license: file.license,
    language: file.language ?? options.defaultLanguage ?? 'en',
    featuredImage: file.image,
    featuredImageAlt: file.imageAlt,
    seoTitle: file.seoTitle,
    seoDescription: file.seoDescription,
    socialImage: file.socialImage,
    visibility: file.visibility,
    isFeatured: file.isFeatured,
    hasComments: file.hasComments,
    authorIds: [...new Set(authorIds)],
    termIds: [...new Set(termIds)],
  };
  const warning = [placement.warning, keptProfilesNote(kept)].filter(Boolean).join('; ') || null;
  const localRevisions = existing ? [] : await localHistory(repos, 'article', history);
  // Front matter lists terms by taxonomy, which loses their order across taxonomies: the same
  // terms keep the order the article (or its exported history) has.
  const lastSnapshot = localRevisions.at(-1)?.snapshot as { termIds?: number[] } | undefined;
  draft.termIds = inKnownOrder(draft.termIds, existing?.termIds ?? lastSnapshot?.termIds ?? []);
  if (existing) {
    await rememberFile(repos, { entityType: 'article', slug: file.slug, id: existing.id, now: options.now });
    const unchanged = { article: existing, isNew: false, previousSlug: null, previousListing: null };
    if (sameDraft(draftOf(existing), withPublishedAt(draft, existing.publishedAt)))
      return { ...unchanged, warning, outcome: 'unchanged' };
    if (!(await isAsImported(repos, { type: 'article', id: existing.id }, { actor: options.actor, history })))
      return { ...unchanged, warning: [EDITED_HERE, warning].filter(Boolean).join('; '), outcome: 'skipped' };
  }
  const result = await saveArticleIn(repos, draft, {
    actor: options.actor,
    now: options.now,
    note: MARKDOWN_REVISION_NOTE,
    createdAt: file.createdAt,
    modifiedAt: file.updatedAt,
    ...(existing ? { id: existing.id } : { isKnownNew: true, history: localRevisions }),
  });
  if (!existing)
    await rememberFile(repos, {
      entityType: 'article',
      slug: file.slug,
      id: result.article.id,
      now: options.now,
    });
  return { ...result, warning, outcome: existing ? 'updated' : 'imported' };
}

/** A draft whose date is written as the stored one is, so that equal times compare equal. */
function withPublishedAt(draft: ArticleDraft, stored: string | null): ArticleDraft {
  if (draft.publishedAt === null || stored === null) return draft;
  return Date.parse(draft.publishedAt) === Date.parse(stored) ? { ...draft, publishedAt: stored } : draft;
}

/** `ids` in the order of `known` when both hold the same ids, else as they are. */
function inKnownOrder(ids: number[], known: number[]): number[] {
  if (ids.length !== known.length) return ids;
  const wanted = new Set(ids);
  return known.every((id) => wanted.has(id)) ? [...known] : ids;
}
