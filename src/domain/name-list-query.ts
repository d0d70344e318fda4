import type { FieldError } from '../errors.ts';
import { decodeCursor } from './article-list-query.ts';
import type { NameListSort } from './ports/admin-list-store.ts';
import type { AdminArticleCursor } from './ports/article-admin-store.ts';

/** A term or page list's search, order and page, as read from its address. */
export interface NameListFilters {
  /** The beginning of a name (or title). */
  text?: string;
  sort: NameListSort;
  after?: AdminArticleCursor;
}

export const NAME_LIST_SORTS: readonly NameListSort[] = ['position', 'name', 'updated'];

/**
 * Reads a term or page list's search, order and page, or says which field is wrong and why. A
 * search lists its matches by name.
 *
 * @example parseNameListQuery({ q: 'eur', sort: 'name' }) // { filters: { sort: 'name', text: 'eur' }, errors: [] }
 */
export function parseNameListQuery(raw: Partial<Record<'q' | 'sort' | 'after', string>>): {
  filters: NameListFilters;
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  const filters: NameListFilters = { sort: 'position' };
  const sort = raw.sort?.trim() ?? '';
  if (sort) {
    const known = NAME_LIST_SORTS.find((s) => s === sort);
    if (known) filters.sort = known;
    else errors.push({ field: 'sort', message: `must be one of ${NAME_LIST_SORTS.join(', ')}` });
  }
  const text = (raw.q ?? '').trim().replace(/\s+/g, ' ');
  if (text.length > 200) errors.push({ field: 'q', message: 'must be at most 200 characters' });
  else if (text) {
    filters.text = text;
    // Names beginning with the text are one range of the name index, already A–Z: in any other
    // order they would all be read and sorted, or the whole list walked to find them.
    filters.sort = 'name';
  }
  const after = raw.after?.trim() ?? '';
  if (after) {
    const cursor = decodeCursor(after);
    if (cursor && (filters.sort !== 'position' || /^-?\d{1,15}$/.test(cursor.key))) filters.after = cursor;
    else
      errors.push({ field: 'after', message: 'is not a page of this list: start again from the first page' });
  }
  return { filters, errors };
}
