import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { excerpt, toPlainText } from '../../content/markdown.ts';
import { isGated } from '../../domain/article-access.ts';
import { CacheTags } from '../../domain/cache-tags.ts';
import { SITE_TERMS_PATH } from '../../domain/license.ts';
import { decodeListingPosition, type ListingPosition } from '../../domain/listing.ts';
import { articlePath, pagePath, personPath, republishKitPath, termPath } from '../../domain/paths.ts';
import { typedServerName } from '../../domain/url.ts';
import { Errors } from '../../errors.ts';
import type { Discovery } from '../../services/discovery/discovery.ts';
import type { ArticlePageModel, Listing, Reader, SiteModel } from '../../services/reader.ts';
import { buildRepublishKit } from '../../services/republishing/kit.ts';
import { type CachedPage, isEtagMatch, type PageCache, preferredEncoding } from '../page-cache.ts';
import { PageNumber, type TypedApp } from '../schemas.ts';
import { articleMeta, articleView } from '../views/article.ts';
import { html, raw, type SafeHtml } from '../views/html.ts';
import { type AssetUrls, layout, type PageMeta } from '../views/layout.ts';
import {
  archiveView,
  authorView,
  homeView,
  type MastodonShareState,
  mastodonShareView,
  staticPageView,
  taxonomyIndexView,
  termView,
} from '../views/listing.ts';
import { republishKitMeta, republishKitView } from '../views/republish-kit.ts';
import type { AnswerKind, CachedAnswers } from './cached-answers.ts';
import { readerExtras } from './discovery-routes.ts';
import { anonymousReaders, hasMemberCookie, type ReaderFor } from './member-reader.ts';
import { trackingImagePath } from './tracker-routes.ts';
import { webmentionLinkHeader } from './webmention-routes.ts';

export interface ReaderRouteDeps {
  reader: Reader;
  cache: PageCache;
  assets: AssetUrls;
  /** Answers kept pages before the framework; reader pages send its headers. */
  answers: CachedAnswers;
  /** Public base URL without trailing slash (the webmention endpoint articles advertise is under it). */
  siteUrl: string;
  /** Feed links, most-read and related lists; pages render without them when absent. */
  discovery?: Discovery;
  /** Who reads a request, for gated articles; every reader is anonymous without it. */
  readerFor?: ReaderFor;
}

const PageQuery = Type.Object(
  { page: Type.Optional(PageNumber), after: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: true },
);

/** A listing page as its URL asks for it, and the one spelling of that URL's query. */
interface PageAddress {
  page: number;
  after?: ListingPosition;
  /** `?page=N`, or `?page=N&after=…` for a page read by keyset: the cache key and canonical URL. */
  query: string;
}

/**
 * The page a listing URL names. A cursor (`after`, written by the previous page's "Older"
 * link) must be this site's spelling of a position, on page 2 or later; anything else is a
 * 400 naming the field, so one page has one cursor URL and a made-up one never reaches a query.
 */
function pageAddress(query: { page?: number; after?: string }): PageAddress {
  const page = query.page ?? 1;
  if (query.after === undefined) return { page, query: `?page=${page}` };
  const after = decodeListingPosition(query.after);
  if (!after || page < 2) throw Errors.LISTING_POSITION_INVALID({ page });
  return { page, after, query: `?page=${page}&after=${query.after}` };
}

/** Past the end: a number past the counted pages, or a cursor after the last article. */
function isPastEnd(address: PageAddress, listing: Listing): boolean {
  return (
    address.page > listing.pagination.pageCount || (address.after !== undefined && listing.cards.length === 0)
  );
}

/** A listing page's canonical URL: the first page bare, any other as its own address. */
function canonicalOf(url: string, address: PageAddress): string {
  return address.page === 1 && !address.after ? url : `${url}${address.query}`;
}

const SlugParam = Type.String({ minLength: 1, maxLength: 200 });

type Rendered = { body: SafeHtml; meta: PageMeta; tags: string[] } | undefined;

