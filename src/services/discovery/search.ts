import { toPlainText } from '../../content/markdown.ts';
import { type Article, isPubliclyVisible } from '../../domain/article.ts';
import { asReadBy, isGated, readableHtml } from '../../domain/article-access.ts';
import type { Person } from '../../domain/person.ts';
import type { SearchDocument } from '../../domain/ports/search-index.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import {
  buildSnippet,
  foldText,
  isEmptyQuery,
  parseSearchQuery,
  type SearchQuery,
  SNIPPET_SCAN_LIMIT,
  type SnippetPart,
  searchWords,
  textSearchConfig,
} from '../../domain/search-query.ts';
import { descendantIds, type Taxonomy, type Term } from '../../domain/taxonomy.ts';
import { collapseWhitespace, decodeSanitizerReferences } from '../../domain/text.ts';
import { Errors } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import { type ArticleCard, type Pagination, Reader } from '../reader.ts';
import { SiteStructure } from '../site-structure.ts';
import { RelatedLists } from './related-lists.ts';

/**
 * Brings the index entry of one article in line with the article, inside the caller's
 * transaction: published articles are (re)indexed, anything else is removed. A caller that has
 * just read the article (and its people and terms, and the body's plain text) passes them in.
 */
export async function indexArticleIn(
  repos: Pick<Repositories, 'articles' | 'people' | 'taxonomies' | 'search' | 'related'>,
  articleId: number,
  known: { article?: Article; people?: Person[]; terms?: Term[]; bodyText?: string } = {},
): Promise<void> {
  // Its related list is worked out again on its next view, from what it says now.
  await repos.related.forget([articleId]);
  const article = known.article ?? (await repos.articles.findById(articleId));
  if (article?.status !== 'published') {
    await repos.search.remove(articleId);
    return;
  }
  const [people, terms] = await Promise.all([
    known.people ?? repos.people.findByIds(article.authorIds),
    known.terms ?? repos.taxonomies.findTermsByIds(article.termIds),
  ]);
  await repos.search.put(articleSearchDocument(article, people, terms, known.bodyText));
}

/**
 * The index document of a published article, with the names of its people and terms. A gated
 * article is indexed by its preview alone: no search, result or snippet can show the rest.
 * `bodyText` (the whole body's plain text, when the caller has it) is used for public ones only.
 */
export function articleSearchDocument(
  article: Article,
  people: Person[],
  terms: Term[],
  bodyText?: string,
): ReturnType<typeof searchDocument> {
  const readable = asReadBy(article, undefined);
  return searchDocument({
    articleId: article.id,
    publishedAt: article.publishedAt ?? article.updatedAt,
    termIds: article.termIds,
    personIds: article.authorIds,
    language: article.language,
    title: article.title,
    subtitle: article.subtitle,
    summary: article.summary,
    bodyHtml: readable.bodyHtml,
    ...(bodyText === undefined || isGated(article) ? {} : { bodyText }),
    people: people.map((p) => p.name),
    terms: terms.map((t) => t.name),
  });
}

/** The folded text the index stores for an article. */
export function searchDocument(input: {
  articleId: number;
  publishedAt: string;
  termIds: number[];
  personIds: number[];
  language: string;
  title: string;
  subtitle: string | null;
  summary: string | null;
  bodyHtml: string;
  /** The body's plain text, when the caller already has it. */
  bodyText?: string;
  people: string[];
  terms: string[];
}): SearchDocument {
  return {
    articleId: input.articleId,
    publishedAt: input.publishedAt,
    termIds: input.termIds,
    personIds: input.personIds,
    config: textSearchConfig(input.language),
    title: foldText(input.title),
    subtitleSummary: foldText([input.subtitle, input.summary].filter(Boolean).join(' \n ')),
    body: foldText(input.bodyText ?? toPlainText(input.bodyHtml)),
    people: foldText(input.people.join(', ')),
    terms: foldText(input.terms.join(', ')),
  };
}

