import { articlePath } from '../../domain/paths.ts';
import { can } from '../../domain/permissions.ts';
import type { ArticleSummaryRow } from '../../domain/ports/dashboard-store.ts';
import { COUNT_CAP, loadDashboard } from '../../services/dashboard.ts';
import { loadSiteSettings } from '../../services/settings.ts';
import { NoticeQuery, type TypedApp } from '../schemas.ts';
import { html, type SafeHtml } from '../views/html.ts';
import { adminDay } from '../views/newsroom/admin-time.ts';
import { noticeIn } from '../views/notices.ts';
import type { AdminDeps } from './deps.ts';
import { currentUser } from './guard.ts';

const NOTICES: Record<string, string> = { welcome: 'Welcome! Your account is ready.' };

/**
 * A dashboard list: every title opens the editor in one click; a published one also links to
 * the page readers see.
 */
function articleList(
  bucket: string,
  rows: ArticleSummaryRow[],
  empty: string,
  when: (row: ArticleSummaryRow) => string,
): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<ul class="list">${rows.map(
    (row) =>
      html`<li><a href="/admin/articles/${row.id}" id="${bucket}-${row.id}">${row.title}</a><br><span class="meta">${when(row)}${
        row.status === 'published'
          ? html` · <a href="${articlePath(row.slug)}" aria-describedby="${bucket}-${row.id}">View on the site</a>`
          : ''
      }</span></li>`,
  )}</ul>`;
}

/** A count as the dashboard shows it: exact up to the cap, "10,000+" past it. */
function shownCount(count: number): string {
  return count > COUNT_CAP ? `${COUNT_CAP.toLocaleString('en')}+` : count.toLocaleString('en');
}

/** Under a list that shows only the first few: the article list with the same status. */
function fullListLink(status: string, count: number, shown: number, label: string): SafeHtml {
  if (count <= shown) return html``;
  return html`<p class="more"><a href="/admin/articles?status=${status}">${label} (${shownCount(count)}) →</a></p>`;
}

/** The dashboard: what awaits review, what is scheduled, what went out recently. */
export async function dashboardPages(app: TypedApp, deps: AdminDeps): Promise<void> {
  app.get(
    '/',
    { config: { access: 'dashboard.view' }, schema: { querystring: NoticeQuery } },
    async (request, reply) => {
      const user = currentUser(request);
      const [board, settings] = await Promise.all([
        loadDashboard(deps.ctx, user),
        loadSiteSettings(deps.ctx),
      ]);
      const date = (iso: string | null) => adminDay(iso, settings);
      const scope = board.isOwnOnly ? 'Showing your articles' : 'Showing everyone’s articles';
      return deps.page(request, reply, {
        title: 'Dashboard',
        notice: noticeIn(NOTICES, request.query.notice),
        body: html`${
          can(user.role, 'article.create')
            ? html`<p class="dash-write"><a class="button button--large" href="/admin/articles/new">Write an article</a></p>`
            : ''
        }<p class="meta">${scope}.${
          board.hasNoByline
            ? ' Your account is not linked to an author yet, so none are listed; ask an editor to link it.'
            : ''
        }</p>
<div class="panels">
  <section class="panel" aria-labelledby="dash-review">
    <h2 id="dash-review">Awaiting review (${shownCount(board.counts.review)})</h2>
    ${articleList('review', board.awaitingReview, 'Nothing is waiting for review.', (r) => `Submitted ${date(r.updatedAt)}`)}
    ${fullListLink('review', board.counts.review, board.awaitingReview.length, 'The whole review queue')}
  </section>
  <section class="panel" aria-labelledby="dash-scheduled">
    <h2 id="dash-scheduled">Scheduled (${shownCount(board.counts.scheduled)})</h2>
    ${articleList('scheduled', board.scheduled, 'Nothing is scheduled.', (r) => `Goes out ${date(r.publishedAt)}`)}
    ${fullListLink('scheduled', board.counts.scheduled, board.scheduled.length, 'All scheduled articles')}
  </section>
  <section class="panel" aria-labelledby="dash-published">
    <h2 id="dash-published">Recently published</h2>
    ${articleList('published', board.recentlyPublished, 'Nothing published yet.', (r) => `Published ${date(r.publishedAt)}`)}
    ${fullListLink('published', board.counts.published, board.recentlyPublished.length, 'All published articles')}
  </section>
  <section class="panel" aria-labelledby="dash-drafts">
    <h2 id="dash-drafts">Drafts (${shownCount(board.counts.draft)})</h2>
    ${articleList('draft', board.drafts, 'No drafts.', (r) => `Last saved ${date(r.updatedAt)}`)}
    ${fullListLink('draft', board.counts.draft, board.drafts.length, 'All drafts')}
  </section>
</div>`,
      });
    },
  );
}
