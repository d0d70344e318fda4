import { excerpt, renderedPlainTextStart } from '../../content/markdown.ts';
import type { ArticleForReaders } from '../../domain/article.ts';
import { canReadFull, readableHtml } from '../../domain/article-access.ts';
import { buildAttribution } from '../../domain/attribution.ts';
import { CacheTags } from '../../domain/cache-tags.ts';
import { effectiveLicense, licenseUrl } from '../../domain/license.ts';
import { personPath, termPath } from '../../domain/paths.ts';
import { descendantIds } from '../../domain/taxonomy.ts';
import { stripXmlForbidden } from '../../domain/text.ts';
import { absoluteUrl } from '../../domain/url.ts';
import type { ServiceContext } from '../context.ts';
import { type ArticleCard, Reader } from '../reader.ts';
import { SiteStructure } from '../site-structure.ts';

export const FEED_FORMATS = {
  rss: { file: 'feed.xml', type: 'application/rss+xml', label: 'RSS' },
  atom: { file: 'feed.atom', type: 'application/atom+xml', label: 'Atom' },
  json: { file: 'feed.json', type: 'application/feed+json', label: 'JSON Feed' },
} as const;

export type FeedFormat = keyof typeof FEED_FORMATS;

/** What a feed covers: the whole site, one term (with its descendants) or one author. */
export type FeedScope =
  | { kind: 'site' }
  | { kind: 'term'; taxonomySlug: string; termSlug: string }
  | { kind: 'author'; slug: string };

export interface RenderedFeed {
  body: string;
  contentType: string;
  /** The newest change among the items: Last-Modified. */
  lastModified: Date;
  /** Cache tags, as the page cache uses them. */
  tags: string[];
}

/** Items per feed. */
export const FEED_ITEMS = 30;

/** The feed format named by a file name (feed.xml, feed.atom, feed.json), if any. */
export function feedFormatOf(file: string): FeedFormat | undefined {
  return (Object.keys(FEED_FORMATS) as FeedFormat[]).find((f) => FEED_FORMATS[f].file === file);
}

/** The path of a scope's HTML page; its feeds live beneath it (or at the root for the site). */
export function scopePath(scope: FeedScope): string {
  if (scope.kind === 'site') return '';
  if (scope.kind === 'term') return termPath(scope.taxonomySlug, scope.termSlug);
  return personPath(scope.slug);
}

/** A feed of a listing, as pages announce it and link to it. */
export interface FeedLink {
  title: string;
  /** The format's name: RSS, Atom, JSON Feed. */
  label: string;
  url: string;
  type: string;
}

/** <link rel="alternate"> entries (and visible links) for a page whose feeds live under `basePath`. */
export function feedLinks(basePath: string, title: string): FeedLink[] {
  return (Object.keys(FEED_FORMATS) as FeedFormat[]).map((format) => ({
    title: `${title} (${FEED_FORMATS[format].label})`,
    label: FEED_FORMATS[format].label,
    url: `${basePath}/${FEED_FORMATS[format].file}`,
    type: FEED_FORMATS[format].type,
  }));
}

const IMAGE_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
};

