import { calendarDay } from '../../domain/time-zone.ts';

/** The settings that decide how a date is written: the site's language and its time zone. */
export interface SiteCalendar {
  language: string;
  timeZone: string;
}

/**
 * Dates as readers see them, in the publication's language and on the publication's calendar
 * (its time zone setting), so every reader sees the day the newsroom published on. The admin
 * writes its dates with this too (see adminDay), and the history's notes the same way
 * (calendarDay), so that all say a day the same way.
 */
export function formatDate(iso: string | null, language = 'en', timeZone = 'UTC'): string {
  return iso ? calendarDay(iso, language, timeZone) : '';
}
