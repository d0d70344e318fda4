import type { ArticleSummary } from '../domain/article.ts';
import type { Page } from '../domain/page.ts';
import type { Person } from '../domain/person.ts';
import type { Store } from '../domain/ports/store.ts';
import type { Taxonomy, Term } from '../domain/taxonomy.ts';
import type { ContentChange, ServiceContext } from './context.ts';
import { loadSettings, type RenderedSettings } from './settings.ts';

/**
 * What every reader page reads and editors rarely change: the settings (with their Markdown
 * rendered), the pages, the taxonomies and their terms. Read once and kept until a change
 * that could touch them is announced on the change bus, by this process or (relayed) by
 * another, so a reader page costs only the queries about its own articles.
 *
 * Listings and article bodies are never kept here: those are read per page. People and terms
 * are kept by id, a bounded number of each, for the bylines and filings of the articles a page
 * shows (an article page asked for them in four of its twelve queries), and so are the articles'
 * summaries (everything a card shows, without the body): an article page's related articles, a
 * listing's cards and the most-read lists asked for them in two queries that took about half
 * the database time of an uncached article page. A summary is dropped when its article changes.
 */
export class SiteStructure {
  private readonly store: Store;
  private readonly kept = new Map<string, Promise<unknown>>();
  private readonly peopleById = new KeptById<Person>(PEOPLE_KEPT);
  private readonly termsById = new KeptById<Term>(TERMS_KEPT);
  private readonly summariesById = new KeptById<ArticleSummary>(SUMMARIES_KEPT);

  private constructor(ctx: ServiceContext) {
    this.store = ctx.store;
    ctx.changes.subscribe((change) => this.apply(change));
  }

  /** The one instance for a context's store: every reader of the same database shares it. */
  static of(ctx: ServiceContext): SiteStructure {
    let structure = instances.get(ctx.store);
    if (!structure) {
      structure = new SiteStructure(ctx);
      instances.set(ctx.store, structure);
    }
    return structure;
  }

  settings(): Promise<RenderedSettings> {
    return this.keep('settings', () => loadSettings(this.store));
  }

  pages(): Promise<Page[]> {
    return this.keep('pages', () => this.store.pages.list());
  }

  taxonomies(): Promise<Taxonomy[]> {
    return this.keep('taxonomies', () => this.store.taxonomies.listTaxonomies());
  }

  async taxonomy(slug: string): Promise<Taxonomy | undefined> {
    return (await this.taxonomies()).find((t) => t.slug === slug);
  }

  /** A taxonomy's terms, in their order. */
  terms(taxonomyId: number): Promise<Term[]> {
    return this.keep(`terms:${taxonomyId}`, () => this.store.taxonomies.listTerms(taxonomyId));
  }

  /**
   * The terms readers may see: those with a published article, directly or through a sub-term.
   * A term made for a draft (or left by an unpublished article) has no page, no place in the
   * taxonomy index and no search choice until an article filed under it is published.
   */
  listedTermIds(): Promise<ReadonlySet<number>> {
    return this.keep('listed-terms', async () => {
      // The terms with published articles and their ancestors: a site with many tags made for
      // drafts, or left by unpublished articles, does not have them all read.
      const counts = await this.store.taxonomies.publishedCounts();
      const terms = counts.size ? await this.store.taxonomies.findTermsWithAncestors([...counts.keys()]) : [];
      const parentOf = new Map(terms.map((t) => [t.id, t.parentId]));
      const listed = new Set<number>();
      for (const id of counts.keys()) {
        // A parent is listed through its sub-terms; the walk stops at one already listed.
        let at: number | null | undefined = id;
        while (at !== null && at !== undefined && parentOf.has(at) && !listed.has(at)) {
          listed.add(at);
          at = parentOf.get(at);
        }
      }
      return listed;
    });
  }

  /** People with published articles, by slug order, for the search form's author choice. */
  authorsWithArticles(now: string): Promise<{ slug: string; name: string }[]> {
    return this.keep('authors', () => this.store.sitemaps.authors(now));
  }

