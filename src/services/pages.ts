import { renderMarkdown } from '../content/markdown.ts';
import { toIsoTimestamp } from '../domain/article.ts';
import { type Page, validatePage } from '../domain/page.ts';
import { pagePath } from '../domain/paths.ts';
import type { Repositories } from '../domain/ports/store.ts';
import { slugify } from '../domain/slug.ts';
import { Errors } from '../errors.ts';
import { keepRevision } from './revision-log.ts';
import { findingTheWinner } from './unique-races.ts';

export interface PageDraft {
  slug: string;
  title: string;
  bodyMarkdown: string;
  status: 'draft' | 'published';
  showInNavigation: boolean;
  position: number;
}

export interface PageSaveResult {
  page: Page;
  isNew: boolean;
  /** The slug the page had before, when this save changed it. */
  previousSlug: string | null;
}

/**
 * The one way a page is written, inside the caller's transaction: validates, renders, keeps a
 * revision, and leaves a redirect from the old address when the slug changes. Matches the page
 * by `id` when given (the editor), else by slug (imports and the demo); an empty slug is made
 * from the title.
 */
export function savePageIn(
  repos: Pick<Repositories, 'pages' | 'redirects' | 'revisions'>,
  input: PageDraft,
  options: PageSaveOptions,
): Promise<PageSaveResult> {
  // Matched by slug (an import), a page made by a parallel save of the same slug is the one to update.
  if (options.id === undefined && !options.isNew)
    return findingTheWinner(() => savePage(repos, input, options));
  return savePage(repos, input, options);
}

interface PageSaveOptions {
  actor: string;
  now: Date;
  id?: number;
  /** A new page (the editor's "New page"): a page already at its slug is a clash, not the page to update. */
  isNew?: boolean;
  /** When the page was made and last changed where it comes from (an import or restore). */
  createdAt?: string | null;
  modifiedAt?: string | null;
  /** Said with the revision kept (an import names itself). */
  note?: string;
}

async function savePage(
  repos: Pick<Repositories, 'pages' | 'redirects' | 'revisions'>,
  input: PageDraft,
  options: PageSaveOptions,
): Promise<PageSaveResult> {
  const title = input.title.trim();
  const slug = input.slug.trim() || slugify(title);
  const errors = validatePage({ slug, title, status: input.status, position: input.position });

  const existing =
    options.id === undefined
      ? await repos.pages.findBySlug(slug)
      : (await repos.pages.list()).find((p) => p.id === options.id);
  if (options.id !== undefined && !existing) throw Errors.PAGE_NOT_FOUND({ id: options.id });
  if (options.isNew && existing) {
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'slug', message: `is already used by “${existing.title}”` }],
    });
  }
  if (existing && existing.slug !== slug) {
    const clash = await repos.pages.findBySlug(slug);
    if (clash) errors.push({ field: 'slug', message: `is already used by “${clash.title}”` });
  }
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });

  const now = toIsoTimestamp(options.now);
  const draft: PageDraft = {
    slug,
    title,
    bodyMarkdown: input.bodyMarkdown,
    status: input.status,
    showInNavigation: input.showInNavigation,
    position: input.position,
  };
  const record = {
    ...draft,
    bodyHtml: await renderMarkdown(draft.bodyMarkdown, { field: 'body' }),
    createdAt: existing?.createdAt ?? options.createdAt ?? now,
    updatedAt: options.modifiedAt && options.modifiedAt < now ? options.modifiedAt : now,
  };
  let id: number;
  if (existing) {
    id = existing.id;
    await repos.pages.update(id, record);
  } else {
    id = await repos.pages.insert(record);
  }
  const previousSlug = existing && existing.slug !== slug ? existing.slug : null;
  if (previousSlug) {
    await repos.redirects.put(
      { fromPath: pagePath(previousSlug), toPath: pagePath(slug), statusCode: 301 },
      now,
    );
  }
  await keepRevision(repos, {
    entityType: 'page',
    entityId: id,
    actor: options.actor,
    snapshot: draft,
    createdAt: now,
    ...(options.note ? { note: options.note } : {}),
  });
  return { page: { id, ...record }, isNew: !existing, previousSlug };
}