function imageType(url: string): string {
  const extension = url.split(/[?#]/, 1)[0]?.split('.').pop()?.toLowerCase() ?? '';
  return IMAGE_TYPES[extension] ?? 'image/jpeg';
}

/** The entry's summary: the article's own, else the start of what anonymous readers may read. */
function summaryOf(article: ArticleForReaders): string {
  return article.summary ?? excerpt(renderedPlainTextStart(readableHtml(article, undefined), 300), 300);
}

/**
 * Builds one feed (RSS 2.0, Atom or JSON Feed 1.1) of the newest published articles in a
 * scope, or undefined when the term or author does not exist.
 */
export async function buildFeed(
  ctx: ServiceContext,
  scope: FeedScope,
  format: FeedFormat,
  options: { hub?: string } = {},
): Promise<RenderedFeed | undefined> {
  const repos = ctx.store;
  const reader = new Reader(ctx);
  const structure = SiteStructure.of(ctx);
  const settings = await structure.settings();
  const now = ctx.now().toISOString();
  let title = settings.siteName;
  let description = settings.siteDescription;
  let tags: string[] = [CacheTags.anyListing, CacheTags.siteListing];
  let filter: { termIds?: number[]; personId?: number } = {};
  if (scope.kind === 'term') {
    const taxonomy = await structure.taxonomy(scope.taxonomySlug);
    const all = taxonomy ? await structure.terms(taxonomy.id) : [];
    const term = all.find((t) => t.slug === scope.termSlug);
    if (!taxonomy || !term || !(await structure.listedTermIds()).has(term.id)) return undefined;
    const ids = [term.id, ...descendantIds(term.id, all)];
    filter = { termIds: ids };
    title = `${term.name} — ${settings.siteName}`;
    description = term.description ? excerpt(term.description, 300) : `${taxonomy.name}: ${term.name}`;
    tags = [CacheTags.term(term.id), CacheTags.anyListing, ...ids.map((id) => CacheTags.termListing(id))];
  } else if (scope.kind === 'author') {
    const person = await repos.people.findBySlug(scope.slug);
    if (!person || !(await reader.isPersonListed(person.id))) return undefined;
    filter = { personId: person.id };
    title = `${person.name} — ${settings.siteName}`;
    description = `Articles by ${person.name}`;
    tags = [CacheTags.person(person.id), CacheTags.personListing(person.id), CacheTags.anyListing];
  }
  const articles = await repos.articles.findForReadersByIds(
    await repos.articles.publishedIds({ now, limit: FEED_ITEMS, offset: 0, ...filter }),
  );
  const cards = await reader.cards(articles);
  const base = `${ctx.siteUrl}${scopePath(scope)}`;
  const feedUrl = (f: FeedFormat) => `${base}/${FEED_FORMATS[f].file}`;
  const lastModified = new Date(
    Math.max(
      0,
      ...articles.map((a) => Date.parse(a.updatedAt)),
      ...articles.map((a) => Date.parse(a.publishedAt ?? '')).filter((n) => !Number.isNaN(n)),
    ),
  );
  const channel: FeedChannel = {
    id: scope.kind === 'site' ? `${ctx.siteUrl}/` : base,
    title,
    description,
    link: scope.kind === 'site' ? `${ctx.siteUrl}/` : base,
    language: settings.language,
    updated: lastModified,
    feedUrl: feedUrl(format),
    hub: options.hub ?? null,
    siteName: settings.siteName,
    siteUrl: ctx.siteUrl,
    copyright: `© ${lastModified.getUTCFullYear() > 1970 ? lastModified.getUTCFullYear() : new Date(now).getUTCFullYear()} ${settings.siteName}`,
  };
  const items: FeedEntry[] = [];
  const articleById = new Map(articles.map((a) => [a.id, a]));
  for (const card of cards) {
    // One unreadable row costs its item, never the whole feed.
    try {
      const article = articleById.get(card.article.id);
      const entry =
        article &&
        feedEntry(card, article, {
          siteUrl: ctx.siteUrl,
          siteName: settings.siteName,
          defaultLicense: settings.defaultLicense,
          isFullText: settings.feedFullText,
        });
      if (entry) items.push(entry);
      else ctx.log.warn({ articleId: card.article.id }, 'article with an unreadable date left out of a feed');
    } catch (error) {
      ctx.log.warn({ err: error, articleId: card.article.id }, 'article left out of a feed');
    }
  }
  const body =
    format === 'rss'
      ? rssDocument(channel, items)
      : format === 'atom'
        ? atomDocument(channel, items)
        : jsonFeedDocument(channel, items);
  return {
    body,
    contentType: `${FEED_FORMATS[format].type}; charset=utf-8`,
    lastModified,
    tags,
  };
}

/** Feeds are read by anyone: a gated article goes out as its summary, never in full. */
function hasFullText(article: ArticleForReaders, isFullText: boolean): boolean {
  return isFullText && canReadFull(article, undefined);
}

/** What every format says about the feed itself. */
interface FeedChannel {
  id: string;
  title: string;
  description: string;
  link: string;
  language: string;
  updated: Date;
  feedUrl: string;
  hub: string | null;
  siteName: string;
  siteUrl: string;
  copyright: string;
}

/** One article as every format needs it; text is plain, `contentHtml` sanitized HTML. */
interface FeedEntry {
  url: string;
  title: string;
  summary: string;
  contentHtml: string | null;
  language: string;
  updated: Date;
  published: Date;
  authors: { name: string; url: string }[];
  categories: { name: string; slug: string; url: string; scheme: string }[];
  image: { url: string; type: string } | null;
  /** The article's license (its own or the site's default); `url` is null when it has none. */
  license: { code: string | null; name: string; url: string | null; isCreativeCommons: boolean };
  /** The copyright line with the license: "Copyright © A, Site, 2026. License: CC BY 4.0." */
  rights: string;
}

/** An article as a feed entry, or null when its dates cannot be read. */
function feedEntry(
  card: ArticleCard,
  article: ArticleForReaders,
  site: { siteUrl: string; siteName: string; defaultLicense: string; isFullText: boolean },
): FeedEntry | null {
  const { siteUrl, isFullText } = site;
  const image = absoluteUrl(article.featuredImage, siteUrl);
  const published = new Date(article.publishedAt ?? article.updatedAt);
  const updated = new Date(article.updatedAt);
  if (Number.isNaN(published.getTime()) || Number.isNaN(updated.getTime())) return null;
  const license = effectiveLicense(article.license, site.defaultLicense);
  const { copyrightHolders, year } = buildAttribution({
    authorNames: card.authors.map((a) => a.name),
    source: article.source,
    siteName: site.siteName,
    siteUrl,
    articleUrl: `${siteUrl}${card.url}`,
    publishedAt: article.publishedAt,
  });
  return {
    url: `${siteUrl}${card.url}`,
    title: article.title,
    summary: summaryOf(article),
    contentHtml: hasFullText(article, isFullText) ? article.bodyHtml : null,
    language: article.language,
    updated,
    published,
    authors: card.authors.map((a) => ({ name: a.name, url: `${siteUrl}${personPath(a.slug)}` })),
    categories: card.terms.map(({ taxonomy, term }) => ({
      name: term.name,
      slug: term.slug,
      url: `${siteUrl}${termPath(taxonomy.slug, term.slug)}`,
      scheme: `${siteUrl}/${encodeURIComponent(taxonomy.slug)}`,
    })),
    image: image ? { url: image, type: imageType(image) } : null,
    license: {
      code: license.code,
      name: license.name,
      url: licenseUrl(license, siteUrl),
      isCreativeCommons: license.isCreativeCommons,
    },
    rights: `Copyright © ${copyrightHolders}, ${year}. ${
      license.code === 'all-rights-reserved' ? 'All rights reserved.' : `License: ${license.name}.`
    }`,
  };
}

/**
 * Text for XML: characters XML 1.0 forbids are dropped (stored text is cleaned on the way in;
 * this catches anything older or imported around it) and markup characters escaped, so no
 * stored value can break the document.
 */
function xmlText(text: string): string {
  return escapeMarkup(stripXmlForbidden(text));
}

/** An attribute value for XML, always written between double quotes. */
function xmlAttribute(value: string): string {
  const text = stripXmlForbidden(value);
  // Most values (addresses, slugs, types) hold nothing to escape: one test, no copy.
  return ATTRIBUTE_SPECIAL.test(text) ? text.replace(ATTRIBUTE_SPECIALS, (c) => XML_ESCAPES[c] ?? c) : text;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const MARKUP_SPECIAL = /[&<>]/;
const MARKUP_SPECIALS = /[&<>]/g;
const ATTRIBUTE_SPECIAL = /[&<>"]/;
const ATTRIBUTE_SPECIALS = /[&<>"]/g;

/** `&`, `<` and `>` escaped; most titles, names and dates hold none, and are returned as they are. */
function escapeMarkup(text: string): string {
  return MARKUP_SPECIAL.test(text) ? text.replace(MARKUP_SPECIALS, (c) => XML_ESCAPES[c] ?? c) : text;
}

/** An element with escaped attributes and already-escaped content (or none: self-closing). */
function element(name: string, attributes: Record<string, string>, content?: string): string {
  let attrs = '';
  for (const key in attributes) attrs += ` ${key}="${xmlAttribute(attributes[key] ?? '')}"`;
  return content === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;
}

/** An element holding plain text. */
function textElement(name: string, text: string, attributes: Record<string, string> = {}): string {
  return element(name, attributes, xmlText(text));
}

/**
 * An element holding HTML as character data: the body goes in a CDATA section, one scan for
 * `]]>` (split across two sections where it occurs) instead of escaping every `<`, `&` and `>`
 * of a whole article. Readers see the same text either way.
 */
function htmlElement(name: string, html: string, attributes: Record<string, string> = {}): string {
  const data = stripXmlForbidden(html).replaceAll(']]>', ']]]]><![CDATA[>');
  return element(name, attributes, `<![CDATA[${data}]]>`);
}

/** Plain text as the HTML that RSS descriptions and Atom html summaries hold. */
function textAsHtml(text: string): string {
  return escapeMarkup(text);
}

// The documents below are built by appending to one string rather than joining arrays: the
// engine then copies each article body once, when the reply is encoded, instead of at every
// level of nesting.

/** One RSS 2.0 item, with content:encoded for full text and dc:creator for each author. */
function rssItem(entry: FeedEntry): string {
  let item =
    textElement('title', entry.title) +
    textElement('link', entry.url) +
    textElement('guid', entry.url, { isPermaLink: 'true' }) +
    textElement('pubDate', entry.published.toUTCString()) +
    textElement('description', textAsHtml(entry.summary));
  if (entry.contentHtml !== null) item += htmlElement('content:encoded', entry.contentHtml);
  for (const a of entry.authors) item += textElement('dc:creator', a.name);
  for (const c of entry.categories) item += textElement('category', c.name, { domain: c.url });
  if (entry.image) {
    item += element('enclosure', { url: entry.image.url, length: '0', type: entry.image.type });
  }
  item += textElement('dc:rights', entry.rights);
  // The Creative Commons module names only Creative Commons licenses; any license with an
  // address (the site's own terms too) is also given as an Atom link, as Atom does.
  if (entry.license.url && entry.license.isCreativeCommons) {
    item += textElement('creativeCommons:license', entry.license.url);
  }
  if (entry.license.url) item += element('atom:link', { rel: 'license', href: entry.license.url });
  return `<item>${item}</item>`;
}

/** RSS 2.0. */
function rssDocument(channel: FeedChannel, entries: FeedEntry[]): string {
  let body =
    textElement('title', channel.title) +
    `\n${textElement('link', channel.link)}` +
    `\n${textElement('description', channel.description)}` +
    `\n${textElement('lastBuildDate', channel.updated.toUTCString())}` +
    `\n${textElement('docs', 'https://www.rssboard.org/rss-specification')}` +
    `\n${textElement('generator', 'Pressroom')}` +
    `\n${textElement('language', channel.language)}` +
    `\n${textElement('copyright', channel.copyright)}` +
    `\n${element('atom:link', { href: channel.feedUrl, rel: 'self', type: FEED_FORMATS.rss.type })}` +
    `\n${channel.hub ? element('atom:link', { href: channel.hub, rel: 'hub' }) : ''}`;
  for (const entry of entries) body += `\n${rssItem(entry)}`;
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(
    'rss',
    {
      version: '2.0',
      'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
      'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
      'xmlns:atom': 'http://www.w3.org/2005/Atom',
      'xmlns:creativeCommons': 'http://backend.userland.com/creativeCommonsRssModule',
    },
    `<channel>${body}</channel>`,
  )}\n`;
}

/** An Atom author. */
function atomPerson(p: { name: string; url: string }): string {
  return `<author>${textElement('name', p.name)}${textElement('uri', p.url)}</author>`;
}

/** One Atom entry. */
function atomEntry(entry: FeedEntry): string {
  let item =
    textElement('title', entry.title, { type: 'text' }) +
    textElement('id', entry.url) +
    element('link', { rel: 'alternate', href: entry.url }) +
    textElement('updated', entry.updated.toISOString()) +
    textElement('published', entry.published.toISOString()) +
    textElement('summary', textAsHtml(entry.summary), { type: 'html' });
  if (entry.contentHtml !== null) item += htmlElement('content', entry.contentHtml, { type: 'html' });
  for (const a of entry.authors) item += atomPerson(a);
  for (const c of entry.categories) {
    item += element('category', { label: c.name, term: c.slug, scheme: c.scheme });
  }
  if (entry.image) {
    item += element('link', { rel: 'enclosure', href: entry.image.url, type: entry.image.type, length: '0' });
  }
  if (entry.license.url) item += element('link', { rel: 'license', href: entry.license.url });
  item += textElement('rights', entry.rights, { type: 'text' });
  return `<entry>${item}</entry>`;
}

/** Atom (RFC 4287): titles are plain text, summaries and content HTML. */
function atomDocument(channel: FeedChannel, entries: FeedEntry[]): string {
  let body =
    textElement('id', channel.id) +
    `\n${textElement('title', channel.title, { type: 'text' })}` +
    `\n${textElement('updated', channel.updated.toISOString())}` +
    `\n${textElement('generator', 'Pressroom')}` +
    `\n${atomPerson({ name: channel.siteName, url: `${channel.siteUrl}/` })}` +
    `\n${element('link', { rel: 'alternate', href: channel.link })}` +
    `\n${element('link', { rel: 'self', href: channel.feedUrl })}` +
    `\n${channel.hub ? element('link', { rel: 'hub', href: channel.hub }) : ''}` +
    `\n${textElement('subtitle', channel.description)}` +
    `\n${textElement('rights', channel.copyright)}`;
  for (const entry of entries) body += `\n${atomEntry(entry)}`;
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(
    'feed',
    { xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': channel.language },
    body,
  )}\n`;
}

/** JSON Feed 1.1. */
function jsonFeedDocument(channel: FeedChannel, entries: FeedEntry[]): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: channel.title,
    home_page_url: channel.link,
    feed_url: channel.feedUrl,
    description: channel.description,
    language: channel.language,
    authors: [{ name: channel.siteName, url: `${channel.siteUrl}/` }],
    ...(channel.hub ? { hubs: [{ type: 'WebSub', url: channel.hub }] } : {}),
    items: entries.map((entry) => ({
      id: entry.url,
      url: entry.url,
      title: entry.title,
      ...(entry.contentHtml === null ? { content_text: entry.summary } : { content_html: entry.contentHtml }),
      summary: entry.summary,
      ...(entry.image ? { image: entry.image.url } : {}),
      date_published: entry.published.toISOString(),
      date_modified: entry.updated.toISOString(),
      language: entry.language,
      ...(entry.authors.length > 0 ? { authors: entry.authors } : {}),
      tags: entry.categories.map((c) => c.name),
      // JSON Feed has no license field; extensions are keys starting with an underscore.
      _license: {
        code: entry.license.code,
        name: entry.license.name,
        url: entry.license.url,
        rights: entry.rights,
      },
    })),
  };
  return JSON.stringify(feed, null, 2);
}
