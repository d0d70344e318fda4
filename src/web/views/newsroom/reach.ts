import type { Article } from '../../../domain/article.ts';
import { articlePath } from '../../../domain/paths.ts';
import { REACH_PERIODS, REACH_TOP_LIMIT, type ReachPeriod, ROLLED_UP_HOST } from '../../../domain/reach.ts';
import type { ReachReport } from '../../../services/republishing/reach.ts';
import { dateInputAttributes } from '../date-input.ts';
import type { SiteCalendar } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminTime } from './admin-time.ts';
import { filterFieldState, filterSummary, filterValue, type ListFilterProblems } from './list-filters.ts';
import { viewsChart } from './reach-chart.ts';

/** The tables a reach page offers as CSV, by the `table` value of its export address. */
export const SITE_REACH_TABLES = ['days', 'articles', 'referrers', 'republishers', 'mentions'] as const;
export const ARTICLE_REACH_TABLES = ['days', 'referrers', 'republications', 'mentions'] as const;
export type ReachTable = (typeof SITE_REACH_TABLES)[number] | (typeof ARTICLE_REACH_TABLES)[number];

const FIELDS = {
  days: { id: 'reach-days', label: 'Period' },
  from: { id: 'reach-from', label: 'From' },
  to: { id: 'reach-to', label: 'To' },
};

/** The query string that asks for a period again (a preset's days, or its dates). */
export function periodQuery(period: ReachPeriod): string {
  return period.preset !== null ? `days=${period.preset}` : `from=${period.since}&to=${period.until}`;
}

