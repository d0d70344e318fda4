import { personPath } from '../../domain/paths.ts';
import type { SnippetPart } from '../../domain/search-query.ts';
import type { Taxonomy, Term } from '../../domain/taxonomy.ts';
import type { SearchOutcome } from '../../services/discovery/search.ts';
import type { ArticleCard, SiteModel } from '../../services/reader.ts';
import { dateInputAttributes } from './date-input.ts';
import { formatDate } from './format.ts';
import { html, type SafeHtml } from './html.ts';

export function snippetHtml(parts: SnippetPart[]): SafeHtml {
  return html`${parts.map((p) => (p.isMatch ? html`<mark>${p.text}</mark>` : html`${p.text}`))}`;
}

function compactList(cards: ArticleCard[], site: SiteModel): SafeHtml {
  return html`<ol class="compact-list">${cards.map(
    (c) =>
      html`<li><a href="${c.url}">${c.article.title}</a> <span class="compact-list__meta">${c.authors.map((a) => a.name).join(', ')}${c.authors.length ? ' · ' : ''}<time datetime="${c.article.publishedAt ?? ''}">${formatDate(c.article.publishedAt, site.settings.language, site.settings.timeZone)}</time></span></li>`,
  )}</ol>`;
}

/** Most-read lists for the last day and week; nothing when nobody has read anything yet. */
export function mostReadBlock(
  lists: { day: ArticleCard[]; week: ArticleCard[] },
  site: SiteModel,
  headingId = 'most-read-title',
): SafeHtml {
  if (lists.day.length === 0 && lists.week.length === 0) return html``;
  return html`<section class="most-read" aria-labelledby="${headingId}">
  <h2 id="${headingId}" class="section-title">Most read</h2>
  ${lists.day.length ? html`<h3 class="most-read__period">Today</h3>${compactList(lists.day, site)}` : ''}
  ${lists.week.length ? html`<h3 class="most-read__period">This week</h3>${compactList(lists.week, site)}` : ''}
</section>`;
}

export function relatedBlock(cards: ArticleCard[], site: SiteModel): SafeHtml {
  if (cards.length === 0) return html``;
  return html`<section class="related" aria-labelledby="related-title">
  <h2 id="related-title" class="section-title">Related articles</h2>
  ${compactList(cards, site)}
</section>`;
}

/** The read beacon: counted by the site script, or by the image when scripts are off. */
export function viewBeacon(articleId: number): SafeHtml {
  return html`<span hidden data-view-beacon="/api/views/${articleId}"></span><noscript><img class="view-beacon" src="/api/views/${articleId}.gif" alt="" width="1" height="1"></noscript>`;
}

export interface SearchFormOptions {
  /** A null list is too long for a menu: the form asks for a name. */
  taxonomies: { taxonomy: Taxonomy; terms: Term[] | null }[];
  authors: { slug: string; name: string }[] | null;
  values: { q: string; terms: Record<string, string>; author: string; from: string; to: string };
}

export function searchView(
  outcome: SearchOutcome | null,
  form: SearchFormOptions,
  site: SiteModel,
  errorMessage: string | null,
): SafeHtml {
  const v = form.values;
  const pageHref = (page: number) => {
    const params = new URLSearchParams({ q: v.q });
    for (const [k, value] of Object.entries(v.terms)) if (value) params.set(k, value);
    if (v.author) params.set('author', v.author);
    if (v.from) params.set('from', v.from);
    if (v.to) params.set('to', v.to);
    if (page > 1) params.set('page', String(page));
    return `/search?${params.toString()}`;
  };
  const p = outcome?.pagination;
  return html`<section class="search-page">
  <h1>Search</h1>
  <form class="search-form" action="/search" method="get" role="search">
    <p><label for="search-q">Words or "a phrase" (end a word with * to match its beginning)</label>
    <input id="search-q" type="search" name="q" value="${v.q}" maxlength="500"></p>
    <details class="search-form__filters"${Object.values(v.terms).some(Boolean) || v.author || v.from || v.to ? html` open` : ''}>
      <summary>Filters</summary>
      ${form.taxonomies.map(
        ({ taxonomy, terms }) => html`<p><label for="search-${taxonomy.slug}">${taxonomy.name}</label>
      ${
        terms
          ? html`<select id="search-${taxonomy.slug}" name="${taxonomy.slug}"><option value="">Any</option>${terms.map(
              (t) =>
                html`<option value="${t.slug}"${v.terms[taxonomy.slug] === t.slug ? html` selected` : ''}>${t.name}</option>`,
            )}</select>`
          : html`<input id="search-${taxonomy.slug}" name="${taxonomy.slug}" value="${v.terms[taxonomy.slug] ?? ''}" maxlength="200" placeholder="Any (type a name)">`
      }</p>`,
      )}
      <p><label for="search-author">Author</label>
      ${
        form.authors
          ? html`<select id="search-author" name="author"><option value="">Any</option>${form.authors.map(
              (a) =>
                html`<option value="${a.slug}"${v.author === a.slug ? html` selected` : ''}>${a.name}</option>`,
            )}</select>`
          : html`<input id="search-author" name="author" value="${v.author}" maxlength="200" placeholder="Any (type a name)">`
      }</p>
      <p><label for="search-from">Published from</label> <input id="search-from"${dateInputAttributes(v.from, 'date')} name="from" value="${v.from}">
      <label for="search-to">to</label> <input id="search-to"${dateInputAttributes(v.to, 'date')} name="to" value="${v.to}"></p>
    </details>
    <p><button type="submit">Search</button></p>
  </form>
  ${errorMessage ? html`<p class="search-page__message" role="alert">${errorMessage}</p>` : ''}
  ${outcome?.message ? html`<p class="search-page__message" role="status">${outcome.message}</p>` : ''}
  ${
    outcome && outcome.results.length > 0 && p
      ? html`<p class="search-page__count" role="status">${outcome.isTotalExact ? '' : 'More than '}${p.total.toLocaleString('en')} ${p.total === 1 ? 'article' : 'articles'} found${p.pageCount > 1 ? html` · page ${p.page}${outcome.isTotalExact ? html` of ${p.pageCount}` : ''}` : ''}</p>
  <ol class="search-results" start="${(p.page - 1) * 10 + 1}">
    ${outcome.results.map(
      (r) => html`<li class="search-result">
      <h2 class="search-result__title"><a href="${r.card.url}">${r.card.article.title}</a></h2>
      <p class="search-result__meta">${r.card.authors.length ? html`By ${r.card.authors.map((a, i) => html`${i ? ', ' : ''}<a href="${personPath(a.slug)}">${a.name}</a>`)} · ` : ''}<time datetime="${r.card.article.publishedAt ?? ''}">${formatDate(r.card.article.publishedAt, site.settings.language, site.settings.timeZone)}</time></p>
      <p class="search-result__snippet">${snippetHtml(r.snippet)}</p>
    </li>`,
    )}
  </ol>
  ${
    p.pageCount > 1
      ? html`<nav class="pagination" aria-label="Result pages">
    ${p.page > 1 ? html`<a rel="prev" href="${pageHref(p.page - 1)}">← Previous</a>` : ''}
    <span>Page ${p.page}${outcome.isTotalExact ? html` of ${p.pageCount}` : ''}</span>
    ${p.page < p.pageCount ? html`<a rel="next" href="${pageHref(p.page + 1)}">Next →</a>` : ''}
  </nav>`
      : ''
  }`
      : ''
  }
</section>`;
}
