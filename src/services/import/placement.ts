import type { Article } from '../../domain/article.ts';
import type { Page } from '../../domain/page.ts';
import { articlePath, pagePath } from '../../domain/paths.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { importedPageSlugs, numberedSlugs } from '../../domain/slug.ts';
import { Errors } from '../../errors.ts';

/**
 * Where an imported item is written: over `existing` (what this source made of it before, or
 * the item itself, read back from an export of this site), else as new at `slug`.
 */
export interface Placement<T> {
  existing: T | undefined;
  slug: string;
  /** What the report says when content of another origin held the slug asked for, and the item went elsewhere. */
  warning: string | null;
}

/** An imported item as placement sees it. */
export interface ImportedItem {
  /** The import source, as ImportSession names it ("markdown", "wordpress:example.org"). */
  source: string;
  sourceId: string;
  slug: string;
  /** When the item was made, when the file says (exports do): the same article read back has it too. */
  createdAt: string | null;
  /** How the report names the item (a file name, a source id). */
  ref: string;
}

/**
 * Finds where an imported article goes without ever writing over content of another origin.
 * An article this source made before is updated, wherever it is now; so is one at a slug it may
 * take that was made at the same moment as the item (the same article, exported and read back).
 * An article written in the newsroom or brought by another import is left alone: the item takes
 * the next free slug (`hello-2`), and the warning says so.
 */
export async function placeImportedArticle(
  repos: Pick<Repositories, 'articles' | 'importSources'>,
  item: ImportedItem,
): Promise<Placement<Article>> {
  const previous = await repos.importSources.find({
    source: item.source,
    sourceId: item.sourceId,
    entityType: 'article',
  });
  return place(item, {
    own: previous === undefined ? undefined : await repos.articles.findById(previous),
    candidates: numberedSlugs(item.slug),
    holderOf: (slug) => repos.articles.findBySlug(slug),
    path: articlePath,
    movedWarning: (slug) =>
      `${articlePath(item.slug)} is another article (written here or by another import), left as it was: ${item.ref} was imported as ${articlePath(slug)}`,
  });
}

/** The same as placeImportedArticle, for static pages: the renamed page is `about-imported`. */
export async function placeImportedPage(
  repos: Pick<Repositories, 'pages' | 'importSources'>,
  item: ImportedItem,
): Promise<Placement<Page>> {
  const previous = await repos.importSources.find({
    source: item.source,
    sourceId: item.sourceId,
    entityType: 'page',
  });
  const pages = previous === undefined ? [] : await repos.pages.list();
  return place(item, {
    own: pages.find((page) => page.id === previous),
    candidates: importedPageSlugs(item.slug),
    holderOf: (slug) => repos.pages.findBySlug(slug),
    path: pagePath,
    movedWarning: (slug) =>
      `page ${pagePath(item.slug)} already exists and was not made by this import, so it was left as it was: ${item.ref} was imported as ${pagePath(slug)}`,
  });
}

/**
 * The first of the candidate slugs the item may take: its own earlier copy's (wherever it is
 * now), a free one, or one held by the same item read back from an export.
 */
async function place<T extends { id: number; createdAt: string }>(
  item: ImportedItem,
  options: {
    own: T | undefined;
    candidates: Iterable<string>;
    holderOf: (slug: string) => Promise<T | undefined>;
    path: (slug: string) => string;
    movedWarning: (slug: string) => string;
  },
): Promise<Placement<T>> {
  const { own } = options;
  for (const slug of options.candidates) {
    const holder = await options.holderOf(slug);
    if (own && (!holder || holder.id === own.id)) return { existing: own, slug, warning: null };
    if (own) continue;
    if (holder && !isSameItem(holder, item)) continue;
    return { existing: holder, slug, warning: slug === item.slug ? null : options.movedWarning(slug) };
  }
  throw Errors.IMPORT_FAILED({ file: item.ref, reason: `no free slug near ${options.path(item.slug)}` });
}

function isSameItem(holder: { createdAt: string }, item: ImportedItem): boolean {
  return item.createdAt !== null && Date.parse(holder.createdAt) === Date.parse(item.createdAt);
}
