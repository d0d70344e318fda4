import { toIsoTimestamp } from '../../domain/article.ts';
import type { NameListFilters } from '../../domain/name-list-query.ts';
import type { Page } from '../../domain/page.ts';
import { pagePath } from '../../domain/paths.ts';
import { can } from '../../domain/permissions.ts';
import type { PageListRow } from '../../domain/ports/admin-list-store.ts';
import type { AdminArticleCursor } from '../../domain/ports/article-admin-store.ts';
import { Errors, isAppError } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { type PageDraft, savePageIn } from '../pages.ts';
import { keepRevision } from '../revision-log.ts';
import { actOnEach, type BulkItemOutcome, chosenIds } from './bulk-items.ts';
import {
  type AddressOutcome,
  addressNote,
  checkedRedirect,
  leaveAddress,
  requestedRedirect,
} from './deletion.ts';
import { matchTotal } from './list-count.ts';
import { auditActor, requireCan, revisionActor, type Staff } from './staff.ts';

/** How many pages one page of the admin list shows. */
export const PAGE_LIST_PAGE_SIZE = 50;

/** One page of the pages list: searched by the beginning of their title, in the chosen order; `next` is null on the last. */
export async function listPagesPage(
  ctx: ServiceContext,
  staff: Staff,
  filters: NameListFilters,
  options: { pageSize?: number } = {},
): Promise<{
  rows: PageListRow[];
  next: AdminArticleCursor | null;
  /** How many pages match in all, up to LIST_COUNT_CAP + 1 ("more than"). */
  total: number;
}> {
  requireCan(staff, 'page.manage', 'Only editors may manage pages.');
  const pageSize = options.pageSize ?? PAGE_LIST_PAGE_SIZE;
  const conditions = { sort: filters.sort, ...(filters.text ? { text: filters.text } : {}) };
  const found = await ctx.store.adminLists.pages({
    ...conditions,
    limit: pageSize + 1,
    ...(filters.after ? { after: filters.after } : {}),
  });
  const total = await matchTotal({ found: found.length, pageSize, isFirstPage: !filters.after }, (cap) =>
    ctx.store.adminLists.countPages(conditions, cap),
  );
  const rows = found.slice(0, pageSize);
  const last = rows.at(-1);
  return { rows, next: found.length > pageSize && last ? { key: last.key, id: last.id } : null, total };
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

/** What the confirmation page shows before a page is deleted. */
export interface PageDeletionPlan {
  page: Page;
  /** The address readers know (the page is published), or null. */
  publicPath: string | null;
  /** How many revisions the page has; they stay after the deletion. */
  revisionCount: number;
  /** Whether the old address may be sent to another site (else only within this one). */
  mayRedirectElsewhere: boolean;
}

function publicPathOf(page: Page): string | null {
  return page.status === 'published' ? pagePath(page.slug) : null;
}

/** What deleting the page would do, refused as deletePage would refuse it. */
export async function planPageDeletion(
  ctx: ServiceContext,
  staff: Staff,
  pageId: number,
): Promise<PageDeletionPlan> {
  requireCan(staff, 'page.manage', 'Only editors may manage pages.');
  const page = await findPageById(ctx, pageId);
  const revisions = await ctx.store.revisions.listSummaries('page', page.id);
  return {
    page,
    publicPath: publicPathOf(page),
    revisionCount: revisions.length,
    mayRedirectElsewhere: can(staff.role, 'article.redirect_offsite'),
  };
}

/** What deleting each chosen page would do, for a bulk deletion's confirmation; pages gone since are left out. */
export async function planPagesDeletion(
  ctx: ServiceContext,
  staff: Staff,
  pageIds: readonly number[],
): Promise<PageDeletionPlan[]> {
  const plans: PageDeletionPlan[] = [];
  for (const pageId of chosenIds(pageIds, 'pages')) {
    try {
      plans.push(await planPageDeletion(ctx, staff, pageId));
    } catch (err) {
      if (!isAppError(err) || err.code !== 'PAGE_NOT_FOUND') throw err;
    }
  }
  return plans;
}

/**
 * Deletes a page in one transaction, as an article is deleted (see deletion.ts): a last revision
 * keeps its text (every earlier one stays), the deletion is audited, and a published page's
 * address answers 410 Gone or redirects to `redirectTo`. It leaves the navigation at once.
 *
 * @example await deletePage(ctx, staff, { pageId: 3, redirectTo: '/membership' })
 */
export async function deletePage(
  ctx: ServiceContext,
  staff: Staff,
  input: { pageId: number; redirectTo?: string },
): Promise<{ page: Page; address: AddressOutcome }> {
  requireCan(staff, 'page.manage', 'Only editors may manage pages.');
  const now = ctx.now();
  const stamp = toIsoTimestamp(now);
  const requested = requestedRedirect(input.redirectTo, {
    siteUrl: ctx.siteUrl,
    mayLeaveSite: can(staff.role, 'article.redirect_offsite'),
  });
  const result = await ctx.store.transaction(async (repos) => {
    const page = await repos.pages.findById(input.pageId);
    if (!page) throw Errors.PAGE_NOT_FOUND({ id: input.pageId });
    const path = publicPathOf(page);
    const target = await checkedRedirect(repos, { requested, path, what: 'page' });
    await repos.pages.delete(page.id);
    const address = await leaveAddress(repos, { path, target, stamp });
    const was = page.status === 'published' ? 'published' : 'draft';
    await keepRevision(repos, {
      entityType: 'page',
      entityId: page.id,
      actor: revisionActor(staff),
      snapshot: pageDraftOf(page),
      createdAt: stamp,
      note: `Deleted (was ${was})${addressNote(address)}`,
    });
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'page.delete',
      entity: ['page', page.id],
      summary: `Deleted page “${page.title}” (was ${was})${addressNote(address)}`,
      at: now,
    });
    return { page, address };
  });
  ctx.changes.publish({ kind: 'page', slug: result.page.slug });
  ctx.log.info({ pageId: result.page.id, address: result.address.kind }, 'page deleted');
  return result;
}

