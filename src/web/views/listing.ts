import { encodeListingPosition } from '../../domain/listing.ts';
import type { Page } from '../../domain/page.ts';
import { commentsPath, personPath, termPath } from '../../domain/paths.ts';
import type { Person } from '../../domain/person.ts';
import type { ResponsiveImage } from '../../domain/responsive-image.ts';
import type { Taxonomy, Term } from '../../domain/taxonomy.ts';
import type { FeedLink } from '../../services/discovery/feeds.ts';
import type {
  ArticleCard,
  HomeModel,
  Listing,
  Pagination,
  SiteModel,
  TermPageModel,
} from '../../services/reader.ts';
import { errorTitle } from '../errors.ts';
import { commentCountText } from './comments.ts';
import { formatDate } from './format.ts';
import { html, raw, type SafeHtml } from './html.ts';
import { lazinessAfterFirst, personPhoto, picture, subscribeLinks } from './picture.ts';

/** How a card is shown: its heading's level, and whether its image waits until scrolled near. */
export interface CardOptions {
  headingLevel?: 2 | 3;
  isLazy?: () => boolean;
}

/** Thumbnails fill a card: a grid column on wide screens, the screen's width on phones. */
const THUMBNAIL_SIZES = '(min-width: 40rem) 22rem, calc(100vw - 2.5rem)';

export function articleCard(card: ArticleCard, site: SiteModel, options: CardOptions = {}): SafeHtml {
  const { article } = card;
  const { headingLevel = 2, isLazy = () => true } = options;
  const title = html`<a href="${card.url}">${article.title}</a>`;
  const region = card.terms.find((t) => t.taxonomy.slug === 'region');
  return html`<article class="card${card.image ? ' card--with-image' : ''}">
  ${card.image ? picture(card.image, { sizes: THUMBNAIL_SIZES, isLazy: isLazy(), className: 'card__image' }) : ''}
  ${region ? html`<p class="card__kicker"><a href="${termPath('region', region.term.slug)}">${region.term.name}</a></p>` : ''}
  ${headingLevel === 2 ? html`<h2 class="card__title">${title}</h2>` : html`<h3 class="card__title">${title}</h3>`}
  ${article.summary ? html`<p class="card__summary">${article.summary}</p>` : ''}
  <p class="card__meta">${card.authors.length ? html`By ${card.authors.map((a, i) => html`${i ? ', ' : ''}<a href="${personPath(a.slug)}">${a.name}</a>`)} · ` : ''}<time datetime="${article.publishedAt ?? ''}">${formatDate(article.publishedAt, site.settings.language, site.settings.timeZone)}</time>${
    card.commentCount > 0
      ? html` · <a class="card__comments" href="${commentsPath(article.slug)}">${commentCountText(card.commentCount)}</a>`
      : ''
  }</p>
</article>`;
}

/**
 * Newer and older links. "Older" carries where this page ends, so the next page is read from
 * there by keyset whatever its depth, and is shown only when an article follows; "Newer" and
 * bare numbers stay plain, for direct access.
 */
export function pagination(p: Pagination, basePath: string): SafeHtml {
  if (p.pageCount <= 1) return html``;
  const href = (page: number) => (page === 1 ? basePath : `${basePath}?page=${page}`);
  return html`<nav class="pagination" aria-label="Pages">
  ${p.page > 1 ? html`<a rel="prev" href="${href(p.page - 1)}">← Newer</a>` : ''}
  <span>Page ${p.page} of ${p.pageCount}</span>
  ${p.next ? html`<a rel="next" href="${href(p.page + 1)}&after=${encodeListingPosition(p.next)}">Older →</a>` : ''}
</nav>`;
}

function cardList(listing: Listing, site: SiteModel, empty: string): SafeHtml {
  if (listing.cards.length === 0) return html`<p class="empty">${empty}</p>`;
  const isLazy = lazinessAfterFirst();
  return html`<div class="cards">${listing.cards.map((c) => articleCard(c, site, { isLazy }))}</div>`;
}