/** Reader pages: server-rendered, cached in memory, readable without JavaScript. */
export async function readerRoutes(app: TypedApp, deps: ReaderRouteDeps): Promise<void> {
  const { reader, cache, assets, answers } = deps;
  const readerFor = deps.readerFor ?? anonymousReaders;
  const pageHeaders = answers.pageHeaders();
  // Articles also advertise where webmentions of them are received, cached answers included.
  const articleHeaders = { ...pageHeaders, link: webmentionLinkHeader(deps.siteUrl) };
  const articleAnswers = {
    headers: articleHeaders,
    kind: answers.kindOf(articleHeaders, { hasLastModified: false }),
  };

  /** Renders in progress, by cache key; each entry lives as long as its render. */
  const rendering = new Map<string, Promise<CachedPage | undefined>>();

  /**
   * Serves a cached page, or renders, caches and serves it; answers 304 when the browser has it.
   * A kept page's address is handed to `answers`, which answers it from then on.
   */
  async function serve(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    render: (site: SiteModel) => Promise<Rendered>,
    answer: { headers: Record<string, string>; kind: AnswerKind } | undefined = undefined,
  ): Promise<unknown> {
    let entry: CachedPage | undefined = cache.get(key);
    if (!entry) {
      // Requests for a page being rendered wait for that render instead of starting their own:
      // after a publish, fifty readers of the home page cost one render, not fifty.
      let pending = rendering.get(key);
      if (!pending) {
        pending = (async () => {
          // An edit that lands while this page renders must not leave the old text cached.
          const generation = cache.generation;
          const site = await reader.site();
          const rendered = await render(site);
          if (!rendered) return undefined;
          const body = layout(site, rendered.meta, assets, rendered.body).value;
          return cache.set(
            key,
            { body, status: 200, tags: [...rendered.tags, CacheTags.nav, CacheTags.settings] },
            generation,
          );
        })().finally(() => rendering.delete(key));
        rendering.set(key, pending);
      }
      entry = await pending;
      if (!entry) return notFound(request, reply);
    }
    if (cache.get(key) === entry) answers.remember(request.url, key, answer?.kind);
    const encoding = preferredEncoding(request.headers['accept-encoding']);
    // Each encoding is its own representation, so it gets its own ETag.
    const { bytes, etag } = entry.encoded(encoding);
    reply.headers(answer?.headers ?? pageHeaders).header('etag', etag);
    if (isEtagMatch(request.headers['if-none-match'], etag)) return reply.code(304).send();
    if (encoding !== 'identity') reply.header('content-encoding', encoding);
    return reply.code(entry.status).send(bytes);
  }

  // Redirects from old slugs are looked up by the app's not-found handler.
  function notFound(_request: FastifyRequest, reply: FastifyReply): unknown {
    reply.callNotFound();
    return reply;
  }

  app.get('/', { schema: { querystring: PageQuery } }, async (request, reply) => {
    const address = pageAddress(request.query);
    const { page } = address;
    return serve(request, reply, `/${address.query}`, async (site) => {
      const model = await reader.home({ ...address, pageSize: site.settings.pageSize });
      if (isPastEnd(address, model.latest)) return undefined;
      const feeds = readerExtras.siteFeeds(site);
      return {
        body: html`${homeView(model, site, feeds)}${page === 1 ? await readerExtras.mostRead(deps.discovery, site) : ''}`,
        meta: {
          feeds,
          title: site.settings.siteName,
          description: site.settings.siteDescription,
          canonicalUrl: canonicalOf(`${site.siteUrl}/`, address),
          jsonLd: {
            '@context': 'https://schema.org',
            '@type': 'WebSite',
            name: site.settings.siteName,
            url: `${site.siteUrl}/`,
            description: site.settings.siteDescription,
          },
        },
        tags: model.cacheTags,
      };
    });
  });

  app.get('/articles', { schema: { querystring: PageQuery } }, async (request, reply) => {
    const address = pageAddress(request.query);
    return serve(request, reply, `/articles${address.query}`, async (site) => {
      const model = await reader.archive({ ...address, pageSize: site.settings.pageSize });
      if (isPastEnd(address, model.listing)) return undefined;
      const feeds = readerExtras.siteFeeds(site);
      const { page, pageCount } = model.listing.pagination;
      return {
        body: archiveView(model.listing, site, feeds),
        meta: {
          feeds,
          title: page === 1 ? 'All articles' : `All articles, page ${page} of ${pageCount}`,
          description: `Every article published by ${site.settings.siteName}, newest first.`,
          canonicalUrl: canonicalOf(`${site.siteUrl}/articles`, address),
          jsonLd: {
            '@context': 'https://schema.org',
            '@type': 'CollectionPage',
            name: 'All articles',
            url: `${site.siteUrl}/articles`,
          },
        },
        tags: model.cacheTags,
      };
    });
  });

  /** An article's page, with its related list and feeds, for the reader the model was read for. */
  async function renderArticle(model: ArticlePageModel, site: SiteModel): Promise<Rendered> {
    const extras = await readerExtras.article(deps.discovery, model.article, site);
    return {
      body: html`${articleView(model, site)}${extras.html}`,
      meta: { ...articleMeta(model, site), feeds: readerExtras.siteFeeds(site) },
      tags: [...model.cacheTags, ...extras.tags, ...(model.isFullText ? [] : [CacheTags.forAnonymousOnly])],
    };
  }

  /**
   * A gated article's whole page for the member who may read it, rendered for them alone: never
   * kept in the page cache nor in a shared one. Undefined when the request is not theirs to
   * answer (no member, a public article, or one their tier does not open): the shared page is.
   */
  async function serveMember(request: FastifyRequest, reply: FastifyReply, slug: string): Promise<unknown> {
    const kept = cache.get(articlePath(slug));
    // A kept page without the tag is of a public article: the same for everyone.
    if (kept && !kept.tags.has(CacheTags.forAnonymousOnly)) return undefined;
    const member = await readerFor(request);
    if (!member) return undefined;
    const model = await reader.article(slug, member);
    if (!model || !isGated(model.article) || !model.isFullText) return undefined;
    const site = await reader.site();
    const rendered = await renderArticle(model, site);
    if (!rendered) return undefined;
    return reply
      .headers({ ...articleHeaders, 'cache-control': 'private, no-store' })
      .send(layout(site, rendered.meta, assets, rendered.body).value);
  }

  app.get(
    '/articles/:slug',
    { schema: { params: Type.Object({ slug: SlugParam }) } },
    async (request, reply) => {
      const { slug } = request.params;
      if (hasMemberCookie(request.headers.cookie)) {
        const answered = await serveMember(request, reply, slug);
        if (answered !== undefined) return answered;
      }
      return serve(
        request,
        reply,
        articlePath(slug),
        async (site) => {
          const model = await reader.article(slug);
          return model && renderArticle(model, site);
        },
        articleAnswers,
      );
    },
  );

  // The republish kit: only for an article whose license lets it be republished; others have none.
  app.get(
    '/articles/:slug/republish',
    { schema: { params: Type.Object({ slug: SlugParam }) } },
    async (request, reply) => {
      const { slug } = request.params;
      return serve(request, reply, republishKitPath(slug), async (site) => {
        const model = await reader.article(slug);
        if (!model) return undefined;
        const kit = buildRepublishKit(model, {
          siteName: site.settings.siteName,
          siteUrl: site.siteUrl,
          language: site.settings.language,
          timeZone: site.settings.timeZone,
          trackingImageUrl: `${site.siteUrl}${trackingImagePath(model.article.id)}`,
        });
        if (!kit) return undefined;
        return {
          body: republishKitView(model, kit, site),
          meta: republishKitMeta(model, site),
          tags: model.cacheTags,
        };
      });
    },
  );

  app.get(
    '/authors/:slug',
    { schema: { params: Type.Object({ slug: SlugParam }), querystring: PageQuery } },
    async (request, reply) => {
      const { slug } = request.params;
      const address = pageAddress(request.query);
      return serve(request, reply, `${personPath(slug)}${address.query}`, async (site) => {
        const model = await reader.author(slug, { ...address, pageSize: site.settings.pageSize });
        if (!model || isPastEnd(address, model.listing)) return undefined;
        const { person } = model;
        const url = `${site.siteUrl}${personPath(person.slug)}`;
        const feeds = readerExtras.authorFeeds(person.slug, person.name);
        return {
          body: authorView(person, model.listing, site, { feeds, photo: model.photo }),
          meta: {
            title: person.name,
            description: person.bio
              ? excerpt(toPlainText(person.bioHtml ?? person.bio), 200)
              : `Articles by ${person.name}`,
            canonicalUrl: canonicalOf(url, address),
            type: 'profile',
            feeds,
            jsonLd: {
              '@context': 'https://schema.org',
              '@type': 'ProfilePage',
              mainEntity: {
                '@type': 'Person',
                name: person.name,
                url,
                ...(person.website ? { sameAs: [person.website] } : {}),
              },
            },
          },
          tags: model.cacheTags,
        };
      });
    },
  );

  app.get(
    '/share/mastodon',
    {
      schema: {
        querystring: Type.Object({
          text: Type.String({ maxLength: 2000 }),
          instance: Type.Optional(Type.String({ maxLength: 253 })),
        }),
      },
    },
    async (request, reply) => {
      const { text, instance } = request.query;
      let state: MastodonShareState = {};
      if (instance !== undefined) {
        const host = typedServerName(instance);
        if (host === undefined) {
          reply.code(400);
          state = {
            typed: instance,
            problem:
              'Enter the name of your server only, such as mastodon.social (no path, port or other address).',
          };
        } else {
          const url = `https://${host}/share?text=${encodeURIComponent(text)}`;
          // Only the reader's own submission of our form is redirected (the browser says so in
          // Sec-Fetch-Site, which no page elsewhere can set); a link from anywhere else shows the
          // destination for the reader to follow or not, so this address is no open redirect.
          if (request.headers['sec-fetch-site'] === 'same-origin') return reply.redirect(url, 303);
          state = { destination: { host, url } };
        }
      }
      const site = await reader.site();
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(
          layout(
            site,
            {
              title: 'Share on Mastodon',
              description: 'Share an article on your Mastodon server',
              canonicalUrl: `${site.siteUrl}/share/mastodon`,
              noIndex: true,
            },
            assets,
            mastodonShareView(text, state),
          ).value,
        );
    },
  );

  // The publication's own republishing terms: where rel="license" points for articles under them.
  app.get(SITE_TERMS_PATH, async (request, reply) =>
    serve(request, reply, SITE_TERMS_PATH, async (site) => ({
      body: html`<article class="static-page">
  <h1>Republishing terms</h1>
  <div class="static-page__body">${raw(site.settings.html.republishingPermission)}</div>
</article>`,
      meta: {
        title: 'Republishing terms',
        description: `On what terms articles of ${site.settings.siteName} may be republished.`,
        canonicalUrl: `${site.siteUrl}${SITE_TERMS_PATH}`,
      },
      tags: [],
    })),
  );

  app.get(
    '/:taxonomy',
    {
      schema: {
        params: Type.Object({ taxonomy: SlugParam }),
        querystring: Type.Object({ page: Type.Optional(PageNumber) }),
      },
    },
    async (request, reply) => {
      const { taxonomy: slug } = request.params;
      const pageNumber = request.query.page ?? 1;
      // Keys spell slugs as addresses do: a slug decoded from `%2F` or `%3F` must not name
      // another page's key (/region%2Feurope%3Fpage=1 is not /region/europe?page=1).
      const address = pageNumber === 1 ? pagePath(slug) : `${pagePath(slug)}?page=${pageNumber}`;
      return serve(request, reply, address, async (site) => {
        const index = await reader.taxonomyIndex(slug, pageNumber);
        if (index) {
          const { pageCount } = index.pagination;
          return {
            body: taxonomyIndexView(index.taxonomy, index.terms, index.pagination),
            meta: {
              title:
                pageNumber === 1
                  ? index.taxonomy.pluralName
                  : `${index.taxonomy.pluralName}, page ${pageNumber} of ${pageCount}`,
              description: `${index.taxonomy.pluralName} of ${site.settings.siteName}`,
              canonicalUrl: `${site.siteUrl}${address}`,
            },
            tags: index.cacheTags,
          };
        }
        // A page of the site has one address: no page numbers.
        if (pageNumber !== 1) return undefined;
        const found = await reader.page(slug);
        if (!found) return undefined;
        const { page } = found;
        return {
          body: staticPageView(page),
          meta: {
            title: page.title,
            description: excerpt(toPlainText(page.bodyHtml), 200),
            canonicalUrl: `${site.siteUrl}${pagePath(page.slug)}`,
          },
          tags: found.cacheTags,
        };
      });
    },
  );

  app.get(
    '/:taxonomy/:term',
    { schema: { params: Type.Object({ taxonomy: SlugParam, term: SlugParam }), querystring: PageQuery } },
    async (request, reply) => {
      const { taxonomy, term } = request.params;
      const address = pageAddress(request.query);
      const { page } = address;
      return serve(request, reply, `${termPath(taxonomy, term)}${address.query}`, async (site) => {
        const model = await reader.term(taxonomy, term, { ...address, pageSize: site.settings.pageSize });
        if (!model || isPastEnd(address, model.listing)) return undefined;
        const url = `${site.siteUrl}${termPath(model.taxonomy.slug, model.term.slug)}`;
        const feeds = readerExtras.termFeeds(model.taxonomy.slug, model.term.slug, model.term.name);
        return {
          body: html`${termView(model, site, feeds)}${
            page === 1
              ? await readerExtras.mostRead(deps.discovery, site, [
                  model.term.id,
                  ...model.children.map((c) => c.id),
                ])
              : ''
          }`,
          meta: {
            feeds,
            title: `${model.term.name} — ${model.taxonomy.name}`,
            description: model.term.descriptionHtml
              ? excerpt(toPlainText(model.term.descriptionHtml), 200)
              : `Articles filed under ${model.term.name}`,
            canonicalUrl: canonicalOf(url, address),
            jsonLd: {
              '@context': 'https://schema.org',
              '@type': 'CollectionPage',
              name: model.term.name,
              url,
            },
          },
          tags: model.cacheTags,
        };
      });
    },
  );
}