/** Empties the index and indexes every published article again, in batches. */
export async function rebuildSearchIndex(
  ctx: Pick<ServiceContext, 'store'>,
  options: { batchSize?: number; onProgress?: (indexed: number) => void } = {},
): Promise<{ indexed: number }> {
  const batchSize = options.batchSize ?? 500;
  await ctx.store.transaction((repos) => repos.search.clear());
  let afterId = 0;
  let indexed = 0;
  for (;;) {
    const ids = await ctx.store.search.indexableIds(afterId, batchSize);
    if (ids.length === 0) break;
    await ctx.store.transaction(async (repos) => {
      for (const id of ids) await indexArticleIn(repos, id);
    });
    indexed += ids.length;
    afterId = ids[ids.length - 1] ?? afterId;
    options.onProgress?.(indexed);
  }
  return { indexed };
}

export interface SearchParams {
  q: string;
  /** Filters by term: taxonomy slug to term slug (e.g. region → europe). */
  terms?: Record<string, string>;
  /** Author slug. */
  author?: string;
  /** First day, YYYY-MM-DD, inclusive. */
  from?: string;
  /** Last day, YYYY-MM-DD, inclusive. */
  to?: string;
  page?: number;
  pageSize?: number;
}

export interface SearchResult {
  card: ArticleCard;
  snippet: SnippetPart[];
  isTitleMatch: boolean;
}

export interface SearchOutcome {
  q: string;
  query: SearchQuery;
  results: SearchResult[];
  pagination: Pagination;
  /** Said to the reader instead of results (an empty query, an unknown filter). */
  message: string | null;
  /** False when the total is a lower bound ("more than 300 articles"). */
  isTotalExact: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * How much of a body's HTML a snippet reads: markup takes room, so a few times what the snippet
 * scans of the text. A 2 MB body cost every search showing it the stripping of all of it.
 */
const HTML_SCAN_LIMIT = 4 * SNIPPET_SCAN_LIMIT;

/**
 * Text of the start of stored body HTML for snippets. The HTML was sanitized when saved, so
 * stripping tags is enough here, and far cheaper per request than running the sanitizer again.
 * A tag or character reference cut at the limit is left out rather than shown half.
 */
export function htmlToText(html: string): string {
  let head = html;
  if (head.length > HTML_SCAN_LIMIT) {
    head = head.slice(0, HTML_SCAN_LIMIT);
    const open = head.lastIndexOf('<');
    if (open > head.lastIndexOf('>')) head = head.slice(0, open);
    const amp = head.lastIndexOf('&');
    if (amp > head.lastIndexOf(';') && amp > head.length - 12) head = head.slice(0, amp);
  }
  const text = head.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ');
  return collapseWhitespace(decodeSanitizerReferences(text)).trim();
}

const CONFIGS_TTL_MS = 5 * 60_000;
/** How many related articles an article page shows. */
const RELATED_SHOWN = 4;
/** A kept related list is worked out again after this long, so newer articles join it. */
export const RELATED_REFRESH_MS = 24 * 60 * 60_000;

function parseDay(value: string | undefined, field: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date = new Date(`${value}T00:00:00.000Z`);
  if (!DAY.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw Errors.VALIDATION_FAILED({ details: [{ field, message: 'must be a date written YYYY-MM-DD' }] });
  }
  return date;
}

/**
 * The choices the search form offers, each list at most SEARCH_CHOICES_MAX long. A longer one
 * (a newspaper's thousands of tags or guest authors) is null: the form asks for a name instead,
 * so the page does not grow with the archive.
 */
export interface SearchFormChoices {
  taxonomies: { taxonomy: Taxonomy; terms: Term[] | null }[];
  authors: { slug: string; name: string }[] | null;
}

/** Above this many choices, a search filter is a text field rather than a menu. */
export const SEARCH_CHOICES_MAX = 100;

/** `list`, or null when it is too long to offer as a menu. */
function asMenu<T>(list: T[]): T[] | null {
  return list.length > SEARCH_CHOICES_MAX ? null : list;
}

/** Full-text search over published articles, with filters, ranking and highlighted snippets. */
export class Search {
  private configs: { value: string[]; at: number } | null = null;
  private readonly reader: Reader;
  /** Related-article lists: kept in the database, the newest written in batches. */
  readonly relatedLists: RelatedLists;