  /** These people, in the order of `ids` (those not found left out). */
  people(ids: number[]): Promise<Person[]> {
    return this.peopleById.read(ids, (missing) => this.store.people.findByIds(missing));
  }

  /** These terms, in the order of `ids` (those not found left out). */
  termsByIds(ids: number[]): Promise<Term[]> {
    return this.termsById.read(ids, (missing) => this.store.taxonomies.findTermsByIds(missing));
  }

  /**
   * These articles without their bodies, in the order of `ids` (those not found or deleted left
   * out). Whether each may be shown now is the caller's to check, as with the store's.
   */
  articleSummaries(ids: number[]): Promise<ArticleSummary[]> {
    return this.summariesById.read(ids, (missing) => this.store.articles.findSummariesByIds(missing));
  }

  /**
   * A change drops what it may have touched. Saving an article can create terms (a new tag
   * typed in the editor) and give a person a first article, so article changes drop the terms
   * and the authors; settings, pages and taxonomies change only by their own kinds of change
   * (a renamed or moved term, or 'everything').
   */
  private apply(change: ContentChange): void {
    // A summary holds its article's author and term ids: merging or deleting a person or a term
    // changes them without an article change.
    if (change.kind === 'article') this.summariesById.drop(change.id);
    else if (change.kind !== 'page' && change.kind !== 'settings') this.summariesById.clear();
    // Saving an article can make terms and people but changes none already kept.
    if (change.kind !== 'article') this.peopleById.clear();
    if (change.kind !== 'article' && change.kind !== 'person') this.termsById.clear();
    if (change.kind === 'person' || change.kind === 'article') {
      for (const key of this.kept.keys()) {
        if (
          key === 'authors' ||
          (change.kind === 'article' && (key.startsWith('terms:') || key === 'listed-terms'))
        )
          this.kept.delete(key);
      }
      return;
    }
    this.kept.clear();
  }

  /**
   * The kept promise for a key, or a new read. A read that fails is not kept. A change clears
   * the map, so a read started before it cannot be kept after it: the next caller reads anew.
   */
  private keep<T>(key: string, read: () => Promise<T>): Promise<T> {
    const kept = this.kept.get(key);
    if (kept) return kept as Promise<T>;
    const reading = read();
    this.kept.set(key, reading);
    reading.catch(() => {
      if (this.kept.get(key) === reading) this.kept.delete(key);
    });
    return reading;
  }
}

const instances = new WeakMap<Store, SiteStructure>();

/** Enough for the bylines and filings of every article on a few pages; each is a small object. */
const PEOPLE_KEPT = 2_000;
const TERMS_KEPT = 5_000;
/** Cards of a few dozen listing pages and related lists: a summary is a few hundred bytes to a few kilobytes. */
const SUMMARIES_KEPT = 2_000;

/**
 * Rows kept by id, at most `limit` of them (the oldest kept goes first). A read that started
 * before a clear keeps nothing: it may hold what the change replaced.
 */
class KeptById<T extends { id: number }> {
  private readonly limit: number;
  private readonly byId = new Map<number, T>();
  private generation = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  async read(ids: number[], readMissing: (ids: number[]) => Promise<T[]>): Promise<T[]> {
    const found = new Map<number, T>();
    const missing: number[] = [];
    for (const id of ids) {
      const row = this.byId.get(id);
      if (row) found.set(id, row);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const generation = this.generation;
      for (const row of await readMissing([...new Set(missing)])) {
        found.set(row.id, row);
        if (generation === this.generation) this.keep(row);
      }
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  clear(): void {
    this.generation += 1;
    this.byId.clear();
  }

  /** Forgets one row; reads under way keep nothing, as after a clear. */
  drop(id: number): void {
    this.generation += 1;
    this.byId.delete(id);
  }

  private keep(row: T): void {
    if (this.byId.size >= this.limit) this.byId.delete(this.byId.keys().next().value as number);
    this.byId.set(row.id, row);
  }
}
