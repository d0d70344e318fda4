import type { FieldError } from '../errors.ts';

// Each entity names its own limits next to its type (ARTICLE_LIMITS in article.ts, PERSON_LIMITS
// in person.ts…), no larger than the columns that hold them; these are the checks they share.
// A value past a column's size is refused here, the same on both databases, rather than left to
// PostgreSQL (which fails the statement) or SQLite (which stores it as given).

/** The largest whole number an integer column holds on both databases (PostgreSQL's `integer`). */
export const INTEGER_MAX = 2_147_483_647;

const count = (n: number) => n.toLocaleString('en');

/**
 * How many characters a text has as the databases count them: code points, so an emoji is one
 * (JavaScript's length counts it as two).
 */
export function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Why a text is longer than `limit` characters, as a field message; undefined when it is not. */
export function tooLong(text: string | null | undefined, limit: number): string | undefined {
  // A text never has more characters than UTF-16 units: the short ones are not counted.
  if (text == null || text.length <= limit) return undefined;
  const length = characterCount(text);
  return length <= limit
    ? undefined
    : `must be at most ${count(limit)} characters (this one has ${count(length)})`;
}

/** The field errors of the values longer than their limit, given as [field, value, limit]. */
export function lengthErrors(
  checks: readonly (readonly [field: string, value: string | null | undefined, limit: number])[],
): FieldError[] {
  const errors: FieldError[] = [];
  for (const [field, value, limit] of checks) {
    const message = tooLong(value, limit);
    if (message) errors.push({ field, message });
  }
  return errors;
}

/** Why a number is not a whole number from `min` to `max`, as a field message; undefined when it is. */
export function wholeNumberProblem(value: number, min: number, max: number): string | undefined {
  return Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : `must be a whole number from ${count(min)} to ${count(max)}`;
}

/** Whether a value can be the id of a stored row: a whole number from 1 to INTEGER_MAX. */
export function isRecordId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= INTEGER_MAX;
}

/**
 * The whole number a text spells in plain decimal digits ("12", "-3"), or undefined for anything
 * else: "0x1", "1e3", "1.0", " 7", "+1" and "01" are not read as numbers they happen to equal.
 * @example parseWholeNumber('0x10') // undefined, where Number('0x10') is 16
 */
export function parseWholeNumber(text: string): number | undefined {
  if (!/^(?:0|-?[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