export function homeView(model: HomeModel, site: SiteModel, feeds: FeedLink[] = []): SafeHtml {
  // Later pages show the latest only: their first card is at the top.
  const isLazy = lazinessAfterFirst();
  const options = { headingLevel: 3, isLazy } as const;
  return html`<h1 class="visually-hidden">${site.settings.siteName}</h1>
${
  model.featured.length
    ? html`<section class="featured" aria-labelledby="featured-title">
  <h2 id="featured-title" class="section-title">Featured</h2>
  <div class="cards cards--featured">${model.featured.map((c) => articleCard(c, site, options))}</div>
</section>`
    : ''
}
<section class="latest" aria-labelledby="latest-title">
  <h2 id="latest-title" class="section-title">Latest</h2>
  ${model.latest.cards.length ? html`<div class="cards">${model.latest.cards.map((c) => articleCard(c, site, options))}</div>` : html`<p class="empty">Nothing published yet.</p>`}
  ${pagination(model.latest.pagination, '/')}
  <p class="archive-link"><a href="/articles">All articles</a></p>
  ${subscribeLinks(feeds)}
</section>
${model.reports.map(
  (r) => html`<section class="report-block" aria-labelledby="report-${r.term.slug}">
  <h2 id="report-${r.term.slug}" class="section-title">In-depth Report: <a href="${termPath('report', r.term.slug)}">${r.term.name}</a></h2>
  ${r.term.descriptionHtml ? html`<div class="report-block__intro">${raw(r.term.descriptionHtml)}</div>` : ''}
  <div class="cards">${r.cards.map((c) => articleCard(c, site, options))}</div>
</section>`,
)}`;
}

/** Every published article, newest first: the archive at /articles. */
export function archiveView(listing: Listing, site: SiteModel, feeds: FeedLink[] = []): SafeHtml {
  return html`<header class="listing-header">
  <h1>All articles</h1>
  ${subscribeLinks(feeds)}
</header>
${cardList(listing, site, 'Nothing published yet.')}
${pagination(listing.pagination, '/articles')}`;
}

export function termView(model: TermPageModel, site: SiteModel, feeds: FeedLink[] = []): SafeHtml {
  const base = termPath(model.taxonomy.slug, model.term.slug);
  return html`<header class="listing-header">
  <nav class="breadcrumbs" aria-label="Breadcrumb"><ol>
    <li><a href="/${model.taxonomy.slug}">${model.taxonomy.pluralName}</a></li>
    ${model.ancestors.map((a) => html`<li><a href="${termPath(model.taxonomy.slug, a.slug)}">${a.name}</a></li>`)}
    <li aria-current="page">${model.term.name}</li>
  </ol></nav>
  <p class="listing-header__kind">${model.taxonomy.name}</p>
  <h1>${model.term.name}</h1>
  ${model.term.descriptionHtml ? html`<div class="listing-header__description">${raw(model.term.descriptionHtml)}</div>` : ''}
  ${
    model.children.length
      ? html`<nav class="subterms" aria-label="Within ${model.term.name}"><ul>${model.children.map((c) => html`<li><a href="${termPath(model.taxonomy.slug, c.slug)}">${c.name}</a></li>`)}</ul></nav>`
      : ''
  }
  ${subscribeLinks(feeds)}
</header>
${cardList(model.listing, site, 'No articles here yet.')}
${pagination(model.listing.pagination, base)}`;
}

export function taxonomyIndexView(
  taxonomy: Taxonomy,
  terms: { term: Term; count: number }[],
  pages: { page: number; pageCount: number } = { page: 1, pageCount: 1 },
): SafeHtml {
  // Each term's children found once: filtering the whole list for each term took time with the
  // square of the terms.
  const children = new Map<number | null, { term: Term; count: number }[]>();
  for (const t of terms) {
    const siblings = children.get(t.term.parentId);
    if (siblings) siblings.push(t);
    else children.set(t.term.parentId, [t]);
  }
  const roots = children.get(null) ?? [];
  const item = (t: { term: Term; count: number }): SafeHtml => {
    const below = children.get(t.term.id) ?? [];
    return html`<li><a href="${termPath(taxonomy.slug, t.term.slug)}">${t.term.name}</a> <span class="count">(${t.count})</span>${below.length ? html`<ul>${below.map(item)}</ul>` : ''}</li>`;
  };
  const href = (page: number) => (page === 1 ? `/${taxonomy.slug}` : `/${taxonomy.slug}?page=${page}`);
  return html`<header class="listing-header"><h1>${taxonomy.pluralName}</h1></header>
${terms.length ? html`<ul class="term-index">${roots.map(item)}</ul>` : html`<p class="empty">None yet.</p>`}
${
  pages.pageCount > 1
    ? html`<nav class="pagination" aria-label="Pages">
  ${pages.page > 1 ? html`<a rel="prev" href="${href(pages.page - 1)}">← Previous</a>` : ''}
  <span>Page ${pages.page} of ${pages.pageCount}</span>
  ${pages.page < pages.pageCount ? html`<a rel="next" href="${href(pages.page + 1)}">Next →</a>` : ''}
</nav>`
    : ''
}`;
}

