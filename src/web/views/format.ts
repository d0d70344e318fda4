/** Dates as readers see them, in the publication's language, in UTC so every reader sees the same day. */
export function formatDate(iso: string | null, language = 'en'): string {
  if (!iso) return '';
  try {
    return new Intl.DateTimeFormat(language, {
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      timeZone: 'UTC',
    }).format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}