export interface ReachPageModel {
  report: ReachReport;
  /** The article, for one article's reach; absent for the whole site. */
  article?: Article;
  problems: ListFilterProblems | undefined;
  /** The period's fields as typed. */
  typed: { days?: string | undefined; from?: string | undefined; to?: string | undefined };
  calendar: SiteCalendar;
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

function csvLink(base: string, period: ReachPeriod, table: ReachTable, what: string): SafeHtml {
  return html`<p class="reach-csv"><a href="${base}.csv?${periodQuery(period)}&table=${table}" download>Download ${what} (CSV)</a></p>`;
}

function periodForm(action: string, model: ReachPageModel): SafeHtml {
  const { period } = model.report;
  const { problems } = model;
  const days = filterFieldState(problems, 'days', FIELDS.days.id);
  const from = filterFieldState(problems, 'from', FIELDS.from.id);
  const to = filterFieldState(problems, 'to', FIELDS.to.id);
  const isByDates = period.preset === null || Boolean(problems?.errors.from || problems?.errors.to);
  const fromValue = filterValue(problems, 'from', isByDates ? (model.typed.from ?? period.since) : '');
  const toValue = filterValue(problems, 'to', isByDates ? (model.typed.to ?? period.until) : '');
  return html`<form method="get" action="${action}" class="panel list-filters reach-period" aria-label="Choose the period">
  <div class="field${days.className}"><label for="${FIELDS.days.id}">Period</label><select id="${FIELDS.days.id}" name="days"${days.invalid}>${REACH_PERIODS.map(
    (n) => html`<option value="${n}"${period.preset === n ? html` selected` : ''}>Last ${n} days</option>`,
  )}</select>${days.message}</div>
  <div class="field${from.className}"><label for="${FIELDS.from.id}">or from</label><input id="${FIELDS.from.id}" name="from"${dateInputAttributes(fromValue, 'date')} value="${fromValue}" aria-describedby="reach-dates-hint"${from.invalid}>${from.message}</div>
  <div class="field${to.className}"><label for="${FIELDS.to.id}">to</label><input id="${FIELDS.to.id}" name="to"${dateInputAttributes(toValue, 'date')} value="${toValue}" aria-describedby="reach-dates-hint"${to.invalid}>${to.message}</div>
  <div class="actions"><button type="submit">Show</button>${isByDates ? html` <a href="${action}">Last 30 days</a>` : ''}</div>
  <p class="hint list-filters__hint" id="reach-dates-hint">Dates, when given, win over the period. Days are UTC days.</p>
</form>`;
}

function daysTable(report: ReachReport): SafeHtml {
  return html`<details class="reach-table">
<summary>Views per day as a table</summary>
<div class="table-wrap" role="region" aria-label="Views per day" tabindex="0"><table>
<caption class="visually-hidden">Views per day</caption>
<thead><tr><th scope="col">Day (UTC)</th><th scope="col" class="num">Views</th></tr></thead>
<tbody>${report.days.map((d) => html`<tr><th scope="row">${d.day}</th><td class="num">${d.views.toLocaleString('en')}</td></tr>`)}</tbody>
</table></div>
</details>`;
}

function referrerName(host: string, report: ReachReport): SafeHtml {
  return host === ROLLED_UP_HOST
    ? html`<span class="meta">Sites not kept (detail older than ${report.detailSince} is rolled up)</span>`
    : html`${host}`;
}

function referrersPanel(base: string, report: ReachReport): SafeHtml {
  return html`<section class="panel" aria-labelledby="reach-referrers">
<h2 id="reach-referrers">Referring sites</h2>
<p class="hint">Sites whose links readers followed to our pages (only the site is kept, never the page or the reader).</p>
${
  report.referrers.length === 0
    ? html`<p class="empty">No referring sites in this period.</p>`
    : html`<div class="table-wrap" role="region" aria-label="Referring sites" tabindex="0"><table class="stack-table reach-referrers">
<thead><tr><th scope="col">Site</th><th scope="col" class="num">Views</th></tr></thead>
<tbody>${report.referrers.map(
        (r) =>
          html`<tr><td data-label="Site">${referrerName(r.host, report)}</td><td data-label="Views" class="num">${r.views.toLocaleString('en')}</td></tr>`,
      )}</tbody></table></div>
${csvLink(base, report.period, 'referrers', 'referring sites')}`
}
</section>`;
}

function mentionsPanel(base: string, model: ReachPageModel): SafeHtml {
  const { report, article } = model;
  return html`<section class="panel" aria-labelledby="reach-mentions">
<h2 id="reach-mentions">Mentions</h2>
<p class="hint">Pages that linked to ${article ? 'this article' : 'our articles'} and said so (webmentions), first verified in this period.</p>
${
  report.mentions.length === 0
    ? html`<p class="empty">No mentions in this period.</p>`
    : html`<div class="table-wrap" role="region" aria-label="Mentions" tabindex="0"><table class="stack-table reach-mentions">
<thead><tr><th scope="col">Page</th>${article ? '' : html`<th scope="col">Article</th>`}<th scope="col">First verified</th></tr></thead>
<tbody>${report.mentions.map(
        (m) =>
          html`<tr><td data-label="Page"><a href="${m.source}" rel="nofollow noopener noreferrer">${m.sourceTitle || m.source}</a></td>${
            article
              ? ''
              : html`<td data-label="Article"><a href="/admin/articles/${m.articleId}/reach?${periodQuery(report.period)}">${m.articleTitle}</a></td>`
          }<td data-label="First verified">${adminTime(m.firstVerifiedAt, model.calendar)}</td></tr>`,
      )}</tbody></table></div>
${csvLink(base, report.period, 'mentions', 'mentions')}`
}
</section>`;
}

function republishersPanel(base: string, model: ReachPageModel): SafeHtml {
  const { report } = model;
  return html`<section class="panel reach-wide" aria-labelledby="reach-republishers">
<h2 id="reach-republishers">Republished on</h2>
<p class="hint">Sites that showed our articles, as their tracking image counted (views in this period).</p>
${
  report.republishers.length === 0
    ? html`<p class="empty">No republication seen in this period.</p>`
    : html`<div class="table-wrap" role="region" aria-label="Republished on" tabindex="0"><table class="stack-table reach-republishers">
<thead><tr><th scope="col">Site</th><th scope="col" class="num">Views</th><th scope="col" class="num">Articles</th><th scope="col">First seen</th><th scope="col">Last seen</th></tr></thead>
<tbody>${report.republishers.map(
        (r) =>
          html`<tr><td data-label="Site">${r.host}</td><td data-label="Views" class="num">${r.views.toLocaleString('en')}</td><td data-label="Articles" class="num">${r.articles.toLocaleString('en')}</td><td data-label="First seen">${adminTime(r.firstSeen, model.calendar)}</td><td data-label="Last seen">${adminTime(r.lastSeen, model.calendar)}</td></tr>`,
      )}</tbody></table></div>
${csvLink(base, report.period, 'republishers', 'republishing sites')}`
}
</section>`;
}

function republicationsPanel(base: string, model: ReachPageModel): SafeHtml {
  const { report } = model;
  return html`<section class="panel reach-wide" aria-labelledby="reach-republications">
<h2 id="reach-republications">Republications</h2>
<p class="hint">Pages of other sites that showed this article, as its tracking image counted.</p>
${
  report.republications.length === 0
    ? html`<p class="empty">No republication seen in this period.</p>`
    : html`<div class="table-wrap" role="region" aria-label="Republications" tabindex="0"><table class="stack-table reach-republications">
<thead><tr><th scope="col">Site</th><th scope="col">Page</th><th scope="col" class="num">Views in period</th><th scope="col" class="num">Views in all</th><th scope="col">First seen</th><th scope="col">Last seen</th></tr></thead>
<tbody>${report.republications.map(
        (r) =>
          html`<tr><td data-label="Site">${r.host}</td><td data-label="Page">${
            r.page.startsWith('http')
              ? html`<a href="${r.page}" rel="nofollow noopener noreferrer">${r.page}</a>`
              : html`<span class="meta">All its pages (rolled up)</span>`
          }</td><td data-label="In period" class="num">${r.views.toLocaleString('en')}</td><td data-label="In all" class="num">${r.totalViews.toLocaleString('en')}</td><td data-label="First seen">${adminTime(r.firstSeen, model.calendar)}</td><td data-label="Last seen">${adminTime(r.lastSeen, model.calendar)}</td></tr>`,
      )}</tbody></table></div>
${csvLink(base, report.period, 'republications', 'republications')}`
}
</section>`;
}

function topArticlesPanel(base: string, report: ReachReport): SafeHtml {
  return html`<section class="panel" aria-labelledby="reach-articles">
<h2 id="reach-articles">Top articles</h2>
${
  report.topArticles.length === 0
    ? html`<p class="empty">No views in this period.</p>`
    : html`<div class="table-wrap" role="region" aria-label="Top articles" tabindex="0"><table class="stack-table reach-articles">
<thead><tr><th scope="col">Article</th><th scope="col" class="num">Views</th></tr></thead>
<tbody>${report.topArticles.map(
        (a) =>
          html`<tr><td data-label="Article"><a href="/admin/articles/${a.articleId}/reach?${periodQuery(report.period)}">${a.title}</a></td><td data-label="Views" class="num">${a.views.toLocaleString('en')}</td></tr>`,
      )}</tbody></table></div>
${csvLink(base, report.period, 'articles', 'top articles')}`
}
</section>`;
}

/**
 * Reach over a period, site-wide or for one article: a period form (a plain GET), the totals,
 * views per day as a chart with its table, then the lists, each with its CSV export.
 */
export function reachView(model: ReachPageModel): SafeHtml {
  const { report, article } = model;
  const base = article ? `/admin/articles/${article.id}/reach` : '/admin/reach';
  const referred = report.referrers.reduce((n, r) => n + r.views, 0);
  const republished = report.republishers.reduce((n, r) => n + r.views, 0);
  const span = `${report.period.since} to ${report.period.until}`;
  return html`${
    article
      ? html`<p class="editor-links"><a href="/admin/articles/${article.id}">← Back to the editor</a>${
          article.status === 'published'
            ? html` · <a href="${articlePath(article.slug)}">View on the site</a>`
            : ''
        } · <a href="/admin/articles/${article.id}/republications">Republications</a> · <a href="/admin/articles/${article.id}/mentions">Mentions</a></p>`
      : ''
  }
<p>How far ${article ? 'this article' : 'our articles'} went: reads of our own pages by people (no bots), the sites
readers came from, copies on other sites and mentions. Counted here, with no third party; nothing
about readers is kept.</p>
${filterSummary(model.problems, FIELDS)}
${periodForm(base, model)}
<section class="panel" aria-labelledby="reach-views">
<h2 id="reach-views">Views, ${span}</h2>
<ul class="reach-totals">
  <li><strong data-total-views>${report.totalViews.toLocaleString('en')}</strong> ${report.totalViews === 1 ? 'view' : 'views'}</li>
  <li><strong>${referred.toLocaleString('en')}</strong> from other sites’ links${report.referrers.length >= REACH_TOP_LIMIT ? ` (top ${REACH_TOP_LIMIT} sites)` : ''}</li>
  <li><strong>${republished.toLocaleString('en')}</strong> on republishing sites</li>
  <li><strong>${report.mentions.length.toLocaleString('en')}</strong> ${report.mentions.length === 1 ? 'mention' : 'mentions'}</li>
</ul>
${viewsChart({ id: 'reach-chart', days: report.days, label: `Views per day, ${span}` })}
${daysTable(report)}
${csvLink(base, report.period, 'days', 'views per day')}
</section>
<div class="panels reach-panels">
${article ? '' : topArticlesPanel(base, report)}
${referrersPanel(base, report)}
${mentionsPanel(base, model)}
${article ? '' : republishersPanel(base, model)}
</div>
${article ? republicationsPanel(base, model) : ''}
<p class="meta">Each site’s referrals and each republishing page are kept for ${count(report.detailDays, 'day', 'days')};
older ones are kept as daily totals.</p>`;
}
