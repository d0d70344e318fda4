import type { Article } from '../../../domain/article.ts';
import type { Republication } from '../../../domain/ports/republication-store.ts';
import type { SiteCalendar } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminTime } from './admin-time.ts';

/** The pages of other sites that displayed an article (through its tracking image), most recent first. */
export function republicationListView(model: {
  article: Article;
  republications: Republication[];
  /** Every page that displayed it and their views, of which `republications` lists the latest. */
  totals: { pages: number; views: number };
  calendar: SiteCalendar;
}): SafeHtml {
  const { article, republications } = model;
  const { pages, views } = model.totals;
  return html`<p class="editor-links"><a href="/admin/articles/${article.id}">← Back to the editor</a> · <a href="/admin/articles/${article.id}/reach">Reach: views, referring sites and republications over time</a></p>
<p>Pages of other sites that showed this article, as its tracking image counted them: people’s
views only (no bots, not this site’s own pages). Nothing about the readers is kept.</p>
${
  republications.length === 0
    ? html`<p class="empty" data-republications="0">No republication seen yet.</p>`
    : html`<p data-republications="${pages}">${pages.toLocaleString('en')} ${pages === 1 ? 'page' : 'pages'}, ${views.toLocaleString('en')} ${
        views === 1 ? 'view' : 'views'
      }.${
        pages > republications.length
          ? ` The ${republications.length.toLocaleString('en')} most recently seen are listed.`
          : ''
      }</p>
<div class="table-wrap"><table class="stack-table republications">
<thead><tr><th scope="col">Site</th><th scope="col">Page</th><th scope="col">Views</th><th scope="col">First seen</th><th scope="col">Last seen</th></tr></thead>
<tbody>
${republications.map(
  (r) => html`<tr>
  <td data-label="Site">${r.host}</td>
  <td data-label="Page"><a href="${r.page}" rel="nofollow noopener noreferrer">${r.page}</a></td>
  <td data-label="Views" data-views>${r.views.toLocaleString('en')}</td>
  <td data-label="First seen">${adminTime(r.firstSeen, model.calendar)}</td>
  <td data-label="Last seen">${adminTime(r.lastSeen, model.calendar)}</td>
</tr>`,
)}
</tbody></table></div>`
}`;
}
