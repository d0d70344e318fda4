import { type Article, type ArticleSummary, isPubliclyVisible, readingMinutes } from '../domain/article.ts';
import { asReadBy, canReadFull, type MemberReader } from '../domain/article-access.ts';
import { type Attribution, buildAttribution } from '../domain/attribution.ts';
import { CacheTags } from '../domain/cache-tags.ts';
import { type EffectiveLicense, effectiveLicense, licenseUrl } from '../domain/license.ts';
import { type ListingPosition, listingScope } from '../domain/listing.ts';
import type { Page } from '../domain/page.ts';
import { articlePath, feedPathOf } from '../domain/paths.ts';
import type { Person } from '../domain/person.ts';
import type { Correction } from '../domain/ports/correction-store.ts';
import type { MediaVariant } from '../domain/ports/media-store.ts';
import type { Repositories } from '../domain/ports/store.ts';
import { type ResponsiveImage, responsiveImage, uploadedImageUrls } from '../domain/responsive-image.ts';
import { slugify } from '../domain/slug.ts';
import {
  ancestorsOf,
  descendantIds,
  descendantIdsOfAll,
  type Taxonomy,
  type Term,
} from '../domain/taxonomy.ts';
import { isLinkTarget } from '../domain/url.ts';
import { wordPressAddress } from '../domain/wordpress-address.ts';
import { Errors } from '../errors.ts';
import type { ServiceContext } from './context.ts';
import type { RenderedSettings } from './settings.ts';
import { SiteStructure } from './site-structure.ts';

/** An article with what a listing or page shows about it. */
export interface ArticleCard {
  article: ArticleSummary;
  url: string;
  authors: Person[];
  terms: { taxonomy: Taxonomy; term: Term }[];
  readingMinutes: number;
  /** How many comments readers see under it (approved ones). */
  commentCount: number;
  /** The featured image with its uploaded sizes and formats, when it is an upload. */
  image?: ResponsiveImage;
}

export interface ArticlePageModel extends ArticleCard {
  article: Article;
  /**
   * Whether `article.bodyHtml` is the whole text. False for a gated article read by someone
   * it is not for: the body is then its preview, and the page invites them to join.
   */
  isFullText: boolean;
  /** Terms grouped by taxonomy, in taxonomy order. */
  classification: { taxonomy: Taxonomy; terms: Term[] }[];
  attribution: Attribution;
  /** The article's own license, else the site's default. */
  license: EffectiveLicense;
  /** Where rel=license points: the license's text, or the site's own terms; null for none. */
  licenseUrl: string | null;
  /** Absolute URL of this page on this site. */
  absoluteUrl: string;
  /** Where rel=canonical points: the original when republished, else this page. */
  canonicalUrl: string;
  corrections: Correction[];
  /** The uploads the body shows that have sized copies, by address: shown as pictures. */
  bodyImages: Map<string, ResponsiveImage>;
  /** The authors' uploaded photos that have sized copies, by address. */
  authorPhotos: Map<string, ResponsiveImage>;
  /** What the page shows, for the page cache. */
  cacheTags: string[];
}

export interface Pagination {
  page: number;
  pageCount: number;
  total: number;
  /** Where the next page starts (this page's last article), when there is one: its link reads by keyset. */
  next?: ListingPosition;
}

export interface Listing {
  cards: ArticleCard[];
  pagination: Pagination;
}

export interface TermPageModel {
  taxonomy: Taxonomy;
  term: Term;
  ancestors: Term[];
  children: Term[];
  /** The term and all its descendants: the listing shows their articles. */
  listedTermIds: number[];
  listing: Listing;
  cacheTags: string[];
}

export interface HomeModel {
  featured: ArticleCard[];
  latest: Listing;
  reports: { term: Term; cards: ArticleCard[] }[];
  cacheTags: string[];
}

/** Which page of a listing: its number, and where it starts when the link carried that. */
export interface PageRequest {
  page: number;
  pageSize: number;
  /** The previous page's last article: the page is read from there by keyset, not by offset. */
  after?: ListingPosition;
}

interface ListingQuery extends PageRequest {
  termIds?: number[];
  personId?: number;
  excludeIds?: number[];
}

/** Site chrome every page needs: settings, navigation pages and taxonomies. */
export interface SiteModel {
  settings: RenderedSettings;
  navigation: Page[];
  taxonomies: Taxonomy[];
  siteUrl: string;
}