  private readonly ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    this.ctx = ctx;
    this.reader = new Reader(ctx);
    this.relatedLists = new RelatedLists(ctx);
  }

  /** The choices the search form offers: each taxonomy's terms, and the authors with published articles. */
  async formChoices(taxonomies: readonly Taxonomy[]): Promise<SearchFormChoices> {
    const structure = SiteStructure.of(this.ctx);
    const [terms, listed, authors] = await Promise.all([
      Promise.all(taxonomies.map((taxonomy) => structure.terms(taxonomy.id))),
      structure.listedTermIds(),
      structure.authorsWithArticles(this.ctx.now().toISOString()),
    ]);
    return {
      taxonomies: taxonomies.map((taxonomy, index) => ({
        taxonomy,
        terms: asMenu((terms[index] ?? []).filter((term) => listed.has(term.id))),
      })),
      authors: asMenu(authors) && [...authors].sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  /** Forgets cached facts about the index (after a rebuild or a change of languages). */
  reset(): void {
    this.configs = null;
  }

  private async configsInUse(): Promise<string[]> {
    const now = Date.now();
    if (!this.configs || now - this.configs.at > CONFIGS_TTL_MS) {
      const used = await this.ctx.store.search.configsInUse();
      this.configs = { value: used.length > 0 ? used : ['simple'], at: now };
    }
    return this.configs.value;
  }

  async search(params: SearchParams): Promise<SearchOutcome> {
    const pageSize = Math.min(Math.max(params.pageSize ?? 10, 1), 50);
    const page = Math.max(params.page ?? 1, 1);
    const q = params.q.trim();
    const query = parseSearchQuery(q);
    const from = parseDay(params.from, 'from');
    const toDay = parseDay(params.to, 'to');
    if (from && toDay && from > toDay)
      throw Errors.VALIDATION_FAILED({ details: [{ field: 'to', message: 'must not be before from' }] });
    const empty = (message: string | null): SearchOutcome => ({
      q,
      query,
      results: [],
      pagination: { page, pageCount: 1, total: 0 },
      message,
      isTotalExact: true,
    });
    if (isEmptyQuery(query)) {
      return empty(q === '' ? null : 'Type at least one word (letters or digits) to search for.');
    }

    const repos = this.ctx.store;
    const termIds: number[] = [];
    for (const [taxonomySlug, termSlug] of Object.entries(params.terms ?? {})) {
      if (!termSlug) continue;
      const structure = SiteStructure.of(this.ctx);
      const taxonomy = await structure.taxonomy(taxonomySlug);
      const all = taxonomy ? await structure.terms(taxonomy.id) : [];
      // A menu sends the slug; the text field of a long list takes the name a reader types.
      const typed = termSlug.trim().toLowerCase();
      const term = all.find((t) => t.slug === termSlug) ?? all.find((t) => t.name.toLowerCase() === typed);
      // A term no published article uses is not shown anywhere, and is not confirmed here either.
      if (!taxonomy || !term || !(await structure.listedTermIds()).has(term.id))
        return empty(`There is no ${taxonomySlug} called “${termSlug}”.`);
      termIds.push(term.id, ...descendantIds(term.id, all));
    }
    let personId: number | undefined;
    if (params.author) {
      const person =
        (await repos.people.findBySlug(params.author)) ??
        (await repos.people.findByName(params.author.trim()));
      if (!person || !(await this.reader.isPersonListed(person.id)))
        return empty(`There is no author “${params.author}”.`);
      personId = person.id;
    }

    const { hits, total, isTotalExact } = await repos.search.search({
      query,
      configs: await this.configsInUse(),
      now: this.ctx.now().toISOString(),
      ...(termIds.length ? { termIds } : {}),
      ...(personId !== undefined ? { personId } : {}),
      ...(from ? { from: from.toISOString() } : {}),
      ...(toDay ? { to: new Date(toDay.getTime() + 86_400_000).toISOString() } : {}),
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    const articles = await repos.articles.findForReadersByIds(hits.map((h) => h.articleId));
    const cards = await this.reader.cards(articles);
    // Snippets quote what an anonymous reader may read: a gated article's preview.
    const bodyOf = new Map(articles.map((a) => [a.id, readableHtml(a, undefined)]));
    const results = cards.map((card, i) => {
      const text = [card.article.summary, htmlToText(bodyOf.get(card.article.id) ?? '')]
        .filter(Boolean)
        .join(' ');
      return { card, snippet: buildSnippet(text, query), isTitleMatch: hits[i]?.isTitleMatch ?? false };
    });
    return {
      q,
      query,
      results,
      pagination: { page, pageCount: Math.max(1, Math.ceil(total / pageSize)), total },
      message: total === 0 ? 'No articles match. Try fewer or different words.' : null,
      isTotalExact,
    };
  }

  /**
   * Published articles most like this one: shared terms first, then shared words. The ranking
   * is kept (see RelatedStore) and worked out again after the article changes or once the kept
   * list is a day old, so most article views read one row.
   */
  async related(article: Article, limit = RELATED_SHOWN): Promise<ArticleCard[]> {
    const now = this.ctx.now();
    const kept = await this.relatedLists.get(article.id);
    let ids = kept?.articleIds;
    if (
      !kept ||
      now.getTime() - Date.parse(kept.computedAt) > RELATED_REFRESH_MS ||
      Number.isNaN(Date.parse(kept.computedAt))
    ) {
      ids = await this.rankRelated(article, now.toISOString(), limit * 2);
      this.relatedLists.keep(article.id, { articleIds: ids, computedAt: now.toISOString() });
    }
    // In the ranking's order: the summaries come back in the order of the ids asked for.
    const candidates = await SiteStructure.of(this.ctx).articleSummaries(ids ?? []);
    const shown = candidates.filter((a) => a.id !== article.id && isPubliclyVisible(a, now)).slice(0, limit);
    return this.reader.cards(shown);
  }

  /** Ranks candidates: articles sharing terms (the newest 60), then those sharing distinctive words. */
  private async rankRelated(article: Article, now: string, count: number): Promise<number[]> {
    const repos = this.ctx.store;
    const scores = new Map<number, number>();
    if (article.termIds.length > 0) {
      // Ids and terms only: the candidates' rows (and bodies) are read for the few that are shown.
      const ids = await repos.articles.publishedIds({
        now,
        limit: 60,
        offset: 0,
        termIds: article.termIds,
        excludeIds: [article.id],
      });
      const termsOf = await repos.articles.termIdsOf(ids);
      const mine = new Set(article.termIds);
      for (const id of ids) {
        const shared = (termsOf.get(id) ?? []).filter((termId) => mine.has(termId)).length;
        scores.set(id, shared);
      }
    }
    const words = distinctiveWords(`${article.title} ${article.subtitle ?? ''} ${article.summary ?? ''}`);
    const similar = await repos.search.similar({
      words,
      configs: await this.configsInUse(),
      excludeId: article.id,
      now,
      limit: 20,
    });
    similar.forEach((id, rank) => {
      scores.set(id, (scores.get(id) ?? 0) + 2 * (1 - rank / similar.length));
    });
    const best = [...scores.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0]).slice(0, count * 2);
    // Ties go to the newer article, as the page shows them.
    const rows = await repos.articles.findSummariesByIds(best.map(([id]) => id));
    rows.sort(
      (a, b) =>
        (scores.get(b.id) ?? 0) - (scores.get(a.id) ?? 0) ||
        (b.publishedAt ?? '').localeCompare(a.publishedAt ?? ''),
    );
    return rows.slice(0, count).map((a) => a.id);
  }
}

const STOP_WORDS = new Set(
  'about above after again against also among an and are because been before being between both but can could does doing down during each from further have having here into just more most much must other over same should some such than that their them then there these they this those through under until very were what when where which while will with within without would your'.split(
    ' ',
  ),
);

/** The longer, non-trivial words of a text, for finding similar articles. */
export function distinctiveWords(text: string, max = 12): string[] {
  const words = searchWords(text).filter((w) => w.length > 3 && !STOP_WORDS.has(w) && !/^\d+$/.test(w));
  return [...new Set(words)].slice(0, max);
}
