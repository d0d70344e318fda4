import type { NameListFilters } from '../../domain/name-list-query.ts';
import type { Page } from '../../domain/page.ts';
import type { PageListRow } from '../../domain/ports/admin-list-store.ts';
import type { AdminArticleCursor } from '../../domain/ports/article-admin-store.ts';
import { Errors } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { type PageDraft, savePageIn } from '../pages.ts';
import { auditActor, requireCan, revisionActor, type Staff } from './staff.ts';

/** How many pages one page of the admin list shows. */
export const PAGE_LIST_PAGE_SIZE = 50;

/** One page of the pages list: searched by the beginning of their title, in the chosen order; `next` is null on the last. */
export async function listPagesPage(
  ctx: ServiceContext,
  staff: Staff,
  filters: NameListFilters,
  options: { pageSize?: number } = {},
): Promise<{ rows: PageListRow[]; next: AdminArticleCursor | null }> {
  requireCan(staff, 'page.manage', 'Only editors may manage pages.');
  const pageSize = options.pageSize ?? PAGE_LIST_PAGE_SIZE;
  const found = await ctx.store.adminLists.pages({
    sort: filters.sort,
    limit: pageSize + 1,
    ...(filters.text ? { text: filters.text } : {}),
    ...(filters.after ? { after: filters.after } : {}),
  });
  const rows = found.slice(0, pageSize);
  const last = rows.at(-1);
  return { rows, next: found.length > pageSize && last ? { key: last.key, id: last.id } : null };
}

/** Finds a page by id. */
export async function findPageById(ctx: ServiceContext, id: number): Promise<Page> {
  const page = await ctx.store.pages.findById(id);
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
  const { id, ...draft } = input;
  const result = await ctx.store.transaction(async (repos) => {
    const saved = await savePageIn(repos, draft, {
      actor: revisionActor(staff),
      now,
      ...(id !== undefined ? { id } : { isNew: true }),
    });
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: saved.isNew ? 'page.create' : 'page.edit',
      entity: ['page', saved.page.id],
      summary: `${saved.isNew ? 'Created' : 'Edited'} page “${saved.page.title}”`,
      at: now,
    });
    return saved;
  });
  ctx.changes.publish({ kind: 'page', slug: result.page.slug });
  if (result.previousSlug) ctx.changes.publish({ kind: 'page', slug: result.previousSlug });
  return result.page;
}
