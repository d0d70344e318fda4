/**
 * The site's time zone: the newsroom enters and reads dates in it, and storage keeps UTC. Time
 * zones are IANA names ("Europe/Berlin", "Africa/Nairobi", "UTC"), read through Intl, so the
 * rules (summer time included) are the runtime's own, with no table of ours to keep current.
 */

/** Formatters by zone: building one costs far more than using it. */
const partFormats = new Map<string, Intl.DateTimeFormat>();
const nameFormats = new Map<string, Intl.DateTimeFormat>();
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** Whether the runtime knows this IANA time zone name. */
export function isTimeZone(name: string): boolean {
  if (!name || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Zones the runtime still lists under an outdated name (ICU keeps CLDR's, which changed names
 * more slowly than the IANA database), with the name IANA gives them now. The old names stay
 * valid for a site set to one of them; the settings list offers the new ones.
 */
const RENAMED_ZONES: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** The current IANA name of a zone ("Asia/Calcutta" is "Asia/Kolkata" now); other names as given. */
export function currentTimeZoneName(name: string): string {
  const renamed = RENAMED_ZONES[name];
  return renamed !== undefined && isTimeZone(renamed) ? renamed : name;
}

/** Every time zone the runtime knows, by its current name, A–Z, for a settings list. */
export function timeZoneNames(): string[] {
  const names = [...new Set(Intl.supportedValuesOf('timeZone').map(currentTimeZoneName))].sort();
  return names.includes('UTC') ? names : ['UTC', ...names];
}

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (partFormats.size >= 32) partFormats.clear();
    partFormats.set(timeZone, format);
  }
  return format;
}

/** The wall-clock reading of an instant in a zone, as milliseconds of a UTC date with the same reading. */
function wallClockOf(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of partsFormat(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
}

/** How far the zone's clocks are ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  return wallClockOf(instant - (instant % 1000), timeZone) - (instant - (instant % 1000));
}

/**
 * A datetime-local reading ("2026-12-01T09:30") in the zone, as an ISO instant in UTC. A time
 * the clocks pass twice (autumn) is the earlier; a time they skip (spring) moves forward by the
 * hour skipped. Null for a reading that is no date and time ("2026-02-30T10:00").
 */
export function zonedToUtc(local: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 59) return null;
  const wall = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour, minute, second);
  // Date.UTC rolls 2026-02-30 over into March: such a reading is no date at all.
  const check = new Date(wall);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== (month ?? 1) - 1 ||
    check.getUTCDate() !== day
  )
    return null;
  // The zone's offsets a day either side: a reading near a change of clocks is one or the other.
  const day_ = 24 * 60 * 60 * 1000;
  const before = wall - offsetAt(wall - day_, timeZone);
  const after = wall - offsetAt(wall + day_, timeZone);
  const valid = [before, after].filter((instant) => wallClockOf(instant, timeZone) === wall);
  return new Date(valid.length > 0 ? Math.min(...valid) : before).toISOString();
}

/** An instant's reading in the zone, as a datetime-local value ("2026-12-01T09:30"). */
export function utcToZoned(iso: string, timeZone: string): string {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return '';
  return new Date(wallClockOf(instant, timeZone)).toISOString().slice(0, 16);
}

/** The zone's short name at an instant ("CET", "GMT+3", "UTC"), as the admin shows beside a time. */
export function zoneAbbreviation(iso: string, timeZone: string): string {
  let format = nameFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' });
    if (nameFormats.size >= 32) nameFormats.clear();
    nameFormats.set(timeZone, format);
  }
  const instant = Date.parse(iso);
  const parts = format.formatToParts(Number.isNaN(instant) ? new Date() : new Date(instant));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/**
 * Days already written, by language, zone and instant. Formatting one through Intl costs tens
 * of microseconds, and a listing writes dozens: the newest articles, shown on every listing and
 * feed, are written again and again. Bounded, so it never grows with the archive.
 */
const writtenDays = new Map<string, string>();
const WRITTEN_DAYS_MAX = 4096;

/**
 * An instant's day in the publication's language on the zone's calendar ("December 2, 2026"):
 * how reader pages and the admin write a date, and how the history notes one.
 */
export function calendarDay(iso: string, language: string, timeZone: string): string {
  const key = `${language} ${timeZone}`;
  const dayKey = `${key} ${iso}`;
  const written = writtenDays.get(dayKey);
  if (written !== undefined) return written;
  const day = formattedDay(iso, key, { language, timeZone });
  if (writtenDays.size >= WRITTEN_DAYS_MAX) writtenDays.clear();
  writtenDays.set(dayKey, day);
  return day;
}

function formattedDay(
  iso: string,
  key: string,
  { language, timeZone }: { language: string; timeZone: string },
): string {
  try {
    let format = dayFormats.get(key);
    if (!format) {
      format = new Intl.DateTimeFormat(language, {
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        timeZone,
      });
      // Languages come from articles and the zone from the settings: a handful in practice,
      // never an unbounded set in memory.
      if (dayFormats.size >= 64) dayFormats.clear();
      dayFormats.set(key, format);
    }
    return format.format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}
