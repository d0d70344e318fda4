import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Article } from '../../domain/article.ts';
import { isLikelyBot } from '../../domain/bots.ts';
import { CacheTags } from '../../domain/cache-tags.ts';
import { personPath, termPath } from '../../domain/paths.ts';
import { isAppError } from '../../errors.ts';
import type { Discovery } from '../../services/discovery/discovery.ts';
import { buildFeed, type FeedScope, feedFormatOf, feedLinks } from '../../services/discovery/feeds.ts';
import type { SearchOutcome, SearchParams } from '../../services/discovery/search.ts';
import { robotsTxt, sitemapFile, sitemapIndex } from '../../services/discovery/sitemaps.ts';
import type { Reader, SiteModel } from '../../services/reader.ts';
import type { Wiring } from '../../wiring.ts';
import { type CachedPage, isEtagMatch, type PageCache, preferredEncoding } from '../page-cache.ts';
import { Id, type TypedApp } from '../schemas.ts';
import { mostReadBlock, relatedBlock, searchView, snippetHtml, viewBeacon } from '../views/discovery.ts';
import { html, type SafeHtml } from '../views/html.ts';
import { type AssetUrls, layout } from '../views/layout.ts';
import type { AnswerKind, CachedAnswers } from './cached-answers.ts';
import { TRANSPARENT_GIF } from './transparent-gif.ts';

export interface DiscoveryRouteDeps {
  wiring: Wiring;
  discovery: Discovery;
  reader: Reader;
  cache: PageCache;
  assets: AssetUrls;
  httpMaxAge: number;
  answers: CachedAnswers;
}

/** Feeds and sitemaps depend on the clock (scheduled articles appear); cached copies expire. */
const GENERATED_TTL_MS = 5 * 60_000;
const SlugParam = Type.String({ minLength: 1, maxLength: 200 });
const SearchQuerystring = Type.Object(
  {
    q: Type.Optional(Type.String()),
    author: Type.Optional(Type.String({ maxLength: 200 })),
    from: Type.Optional(Type.String({ maxLength: 40 })),
    to: Type.Optional(Type.String({ maxLength: 40 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, finite: true })),
  },
  { additionalProperties: true },
);

