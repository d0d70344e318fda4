import { toIsoTimestamp } from '../../domain/article.ts';
import type { Newsletter } from '../../domain/newsletter.ts';
import { utcToZoned } from '../../domain/time-zone.ts';
import type { ServiceContext } from '../context.ts';
import { loadSettings } from '../settings.ts';
import { MAX_ISSUE_ARTICLES } from './admin.ts';

const DAY_MS = 24 * 3_600_000;

/**
 * The period a digest is due for at `now` in the site's zone, or undefined when it is not due:
 * a daily digest from its send hour on each day, a weekly one from its send hour on Mondays.
 * The key names the period ("daily:2026-12-03"), one issue per newsletter and key.
 */
export function duePeriod(
  newsletter: Pick<Newsletter, 'kind' | 'sendHour' | 'isActive'>,
  now: Date,
  timeZone: string,
): string | undefined {
  if (!newsletter.isActive || newsletter.sendHour === null) return undefined;
  if (newsletter.kind !== 'daily' && newsletter.kind !== 'weekly') return undefined;
  const local = utcToZoned(now.toISOString(), timeZone);
  const day = local.slice(0, 10);
  if (Number(local.slice(11, 13)) < newsletter.sendHour) return undefined;
  if (newsletter.kind === 'weekly' && new Date(`${day}T00:00:00Z`).getUTCDay() !== 1) return undefined;
  return `${newsletter.kind}:${day}`;
}

/**
 * Makes the automatic digests whose hour has come (a recurring task of the job runner, in every
 * process): the articles published since the newsletter's previous digest (at first, the last
 * day or week), as an issue scheduled for now, which sendDueIssues then sends. The period key's
 * unique index makes a second process's, or a restarted one's, insert a no-op. Nothing is made
 * when nothing was published. Returns how many digests were made.
 */
export async function createDueDigests(ctx: ServiceContext): Promise<number> {
  const now = ctx.now();
  const newsletters = await ctx.store.newsletters.listNewsletters();
  const candidates = newsletters.filter((n) => n.isActive && n.sendHour !== null);
  if (candidates.length === 0) return 0;
  const settings = await loadSettings(ctx.store);
  let made = 0;
  for (const newsletter of candidates) {
    const periodKey = duePeriod(newsletter, now, settings.timeZone);
    if (!periodKey) continue;
    const span = newsletter.kind === 'weekly' ? 7 * DAY_MS : DAY_MS;
    const since =
      (await ctx.store.newsletters.lastPeriodIssueAt(newsletter.id)) ??
      toIsoTimestamp(new Date(now.getTime() - span));
    const { articles } = await ctx.store.articles.listPublished({
      now: toIsoTimestamp(now),
      limit: MAX_ISSUE_ARTICLES,
      offset: 0,
    });
    const fresh = articles.filter((a) => (a.publishedAt ?? '') > since);
    if (fresh.length === 0) continue;
    const id = await ctx.store.newsletters.createPeriodIssue(
      {
        newsletterId: newsletter.id,
        periodKey,
        subject: `${newsletter.name}: ${periodKey.slice(periodKey.indexOf(':') + 1)}`,
        intro: '',
        articleIds: fresh.map((a) => a.id),
      },
      toIsoTimestamp(now),
    );
    if (id === undefined) continue;
    ctx.log.info({ newsletterId: newsletter.id, issueId: id, periodKey }, 'digest made');
    made++;
  }
  return made;
}
