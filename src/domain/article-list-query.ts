import type { FieldError } from '../errors.ts';
import { ARTICLE_STATUSES, type ArticleStatus } from './article.ts';
import type { AdminArticleCursor, AdminArticleSort } from './ports/article-admin-store.ts';
import { zonedToUtc } from './time-zone.ts';

/** The admin article list's filters, as read from its address. */
export interface ArticleListFilters {
  text?: string;
  status?: ArticleStatus;
  /** An author as typed in the picker: a name or a slug, found by the article list's service. */
  author?: string;
  /** A term as typed: a name, a slug, or "taxonomy/slug". */
  term?: string;
  /** First day, "YYYY-MM-DD" (UTC). */
  from?: string;
  /** Last day, included. */
  to?: string;
  sort: AdminArticleSort;
  after?: AdminArticleCursor;
  /** The page that ends just before this row (a "previous page" link). */
  before?: AdminArticleCursor;
}

export const ARTICLE_LIST_SORTS: readonly AdminArticleSort[] = ['updated', 'published', 'title'];

/** The raw query string of the list: every value as typed. */
export type RawListQuery = Partial<
  Record<'q' | 'status' | 'author' | 'term' | 'from' | 'to' | 'sort' | 'after' | 'before', string>
>;

const MAX_TEXT = 200;

/** A page's end as an opaque token for the "next page" link. */
export function encodeCursor(cursor: AdminArticleCursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.id])).toString('base64url');
}

/** The cursor a "next page" token stands for, or undefined for anything else. */
export function decodeCursor(token: string): AdminArticleCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [key, id] = value as unknown[];
    if (typeof key !== 'string' || !Number.isSafeInteger(id) || (id as number) < 1) return undefined;
    return { key, id: id as number };
  } catch {
    return undefined;
  }
}

function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
}

/**
 * Reads the list's filters, or says which field is wrong and why. Empty values mean "any".
 *
 * @example parseArticleListQuery({ q: 'harbour', status: 'draft', sort: 'title' })
 */
export function parseArticleListQuery(raw: RawListQuery): {
  filters: ArticleListFilters;
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  const value = (key: keyof RawListQuery) => raw[key]?.trim() ?? '';
  const filters: ArticleListFilters = { sort: 'updated' };
  const sort = value('sort');
  if (sort) {
    const known = ARTICLE_LIST_SORTS.find((s) => s === sort);
    if (known) filters.sort = known;
    else errors.push({ field: 'sort', message: `must be one of ${ARTICLE_LIST_SORTS.join(', ')}` });
  }
  const text = value('q').replace(/\s+/g, ' ');
  if (text.length > MAX_TEXT) errors.push({ field: 'q', message: `must be at most ${MAX_TEXT} characters` });
  else if (text) filters.text = text;
  const status = value('status');
  if (status && status !== 'all') {
    const known = ARTICLE_STATUSES.find((s) => s === status);
    if (known) filters.status = known;
    else errors.push({ field: 'status', message: `must be one of ${ARTICLE_STATUSES.join(', ')}` });
  }
  for (const key of ['author', 'term'] as const) {
    const given = value(key).replace(/\s+/g, ' ');
    if (given.length > MAX_TEXT)
      errors.push({ field: key, message: `must be at most ${MAX_TEXT} characters` });
    else if (given) filters[key] = given;
  }
  for (const key of ['from', 'to'] as const) {
    const given = value(key);
    if (!given) continue;
    if (isDay(given)) filters[key] = given;
    else errors.push({ field: key, message: 'must be a date written YYYY-MM-DD' });
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    errors.push({ field: 'to', message: 'must not be before “from”' });
    // A wrong filter is left out, so that the list shown is the one the other filters ask for.
    delete filters.to;
  }
  for (const field of ['after', 'before'] as const) {
    const token = value(field);
    if (!token) continue;
    const cursor = decodeCursor(token);
    if (cursor) filters[field] = cursor;
    else errors.push({ field, message: 'is not a page of this list: start again from the first page' });
  }
  // Both at once is no page: the later one (back towards the start) wins.
  if (filters.after && filters.before) delete filters.after;
  return { filters, errors };
}

/**
 * A list's day range as instants in the site's time zone: from the start of `from` to the start
 * of the day after `to`, as the newsroom's calendar has them ("2026-11-30" in Berlin starts at
 * 2026-11-29T23:00:00.000Z).
 */
export function dayRangeIn(
  range: { from?: string | undefined; to?: string | undefined },
  timeZone: string,
): { from?: string; to?: string } {
  const startOf = (day: string) =>
    zonedToUtc(`${day}T00:00`, timeZone) ?? new Date(Date.parse(`${day}T00:00:00Z`)).toISOString();
  const nextDay = (day: string) =>
    new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    ...(range.from ? { from: startOf(range.from) } : {}),
    ...(range.to ? { to: startOf(nextDay(range.to)) } : {}),
  };
}

/**
 * What a search box's text looks for: each quoted phrase as written (its words together, in
 * that order), and each other word anywhere. An unclosed quote runs to the end.
 *
 * @example searchTerms('river "climate policy"') // ['climate policy', 'river']
 */
export function searchTerms(text: string): string[] {
  const phrases: string[] = [];
  const rest = text.replace(/"([^"]*)("|$)/g, (_, phrase: string) => {
    const tidy = phrase.replace(/\s+/g, ' ').trim();
    if (tidy) phrases.push(tidy);
    return ' ';
  });
  const words = rest.split(/\s+/).filter(Boolean);
  return [...new Set([...phrases, ...words])];
}