/** Feeds, sitemaps, robots.txt, search (page and JSON) and the read counter. */
export async function discoveryRoutes(app: TypedApp, deps: DiscoveryRouteDeps): Promise<void> {
  const { wiring, discovery, reader, cache, assets, answers } = deps;
  /** The kind of answer of each content type and time to live, for the server's cached answers. */
  const kinds = new Map<string, AnswerKind>();
  const kindOf = (type: string, ttlMs: number | undefined): AnswerKind => {
    const name = `${type} ${ttlMs}`;
    let kind = kinds.get(name);
    if (!kind) {
      const headers = {
        'cache-control': `public, max-age=${deps.httpMaxAge}`,
        vary: 'accept-encoding',
        'content-type': type,
      };
      kind = answers.kindOf(headers, { hasLastModified: true, ...(ttlMs === undefined ? {} : { ttlMs }) });
      kinds.set(name, kind);
    }
    return kind;
  };

  /**
   * Sends a cached entry in the encoding the client prefers, answering 304 to a matching
   * conditional GET. The address is then answered by the server from the kept copy (see
   * CachedAnswers) for as long as the copy is kept and, with `ttlMs`, no older than that.
   */
  function sendEntry(
    request: FastifyRequest,
    reply: FastifyReply,
    kept: { key: string; entry: CachedPage; type: string; ttlMs?: number },
  ): unknown {
    const { entry, type } = kept;
    if (cache.get(kept.key) === entry) answers.remember(request.url, kept.key, kindOf(type, kept.ttlMs));
    const encoding = preferredEncoding(request.headers['accept-encoding']);
    const { bytes, etag } = entry.encoded(encoding);
    const lastModified = new Date(Math.floor(entry.lastModified.getTime() / 1000) * 1000);
    reply
      .header('cache-control', `public, max-age=${deps.httpMaxAge}`)
      .header('vary', 'accept-encoding')
      .header('etag', etag)
      .header('last-modified', lastModified.toUTCString())
      .type(type);
    const ifNoneMatch = request.headers['if-none-match'];
    const ifModifiedSince = request.headers['if-modified-since'];
    if (ifNoneMatch !== undefined) {
      if (isEtagMatch(ifNoneMatch, etag)) return reply.code(304).send();
    } else if (ifModifiedSince && Date.parse(ifModifiedSince) >= lastModified.getTime()) {
      return reply.code(304).send();
    }
    if (encoding !== 'identity') reply.header('content-encoding', encoding);
    return reply.code(entry.status).send(bytes);
  }

  /**
   * Serves generated text (feeds, sitemaps) from the page cache like a page: compressed, with
   * ETag and Last-Modified. Copies expire after `ttlMs`, because what is due changes with the clock.
   */
  async function serveGenerated(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { key: string; type: string; ttlMs?: number },
    render: () => Promise<{ body: string; lastModified: Date; tags: string[] } | undefined>,
  ): Promise<unknown> {
    const ttlMs = options.ttlMs ?? GENERATED_TTL_MS;
    let entry: CachedPage | undefined = cache.get(options.key);
    if (!entry || Date.now() - entry.renderedAt > ttlMs) {
      const generation = cache.generation;
      const rendered = await render();
      if (!rendered) {
        reply.callNotFound();
        return reply;
      }
      entry = cache.set(
        options.key,
        {
          body: rendered.body,
          status: 200,
          tags: [...rendered.tags, 'settings'],
          lastModified: rendered.lastModified,
        },
        generation,
      );
    }
    return sendEntry(request, reply, { key: options.key, entry, type: options.type, ttlMs });
  }

  async function serveFeed(request: FastifyRequest, reply: FastifyReply, scope: FeedScope, file: string) {
    const format = feedFormatOf(file);
    if (!format) {
      reply.callNotFound();
      return reply;
    }
    const key = `feed:${request.url.split('?')[0]}`;
    return serveGenerated(request, reply, { key, type: contentTypeOf(file) }, () =>
      buildFeed(wiring, scope, format, { hub: wiring.config.websub.hub }),
    );
  }

  for (const file of ['feed.xml', 'feed.atom', 'feed.json']) {
    app.get(`/${file}`, (request, reply) => serveFeed(request, reply, { kind: 'site' }, file));
  }
  app.get(
    '/authors/:slug/:file',
    { schema: { params: Type.Object({ slug: SlugParam, file: SlugParam }) } },
    (request, reply) => {
      const { slug, file } = request.params;
      return serveFeed(request, reply, { kind: 'author', slug }, file);
    },
  );
  app.get(
    '/:taxonomy/:term/:file',
    { schema: { params: Type.Object({ taxonomy: SlugParam, term: SlugParam, file: SlugParam }) } },
    (request, reply) => {
      const { taxonomy, term, file } = request.params;
      return serveFeed(request, reply, { kind: 'term', taxonomySlug: taxonomy, termSlug: term }, file);
    },
  );

  const XML = 'application/xml; charset=utf-8';
  app.get('/sitemap.xml', (request, reply) =>
    serveGenerated(request, reply, { key: 'sitemap:index', type: XML }, async () => ({
      body: await sitemapIndex(wiring),
      lastModified: wiring.now(),
      tags: [CacheTags.anyListing, CacheTags.siteListing],
    })),
  );
  app.get(
    '/sitemaps/:file',
    { schema: { params: Type.Object({ file: SlugParam }) } },
    async (request, reply) => {
      const { file } = request.params;
      const month = /^articles-(\d{4}-\d{2})/.exec(file)?.[1];
      const tags = [
        CacheTags.anyListing,
        month ? CacheTags.monthListing(month) : file === 'pages.xml' ? CacheTags.nav : CacheTags.siteListing,
      ];
      // The news sitemap covers a moving two-day window, so its copy lasts a minute.
      const ttlMs = file === 'news.xml' ? 60_000 : GENERATED_TTL_MS;
      return serveGenerated(request, reply, { key: `sitemap:${file}`, type: XML, ttlMs }, async () => {
        const body = await sitemapFile(wiring, file);
        return body === undefined ? undefined : { body, lastModified: wiring.now(), tags };
      });
    },
  );
  app.get('/robots.txt', async (_request, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .header('cache-control', `public, max-age=${deps.httpMaxAge}`)
      .send(robotsTxt(wiring.siteUrl)),
  );

  function searchParams(query: Record<string, unknown>, taxonomySlugs: string[]): SearchParams {
    const text = (key: string) => (typeof query[key] === 'string' ? (query[key] as string) : '');
    const terms: Record<string, string> = {};
    for (const slug of taxonomySlugs) if (text(slug)) terms[slug] = text(slug);
    return {
      q: text('q'),
      terms,
      ...(text('author') ? { author: text('author') } : {}),
      ...(text('from') ? { from: text('from') } : {}),
      ...(text('to') ? { to: text('to') } : {}),
      page: typeof query.page === 'number' ? query.page : 1,
    };
  }

  /** The search page, rendered; status 400 for a query the search refuses. */
  async function renderSearch(query: Record<string, unknown>): Promise<{ body: string; status: number }> {
    const site = await reader.site();
    const taxonomies = site.taxonomies.filter((t) => t.slug !== 'tag');
    const params = searchParams(
      query,
      site.taxonomies.map((t) => t.slug),
    );
    let outcome: SearchOutcome | null = null;
    let errorMessage: string | null = null;
    let status = 200;
    try {
      outcome = await discovery.search.search(params);
    } catch (error) {
      if (!isAppError(error) || error.kind !== 'invalid') throw error;
      errorMessage = error.message;
      status = 400;
    }
    const form = {
      ...(await discovery.search.formChoices(taxonomies)),
      values: {
        q: params.q.slice(0, 500),
        terms: params.terms ?? {},
        author: params.author ?? '',
        from: params.from ?? '',
        to: params.to ?? '',
      },
    };
    const body = layout(
      site,
      {
        title: params.q ? `Search: ${params.q.slice(0, 80)}` : 'Search',
        description: `Search the articles of ${site.settings.siteName}`,
        canonicalUrl: `${site.siteUrl}/search`,
        noIndex: true,
      },
      assets,
      searchView(outcome, form, site, errorMessage),
    ).value;
    return { body, status };
  }

  // Search pages are cached like listings (any published article may change them); the byte
  // limit of the cache bounds how many distinct queries are kept.
  app.get('/search', { schema: { querystring: SearchQuerystring } }, async (request, reply) => {
    const key = `search:${request.url}`;
    let entry = cache.get(key);
    if (!entry) {
      const generation = cache.generation;
      const rendered = await renderSearch(request.query);
      if (rendered.status !== 200) {
        return reply
          .code(rendered.status)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(rendered.body);
      }
      entry = cache.set(
        key,
        {
          body: rendered.body,
          status: 200,
          tags: [CacheTags.anyListing, CacheTags.siteListing, CacheTags.nav, CacheTags.settings],
        },
        generation,
      );
    }
    return sendEntry(request, reply, { key, entry, type: 'text/html; charset=utf-8' });
  });

  app.get('/api/search', { schema: { querystring: SearchQuerystring } }, async (request, reply) => {
    const site = await reader.site();
    const params = searchParams(
      request.query,
      site.taxonomies.map((t) => t.slug),
    );
    const outcome = await discovery.search.search(params);
    return reply.header('cache-control', 'public, max-age=60').send({
      q: outcome.q,
      total: outcome.pagination.total,
      isTotalExact: outcome.isTotalExact,
      page: outcome.pagination.page,
      pageCount: outcome.pagination.pageCount,
      message: outcome.message,
      results: outcome.results.map((r) => ({
        id: r.card.article.id,
        title: r.card.article.title,
        url: `${site.siteUrl}${r.card.url}`,
        publishedAt: r.card.article.publishedAt,
        summary: r.card.article.summary,
        authors: r.card.authors.map((a) => ({ name: a.name, url: `${site.siteUrl}${personPath(a.slug)}` })),
        terms: r.card.terms.map(({ taxonomy, term }) => ({
          taxonomy: taxonomy.slug,
          name: term.name,
          url: `${site.siteUrl}${termPath(taxonomy.slug, term.slug)}`,
        })),
        isTitleMatch: r.isTitleMatch,
        snippet: r.snippet.map((s) => s.text).join(''),
        snippetHtml: snippetHtml(r.snippet).value,
      })),
    });
  });

  const countView = (request: FastifyRequest, id: number, referrer?: string) => {
    if (isLikelyBot(request.headers['user-agent'])) return;
    discovery.views.record({ articleId: id, referrer, requestHost: request.headers.host });
  };
  // A beacon carries nothing worth reading: any body is refused before it is read. The page's
  // script adds the host the reader came from (only the host) as `ref`.
  app.post(
    '/api/views/:id',
    {
      schema: {
        params: Type.Object({ id: Id }),
        querystring: Type.Object({ ref: Type.Optional(Type.String({ maxLength: 300 })) }),
      },
      bodyLimit: 1024,
    },
    async (request, reply) => {
      countView(request, request.params.id, request.query.ref);
      return reply.code(204).header('cache-control', 'no-store').send();
    },
  );
  app.get(
    '/api/views/:file',
    { schema: { params: Type.Object({ file: Type.String({ pattern: '^[1-9][0-9]{0,9}\\.gif$' }) }) } },
    async (request, reply) => {
      countView(request, Number.parseInt(request.params.file, 10));
      return reply.code(200).header('cache-control', 'no-store').type('image/gif').send(TRANSPARENT_GIF);
    },
  );
}

function contentTypeOf(file: string): string {
  if (file === 'feed.atom') return 'application/atom+xml; charset=utf-8';
  if (file === 'feed.json') return 'application/feed+json; charset=utf-8';
  return 'application/rss+xml; charset=utf-8';
}

/** The discovery parts of reader pages: feed links, most-read and related lists, the read beacon. */
export const readerExtras = {
  siteFeeds(site: SiteModel) {
    return feedLinks('', site.settings.siteName);
  },
  termFeeds(taxonomySlug: string, termSlug: string, name: string) {
    return feedLinks(termPath(taxonomySlug, termSlug), name);
  },
  authorFeeds(slug: string, name: string) {
    return feedLinks(personPath(slug), `Articles by ${name}`);
  },
  async mostRead(discovery: Discovery | undefined, site: SiteModel, termIds?: number[]): Promise<SafeHtml> {
    if (!discovery) return html``;
    const [day, week] = await Promise.all([
      discovery.mostRead('day', termIds),
      discovery.mostRead('week', termIds),
    ]);
    return mostReadBlock({ day, week }, site);
  },
  async article(
    discovery: Discovery | undefined,
    article: Article,
    site: SiteModel,
  ): Promise<{ html: SafeHtml; tags: string[] }> {
    if (!discovery) return { html: html``, tags: [] };
    const related = await discovery.related(article);
    return {
      html: html`${relatedBlock(related, site)}${viewBeacon(article.id)}`,
      tags: related.map((c) => CacheTags.article(c.article.id)),
    };
  },
};
