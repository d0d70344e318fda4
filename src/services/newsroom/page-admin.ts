import { renderMarkdown } from '../../content/markdown.ts';
import { toIsoTimestamp } from '../../domain/article.ts';
import type { Page } from '../../domain/page.ts';
import { pagePath } from '../../domain/paths.ts';
import { RESERVED_SLUGS, slugify, slugProblem } from '../../domain/slug.ts';
import { Errors, type FieldError } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import type { PageDraft } from '../pages.ts';
import { keepRevision } from '../revision-log.ts';
import { auditActor, requireCan, revisionActor, type Staff } from './staff.ts';

/** Finds a page by id (the page repository is keyed by slug). */
export async function findPageById(ctx: ServiceContext, id: number): Promise<Page> {
  const page = (await ctx.store.pages.list()).find((p) => p.id === id);
  if (!page) throw Errors.PAGE_NOT_FOUND({ id });
  return page;
}

/** Creates (no id) or edits a static page, keeping a revision; a new slug redirects from the old address. */
export async function savePage(
  ctx: ServiceContext,
  staff: Staff,
  input: PageDraft & { id?: number },
): Promise<Page> {
  requireCan(staff, 'page.manage', 'Only editors may manage pages.');
  const now = ctx.now();
  const nowIso = toIsoTimestamp(now);
  const errors: FieldError[] = [];
  const title = input.title.trim();
  const slug = input.slug.trim() || slugify(title);
  if (!title) errors.push({ field: 'title', message: 'must not be empty' });
  const slugIssue = title || input.slug.trim() ? slugProblem(slug) : undefined;
  if (slugIssue) errors.push({ field: 'slug', message: slugIssue });
  else if (RESERVED_SLUGS.has(slug))
    errors.push({ field: 'slug', message: `"${slug}" is reserved for the site` });
  if (input.status !== 'draft' && input.status !== 'published')
    errors.push({ field: 'status', message: 'must be draft or published' });
  if (!Number.isInteger(input.position))
    errors.push({ field: 'position', message: 'must be a whole number' });
  const { page, oldSlug } = await ctx.store.transaction(async (repos) => {
    const pages = await repos.pages.list();
    const existing = input.id === undefined ? undefined : pages.find((p) => p.id === input.id);
    if (input.id !== undefined && !existing) throw Errors.PAGE_NOT_FOUND({ id: input.id });
    const clash = pages.find((p) => p.slug === slug);
    if (clash && clash.id !== existing?.id)
      errors.push({ field: 'slug', message: `is already used by “${clash.title}”` });
    if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
    const record = {
      slug,
      title,
      bodyMarkdown: input.bodyMarkdown,
      bodyHtml: renderMarkdown(input.bodyMarkdown),
      status: input.status,
      showInNavigation: input.showInNavigation,
      position: input.position,
      createdAt: existing?.createdAt ?? nowIso,
      updatedAt: nowIso,
    };
    let id: number;
    if (existing) {
      id = existing.id;
      await repos.pages.update(id, record);
      if (existing.slug !== slug) {
        await repos.redirects.put(
          { fromPath: pagePath(existing.slug), toPath: pagePath(slug), statusCode: 301 },
          nowIso,
        );
      }
    } else {
      id = await repos.pages.insert(record);
    }
    await keepRevision(repos, {
      entityType: 'page',
      entityId: id,
      actor: revisionActor(staff),
      snapshot: { ...input, slug, title },
      createdAt: nowIso,
    });
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: existing ? 'page.edit' : 'page.create',
      entity: ['page', id],
      summary: `${existing ? 'Edited' : 'Created'} page “${title}”`,
      at: now,
    });
    return { page: { id, ...record } as Page, oldSlug: existing?.slug };
  });
  ctx.changes.publish({ kind: 'page', slug: page.slug });
  if (oldSlug && oldSlug !== page.slug) ctx.changes.publish({ kind: 'page', slug: oldSlug });
  return page;
}
