import { Feed, type Item } from 'feed';
import { excerpt, toPlainText } from '../../content/markdown.ts';
import type { Article } from '../../domain/article.ts';
import { CacheTags } from '../../domain/cache-tags.ts';
import { personPath, termPath } from '../../domain/paths.ts';
import { stripXmlForbidden } from '../../domain/text.ts';
import { absoluteUrl } from '../../domain/url.ts';
import type { ServiceContext } from '../context.ts';
import { type ArticleCard, Reader } from '../reader.ts';
import { loadSettings } from '../settings.ts';

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

/** <link rel="alternate"> entries for a page whose feeds live under `basePath`. */
export function feedLinks(basePath: string, title: string): { title: string; url: string; type: string }[] {
  return (Object.keys(FEED_FORMATS) as FeedFormat[]).map((format) => ({
    title: `${title} (${FEED_FORMATS[format].label})`,
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

function summaryOf(article: Article): string {
  return article.summary ?? excerpt(toPlainText(article.bodyHtml), 300);
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
  const settings = await loadSettings(repos);
  const now = ctx.now().toISOString();
  let title = settings.siteName;
  let description = settings.siteDescription;
  let tags: string[] = [CacheTags.anyListing, CacheTags.siteListing];
  let filter: { termIds?: number[]; personId?: number } = {};
  if (scope.kind === 'term') {
    const taxonomy = (await repos.taxonomies.listTaxonomies()).find((t) => t.slug === scope.taxonomySlug);
    const term = taxonomy && (await repos.taxonomies.findTerm(taxonomy.id, scope.termSlug));
    if (!taxonomy || !term) return undefined;
    const all = await repos.taxonomies.listTerms(taxonomy.id);
    const ids = [term.id];
    for (let i = 0; i < ids.length; i++) {
      for (const t of all) if (t.parentId === ids[i] && !ids.includes(t.id)) ids.push(t.id);
    }
    filter = { termIds: ids };
    title = `${term.name} — ${settings.siteName}`;
    description = term.description ? excerpt(term.description, 300) : `${taxonomy.name}: ${term.name}`;
    tags = [CacheTags.term(term.id), CacheTags.anyListing, ...ids.map((id) => CacheTags.termListing(id))];
  } else if (scope.kind === 'author') {
    const person = await repos.people.findBySlug(scope.slug);
    if (!person) return undefined;
    filter = { personId: person.id };
    title = `${person.name} — ${settings.siteName}`;
    description = `Articles by ${person.name}`;
    tags = [CacheTags.person(person.id), CacheTags.personListing(person.id), CacheTags.anyListing];
  }
  const { articles } = await repos.articles.listPublished({ now, limit: FEED_ITEMS, offset: 0, ...filter });
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
  const feed = new Feed({
    id: scope.kind === 'site' ? `${ctx.siteUrl}/` : base,
    title,
    description,
    link: scope.kind === 'site' ? `${ctx.siteUrl}/` : base,
    language: settings.language,
    updated: lastModified,
    generator: 'Pressroom',
    feed: feedUrl(format),
    feedLinks: { rss: feedUrl('rss'), atom: feedUrl('atom'), json: feedUrl('json') },
    ...(options.hub ? { hub: options.hub } : {}),
    author: { name: settings.siteName, link: `${ctx.siteUrl}/` },
    copyright: `© ${lastModified.getUTCFullYear() > 1970 ? lastModified.getUTCFullYear() : new Date(now).getUTCFullYear()} ${settings.siteName}`,
  });
  for (const card of cards) {
    // One unreadable row costs its item, never the whole feed.
    try {
      feed.addItem(feedItem(ctx.siteUrl, card, settings.feedFullText, format));
    } catch (error) {
      ctx.log.warn({ err: error, articleId: card.article.id }, 'article left out of a feed');
    }
  }

  let body: string;
  // Stored text is cleaned on the way in; this catches anything older or imported around it.
  if (format === 'rss') body = stripXmlForbidden(feed.rss2());
  else if (format === 'atom') body = stripXmlForbidden(escapeAtomLabels(plainAtomTitles(feed.atom1())));
  else {
    body = jsonFeed11(feed.json1(), {
      cards,
      siteUrl: ctx.siteUrl,
      language: settings.language,
      hub: options.hub ?? null,
      isFullText: settings.feedFullText,
    });
  }
  return {
    body,
    contentType: `${FEED_FORMATS[format].type}; charset=utf-8`,
    lastModified,
    tags,
  };
}

function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function hasFullText(article: Article, isFullText: boolean): boolean {
  // Members-only articles never go out in full.
  return isFullText && article.visibility === 'public';
}

function feedItem(siteUrl: string, card: ArticleCard, isFullText: boolean, format: FeedFormat): Item {
  const { article } = card;
  const url = `${siteUrl}${card.url}`;
  const image = absoluteUrl(article.featuredImage, siteUrl);
  const hasContent = hasFullText(article, isFullText);
  return {
    title: article.title,
    id: url,
    link: url,
    date: new Date(article.updatedAt),
    published: new Date(article.publishedAt ?? article.updatedAt),
    description: format === 'json' ? summaryOf(article) : escapeMarkup(summaryOf(article)),
    ...(hasContent ? { content: article.bodyHtml } : {}),
    author: card.authors.map((a) => ({ name: a.name, link: `${siteUrl}${personPath(a.slug)}` })),
    category: card.terms.map(({ taxonomy, term }) => ({
      name: term.name,
      term: term.slug,
      domain: `${siteUrl}${termPath(taxonomy.slug, term.slug)}`,
      scheme: `${siteUrl}/${encodeURIComponent(taxonomy.slug)}`,
    })),
    ...(image ? { image: { url: image, type: imageType(image), length: 0 } } : {}),
  };
}

/**
 * The library writes entry titles as type="html" CDATA; a title is plain text, so it is
 * declared as such (readers would otherwise render "<b>" in a title as markup).
 */
function plainAtomTitles(xml: string): string {
  return xml.replace(
    /<title type="html"><!\[CDATA\[([\s\S]*?)\]\]><\/title>/g,
    // The library splits a "]]>" in the title across two CDATA sections; join it back first.
    (_, title: string) =>
      `<title type="text">${escapeMarkup(title.replaceAll(']]]]><![CDATA[>', ']]>'))}</title>`,
  );
}

/**
 * The library escapes `&` and `"` in attribute values but not `<`, which XML forbids there: a
 * term named "a<b" made the whole Atom feed unreadable. Category labels are the only attributes
 * holding free text (the rest are URLs and slugs).
 */
function escapeAtomLabels(xml: string): string {
  return xml.replace(
    /<category label="([^"]*)"/g,
    (_, label: string) => `<category label="${label.replace(/</g, '&lt;').replace(/>/g, '&gt;')}"`,
  );
}

/** The library writes JSON Feed 1; 1.1 adds `authors`, `language` and `hubs`, filled in here. */
function jsonFeed11(
  json1: string,
  context: {
    cards: ArticleCard[];
    siteUrl: string;
    language: string;
    hub: string | null;
    isFullText: boolean;
  },
): string {
  const feed = JSON.parse(json1) as Record<string, unknown> & { items: Record<string, unknown>[] };
  feed.version = 'https://jsonfeed.org/version/1.1';
  feed.language = context.language;
  if (feed.author) {
    feed.authors = [feed.author];
    delete feed.author;
  }
  if (context.hub) feed.hubs = [{ type: 'WebSub', url: context.hub }];
  feed.items = feed.items.map((item, i) => {
    const card = context.cards[i];
    const { author: _author, content_html: contentHtml, ...rest } = item;
    if (!card) return item;
    const content = hasFullText(card.article, context.isFullText)
      ? { content_html: contentHtml, summary: summaryOf(card.article) }
      : { content_text: summaryOf(card.article), summary: summaryOf(card.article) };
    return {
      ...rest,
      ...content,
      language: card.article.language,
      ...(card.authors.length
        ? {
            authors: card.authors.map((a) => ({
              name: a.name,
              url: `${context.siteUrl}${personPath(a.slug)}`,
            })),
          }
        : {}),
    };
  });
  const ordered = {
    version: feed.version,
    title: feed.title,
    ...Object.fromEntries(
      Object.entries(feed).filter(([k]) => k !== 'version' && k !== 'title' && k !== 'items'),
    ),
    items: feed.items,
  };
  return JSON.stringify(ordered, null, 2);
}