export function authorView(
  person: Person,
  listing: Listing,
  site: SiteModel,
  options: { feeds?: FeedLink[]; photo?: ResponsiveImage | undefined } = {},
): SafeHtml {
  const { feeds = [], photo } = options;
  const photos = new Map(photo && person.photo ? [[person.photo, photo]] : []);
  return html`<header class="listing-header author-header">
  ${personPhoto(person.photo, photos, { size: 128, className: 'author-header__photo', isLazy: false })}
  <p class="listing-header__kind">Author</p>
  <h1>${person.name}</h1>
  ${person.bioHtml ? html`<div class="listing-header__description">${raw(person.bioHtml)}</div>` : ''}
  ${
    person.email || person.website || person.links.length
      ? html`<ul class="author-header__links">
    ${person.email ? html`<li><a href="mailto:${person.email}">${person.email}</a></li>` : ''}
    ${person.website ? html`<li><a href="${person.website}" rel="noopener">Website</a></li>` : ''}
    ${person.links.map((l) => html`<li><a href="${l.url}" rel="noopener">${l.label}</a></li>`)}
  </ul>`
      : ''
  }
  ${subscribeLinks(feeds)}
</header>
<h2 class="section-title">Articles by ${person.name}</h2>
${cardList(listing, site, 'No published articles yet.')}
${pagination(listing.pagination, personPath(person.slug))}`;
}

export function staticPageView(page: Page): SafeHtml {
  return html`<article class="static-page">
  <h1>${page.title}</h1>
  <div class="static-page__body">${raw(page.bodyHtml)}</div>
</article>`;
}

export function errorView(status: number, message: string, requestId?: string): SafeHtml {
  return html`<section class="error-page">
  <h1>${errorTitle(status)}</h1>
  <p>${message}</p>
  ${requestId ? html`<p class="error-page__id">Reference: <code>${requestId}</code></p>` : ''}
  <p><a href="/">Go to the home page</a></p>
  <form class="error-page__search" action="/search" method="get" role="search">
    <label for="error-search">Search the site</label>
    <input id="error-search" type="search" name="q">
    <button type="submit">Search</button>
  </form>
</section>`;
}

/** What the Mastodon share page shows besides its form. */
export interface MastodonShareState {
  /** What the reader typed, shown again with `problem` when it is not a server name. */
  typed?: string;
  problem?: string;
  /** A server named by a link from elsewhere: shown with a link for the reader to follow, or not. */
  destination?: { host: string; url: string };
}

export function mastodonShareView(text: string, state: MastodonShareState = {}): SafeHtml {
  const { destination, problem } = state;
  return html`<section class="share-form">
  <h1>Share on Mastodon</h1>
  ${
    destination
      ? html`<p>This link shares on <strong>${destination.host}</strong>. Continue only if that is your server.</p>
  <p><a class="share-form__continue" href="${destination.url}" rel="noopener noreferrer">Continue to ${destination.host}</a></p>
  <p>Or enter your own server:</p>`
      : html`<p>Mastodon and the fediverse have many servers. Enter yours (for example <code>mastodon.social</code>) and we will open its share page.</p>`
  }
  <form action="/share/mastodon" method="get">
    <input type="hidden" name="text" value="${text}">
    <label for="instance">Your server</label>
    ${problem ? html`<p class="share-form__error" id="instance-error">${problem}</p>` : ''}
    <input id="instance" name="instance" type="text" inputmode="url" autocomplete="url" required placeholder="mastodon.social" value="${state.typed ?? ''}"${problem ? html` aria-invalid="true" aria-describedby="instance-error"` : ''}>
    <button type="submit">Share</button>
  </form>
</section>`;
}
