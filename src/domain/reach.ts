import { MAX_REPUBLICATION_HOST } from './republication.ts';

// Reach: how far an article went. Views come from our own pages' view beacon, referring sites
// from the host the reader's browser came from (the beacon sends only that host), republications
// from the tracking image, mentions from webmentions. Nothing about a reader is stored.

/** The periods offered in the admin, in days (today included). */
export const REACH_PERIODS = [7, 30, 90, 365] as const;
/** The period shown when none is asked for. */
export const DEFAULT_REACH_DAYS = 30;
/** The longest period one page or export may cover (ten years of days). */
export const MAX_REACH_DAYS = 3660;
/** How many rows a "top" list holds. */
export const REACH_TOP_LIMIT = 20;
/** The host under which rolled-up referrals are kept (their sites are no longer known). */
export const ROLLED_UP_HOST = '';

const DAY_MS = 86_400_000;
const HOST_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$/;

/**
 * The referring host a beacon reported, as it is stored, or null when there is none worth
 * counting: empty, not a plain host name (with an optional port), too long, or one of ours.
 *
 * @example referringHost('News.Example.org', ['review.example']) // 'news.example.org'
 */
export function referringHost(value: string | undefined, ownHosts: readonly string[]): string | null {
  if (!value || value.length > MAX_REPUBLICATION_HOST) return null;
  const host = value.trim().toLowerCase();
  if (!HOST_PATTERN.test(host)) return null;
  if (ownHosts.includes(host)) return null;
  return host;
}

/** A span of whole UTC days, both ends included (YYYY-MM-DD). */
export interface ReachPeriod {
  since: string;
  until: string;
  /** How many days it covers. */
  days: number;
  /** The preset it matches (7, 30…), or null for a span chosen by dates. */
  preset: number | null;
}

export interface ReachPeriodInput {
  days?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** The period asked for, and what was wrong with the form (the default period is used then). */
export interface ReachPeriodOutcome {
  period: ReachPeriod;
  problems: { field: 'days' | 'from' | 'to'; message: string }[];
}

/** The UTC day of a moment (YYYY-MM-DD). */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The UTC day `n` days after `day` (before, when negative). */
export function addDays(day: string, n: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
}

/** Every day from `since` to `until`, both included. */
export function daysBetween(since: string, until: string): string[] {
  const days: string[] = [];
  for (let day = since; day <= until; day = addDays(day, 1)) days.push(day);
  return days;
}

function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && addDays(text, 0) === text;
}

/**
 * The period a form asked for: `from`/`to` dates when given, else a preset number of days
 * ending today. Problems are named by field; the period falls back to the default then.
 *
 * @example reachPeriod({ days: '7' }, '2026-11-20') // { since: '2026-11-14', until: '2026-11-20', days: 7, preset: 7 }
 */
export function reachPeriod(input: ReachPeriodInput, today: string): ReachPeriodOutcome {
  const preset = (days: number): ReachPeriod => ({
    since: addDays(today, -(days - 1)),
    until: today,
    days,
    preset: days,
  });
  const fallback = preset(DEFAULT_REACH_DAYS);
  const from = input.from?.trim() ?? '';
  const to = input.to?.trim() ?? '';
  if (from !== '' || to !== '') {
    const problems: { field: 'from' | 'to'; message: string }[] = [];
    if (from !== '' && !isDay(from))
      problems.push({ field: 'from', message: 'From must be a date (YYYY-MM-DD).' });
    if (to !== '' && !isDay(to)) problems.push({ field: 'to', message: 'To must be a date (YYYY-MM-DD).' });
    if (problems.length > 0) return { period: fallback, problems };
    const until = to === '' ? today : to;
    const since = from === '' ? addDays(until, -(DEFAULT_REACH_DAYS - 1)) : from;
    if (since > until) {
      return { period: fallback, problems: [{ field: 'from', message: 'From must not be after To.' }] };
    }
    const days = Math.round((Date.parse(until) - Date.parse(since)) / DAY_MS) + 1;
    if (days > MAX_REACH_DAYS) {
      return {
        period: fallback,
        problems: [{ field: 'from', message: `A period may cover at most ${MAX_REACH_DAYS} days.` }],
      };
    }
    return { period: { since, until, days, preset: null }, problems: [] };
  }
  const days = input.days === undefined || input.days === '' ? DEFAULT_REACH_DAYS : Number(input.days);
  if (!(REACH_PERIODS as readonly number[]).includes(days)) {
    return {
      period: fallback,
      problems: [{ field: 'days', message: `Period must be one of ${REACH_PERIODS.join(', ')} days.` }],
    };
  }
  return { period: preset(days), problems: [] };
}
