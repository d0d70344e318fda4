import type { FieldError } from '../errors.ts';
import { decodeCursor } from './article-list-query.ts';
import type { AdminArticleCursor } from './ports/article-admin-store.ts';
import type { PeopleSort } from './ports/people-admin-store.ts';

export interface PeopleListFilters {
  text?: string;
  sort: PeopleSort;
  after?: AdminArticleCursor;
}

export const PEOPLE_LIST_SORTS: readonly PeopleSort[] = ['name', 'updated'];

/** Reads the people list's search, order and page, or says which field is wrong and why. */
export function parsePeopleListQuery(raw: Partial<Record<'q' | 'sort' | 'after', string>>): {
  filters: PeopleListFilters;
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  const filters: PeopleListFilters = { sort: 'name' };
  const sort = raw.sort?.trim() ?? '';
  if (sort) {
    const known = PEOPLE_LIST_SORTS.find((s) => s === sort);
    if (known) filters.sort = known;
    else errors.push({ field: 'sort', message: `must be one of ${PEOPLE_LIST_SORTS.join(', ')}` });
  }
  const text = (raw.q ?? '').trim().replace(/\s+/g, ' ');
  if (text.length > 200) errors.push({ field: 'q', message: 'must be at most 200 characters' });
  else if (text) filters.text = text;
  const after = raw.after?.trim() ?? '';
  if (after) {
    const cursor = decodeCursor(after);
    if (cursor) filters.after = cursor;
    else
      errors.push({ field: 'after', message: 'is not a page of this list: start again from the first page' });
  }
  return { filters, errors };
}
