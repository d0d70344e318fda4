import { renderMarkdown } from '../content/markdown.ts';
import { toIsoTimestamp } from '../domain/article.ts';
import type { Page } from '../domain/page.ts';
import type { Repositories } from '../domain/ports/store.ts';
import { RESERVED_SLUGS, slugProblem } from '../domain/slug.ts';
import { Errors } from '../errors.ts';
import { keepRevision } from './revision-log.ts';

export interface PageDraft {
  slug: string;
  title: string;
  bodyMarkdown: string;
  status: 'draft' | 'published';
  showInNavigation: boolean;
  position: number;
}

/** Creates or updates (by slug) a static page, keeping a revision. */
export async function savePageIn(
  repos: Repositories,
  draft: PageDraft,
  options: { actor: string; now: Date },
): Promise<Page> {
  const errors = [];
  if (!draft.title.trim()) errors.push({ field: 'title', message: 'must not be empty' });
  const slugIssue = slugProblem(draft.slug);
  if (slugIssue) errors.push({ field: 'slug', message: slugIssue });
  if (RESERVED_SLUGS.has(draft.slug)) errors.push({ field: 'slug', message: `"${draft.slug}" is reserved` });
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
  const now = toIsoTimestamp(options.now);
  const existing = await repos.pages.findBySlug(draft.slug);
  const record = {
    slug: draft.slug,
    title: draft.title.trim(),
    bodyMarkdown: draft.bodyMarkdown,
    bodyHtml: renderMarkdown(draft.bodyMarkdown),
    status: draft.status,
    showInNavigation: draft.showInNavigation,
    position: draft.position,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  let id: number;
  if (existing) {
    id = existing.id;
    await repos.pages.update(id, record);
  } else {
    id = await repos.pages.insert(record);
  }
  await keepRevision(repos, {
    entityType: 'page',
    entityId: id,
    actor: options.actor,
    snapshot: draft,
    createdAt: now,
  });
  return { id, ...record };
}
