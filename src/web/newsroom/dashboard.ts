import type { ArticleSummaryRow } from '../../domain/ports/dashboard-store.ts';
import { loadDashboard } from '../../services/dashboard.ts';
import { NoticeQuery, type TypedApp } from '../schemas.ts';
import { formatDate } from '../views/format.ts';
import { html, type SafeHtml } from '../views/html.ts';
import type { AdminDeps } from './deps.ts';
import { currentUser } from './guard.ts';

const NOTICES: Record<string, string> = { welcome: 'Welcome! Your account is ready.' };

function articleList(
  rows: ArticleSummaryRow[],
  empty: string,
  when: (row: ArticleSummaryRow) => string,
): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<ul class="list">${rows.map(
    (row) =>
      html`<li>${
        row.status === 'published'
          ? html`<a href="/articles/${row.slug}">${row.title}</a>`
          : html`<strong>${row.title}</strong>`
      }<br><span class="meta">${when(row)}</span></li>`,
  )}</ul>`;
}

/** The dashboard: what awaits review, what is scheduled, what went out recently. */
export async function dashboardPages(app: TypedApp, deps: AdminDeps): Promise<void> {
  app.get(
    '/',
    { config: { access: 'dashboard.view' }, schema: { querystring: NoticeQuery } },
    async (request, reply) => {
      const user = currentUser(request);
      const board = await loadDashboard(deps.ctx, user);
      const date = (iso: string | null) => (iso ? formatDate(iso) : '—');
      const scope = board.isOwnOnly ? 'Showing your articles' : 'Showing everyone’s articles';
      return deps.page(request, reply, {
        title: 'Dashboard',
        notice: NOTICES[request.query.notice ?? ''],
        body: html`<p class="meta">${scope}.${
          board.hasNoByline
            ? ' Your account is not linked to an author yet, so none are listed; ask an editor to link it.'
            : ''
        }</p>
<div class="panels">
  <section class="panel" aria-labelledby="dash-review">
    <h2 id="dash-review">Awaiting review (${board.awaitingReview.length})</h2>
    ${articleList(board.awaitingReview, 'Nothing is waiting for review.', (r) => `Submitted ${date(r.updatedAt)}`)}
  </section>
  <section class="panel" aria-labelledby="dash-scheduled">
    <h2 id="dash-scheduled">Scheduled (${board.scheduled.length})</h2>
    ${articleList(board.scheduled, 'Nothing is scheduled.', (r) => `Goes out ${date(r.publishedAt)}`)}
  </section>
  <section class="panel" aria-labelledby="dash-published">
    <h2 id="dash-published">Recently published</h2>
    ${articleList(board.recentlyPublished, 'Nothing published yet.', (r) => `Published ${date(r.publishedAt)}`)}
  </section>
  <section class="panel" aria-labelledby="dash-drafts">
    <h2 id="dash-drafts">Drafts (${board.drafts.length})</h2>
    ${articleList(board.drafts, 'No drafts.', (r) => `Last saved ${date(r.updatedAt)}`)}
  </section>
</div>`,
      });
    },
  );
}
