import type { Article } from '../../../domain/article.ts';
import type { Webmention, WebmentionStatus } from '../../../domain/webmention.ts';
import type { SiteCalendar } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminTime } from './admin-time.ts';

const STATUS_NAMES: Record<WebmentionStatus, string> = {
  verified: 'Verified',
  removed: 'Removed by its source',
  refused: 'Not verified',
};

/** An article's webmentions: the pages that link to it, as last checked. */
export function mentionListView(model: {
  article: Article;
  mentions: Webmention[];
  /** Every mention of the article, of which `mentions` lists the latest. */
  total: number;
  calendar: SiteCalendar;
}): SafeHtml {
  const { article, mentions, total } = model;
  const when = (at: string | null) => (at ? adminTime(at, model.calendar) : '—');
  return html`<p class="editor-links"><a href="/admin/articles/${article.id}">← Back to the editor</a></p>
<p>Pages elsewhere that told us (by <a href="https://www.w3.org/TR/webmention/">Webmention</a>) they link to this article. Each is checked by fetching it; one that stops linking, or is gone, is marked removed.</p>
${
  mentions.length === 0
    ? html`<p class="empty">No mentions yet.</p>`
    : html`<p data-mentions="${total}">${total.toLocaleString('en')} ${total === 1 ? 'mention' : 'mentions'}.${
        total > mentions.length
          ? ` The ${mentions.length.toLocaleString('en')} most recently checked are listed.`
          : ''
      }</p>
<div class="table-wrap"><table class="stack-table mentions">
<thead><tr><th scope="col">Page</th><th scope="col">Status</th><th scope="col">First verified</th><th scope="col">Last verified</th><th scope="col">Last checked</th></tr></thead>
<tbody>
${mentions.map(
  (m) => html`<tr>
  <td data-label="Page"><a href="${m.source}" rel="nofollow noopener noreferrer">${m.sourceTitle ?? m.source}</a>${m.sourceTitle ? html`<br><small>${m.source}</small>` : ''}</td>
  <td data-label="Status">${STATUS_NAMES[m.status]}${m.reason ? html`<br><small>${m.reason}</small>` : ''}</td>
  <td data-label="First verified">${when(m.firstVerifiedAt)}</td>
  <td data-label="Last verified">${when(m.lastVerifiedAt)}</td>
  <td data-label="Last checked">${when(m.updatedAt)}</td>
</tr>`,
)}
</tbody></table></div>`
}`;
}
