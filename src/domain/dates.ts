/**
 * Dates as sources write them ("2026-02-28", "2026-02-28 09:30:00", "2026-02-28T09:30:00.000Z",
 * "2026-02-28T09:30+02:00"), read strictly. JavaScript's Date rolls impossible values over
 * (2026-02-30 becomes 2026-03-02), which would shift an article's date without a word.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The instant a date or date and time names, or null when the text is not one or names a day
 * or time that does not exist (a 30 February, a 25th hour). Without a zone it is read as UTC.
 * @example parseStrictDate('2026-02-30') // null
 */
export function parseStrictDate(text: string): Date | null {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  if (zone && zone.toUpperCase() !== 'Z') {
    const offset = zone.replace(':', '');
    if (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(3, 5)) > 59) return null;
  }
  const normalZone = !zone || zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${fraction.slice(0, 4)}${normalZone}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Whether text shaped like a date (YYYY-MM-DD…) names a day or time that does not exist. */
export function isImpossibleDate(text: string): boolean {
  return DATE_TIME.test(text.trim()) && parseStrictDate(text) === null;
}

/**
 * Why a stored timestamp (as an export writes one) cannot be kept, or undefined when it can: a
 * day or time that does not exist, text that is no date, or a year outside 1 to 9999, which
 * the databases and every page that shows a date cannot hold.
 * @example timestampProblem('2023-02-30T10:00:00Z') // 'is not a real date (no such day or time)'
 */
export function timestampProblem(text: string): string | undefined {
  if (isImpossibleDate(text)) return 'is not a real date (no such day or time)';
  const time = Date.parse(text.trim());
  if (Number.isNaN(time)) return 'is not a date';
  const year = new Date(time).getUTCFullYear();
  if (year < 1 || year > 9999) return 'is not a date between the years 1 and 9999';
  return undefined;
}
