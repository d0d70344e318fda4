import { type ArticleListFilters, dayRangeIn } from '../../domain/article-list-query.ts';
import { can, canOnItem } from '../../domain/permissions.ts';
import type { AdminArticleCursor, AdminArticleRow } from '../../domain/ports/article-admin-store.ts';
import { isOwnArticle } from '../../domain/workflow.ts';
import { type FieldError, isAppError } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import { loadSiteSettings } from '../settings.ts';
import { LIST_COUNT_CAP, matchTotal } from './list-count.ts';
import { type PersonChoice, resolvePersonChoice, resolveTermChoice, type TermChoice } from './pickers.ts';
import type { Staff } from './staff.ts';

/** How many articles one page of the admin list shows. */
export const ARTICLE_LIST_PAGE_SIZE = 50;

export interface ArticleRow {
  article: AdminArticleRow;
  authors: string;
  isOwn: boolean;
  /** The role may delete this one (the confirmation page checks again). */
  canDelete: boolean;
}

/** The article list counts its matches no further than this: past it, "more than 10,000". */
export const ARTICLE_COUNT_CAP = LIST_COUNT_CAP;

/**
 * One page of the articles a staff member works on: everyone's for editors, one's own for
 * contributors and authors, narrowed by the filters. `next` starts the following page, or is
 * null on the last one.
 */
export async function listArticlesFor(
  ctx: ServiceContext,
  staff: Staff,
  filters: ArticleListFilters,
  options: { pageSize?: number } = {},
): Promise<{
  rows: ArticleRow[];
  next: AdminArticleCursor | null;
  /** Ends the page before this one (its first row), null on the first page. */
  previous: AdminArticleCursor | null;
  /** How many articles the filters match in all, up to ARTICLE_COUNT_CAP + 1 ("more than"). */
  total: number;
  /** The author and term the filters named, as their fields show them again. */
  author?: PersonChoice;
  term?: TermChoice;
  /** Filters named no one or nothing (an unknown author, say): left out of the list. */
  problems: FieldError[];
}> {
  const pageSize = options.pageSize ?? ARTICLE_LIST_PAGE_SIZE;
  const seesAll = can(staff.role, 'article.edit_any');
  const problems: FieldError[] = [];
  // An author or term that names no one (or several) is left out of the filters and said by its
  // field: the rest of the list stays in view.
  const chosen = async <T>(resolve: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await resolve();
    } catch (error) {
      if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
      problems.push(...(error.details ?? []));
      return undefined;
    }
  };
  const author = filters.author
    ? await chosen(() => resolvePersonChoice(ctx, filters.author ?? '', 'author'))
    : undefined;
  const term = filters.term
    ? await chosen(() => resolveTermChoice(ctx, filters.term ?? '', 'term'))
    : undefined;
  const conditions = {
    sort: filters.sort,
    ...(filters.text ? { text: filters.text } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(author ? { authorPersonId: author.id } : {}),
    ...(term ? { termId: term.id } : {}),
    // Days are the newsroom's, in the site's time zone, as every date it shows.
    ...(filters.from || filters.to ? dayRangeIn(filters, (await loadSiteSettings(ctx)).timeZone) : {}),
    ...(seesAll ? {} : { ownedBy: { userId: staff.id, personId: staff.personId } }),
  };
  const found = await ctx.store.articleAdmin.list({
    ...conditions,
    limit: pageSize + 1,
    ...(filters.after ? { after: filters.after } : {}),
    ...(filters.before ? { before: filters.before } : {}),
  });
  const total = await matchTotal(
    { found: found.length, pageSize, isFirstPage: !filters.after && !filters.before },
    (cap) => ctx.store.articleAdmin.count(conditions, cap),
  );
  // Going back, rows come nearest first: the page is the nearest pageSize of them, put in order.
  const isBack = filters.before !== undefined;
  const page = isBack ? found.slice(0, pageSize).reverse() : found.slice(0, pageSize);
  const people = await ctx.store.people.findByIds([...new Set(page.flatMap((r) => r.authorIds))]);
  const names = new Map(people.map((p) => [p.id, p.name]));
  const rows = page.map((article) => {
    const isOwn = isOwnArticle(article, staff, article.createdBy);
    return {
      article,
      isOwn,
      canDelete: canOnItem(staff.role, 'article', 'delete', { isOwn }),
      authors: article.authorIds
        .map((id) => names.get(id) ?? '')
        .filter(Boolean)
        .join(', '),
    };
  });
  const last = page.at(-1);
  const first = page[0];
  // Back from a later page, there is always one after; forward, one more row than a page.
  const hasMore = last !== undefined && (isBack || found.length > pageSize);
  const hasEarlier = first !== undefined && (isBack ? found.length > pageSize : filters.after !== undefined);
  const key = (row: AdminArticleRow) =>
    filters.sort === 'title'
      ? row.title
      : filters.sort === 'published'
        ? (row.publishedAt ?? '')
        : row.updatedAt;
  return {
    rows,
    next: hasMore ? { key: key(last), id: last.id } : null,
    previous: hasEarlier ? { key: key(first), id: first.id } : null,
    total,
    problems,
    ...(author ? { author } : {}),
    ...(term ? { term } : {}),
  };
}
