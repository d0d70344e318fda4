import type { Page } from '../../domain/page.ts';
import { Errors } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { type PageDraft, savePageIn } from '../pages.ts';
import { auditActor, requireCan, revisionActor, type Staff } from './staff.ts';

/** Every static page, for the pages list. */
export async function listPages(ctx: ServiceContext, staff: Staff): Promise<Page[]> {
  requireCan(staff, 'page.manage', 'Only editors may manage pages.');
  return ctx.store.pages.list();
}

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
