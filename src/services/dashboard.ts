import { toIsoTimestamp } from '../domain/article.ts';
import { can } from '../domain/permissions.ts';
import type { ArticleSummaryRow } from '../domain/ports/dashboard-store.ts';
import type { User } from '../domain/user.ts';
import type { ServiceContext } from './context.ts';

export interface Dashboard {
  /** Everyone's, for roles that edit anyone's articles; otherwise only the user's own. */
  isOwnOnly: boolean;
  /** The user writes as no person yet, so "own" lists are empty. */
  hasNoByline: boolean;
  awaitingReview: ArticleSummaryRow[];
  scheduled: ArticleSummaryRow[];
  recentlyPublished: ArticleSummaryRow[];
  drafts: ArticleSummaryRow[];
  /** How many each list holds in all, up to COUNT_CAP (the lists show the first LIMIT). */
  counts: { review: number; scheduled: number; published: number; draft: number };
}

const LIMIT = 10;

/** The dashboard counts no further than this: past it, "10,000+". */
export const COUNT_CAP = 10_000;

/** What the dashboard shows a user: review queue, scheduled, recently published, drafts. */
export async function loadDashboard(ctx: ServiceContext, user: User): Promise<Dashboard> {
  const isOwnOnly = !can(user.role, 'article.edit_any');
  const now = toIsoTimestamp(ctx.now());
  const hasNoByline = isOwnOnly && user.personId === null;
  const query = (bucket: 'review' | 'scheduled' | 'published' | 'draft') => ({
    bucket,
    now,
    ...(isOwnOnly && user.personId !== null ? { authorPersonId: user.personId } : {}),
  });
  const list = async (bucket: 'review' | 'scheduled' | 'published' | 'draft') =>
    hasNoByline ? [] : ctx.store.dashboard.list({ ...query(bucket), limit: LIMIT });
  // A list shorter than its page is its own count: only a full one is counted.
  const count = async (bucket: 'review' | 'scheduled' | 'published' | 'draft', shown: number) =>
    shown < LIMIT ? shown : ctx.store.dashboard.count({ ...query(bucket), cap: COUNT_CAP + 1 });
  const [awaitingReview, scheduled, recentlyPublished, drafts] = await Promise.all([
    list('review'),
    list('scheduled'),
    list('published'),
    list('draft'),
  ]);
  const [review, scheduledCount, published, draft] = await Promise.all([
    count('review', awaitingReview.length),
    count('scheduled', scheduled.length),
    count('published', recentlyPublished.length),
    count('draft', drafts.length),
  ]);
  return {
    isOwnOnly,
    hasNoByline,
    awaitingReview,
    scheduled,
    recentlyPublished,
    drafts,
    counts: { review, scheduled: scheduledCount, published, draft },
  };
}