/**
 * Shows a page in the site navigation or hides it from there, as an edit of that one field
 * (permission check, transaction, revision, audit entry); `isChanged` is false when it already was.
 */
export async function setPageNavigation(
  ctx: ServiceContext,
  staff: Staff,
  input: { pageId: number; isShown: boolean },
): Promise<{ page: Page; isChanged: boolean }> {
  requireCan(staff, 'page.manage', 'Only editors may manage pages.');
  const now = ctx.now();
  const result = await ctx.store.transaction(async (repos) => {
    const page = await repos.pages.findById(input.pageId);
    if (!page) throw Errors.PAGE_NOT_FOUND({ id: input.pageId });
    if (page.showInNavigation === input.isShown) return { page, isChanged: false };
    const what = input.isShown ? 'Shown in the navigation' : 'Hidden from the navigation';
    const saved = await savePageIn(
      repos,
      { ...pageDraftOf(page), showInNavigation: input.isShown },
      { actor: revisionActor(staff), now, id: page.id, note: what },
    );
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'page.edit',
      entity: ['page', page.id],
      summary: `${what}: page “${page.title}”`,
      at: now,
    });
    return { page: saved.page, isChanged: true };
  });
  if (result.isChanged) ctx.changes.publish({ kind: 'page', slug: result.page.slug });
  return result;
}

/** What the pages list can do to several pages at once. */
export const PAGE_BULK_ACTIONS = ['show', 'hide', 'delete'] as const;
export type PageBulkAction = (typeof PAGE_BULK_ACTIONS)[number];

/**
 * Applies one action to each chosen page in turn, each exactly as its single action does
 * (deleted pages' addresses answer 410 Gone), and reports each: done, or refused and why.
 */
export async function bulkPageAction(
  ctx: ServiceContext,
  staff: Staff,
  input: { action: PageBulkAction; pageIds: readonly number[] },
): Promise<BulkItemOutcome[]> {
  requireCan(staff, 'page.manage', 'Only editors may manage pages.');
  return actOnEach(
    chosenIds(input.pageIds, 'pages'),
    async (pageId) => {
      if (input.action === 'delete') {
        const { page, address } = await deletePage(ctx, staff, { pageId });
        return {
          name: page.title,
          path: pagePath(page.slug),
          note:
            address.kind === 'none' ? 'it was a draft: no address changed' : addressNote(address).slice(2),
        };
      }
      const { page, isChanged } = await setPageNavigation(ctx, staff, {
        pageId,
        isShown: input.action === 'show',
      });
      const where = input.action === 'show' ? 'in the navigation' : 'out of the navigation';
      return {
        name: page.title,
        path: pagePath(page.slug),
        ...(isChanged ? {} : { note: `it was ${where} already` }),
      };
    },
    async (id) => {
      const page = await ctx.store.pages.findById(id);
      return page && { name: page.title, path: pagePath(page.slug) };
    },
  );
}

function pageDraftOf(page: Page): PageDraft {
  return {
    slug: page.slug,
    title: page.title,
    bodyMarkdown: page.bodyMarkdown,
    status: page.status,
    showInNavigation: page.showInNavigation,
    position: page.position,
  };
}
