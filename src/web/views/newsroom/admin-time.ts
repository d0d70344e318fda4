import { utcToZoned, zoneAbbreviation } from '../../../domain/time-zone.ts';

/** Date formatters by time zone: building one costs far more than using it. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The day of an instant in the site's time zone, as the admin writes it ("1 December 2026"). */
export function adminDay(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone });
    if (dayFormats.size >= 32) dayFormats.clear();
    dayFormats.set(timeZone, format);
  }
  const instant = Date.parse(iso);
  return Number.isNaN(instant) ? iso : format.format(instant);
}

/** An instant in the site's time zone, with the zone named ("1 December 2026, 09:30 CET"). */
export function adminTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  const local = utcToZoned(iso, timeZone);
  if (!local) return iso;
  return `${adminDay(iso, timeZone)}, ${local.slice(11, 16)} ${zoneAbbreviation(iso, timeZone)}`;
}
