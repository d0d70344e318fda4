/** The settings that decide how a date is written: the site's language and its time zone. */
export interface SiteCalendar {
  language: string;
  timeZone: string;
}

/** Building a formatter costs far more than using one: a listing formats dozens of dates. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * Dates as readers see them, in the publication's language and on the publication's calendar
 * (its time zone setting), so every reader sees the day the newsroom published on. The admin
 * writes its dates with this too (see adminDay), so that both say a day the same way.
 */
export function formatDate(iso: string | null, language = 'en', timeZone = 'UTC'): string {
  if (!iso) return '';
  try {
    const key = `${language} ${timeZone}`;
    let format = dateFormats.get(key);
    if (!format) {
      format = new Intl.DateTimeFormat(language, {
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        timeZone,
      });
      // Languages come from articles and the zone from the settings: a handful in practice,
      // never an unbounded set in memory.
      if (dateFormats.size >= 64) dateFormats.clear();
      dateFormats.set(key, format);
    }
    return format.format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}
