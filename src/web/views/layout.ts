import type { SiteModel } from '../../services/reader.ts';
import { html, jsonForScript, type SafeHtml } from './html.ts';

/** What a page tells search engines, social sites and feed readers about itself. */
export interface PageMeta {
  /** The page's title for social cards and, followed by the site's name, for <title>. */
  title: string;
  /** The whole <title>, as written, when the page has its own (an article's search title). */
  documentTitle?: string | null;
  description: string;
  /** Absolute canonical URL. */
  canonicalUrl: string;
  type?: 'website' | 'article' | 'profile';
  image?: string | null;
  imageAlt?: string | null;
  jsonLd?: unknown;
  /** Extra <head> tags (e.g. article:published_time). */
  extraHead?: SafeHtml;
  noIndex?: boolean;
  language?: string;
  /** Feeds announced with <link rel="alternate"> for feed readers to discover. */
  feeds?: { title: string; url: string; type: string }[];
}

/** Asset URLs carry a version so they can be cached for a year. */
export interface AssetUrls {
  css: string;
  printCss: string;
  script: string;
}

export function layout(site: SiteModel, meta: PageMeta, assets: AssetUrls, body: SafeHtml): SafeHtml {
  const { settings } = site;
  const fullTitle =
    meta.documentTitle ??
    (meta.title === settings.siteName ? meta.title : `${meta.title} | ${settings.siteName}`);
  return html`<!doctype html>
<html lang="${meta.language ?? settings.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${fullTitle}</title>
<meta name="description" content="${meta.description}">
<link rel="canonical" href="${meta.canonicalUrl}">
${meta.noIndex ? html`<meta name="robots" content="noindex">` : ''}
<meta property="og:site_name" content="${settings.siteName}">
<meta property="og:title" content="${meta.title}">
<meta property="og:description" content="${meta.description}">
<meta property="og:url" content="${meta.canonicalUrl}">
<meta property="og:type" content="${meta.type ?? 'website'}">
${meta.image ? html`<meta property="og:image" content="${meta.image}">${meta.imageAlt ? html`<meta property="og:image:alt" content="${meta.imageAlt}">` : ''}` : ''}
<meta name="twitter:card" content="${meta.image ? 'summary_large_image' : 'summary'}">
<meta name="twitter:title" content="${meta.title}">
<meta name="twitter:description" content="${meta.description}">
${meta.extraHead ?? ''}
${(meta.feeds ?? []).map(
  (f) => html`<link rel="alternate" type="${f.type}" title="${f.title}" href="${f.url}">
`,
)}
<meta name="color-scheme" content="light dark">
<meta name="theme-color" content="#1d3557" media="(prefers-color-scheme: light)">
<meta name="theme-color" content="#10151c" media="(prefers-color-scheme: dark)">
<link rel="stylesheet" href="${assets.css}">
<link rel="stylesheet" href="${assets.printCss}" media="print">
<link rel="icon" href="data:,">
${meta.jsonLd ? html`<script type="application/ld+json">${jsonForScript(meta.jsonLd)}</script>` : ''}
<script src="${assets.script}" defer></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap site-header__inner">
    <p class="site-title"><a href="/" rel="home">${settings.siteName}</a></p>
    <p class="site-tagline">${settings.siteTagline}</p>
    <form class="site-search" action="/search" method="get" role="search" aria-label="Site search">
      <label class="visually-hidden" for="site-search-q">Search the site</label>
      <input id="site-search-q" type="search" name="q" maxlength="500" placeholder="Search">
      <button type="submit">Search</button>
    </form>
    <nav class="site-nav" aria-label="Sections">
      <ul>
        ${site.taxonomies
          .filter((t) => t.slug !== 'tag')
          .map((t) => html`<li><a href="/${t.slug}">${t.pluralName}</a></li>`)}
        ${site.navigation.map((p) => html`<li><a href="/${p.slug}">${p.title}</a></li>`)}
      </ul>
    </nav>
  </div>
</header>
<main id="main" class="wrap" tabindex="-1">
${body}
</main>
<footer class="site-footer">
  <div class="wrap">
    <p><strong>${settings.siteName}</strong> — ${settings.siteDescription}</p>
    <nav aria-label="Footer">
      <ul>
        <li><a href="/articles">All articles</a></li>
        ${site.navigation.map((p) => html`<li><a href="/${p.slug}">${p.title}</a></li>`)}
      </ul>
    </nav>
    <p class="site-footer__powered">Published with Pressroom.</p>
  </div>
</footer>
</body>
</html>`;
}
