/** Building a formatter costs far more than using one: a listing formats dozens of dates. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Dates as readers see them, in the publication's language, in UTC so every reader sees the same day. */
export function formatDate(iso: string | null, language = 'en'): string {
  if (!iso) return '';
  try {
    let format = dateFormats.get(language);
    if (!format) {
      format = new Intl.DateTimeFormat(language, {
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        timeZone: 'UTC',
      });
      // Languages come from articles; a handful in practice, never an unbounded set in memory.
      if (dateFormats.size >= 64) dateFormats.clear();
      dateFormats.set(language, format);
    }
    return format.format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}