/** Read models for reader pages. Only published articles whose time has come are ever returned. */
/** Top-level terms on one page of a taxonomy's index (their sub-terms come with them). */
export const TERM_INDEX_PAGE = 300;

export class Reader {
  private readonly ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    this.ctx = ctx;
  }

  private get repos(): Repositories {
    return this.ctx.store;
  }

  /** Settings, pages, taxonomies and terms, read once and kept until they change. */
  private get structure(): SiteStructure {
    return SiteStructure.of(this.ctx);
  }

  private nowIso(): string {
    return this.ctx.now().toISOString();
  }

  async site(): Promise<SiteModel> {
    const [settings, pages, taxonomies] = await Promise.all([
      this.structure.settings(),
      this.structure.pages(),
      this.structure.taxonomies(),
    ]);
    return {
      settings,
      navigation: pages.filter((p) => p.status === 'published' && p.showInNavigation),
      taxonomies,
      siteUrl: this.ctx.siteUrl,
    };
  }

  /**
   * The home page: featured articles, the latest, and the newest three of each report series.
   * Every article on it is read in one batch, whatever the number of series.
   */
  async home(request: PageRequest): Promise<HomeModel> {
    const { page } = request;
    const now = this.nowIso();
    const featuredIds = await this.repos.articles.publishedIds({
      now,
      limit: 3,
      offset: 0,
      isFeatured: true,
    });
    const latest = await this.listingPage({
      ...request,
      excludeIds: page === 1 ? featuredIds : [],
    });
    const reportTaxonomy = await this.structure.taxonomy('report');
    const reportIds: { term: Term; ids: number[] }[] = [];
    if (reportTaxonomy && page === 1) {
      for (const term of await this.structure.terms(reportTaxonomy.id)) {
        const ids = await this.repos.articles.publishedIds({ now, limit: 3, offset: 0, termIds: [term.id] });
        if (ids.length > 0) reportIds.push({ term, ids });
      }
    }
    const cards = await this.cardsOf([featuredIds, latest.ids, ...reportIds.map((r) => r.ids)].flat());
    const cardsFor = (ids: number[]) => ids.flatMap((id) => cards.get(id) ?? []);
    return {
      featured: cardsFor(featuredIds),
      latest: { cards: cardsFor(latest.ids), pagination: latest.pagination },
      reports: reportIds
        .map(({ term, ids }) => ({ term, cards: cardsFor(ids) }))
        .filter((r) => r.cards.length > 0),
      cacheTags: [CacheTags.anyListing, CacheTags.siteListing, CacheTags.mostRead],
    };
  }

  /** One page of every published article, newest first. */
  async archive(request: PageRequest): Promise<{ listing: Listing; cacheTags: string[] }> {
    return {
      listing: await this.listing(request),
      cacheTags: [CacheTags.anyListing, CacheTags.siteListing],
    };
  }

  /**
   * An article's page as `member` (undefined: an anonymous reader) may read it: a gated
   * article's body is its preview unless canReadFull says otherwise.
   */
  async article(slug: string, member?: MemberReader): Promise<ArticlePageModel | undefined> {
    const article = await this.repos.articles.findBySlug(slug);
    if (!article || !isPubliclyVisible(article, this.ctx.now())) return undefined;
    return this.articleModel(asReadBy(article, member), { isFullText: canReadFull(article, member) });
  }

  /**
   * The page model of any article, whatever its status: for the admin's preview of drafts.
   * `newAuthors` are names typed on the byline for people a save will make, shown in their places.
   */
  async articleModel(
    article: Article,
    options: { newAuthors?: readonly { name: string; place: number }[]; isFullText?: boolean } = {},
  ): Promise<ArticlePageModel | undefined> {
    const [summary] = await this.cards([article]);
    if (!summary) return undefined;
    const authors = [...summary.authors];
    for (const { name, place } of options.newAuthors ?? []) {
      authors.splice(Math.min(place, authors.length), 0, standInPerson(name, article.updatedAt));
    }
    const card = { ...summary, article, authors };
    const settings = await this.structure.settings();
    const absoluteUrl = `${this.ctx.siteUrl}${card.url}`;
    const license = effectiveLicense(article.license, settings.defaultLicense);
    const classification: ArticlePageModel['classification'] = [];
    for (const { taxonomy, term } of card.terms) {
      let group = classification.find((g) => g.taxonomy.id === taxonomy.id);
      if (!group) {
        group = { taxonomy, terms: [] };
        classification.push(group);
      }
      group.terms.push(term);
    }
    classification.sort((a, b) => a.taxonomy.position - b.taxonomy.position);
    const [corrections, bodyImages, authorPhotos] = await Promise.all([
      this.repos.corrections.listFor(article.id),
      this.bodyImagesOf(article.bodyHtml),
      this.photosOf(card.authors),
    ]);
    return {
      ...card,
      isFullText: options.isFullText ?? true,
      classification,
      absoluteUrl,
      canonicalUrl: article.canonicalUrl ?? absoluteUrl,
      license,
      licenseUrl: licenseUrl(license, this.ctx.siteUrl),
      attribution: buildAttribution({
        authorNames: card.authors.map((a) => a.name),
        source: article.source,
        siteName: settings.siteName,
        siteUrl: this.ctx.siteUrl,
        articleUrl: absoluteUrl,
        publishedAt: article.publishedAt,
      }),
      corrections,
      bodyImages,
      authorPhotos,
      cacheTags: [
        CacheTags.article(article.id),
        CacheTags.slug(article.slug),
        ...card.authors.map((a) => CacheTags.person(a.id)),
        ...card.terms.map((t) => CacheTags.term(t.term.id)),
      ],
    };
  }

  async term(
    taxonomySlug: string,
    termSlug: string,
    request: PageRequest,
  ): Promise<TermPageModel | undefined> {
    const taxonomy = await this.structure.taxonomy(taxonomySlug);
    if (!taxonomy) return undefined;
    const [all, listed] = await Promise.all([
      this.structure.terms(taxonomy.id),
      this.structure.listedTermIds(),
    ]);
    const term = all.find((t) => t.slug === termSlug);
    // A term with no published article (made for a draft, say) has no page yet.
    if (!term || !listed.has(term.id)) return undefined;
    const byId = new Map(all.map((t) => [t.id, t]));
    const descendants = descendantIds(term.id, all);
    const listing = await this.listing({ ...request, termIds: [term.id, ...descendants] });
    return {
      taxonomy,
      term,
      ancestors: ancestorsOf(term, byId),
      children: all.filter((t) => t.parentId === term.id && listed.has(t.id)),
      listedTermIds: [term.id, ...descendants],
      listing,
      cacheTags: [
        CacheTags.term(term.id),
        ...[term.id, ...descendants].map((id) => CacheTags.termListing(id)),
        CacheTags.anyListing,
        CacheTags.mostRead,
      ],
    };
  }

  /**
   * A taxonomy's index: its terms readers may see, each with its published count, as a tree.
   * A long index comes in pages of TERM_INDEX_PAGE top-level terms, each with its sub-terms.
   */
  async taxonomyIndex(
    taxonomySlug: string,
    page = 1,
  ): Promise<
    | {
        taxonomy: Taxonomy;
        terms: { term: Term; count: number }[];
        pagination: { page: number; pageCount: number };
        cacheTags: string[];
      }
    | undefined
  > {
    const taxonomy = await this.structure.taxonomy(taxonomySlug);
    if (!taxonomy) return undefined;
    const [listed, all] = await Promise.all([
      this.structure.listedTermIds(),
      this.structure.terms(taxonomy.id),
    ]);
    const shownTerms = all.filter((term) => listed.has(term.id));
    const roots = shownTerms.filter((term) => term.parentId === null || !listed.has(term.parentId));
    const pageCount = Math.max(1, Math.ceil(roots.length / TERM_INDEX_PAGE));
    if (page > pageCount) return undefined;
    const rootIds = roots.slice((page - 1) * TERM_INDEX_PAGE, page * TERM_INDEX_PAGE).map((t) => t.id);
    const onPage = new Set([...rootIds, ...descendantIdsOfAll(rootIds, shownTerms)]);
    const shown = shownTerms.filter((term) => onPage.has(term.id));
    const counts = await this.repos.taxonomies.publishedCounts(shown.map((term) => term.id));
    const terms = shown.map((term) => ({ term, count: counts.get(term.id) ?? 0 }));
    return {
      taxonomy,
      terms,
      pagination: { page, pageCount },
      cacheTags: [
        CacheTags.anyListing,
        // A term's first published article adds it here: any listed article may change the index.
        CacheTags.siteListing,
        ...terms.flatMap((t) => [CacheTags.term(t.term.id), CacheTags.termListing(t.term.id)]),
      ],
    };
  }

  async author(
    slug: string,
    request: PageRequest,
  ): Promise<
    { person: Person; photo: ResponsiveImage | undefined; listing: Listing; cacheTags: string[] } | undefined
  > {
    const person = await this.repos.people.findBySlug(slug);
    if (!person) return undefined;
    const listing = await this.listing({ ...request, personId: person.id });
    // A person with no published article (a writer's first draft made them) has no page yet.
    if (listing.pagination.total === 0) return undefined;
    const photo = person.photo ? (await this.photosOf([person])).get(person.photo) : undefined;
    return {
      person,
      photo,
      listing,
      cacheTags: [CacheTags.person(person.id), CacheTags.personListing(person.id), CacheTags.anyListing],
    };
  }

  /** Whether readers may see the person: they have a published article. */
  async isPersonListed(personId: number): Promise<boolean> {
    return (await this.repos.listings.get(listingScope.person(personId), this.nowIso())).count > 0;
  }

  async page(slug: string): Promise<{ page: Page; cacheTags: string[] } | undefined> {
    const page = await this.repos.pages.findBySlug(slug);
    return page?.status === 'published' ? { page, cacheTags: [CacheTags.page(page.slug)] } : undefined;
  }

  /**
   * What an old address answers now: where it moved, or that it is gone (a deleted article). An
   * address with no redirect of its own that has a WordPress form (a feed, a listing page, a date
   * archive: see wordPressAddress) leads to the nearest equivalent here, through the redirect its
   * base has (a term, an author or a post an import brought) or to the site's own listings and
   * pages; a base an import recorded as the old site's home (a WordPress site in a folder of its
   * host, /blog) stands for the site. A few indexed look-ups; the taxonomies come from the site
   * structure kept in memory.
   */
  async oldAddress(path: string): Promise<{ kind: 'moved'; to: string } | { kind: 'gone' } | undefined> {
    const direct = await this.redirectOf(path);
    if (direct) return direct;
    const address = wordPressAddress(path);
    if (!address) return undefined;
    const moved = (to: string) => ({ kind: 'moved', to }) as const;
    // The site's own: its feed, a page of its listing, its articles for a date archive.
    const ofSite = () =>
      address.kind === 'feed'
        ? moved(feedPathOf('', address.format))
        : address.kind === 'page'
          ? moved(`/?page=${address.page}`)
          : moved('/articles');
    if (address.kind !== 'amp' && address.base === null) return ofSite();
    let base = await this.redirectOf(address.base ?? '/');
    // The site's comments feed under a folder (/blog/comments/feed): the folder's feed.
    if (!base && address.kind === 'feed' && address.base?.endsWith('/comments')) {
      const folder = await this.redirectOf(address.base.slice(0, -'/comments'.length));
      if (folder?.kind === 'moved' && folder.to === '/') base = folder;
    }
    // A folder an import recorded as the old site's home (https://old.example/blog): its feeds,
    // listing pages and date archives are the site's.
    if (address.kind !== 'amp' && base?.kind === 'moved' && base.to === '/') return ofSite();
    if (address.kind === 'archive') return undefined;
    const target =
      base?.kind === 'moved'
        ? base.to
        : ((await this.isListingPath(address.base ?? '/')) &&
              (await this.isVisibleTarget(address.base ?? '/'))) ||
            (await this.isPagePath(address.base ?? '/'))
          ? address.base
          : null;
    if (target === null) return undefined;
    if (address.kind === 'amp') return moved(target);
    // A post's own feed held its comments, and a page has none: the post or page is the nearest.
    if (!(await this.isListingPath(target))) return moved(target);
    return moved(
      address.kind === 'feed' ? feedPathOf(target, address.format) : `${target}?page=${address.page}`,
    );
  }

  private async redirectOf(
    path: string,
  ): Promise<{ kind: 'moved'; to: string } | { kind: 'gone' } | undefined> {
    const redirect = await this.repos.redirects.find(path);
    if (!redirect) return undefined;
    if (redirect.statusCode === 410) return { kind: 'gone' };
    // Checked here as well as where redirects are made: a target stored by an older version or
    // by hand that could lead off the site by a trick ("//host", "/\\host", another scheme) is
    // never followed.
    if (!isLinkTarget(redirect.toPath)) return undefined;
    // An old address of a draft, a scheduled or a password-protected post (a WordPress `?p=`,
    // a slug renamed before publishing) must not tell a reader the slug it will have.
    if (!(await this.isVisibleTarget(redirect.toPath))) return undefined;
    return { kind: 'moved', to: redirect.toPath };
  }

  /**
   * Whether a redirect may lead to its target: not an article readers cannot see yet, nor a term
   * or author listing that has no page (no published article yet). Such an old address answers
   * 404 itself rather than a 301 to a 404; not 410, as the term or author may yet get a page.
   */
  private async isVisibleTarget(path: string): Promise<boolean> {
    const listing = /^\/([^/?#]+)\/([^/?#]+)$/.exec(path);
    if (listing && listing[1] !== 'articles') {
      const [first, second] = [decodedSegment(listing[1] ?? ''), decodedSegment(listing[2] ?? '')];
      if (first === null || second === null) return false;
      if (first === 'authors') return (await this.author(second, { page: 1, pageSize: 1 })) !== undefined;
      const taxonomy = await this.structure.taxonomy(first);
      if (!taxonomy) return true;
      const [terms, listed] = await Promise.all([
        this.structure.terms(taxonomy.id),
        this.structure.listedTermIds(),
      ]);
      const term = terms.find((t) => t.slug === second);
      return term !== undefined && listed.has(term.id);
    }
    const encoded = /^\/articles\/([^/?#]+)$/.exec(path)?.[1];
    if (encoded === undefined) return true;
    let slug: string;
    try {
      slug = decodeURIComponent(encoded);
    } catch {
      return false;
    }
    // No article there (deleted, or renamed since): the address answers for itself, 410 or 404.
    const article = await this.repos.articles.findBySlug(slug);
    return article === undefined || isPubliclyVisible(article, this.ctx.now());
  }

  /** Whether a path is a published page's (an imported page keeps its WordPress address). */
  private async isPagePath(path: string): Promise<boolean> {
    const slug = /^\/([^/]+)$/.exec(path)?.[1];
    return slug !== undefined && (await this.page(slug)) !== undefined;
  }

  /** Whether a path is one of our listings with a feed: an author's page or a term of a taxonomy. */
  private async isListingPath(path: string): Promise<boolean> {
    if (/^\/authors\/[^/]+$/.test(path)) return true;
    const taxonomySlug = /^\/([^/]+)\/[^/]+$/.exec(path)?.[1];
    return taxonomySlug !== undefined && (await this.structure.taxonomy(taxonomySlug)) !== undefined;
  }

  /**
   * One page of a listing. The total comes from the maintained listing counts, less what is
   * dated later (a term with sub-terms adds theirs up, so an article filed under two counts
   * twice); a page past the end is answered from the counts alone, without reading articles.
   */
  private async listing(query: ListingQuery): Promise<Listing> {
    const { ids, pagination } = await this.listingPage(query);
    const cards = await this.cardsOf(ids);
    return { cards: ids.flatMap((id) => cards.get(id) ?? []), pagination };
  }

  /** The ids of one page of a listing, in order, and where the page stands. */
  private async listingPage(query: ListingQuery): Promise<{ ids: number[]; pagination: Pagination }> {
    const scopes =
      query.personId !== undefined
        ? [listingScope.person(query.personId)]
        : query.termIds
          ? query.termIds.map(listingScope.term)
          : [listingScope.site];
    let total = 0;
    const now = this.nowIso();
    for (const scope of scopes) total += (await this.repos.listings.get(scope, now)).count;
    total = Math.max(0, total - (query.excludeIds?.length ?? 0));
    const pageCount = Math.max(1, Math.ceil(total / query.pageSize));
    if (query.page > pageCount) return { ids: [], pagination: { page: query.page, pageCount, total } };
    // One more than the page: whether another follows, without trusting the counts (a term
    // with sub-terms counts an article filed under two of them twice).
    const read = await this.repos.articles.publishedPositions({
      now,
      limit: query.pageSize + 1,
      offset: query.after ? 0 : (query.page - 1) * query.pageSize,
      ...(query.after ? { after: query.after } : {}),
      ...(query.termIds ? { termIds: query.termIds } : {}),
      ...(query.personId !== undefined ? { personId: query.personId } : {}),
      ...(query.excludeIds ? { excludeIds: query.excludeIds } : {}),
    });
    if (!read) throw Errors.LISTING_POSITION_INVALID({ page: query.page });
    const positions = read.slice(0, query.pageSize);
    const last = positions.at(-1);
    const pagination: Pagination = { page: query.page, pageCount, total };
    if (last && read.length > query.pageSize && query.page < pageCount) pagination.next = last;
    return { ids: positions.map((p) => p.id), pagination };
  }

  /** The sized copies of the uploads a body shows, in one query (none for a body without uploads). */
  private async bodyImagesOf(bodyHtml: string): Promise<Map<string, ResponsiveImage>> {
    const urls = uploadedImageUrls(bodyHtml);
    const images = new Map<string, ResponsiveImage>();
    if (urls.length === 0) return images;
    const variants = await this.repos.mediaVariants.listForUrls(urls);
    for (const src of urls) {
      const image = responsiveImage({ src, alt: null, variants: variants.get(src) ?? [] });
      if (image) images.set(src, image);
    }
    return images;
  }

  /** People's uploaded photos with their sized copies, by address, in one query. */
  private async photosOf(people: Person[]): Promise<Map<string, ResponsiveImage>> {
    const urls = [...new Set(people.flatMap((p) => (p.photo?.startsWith('/media/') ? [p.photo] : [])))];
    const photos = new Map<string, ResponsiveImage>();
    if (urls.length === 0) return photos;
    const variants = await this.repos.mediaVariants.listForUrls(urls);
    for (const src of urls) {
      // The name is beside the photo wherever it shows: the photo itself adds nothing to read.
      const image = responsiveImage({ src, alt: null, variants: variants.get(src) ?? [] });
      if (image) photos.set(src, image);
    }
    return photos;
  }

  /** The cards of these articles by id, read in one batch; ids not found are left out. */
  private async cardsOf(ids: number[]): Promise<Map<number, ArticleCard>> {
    const articles = await this.structure.articleSummaries([...new Set(ids)]);
    return new Map((await this.cards(articles)).map((card) => [card.article.id, card]));
  }

  /**
   * Attaches authors, terms and featured images' sizes to articles with three queries, whatever
   * the number of articles.
   */
  async cards(articles: ArticleSummary[]): Promise<ArticleCard[]> {
    const personIds = [...new Set(articles.flatMap((a) => a.authorIds))];
    const termIds = [...new Set(articles.flatMap((a) => a.termIds))];
    // Only uploads (served at /media/) have sizes; a listing with none asks nothing more.
    const imageUrls = articles.flatMap((a) =>
      a.featuredImage?.startsWith('/media/') ? a.featuredImage : [],
    );
    const [people, terms, taxonomies, variants, commentCounts] = await Promise.all([
      this.structure.people(personIds),
      this.structure.termsByIds(termIds),
      this.structure.taxonomies(),
      imageUrls.length ? this.repos.mediaVariants.listForUrls(imageUrls) : new Map<string, MediaVariant[]>(),
      articles.length
        ? this.repos.comments.approvedCounts(articles.map((a) => a.id))
        : new Map<number, number>(),
    ]);
    const personById = new Map(people.map((p) => [p.id, p]));
    const termById = new Map(terms.map((t) => [t.id, t]));
    const taxonomyById = new Map(taxonomies.map((t) => [t.id, t]));
    return articles.map((article) => {
      const image = article.featuredImage
        ? responsiveImage({
            src: article.featuredImage,
            alt: article.featuredImageAlt,
            variants: variants.get(article.featuredImage) ?? [],
          })
        : undefined;
      return {
        article,
        ...(image ? { image } : {}),
        url: articlePath(article.slug),
        authors: article.authorIds.flatMap((id) => personById.get(id) ?? []),
        terms: article.termIds.flatMap((id) => {
          const term = termById.get(id);
          const taxonomy = term && taxonomyById.get(term.taxonomyId);
          return term && taxonomy ? [{ taxonomy, term }] : [];
        }),
        readingMinutes: readingMinutes(article.wordCount),
        commentCount: commentCounts.get(article.id) ?? 0,
      };
    });
  }
}

/** A path segment decoded, or null when it is not valid percent-encoding. */
function decodedSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** A person not made yet (a name typed on an unsaved byline), as a preview shows them. */
function standInPerson(name: string, at: string): Person {
  return {
    id: 0,
    slug: slugify(name),
    name,
    bio: null,
    bioHtml: null,
    email: null,
    website: null,
    links: [],
    photo: null,
    createdAt: at,
    updatedAt: at,
  };
}
