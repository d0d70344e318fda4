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
}

const LIMIT = 10;

/** What the dashboard shows a user: review queue, scheduled, recently published, drafts. */
export async function loadDashboard(ctx: ServiceContext, user: User): Promise<Dashboard> {
  const isOwnOnly = !can(user.role, 'article.edit_any');
  const now = toIsoTimestamp(ctx.now());
  const hasNoByline = isOwnOnly && user.personId === null;
  const list = async (bucket: 'review' | 'scheduled' | 'published' | 'draft') => {
    if (hasNoByline) return [];
    return ctx.store.dashboard.list({
      bucket,
      now,
      limit: LIMIT,
      ...(isOwnOnly && user.personId !== null ? { authorPersonId: user.personId } : {}),
    });
  };
  const [awaitingReview, scheduled, recentlyPublished, drafts] = await Promise.all([
    list('review'),
    list('scheduled'),
    list('published'),
    list('draft'),
  ]);
  return { isOwnOnly, hasNoByline, awaitingReview, scheduled, recentlyPublished, drafts };
}
