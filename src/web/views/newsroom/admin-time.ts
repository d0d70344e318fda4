import { utcToZoned, zoneAbbreviation } from '../../../domain/time-zone.ts';
import { formatDate, type SiteCalendar } from '../format.ts';

/**
 * The day of an instant in the site's time zone, written as the reader pages write it, in the
 * site's language ("December 1, 2026" in en and en-US, "1 December 2026" in en-GB).
 */
export function adminDay(iso: string | null | undefined, calendar: SiteCalendar): string {
  if (!iso) return '—';
  if (Number.isNaN(Date.parse(iso))) return iso;
  return formatDate(iso, calendar.language, calendar.timeZone);
}

/** An instant in the site's time zone, with the zone named ("December 1, 2026, 09:30 CET"). */
export function adminTime(iso: string | null | undefined, calendar: SiteCalendar): string {
  if (!iso) return '—';
  const local = utcToZoned(iso, calendar.timeZone);
  if (!local) return iso;
  return `${adminDay(iso, calendar)}, ${local.slice(11, 16)} ${zoneAbbreviation(iso, calendar.timeZone)}`;
}
