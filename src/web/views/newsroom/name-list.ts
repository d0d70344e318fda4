import { encodeCursor } from '../../../domain/article-list-query.ts';
import { NAME_LIST_SORTS, type NameListFilters } from '../../../domain/name-list-query.ts';
import type { NameListSort } from '../../../domain/ports/admin-list-store.ts';
import type { AdminArticleCursor } from '../../../domain/ports/article-admin-store.ts';
import { html, type SafeHtml } from '../html.ts';
import { filterFieldState, filterSummary, filterValue, type ListFilterProblems } from './list-filters.ts';

/** The query string of a term or page list with these filters, starting after `after`. */
export function nameListQuery(filters: NameListFilters, after?: AdminArticleCursor): string {
  const params = new URLSearchParams();
  if (filters.text) params.set('q', filters.text);
  if (filters.sort !== 'position') params.set('sort', filters.sort);
  if (after) params.set('after', encodeCursor(after));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The search and sort form above a term or page list; it works without JavaScript. */
export function nameListForm(list: {
  action: string;
  idPrefix: string;
  searchLabel: string;
  ariaLabel: string;
  filters: NameListFilters;
  sortLabels: Record<NameListSort, string>;
  /** Filters left out of the list for being wrong, shown by their fields. */
  problems?: ListFilterProblems | undefined;
}): SafeHtml {
  const { filters, idPrefix, problems } = list;
  const isFiltered = Boolean(filters.text) || filters.sort !== 'position' || problems !== undefined;
  const q = filterFieldState(problems, 'q', `${idPrefix}-q`);
  const sort = filterFieldState(problems, 'sort', `${idPrefix}-sort`);
  return html`${filterSummary(problems, {
    q: { id: `${idPrefix}-q`, label: list.searchLabel },
    sort: { id: `${idPrefix}-sort`, label: 'Sort by' },
  })}<form method="get" action="${list.action}" class="panel list-filters" role="search" aria-label="${list.ariaLabel}">
  <div class="field${q.className}"><label for="${idPrefix}-q">${list.searchLabel}</label><input id="${idPrefix}-q" name="q" type="search" maxlength="200" value="${filterValue(problems, 'q', filters.text)}"${q.invalid}>${q.message}</div>
  <div class="field${sort.className}"><label for="${idPrefix}-sort">Sort by</label><select id="${idPrefix}-sort" name="sort"${sort.invalid}>${NAME_LIST_SORTS.map((s) => html`<option value="${s}"${filters.sort === s ? html` selected` : ''}>${list.sortLabels[s]}</option>`)}</select>${sort.message}</div>
  <div class="actions"><button type="submit">Search</button>${isFiltered ? html` <a href="${list.action}">Clear</a>` : ''}</div>
</form>`;
}

/** "First page" and "Next page" links under a list read by keyset. */
export function nameListPager(
  path: string,
  filters: NameListFilters,
  next: AdminArticleCursor | null,
): SafeHtml {
  return html`<nav aria-label="Pages of the list" class="pager">${filters.after ? html`<a href="${path}${nameListQuery(filters)}">← First page</a>` : ''}${
    next ? html` <a href="${path}${nameListQuery(filters, next)}" rel="next">Next page →</a>` : ''
  }</nav>`;
}
