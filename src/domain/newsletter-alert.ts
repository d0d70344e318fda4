/** Minutes an alert waits after a publish when the setting is not given. */
export const DEFAULT_ALERT_GRACE_MINUTES = 10;

/**
 * While articles keep coming, an alert is put off a grace period after each, but the first one
 * waiting is held at most this many grace periods: a term that gets an article every few minutes
 * all day still has its alerts go out.
 */
export const ALERT_LONGEST_WAIT_GRACES = 3;

/** The most articles one alert carries (as an issue composed by hand); more wait for the next. */
export const MAX_ALERT_ARTICLES = 30;

/** An article waiting for an alert newsletter's next issue. */
export interface WaitingAlert {
  articleId: number;
  /** When the publish queued it; its grace runs from here. */
  queuedAt: string;
  /** False once it was unpublished or deleted: it is dropped from the alert. */
  isPublished: boolean;
}

/**
 * When the alert for these waiting articles is due: a grace period after the latest was queued,
 * but no later than ALERT_LONGEST_WAIT_GRACES grace periods after the earliest.
 */
export function alertDueAt(queuedAt: readonly string[], graceMs: number): Date {
  const times = queuedAt.map((at) => Date.parse(at));
  const latest = Math.max(...times);
  const earliest = Math.min(...times);
  return new Date(Math.min(latest + graceMs, earliest + ALERT_LONGEST_WAIT_GRACES * graceMs));
}

/** What an alert run does: the articles it sends, those it drops, and when to look again (if at all). */
export interface AlertPlan {
  send: number[];
  drop: number[];
  nextAt: Date | undefined;
}

/**
 * Decides an alert run at `now` over the articles waiting (oldest first). Articles no longer
 * published are dropped. Nothing goes out before the alert is due (see alertDueAt); then every
 * article whose own grace period is over goes out, the oldest MAX_ALERT_ARTICLES of them, so
 * that each article can still be unpublished for a full grace period after it was published.
 * What is left is looked at again when it is due.
 */
export function planAlert(waiting: readonly WaitingAlert[], now: Date, graceMs: number): AlertPlan {
  const drop = waiting.filter((a) => !a.isPublished).map((a) => a.articleId);
  const live = waiting.filter((a) => a.isPublished);
  if (live.length === 0) return { send: [], drop, nextAt: undefined };
  const dueAt = alertDueAt(
    live.map((a) => a.queuedAt),
    graceMs,
  );
  if (now.getTime() < dueAt.getTime()) return { send: [], drop, nextAt: dueAt };
  const isRipe = (a: WaitingAlert) => Date.parse(a.queuedAt) + graceMs <= now.getTime();
  const send = live
    .filter(isRipe)
    .slice(0, MAX_ALERT_ARTICLES)
    .map((a) => a.articleId);
  const sent = new Set(send);
  const rest = live.filter((a) => !sent.has(a.articleId));
  return {
    send,
    drop,
    nextAt:
      rest.length > 0
        ? alertDueAt(
            rest.map((a) => a.queuedAt),
            graceMs,
          )
        : undefined,
  };
}

const MAX_SUBJECT_LENGTH = 300;

/**
 * An alert's subject: the newsletter and the first article's title, with how many more it
 * carries ("Europe: Harbour dredging starts and 2 more"), cut to fit the 300 characters an
 * issue's subject may hold.
 */
export function alertSubject(newsletterName: string, titles: readonly string[]): string {
  const more = titles.length > 1 ? ` and ${titles.length - 1} more` : '';
  const head = `${newsletterName}: `;
  const title = titles[0] ?? '';
  const room = MAX_SUBJECT_LENGTH - head.length - more.length;
  const fitted = title.length <= room ? title : `${title.slice(0, Math.max(0, room - 1)).trimEnd()}…`;
  return `${head}${fitted}${more}`.slice(0, MAX_SUBJECT_LENGTH);
}
