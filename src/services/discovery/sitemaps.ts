import { articlePath, pagePath, personPath, termPath } from '../../domain/paths.ts';
import { stripXmlForbidden } from '../../domain/text.ts';
import { absoluteUrl } from '../../domain/url.ts';
import type { ServiceContext } from '../context.ts';
import { SiteStructure } from '../site-structure.ts';

/**
 * URLs per article sitemap file. sitemaps.org allows 50,000, but a file's cost follows its
 * length: at a million articles a month held 20,000 of them and took a quarter of a second to
 * write, and a part of 5,000 still took 70 ms (p95 490 ms under load, against 50 ms for every
 * other reader page). Parts of 1,000 keep every sitemap file's cost bounded, however dense the
 * archive; the index lists a thousand of them for a million articles, far below its own limit.
 */
export const SITEMAP_MAX_URLS = 1_000;
/** Google News sitemaps list articles of the last two days, at most 1,000. */
const NEWS_WINDOW_MS = 2 * 86_400_000;
const NEWS_MAX = 1000;

export interface SitemapOptions {
  /** URLs per article sitemap; tests lower it to see the split. */
  maxUrls?: number;
}

/** Whether the text holds a character escapeXml replaces. */
const XML_SPECIAL = /[&<>"']/;

function escapeXml(text: string): string {
  const clean = stripXmlForbidden(text);
  // Addresses and dates rarely hold one: a sitemap of thousands of them skips five passes each.
  if (!XML_SPECIAL.test(clean)) return clean;
  return clean
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function urlset(entries: { loc: string; lastmod?: string; extra?: string }[], namespaces = ''): string {
  const body = entries
    .map(
      (e) =>
        `<url><loc>${escapeXml(e.loc)}</loc>${e.lastmod ? `<lastmod>${escapeXml(e.lastmod)}</lastmod>` : ''}${e.extra ?? ''}</url>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"${namespaces}>
${body}
</urlset>
`;
}

function monthRange(month: string): { from: string; to: string } {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return {
    from: new Date(Date.UTC(year, m - 1, 1)).toISOString(),
    to: new Date(Date.UTC(year, m, 1)).toISOString(),
  };
}

/** The sitemap index: one sitemap per kind, articles split by month and by `maxUrls`. */
export async function sitemapIndex(ctx: ServiceContext, options: SitemapOptions = {}): Promise<string> {
  const maxUrls = options.maxUrls ?? SITEMAP_MAX_URLS;
  const now = ctx.now().toISOString();
  const months = await ctx.store.sitemaps.months(now);
  const entries: { loc: string; lastmod?: string }[] = [
    { loc: `${ctx.siteUrl}/sitemaps/pages.xml` },
    { loc: `${ctx.siteUrl}/sitemaps/terms.xml` },
    { loc: `${ctx.siteUrl}/sitemaps/authors.xml` },
    { loc: `${ctx.siteUrl}/sitemaps/news.xml` },
  ];
  for (const { month, count, lastModified } of months) {
    const parts = Math.ceil(count / maxUrls);
    for (let part = 1; part <= parts; part++) {
      entries.push({
        loc: `${ctx.siteUrl}/sitemaps/articles-${month}${part > 1 ? `-${part}` : ''}.xml`,
        lastmod: lastModified,
      });
    }
  }
  const body = entries
    .map(
      (e) =>
        `<sitemap><loc>${escapeXml(e.loc)}</loc>${e.lastmod ? `<lastmod>${e.lastmod}</lastmod>` : ''}</sitemap>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${body}
</sitemapindex>
`;
}

/** One sitemap file by name (pages.xml, terms.xml, authors.xml, news.xml, articles-2026-11.xml), or undefined. */
export async function sitemapFile(
  ctx: ServiceContext,
  name: string,
  options: SitemapOptions = {},
): Promise<string | undefined> {
  const maxUrls = options.maxUrls ?? SITEMAP_MAX_URLS;
  const now = ctx.now().toISOString();
  const repos = ctx.store;
  const site = ctx.siteUrl;
  if (name === 'pages.xml') {
    const structure = SiteStructure.of(ctx);
    const pages = (await structure.pages()).filter((p) => p.status === 'published');
    const taxonomies = await structure.taxonomies();
    return urlset([
      { loc: `${site}/` },
      ...taxonomies.map((t) => ({ loc: `${site}/${encodeURIComponent(t.slug)}` })),
      ...pages.map((p) => ({ loc: `${site}${pagePath(p.slug)}`, lastmod: p.updatedAt })),
    ]);
  }
  if (name === 'terms.xml') {
    const terms = await repos.sitemaps.terms(now);
    return urlset(
      terms.map((t) => ({ loc: `${site}${termPath(t.taxonomySlug, t.termSlug)}`, lastmod: t.lastModified })),
    );
  }
  if (name === 'authors.xml') {
    const authors = await repos.sitemaps.authors(now);
    return urlset(authors.map((a) => ({ loc: `${site}${personPath(a.slug)}`, lastmod: a.lastModified })));
  }
  if (name === 'news.xml') {
    const settings = await SiteStructure.of(ctx).settings();
    const articles = await repos.sitemaps.articles({
      now,
      from: new Date(ctx.now().getTime() - NEWS_WINDOW_MS).toISOString(),
      limit: NEWS_MAX,
      offset: 0,
    });
    return urlset(
      [...articles].reverse().map((a) => ({
        loc: `${site}${articlePath(a.slug)}`,
        extra: `<news:news><news:publication><news:name>${escapeXml(settings.siteName)}</news:name><news:language>${escapeXml(
          a.language.split('-')[0] ?? a.language,
        )}</news:language></news:publication><news:publication_date>${a.publishedAt}</news:publication_date><news:title>${escapeXml(
          a.title,
        )}</news:title></news:news>`,
      })),
      ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"',
    );
  }
  const match = /^articles-(\d{4}-\d{2})(?:-(\d+))?\.xml$/.exec(name);
  if (!match?.[1]) return undefined;
  const part = match[2] ? Number(match[2]) : 1;
  if (part < 1 || (match[2] !== undefined && part === 1)) return undefined;
  const month = match[1];
  const known = (await repos.sitemaps.months(now)).find((m) => m.month === month);
  if (!known || part > Math.ceil(known.count / maxUrls)) return undefined;
  const range = monthRange(month);
  const articles = await repos.sitemaps.entries({
    now,
    ...range,
    limit: maxUrls,
    offset: (part - 1) * maxUrls,
  });
  return urlset(
    articles.map((a) => {
      const image = absoluteUrl(a.featuredImage, site);
      return {
        loc: `${site}${articlePath(a.slug)}`,
        lastmod: a.updatedAt,
        ...(image ? { extra: `<image:image><image:loc>${escapeXml(image)}</image:loc></image:image>` } : {}),
      };
    }),
    ' xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"',
  );
}

/** robots.txt: everything readable, the APIs and admin kept out, the sitemaps named. */
export function robotsTxt(siteUrl: string): string {
  return `User-agent: *
Allow: /
Disallow: /admin
Disallow: /api/
Disallow: /search

Sitemap: ${siteUrl}/sitemap.xml
Sitemap: ${siteUrl}/sitemaps/news.xml
`;
}
