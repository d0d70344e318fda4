// In-memory implementations of the storage ports, for unit tests of services: the same
// interfaces the Kysely repositories implement, kept in plain maps, with transactions that
// roll back. They live beside the services (and obey the same layering: domain only) so a
// service's tests need no database; the integration tests under test/ run the real ones.
// Only tests import this folder (src/architecture.test.ts checks it).
import { pino } from 'pino';
import type { Article, ArticleForReaders, ArticleSummary } from '../../domain/article.ts';
import { byCommentTime, type CommentDetail, type CommentStatus } from '../../domain/comment.ts';
import { type ListingCount, listingScopesOf } from '../../domain/listing.ts';
import { nameSkeleton } from '../../domain/name-skeleton.ts';
import type { WaitingAlert } from '../../domain/newsletter-alert.ts';
import type { Page } from '../../domain/page.ts';
import type { Person } from '../../domain/person.ts';
import type {
  ArticleRecord,
  ArticleStateChange,
  ArticleStore,
  DeletedArticle,
  PublishedQuery,
} from '../../domain/ports/article-store.ts';
import type { AuditEntry, AuditStore } from '../../domain/ports/audit-store.ts';
import type { Autosave, AutosaveStore } from '../../domain/ports/autosave-store.ts';
import type {
  MemberCommentStore,
  NewMemberComment,
  ThreadReadOptions,
} from '../../domain/ports/comment-store.ts';
import type { Correction, CorrectionChange, CorrectionStore } from '../../domain/ports/correction-store.ts';
import type { Job, JobStatus, JobStore } from '../../domain/ports/job-store.ts';
import type { ListingStore } from '../../domain/ports/listing-store.ts';
import type { NewsletterAlertStore } from '../../domain/ports/newsletter-alert-store.ts';
import type { PageRecord, PageStore } from '../../domain/ports/page-store.ts';
import type { PersonRecord, PersonStore } from '../../domain/ports/person-store.ts';
import type { Redirect, RedirectStore } from '../../domain/ports/redirect-store.ts';
import type { RelatedList, RelatedStore } from '../../domain/ports/related-store.ts';
import type { Revision, RevisionStore } from '../../domain/ports/revision-store.ts';
import type {
  SearchDocument,
  SearchIndex,
  SearchRequest,
  SearchResultPage,
  SimilarRequest,
} from '../../domain/ports/search-index.ts';
import type { SettingsStore } from '../../domain/ports/settings-store.ts';
import type { Repositories, Store } from '../../domain/ports/store.ts';
import type { TaxonomyStore, TermRecord } from '../../domain/ports/taxonomy-store.ts';
import type { UserStore } from '../../domain/ports/user-store.ts';
import { searchWords } from '../../domain/search-query.ts';
import type { Taxonomy, Term } from '../../domain/taxonomy.ts';
import type { Role, User } from '../../domain/user.ts';
import { Errors } from '../../errors.ts';
import { ChangeBus, type ContentChange, type ServiceContext } from '../context.ts';

/** Everything the in-memory store holds; copied before a transaction and put back if it fails. */
interface MemoryState {
  nextId: number;
  articles: Map<number, Article>;
  /** Deleted articles, out of `articles` so that no read finds them by accident; under their own slug. */
  deletedArticles: Map<number, DeletedArticle>;
  people: Map<number, Person>;
  taxonomies: Map<number, Taxonomy>;
  terms: Map<number, Term>;
  pages: Map<number, Page>;
  settings: Map<string, string>;
  revisions: Revision[];
  redirects: Map<string, Redirect>;
  search: Map<number, SearchDocument>;
  corrections: Correction[];
  audit: AuditEntry[];
  autosaves: Map<string, Autosave>;
  jobs: Map<number, Job>;
  users: Map<number, { user: User; passwordHash: string | null }>;
  related: Map<number, RelatedList>;
  firstPublications: Map<number, string>;
  alertQueue: { newsletterId: number; articleId: number; status: string; queuedAt: string }[];
  comments: Map<number, CommentDetail & { senderKey: string | null }>;
}

function emptyState(): MemoryState {
  return {
    nextId: 1,
    articles: new Map(),
    deletedArticles: new Map(),
    people: new Map(),
    taxonomies: new Map(),
    terms: new Map(),
    pages: new Map(),
    settings: new Map(),
    revisions: [],
    redirects: new Map(),
    search: new Map(),
    corrections: [],
    audit: [],
    autosaves: new Map(),
    jobs: new Map(),
    users: new Map(),
    related: new Map(),
    firstPublications: new Map(),
    alertQueue: [],
    comments: new Map(),
  };
}

/** What a test holds: the store, and the raw state to inspect. */
export interface MemoryStore extends Store {
  readonly state: MemoryState;
}

const byDesc = (a: string | null, b: string | null) => (b ?? '').localeCompare(a ?? '');

class MemoryArticles implements ArticleStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  async findById(id: number) {
    return copy(this.s().articles.get(id));
  }
  async findBySlug(slug: string) {
    return copy([...this.s().articles.values()].find((a) => a.slug === slug));
  }
  async findByIds(ids: number[]) {
    return ids.flatMap((id) => copy(this.s().articles.get(id)) ?? []);
  }
  async slugOwners(slugs: string[]) {
    const wanted = new Set(slugs);
    return new Map(
      [...this.s().articles.values()].filter((a) => wanted.has(a.slug)).map((a) => [a.slug, a.id]),
    );
  }
  async addRelations(relations: { articleId: number; authorIds: number[]; termIds: number[] }[]) {
    for (const r of relations) {
      const article = this.s().articles.get(r.articleId);
      if (article) Object.assign(article, { authorIds: [...r.authorIds], termIds: [...r.termIds] });
    }
  }
  async findForReadersByIds(ids: number[]): Promise<ArticleForReaders[]> {
    return (await this.findByIds(ids)).map(({ bodyMarkdown: _markdown, ...article }) => article);
  }
  async findSummariesByIds(ids: number[]): Promise<ArticleSummary[]> {
    return (await this.findByIds(ids)).map(
      ({ bodyMarkdown: _markdown, bodyHtml: _html, previewHtml: _preview, ...summary }) => summary,
    );
  }
  async insert(record: ArticleRecord) {
    const state = this.s();
    if ([...state.articles.values()].some((a) => a.slug === record.slug))
      throw new Error('UNIQUE articles.slug');
    const id = state.nextId++;
    state.articles.set(id, { ...structuredClone(record), id, authorIds: [], termIds: [] });
    return id;
  }
  async update(id: number, record: ArticleRecord, expectedVersion: number) {
    const current = this.s().articles.get(id);
    if (!current || current.version !== expectedVersion) return false;
    this.s().articles.set(id, { ...current, ...structuredClone(record) });
    return true;
  }
  async setAuthors(articleId: number, personIds: number[]) {
    const article = this.s().articles.get(articleId);
    if (article) article.authorIds = [...personIds];
  }
  async setTerms(articleId: number, termIds: number[]) {
    const article = this.s().articles.get(articleId);
    if (article) article.termIds = [...termIds];
  }
  /** Every article of the listing, newest first (ties: the higher id first), before paging. */
  private listed(query: PublishedQuery): Article[] {
    return [...this.s().articles.values()]
      .filter(
        (a) =>
          a.status === 'published' &&
          a.publishedAt !== null &&
          a.publishedAt <= query.now &&
          (query.isFeatured === undefined || a.isFeatured === query.isFeatured) &&
          !query.excludeIds?.includes(a.id) &&
          (!query.termIds?.length || a.termIds.some((id) => query.termIds?.includes(id))) &&
          (query.personId === undefined || a.authorIds.includes(query.personId)),
      )
      .sort((a, b) => byDesc(a.publishedAt, b.publishedAt) || b.id - a.id);
  }
  private published(query: PublishedQuery): Article[] | undefined {
    let all = this.listed(query);
    const { after } = query;
    if (after) {
      const at = all.findIndex((a) => a.id === after.id && a.publishedAt === after.at);
      if (at === -1) return undefined;
      all = all.slice(at + 1);
    }
    return all.slice(query.offset, query.offset + query.limit);
  }
  async listPublished(query: PublishedQuery) {
    return { articles: (this.published(query) ?? []).map((a) => structuredClone(a)) };
  }
  async publishedIds(query: PublishedQuery) {
    return (this.published(query) ?? []).map((a) => a.id);
  }
  async publishedPositions(query: PublishedQuery) {
    return this.published(query)?.map((a) => ({ at: a.publishedAt ?? '', id: a.id }));
  }
  async termIdsOf(articleIds: number[]) {
    const out = new Map<number, number[]>();
    for (const id of articleIds) {
      const article = this.s().articles.get(id);
      if (article) out.set(id, [...article.termIds]);
    }
    return out;
  }
  async idsFiledUnder(filter: { termId: number } | { personId: number }, afterId: number, limit: number) {
    return [...this.s().articles.values()]
      .filter(
        (a) =>
          a.id > afterId &&
          ('termId' in filter ? a.termIds.includes(filter.termId) : a.authorIds.includes(filter.personId)),
      )
      .map((a) => a.id)
      .sort((a, b) => a - b)
      .slice(0, limit);
  }
  async listDueScheduled(now: string, limit: number, after?: { id: number; publishedAt: string }) {
    return [...this.s().articles.values()]
      .flatMap((a) =>
        a.status === 'scheduled' && a.publishedAt !== null && a.publishedAt <= now
          ? [{ id: a.id, publishedAt: a.publishedAt }]
          : [],
      )
      .filter(
        (a) =>
          !after ||
          a.publishedAt > after.publishedAt ||
          (a.publishedAt === after.publishedAt && a.id > after.id),
      )
      .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id - b.id)
      .slice(0, limit);
  }
  async claimDueScheduled(id: number, now: string) {
    const article = this.s().articles.get(id);
    if (article?.status !== 'scheduled' || article.publishedAt === null || article.publishedAt > now)
      return false;
    article.status = 'published';
    return true;
  }
  async gatedWithoutPreview(afterId: number, limit: number) {
    return [...this.s().articles.values()]
      .filter((a) => a.id > afterId && a.visibility !== 'public' && a.previewHtml === null)
      .map((a) => a.id)
      .sort((a, b) => a - b)
      .slice(0, limit);
  }
  async setPreview(id: number, previewHtml: string | null) {
    const article = this.s().articles.get(id);
    if (article) article.previewHtml = previewHtml;
  }
  async hasAny() {
    return this.s().articles.size + this.s().deletedArticles.size > 0;
  }
  async count() {
    return this.s().articles.size;
  }
  async listAll() {
    return [...this.s().articles.values()].sort((a, b) => a.id - b.id).map((a) => structuredClone(a));
  }
  async listAfter(afterId: number, limit: number) {
    return (await this.listAll()).filter((a) => a.id > afterId).slice(0, limit);
  }
  async markDeleted(id: number, change: ArticleStateChange & { deletedAt: string }, expectedVersion: number) {
    const state = this.s();
    const current = state.articles.get(id);
    if (!current || current.version !== expectedVersion) return false;
    const { deletedAt, ...fields } = change;
    state.articles.delete(id);
    state.deletedArticles.set(id, { article: { ...current, ...fields }, deletedAt });
    return true;
  }
  async markChanged(id: number, change: { version: number; updatedAt: string }, expectedVersion: number) {
    const current = this.s().articles.get(id);
    if (!current || current.version !== expectedVersion) return false;
    Object.assign(current, change);
    return true;
  }
  async findDeleted(id: number) {
    return copy(this.s().deletedArticles.get(id));
  }
  async listDeleted(limit: number) {
    return [...this.s().deletedArticles.values()]
      .sort((a, b) => byDesc(a.deletedAt, b.deletedAt) || b.article.id - a.article.id)
      .slice(0, limit)
      .map((d) => structuredClone(d));
  }
  async restoreDeleted(id: number, change: ArticleStateChange & { slug: string }, expectedVersion: number) {
    const state = this.s();
    const deleted = state.deletedArticles.get(id);
    if (!deleted || deleted.article.version !== expectedVersion) return false;
    if ([...state.articles.values()].some((a) => a.slug === change.slug))
      throw new Error('UNIQUE articles.slug');
    state.deletedArticles.delete(id);
    state.articles.set(id, { ...deleted.article, ...change });
    return true;
  }
}

class MemoryPeople implements PersonStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  private all() {
    return [...this.s().people.values()];
  }
  async findById(id: number) {
    return copy(this.s().people.get(id));
  }
  async findBySlug(slug: string) {
    return copy(this.all().find((p) => p.slug === slug));
  }
  async findByName(name: string) {
    return copy(this.all().find((p) => p.name.toLowerCase() === name.toLowerCase()));
  }
  async findByNameSkeleton(name: string) {
    const skeleton = nameSkeleton(name);
    return copy(
      this.all()
        .sort((a, b) => a.id - b.id)
        .find((p) => skeleton !== '' && nameSkeleton(p.name) === skeleton),
    );
  }
  async findByIds(ids: number[]) {
    return this.all()
      .filter((p) => ids.includes(p.id))
      .map((p) => structuredClone(p));
  }
  async list() {
    return this.all()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => structuredClone(p));
  }
  async insert(record: PersonRecord) {
    if (this.all().some((p) => p.slug === record.slug)) throw Errors.ALREADY_IN_USE({ field: 'slug' });
    const id = this.s().nextId++;
    this.s().people.set(id, { ...structuredClone(record), id });
    return id;
  }
  async update(id: number, record: PersonRecord) {
    this.s().people.set(id, { ...structuredClone(record), id });
  }
  async delete(id: number) {
    this.s().people.delete(id);
  }
}

class MemoryTaxonomies implements TaxonomyStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  private terms() {
    return [...this.s().terms.values()];
  }
  async listTaxonomies() {
    return [...this.s().taxonomies.values()]
      .sort((a, b) => a.position - b.position || a.id - b.id)
      .map((t) => ({ ...t }));
  }
  async insertTaxonomy(taxonomy: Omit<Taxonomy, 'id'>) {
    const id = this.s().nextId++;
    this.s().taxonomies.set(id, { ...taxonomy, id });
    return id;
  }
  async insertMissingTaxonomies(taxonomies: Omit<Taxonomy, 'id'>[]) {
    const existing = new Set([...this.s().taxonomies.values()].map((t) => t.slug));
    for (const taxonomy of taxonomies) if (!existing.has(taxonomy.slug)) await this.insertTaxonomy(taxonomy);
  }
  async findTermsWithAncestors(ids: readonly number[]) {
    const found = new Map<number, Term>();
    for (const id of ids) {
      for (let term = this.s().terms.get(id); term && !found.has(term.id); ) {
        found.set(term.id, { ...term });
        term = term.parentId === null ? undefined : this.s().terms.get(term.parentId);
      }
    }
    return [...found.values()];
  }
  async findTermById(id: number) {
    return copy(this.s().terms.get(id));
  }
  async findTerm(taxonomyId: number, slug: string) {
    return copy(this.terms().find((t) => t.taxonomyId === taxonomyId && t.slug === slug));
  }
  async findTermByName(taxonomyId: number, name: string) {
    return copy(
      this.terms().find((t) => t.taxonomyId === taxonomyId && t.name.toLowerCase() === name.toLowerCase()),
    );
  }
  async findTermsByName(taxonomyId: number, name: string) {
    return this.terms()
      .filter((t) => t.taxonomyId === taxonomyId && t.name.toLowerCase() === name.toLowerCase())
      .sort((a, b) => a.id - b.id)
      .map((t) => ({ ...t }));
  }
  async findTermsByIds(ids: number[]) {
    return this.terms()
      .filter((t) => ids.includes(t.id))
      .map((t) => ({ ...t }));
  }
  async listTerms(taxonomyId?: number) {
    return this.terms()
      .filter((t) => taxonomyId === undefined || t.taxonomyId === taxonomyId)
      .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))
      .map((t) => ({ ...t }));
  }
  async listTermTimes() {
    // Terms here keep no times.
    return new Map<number, { createdAt: string; updatedAt: string }>();
  }
  async listTermsUpTo(taxonomyId: number, limit: number) {
    return this.terms()
      .filter((t) => t.taxonomyId === taxonomyId)
      .sort((a, b) => a.position - b.position || a.id - b.id)
      .slice(0, limit)
      .map((t) => ({ ...t }));
  }
  async insertTerm(record: TermRecord) {
    if (this.terms().some((t) => t.taxonomyId === record.taxonomyId && t.slug === record.slug))
      throw Errors.ALREADY_IN_USE({ field: 'slug' });
    const id = this.s().nextId++;
    this.s().terms.set(id, { ...record, id });
    return id;
  }
  async updateTerm(id: number, record: TermRecord) {
    this.s().terms.set(id, { ...record, id });
  }
  async publishedCounts(termIds?: readonly number[]) {
    const counts = new Map<number, number>();
    const wanted = termIds && new Set(termIds);
    for (const article of this.s().articles.values()) {
      if (article.status !== 'published' || article.publishedAt === null) continue;
      for (const id of article.termIds)
        if (!wanted || wanted.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }
}

class MemoryPages implements PageStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  async findBySlug(slug: string) {
    return copy([...this.s().pages.values()].find((p) => p.slug === slug));
  }
  async findById(id: number) {
    return copy(this.s().pages.get(id));
  }
  async list() {
    return [...this.s().pages.values()]
      .sort((a, b) => a.position - b.position || a.title.localeCompare(b.title))
      .map((p) => ({ ...p }));
  }
  async insert(record: PageRecord) {
    if ([...this.s().pages.values()].some((p) => p.slug === record.slug))
      throw Errors.ALREADY_IN_USE({ field: 'slug' });
    const id = this.s().nextId++;
    this.s().pages.set(id, { ...record, id });
    return id;
  }
  async update(id: number, record: PageRecord) {
    this.s().pages.set(id, { ...record, id });
  }
  async delete(id: number) {
    this.s().pages.delete(id);
  }
}

class MemorySettings implements SettingsStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  async getAll() {
    return new Map(this.s().settings);
  }
  async set(key: string, value: string) {
    this.s().settings.set(key, value);
  }
}

class MemoryRevisions implements RevisionStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  async add(revision: Omit<Revision, 'id'>) {
    const id = this.s().nextId++;
    this.s().revisions.push({ ...structuredClone(revision), id });
    return id;
  }
  async addMany(revisions: Omit<Revision, 'id'>[]) {
    for (const revision of revisions) await this.add(revision);
  }
  async replaceHistory(
    entityType: string,
    entityId: number,
    revisions: Omit<Revision, 'id' | 'entityType' | 'entityId'>[],
  ) {
    const state = this.s();
    state.revisions = state.revisions.filter((r) => r.entityType !== entityType || r.entityId !== entityId);
    for (const revision of revisions) await this.add({ ...revision, entityType, entityId });
  }
  async list(entityType: string, entityId: number) {
    return this.s()
      .revisions.filter((r) => r.entityType === entityType && r.entityId === entityId)
      .sort((a, b) => b.version - a.version || b.id - a.id)
      .map((r) => structuredClone(r));
  }
  async listSummaries(entityType: string, entityId: number) {
    return (await this.list(entityType, entityId)).map(({ snapshot: _snapshot, ...summary }) => summary);
  }
  async bytesSavedSince(actor: string, since: string) {
    return this.s()
      .revisions.filter((r) => r.actor === actor && r.createdAt >= since)
      .reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r.snapshot)), 0);
  }
  async find(entityType: string, entityId: number, id: number) {
    const found = this.s().revisions.find(
      (r) => r.id === id && r.entityType === entityType && r.entityId === entityId,
    );
    return found ? structuredClone(found) : undefined;
  }
}

class MemoryRedirects implements RedirectStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  async find(fromPath: string) {
    return copy(this.s().redirects.get(fromPath));
  }
  async put(redirect: Redirect) {
    const redirects = this.s().redirects;
    redirects.delete(redirect.toPath);
    for (const r of redirects.values()) if (r.toPath === redirect.fromPath) r.toPath = redirect.toPath;
    redirects.set(redirect.fromPath, { ...redirect });
  }
  async findMany(fromPaths: string[]) {
    return fromPaths.flatMap((path) => copy(this.s().redirects.get(path)) ?? []);
  }
  async putMany(redirects: Redirect[]) {
    for (const redirect of redirects) await this.put(redirect);
  }
  async markGone(fromPath: string) {
    this.s().redirects.set(fromPath, { fromPath, toPath: '', statusCode: 410 });
  }
  async remove(fromPath: string) {
    this.s().redirects.delete(fromPath);
  }
  async list() {
    return [...this.s().redirects.values()].map((r) => ({ ...r }));
  }
  async listAfter(afterId: number, limit: number) {
    // Ids here are places in the order of recording.
    return (await this.list())
      .map((r, index) => ({ ...r, id: index + 1 }))
      .filter((r) => r.id > afterId)
      .slice(0, limit);
  }
}

/** Matches every query word (or phrase word) against the folded text; titles rank first, then newest. */
class MemorySearch implements SearchIndex {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  async put(document: SearchDocument) {
    this.s().search.set(document.articleId, structuredClone(document));
  }
  async putMany(documents: SearchDocument[]) {
    for (const document of documents) await this.put(document);
  }
  async remove(articleId: number) {
    this.s().search.delete(articleId);
  }
  async clear() {
    this.s().search.clear();
  }
  async count() {
    return this.s().search.size;
  }
  async search(request: SearchRequest): Promise<SearchResultPage> {
    const words = [
      ...request.query.phrases.flat().map((text) => ({ text, isPrefix: false })),
      ...request.query.terms,
    ];
    const has = (text: string, word: { text: string; isPrefix: boolean }) =>
      searchWords(text).some((w) => (word.isPrefix ? w.startsWith(word.text) : w === word.text));
    const hits = [...this.s().search.values()]
      .filter((d) => d.publishedAt <= request.now)
      .filter(
        (d) =>
          (request.from ? d.publishedAt >= request.from : true) &&
          (request.to ? d.publishedAt < request.to : true),
      )
      .filter((d) => !request.termIds?.length || d.termIds.some((id) => request.termIds?.includes(id)))
      .filter((d) => request.personId === undefined || d.personIds.includes(request.personId))
      .filter((d) => {
        const text = [d.title, d.subtitleSummary, d.body, d.people, d.terms].join(' ');
        return words.every((w) => has(text, w));
      })
      .map((d) => ({ d, isTitleMatch: words.every((w) => has(d.title, w)) }))
      .sort(
        (a, b) =>
          Number(b.isTitleMatch) - Number(a.isTitleMatch) ||
          b.d.publishedAt.localeCompare(a.d.publishedAt) ||
          b.d.articleId - a.d.articleId,
      );
    return {
      hits: hits
        .slice(request.offset, request.offset + request.limit)
        .map((h) => ({ articleId: h.d.articleId, isTitleMatch: h.isTitleMatch })),
      total: hits.length,
      isTotalExact: true,
    };
  }
  async similar(request: SimilarRequest) {
    return [...this.s().search.values()]
      .filter((d) => d.articleId !== request.excludeId && d.publishedAt <= request.now)
      .map((d) => {
        const words = new Set(searchWords([d.title, d.subtitleSummary, d.body].join(' ')));
        return { id: d.articleId, shared: request.words.filter((w) => words.has(w)).length };
      })
      .filter((r) => r.shared > 0)
      .sort((a, b) => b.shared - a.shared || b.id - a.id)
      .slice(0, request.limit)
      .map((r) => r.id);
  }
  async indexableIds(afterId: number, limit: number) {
    return [...this.s().articles.values()]
      .filter((a) => a.status === 'published' && a.id > afterId)
      .map((a) => a.id)
      .sort((a, b) => a - b)
      .slice(0, limit);
  }
  async configsInUse() {
    return [];
  }
}

class MemoryCorrections implements CorrectionStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  async listFor(articleId: number) {
    return this.s()
      .corrections.filter((c) => c.articleId === articleId)
      .map((c) => ({ ...c }));
  }
  async find(articleId: number, id: number) {
    const found = this.s().corrections.find((c) => c.articleId === articleId && c.id === id);
    return found ? { ...found } : undefined;
  }
  async add(correction: Omit<Correction, 'id'>) {
    const id = this.s().nextId++;
    this.s().corrections.push({ ...correction, id });
    return id;
  }
  async update(id: number, change: CorrectionChange) {
    const found = this.s().corrections.find((c) => c.id === id);
    if (found) Object.assign(found, change);
  }
}

class MemoryAudit implements AuditStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  async insert(entry: Omit<AuditEntry, 'id'>) {
    const id = this.s().nextId++;
    this.s().audit.push({ ...entry, id });
    return id;
  }
  async list(options: { limit: number; beforeId?: number }) {
    return this.s()
      .audit.filter((e) => options.beforeId === undefined || e.id < options.beforeId)
      .sort((a, b) => b.id - a.id)
      .slice(0, options.limit)
      .map((e) => ({ ...e }));
  }
}

class MemoryAutosaves implements AutosaveStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  async find(articleId: number, userId: number) {
    return copy(this.s().autosaves.get(`${articleId}/${userId}`));
  }
  async put(autosave: Autosave) {
    this.s().autosaves.set(`${autosave.articleId}/${autosave.userId}`, structuredClone(autosave));
  }
  async remove(articleId: number, userId: number) {
    this.s().autosaves.delete(`${articleId}/${userId}`);
  }
}

/**
 * Members' comments: what posting, editing, deleting and reading a thread use. The moderation
 * queue's reads join articles and members, and are tested on a database.
 */
class MemoryComments
  implements
    Pick<
      MemberCommentStore,
      | 'topLevelPage'
      | 'repliesOf'
      | 'replyCounts'
      | 'heldOf'
      | 'findDetail'
      | 'insertMemberComment'
      | 'approvedCounts'
      | 'countByMemberSince'
      | 'countBySenderSince'
      | 'hasApproved'
      | 'bodiesByMemberSince'
      | 'setStatus'
      | 'editBody'
      | 'forgetSendersBefore'
    >
{
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  private all() {
    return [...this.s().comments.values()];
  }
  /** The top-level comment a reply's thread starts from; null for a top-level comment. */
  private rootOf(comment: { parentId: number | null }): number | null {
    let root: number | null = null;
    for (let parentId = comment.parentId; parentId !== null; ) {
      root = parentId;
      parentId = this.s().comments.get(parentId)?.parentId ?? null;
    }
    return root;
  }
  /** Comments of a thread read as the repository reads them: in time order from a cursor. */
  private page(
    rows: ReturnType<MemoryComments['all']>,
    options: ThreadReadOptions & { direction: 'forward' | 'backward' },
  ): CommentDetail[] {
    const sign = options.direction === 'forward' ? 1 : -1;
    const { after } = options;
    const order = (a: { createdAt: string; id: number }, b: { createdAt: string; id: number }) =>
      sign * byCommentTime(a, b);
    return rows
      .filter((c) => c.articleId === options.articleId && c.kind === 'comment')
      .filter((c) => options.statuses.includes(c.status))
      .filter((c) => !after || order(c, after) > 0)
      .sort(order)
      .slice(0, options.limit)
      .map(({ senderKey: _, ...c }) => structuredClone(c));
  }
  async topLevelPage(options: ThreadReadOptions & { direction: 'forward' | 'backward' }) {
    return this.page(
      this.all().filter((c) => c.parentId === null),
      options,
    );
  }
  async repliesOf(
    options: ThreadReadOptions & { rootIds: readonly number[]; direction: 'forward' | 'backward' },
  ) {
    const found = new Map<number, CommentDetail[]>();
    for (const rootId of new Set(options.rootIds)) {
      const thread = this.page(
        this.all().filter((c) => this.rootOf(c) === rootId),
        options,
      );
      if (thread.length > 0) found.set(rootId, thread);
    }
    return found;
  }
  async replyCounts(options: {
    articleId: number;
    rootIds: readonly number[];
    statuses: readonly CommentStatus[];
    cap: number;
  }) {
    const counts = new Map<number, { count: number; isAtLeast: boolean }>();
    for (const rootId of new Set(options.rootIds)) {
      const read = this.all()
        .filter((c) => c.articleId === options.articleId && this.rootOf(c) === rootId)
        .slice(0, options.cap);
      const count = read.filter((c) => c.kind === 'comment' && options.statuses.includes(c.status)).length;
      counts.set(rootId, { count, isAtLeast: read.length >= options.cap });
    }
    return counts;
  }
  async heldOf(articleId: number, memberId: number) {
    return this.all()
      .filter((c) => c.articleId === articleId && c.memberId === memberId && c.status === 'pending')
      .sort(byCommentTime)
      .map(({ senderKey: _, ...c }) => structuredClone(c));
  }
  async findDetail(id: number) {
    const found = this.s().comments.get(id);
    if (!found) return undefined;
    const { senderKey: _, ...comment } = found;
    return structuredClone(comment);
  }
  async insertMemberComment(comment: NewMemberComment) {
    const id = this.s().nextId++;
    this.s().comments.set(id, {
      id,
      articleId: comment.articleId,
      parentId: comment.parentId,
      memberId: comment.memberId,
      authorName: comment.authorName,
      authorEmail: null,
      authorUrl: null,
      body: comment.body,
      bodyHtml: comment.bodyHtml,
      status: comment.status,
      kind: 'comment',
      createdAt: comment.createdAt,
      sourceId: null,
      editedAt: null,
      hasReplyNotice: comment.hasReplyNotice,
      senderKey: comment.senderKey,
    });
    return id;
  }
  async approvedCounts(articleIds: readonly number[]) {
    const wanted = new Set(articleIds);
    const counts = new Map<number, number>();
    for (const c of this.all())
      if (wanted.has(c.articleId) && c.status === 'approved' && c.kind === 'comment')
        counts.set(c.articleId, (counts.get(c.articleId) ?? 0) + 1);
    return counts;
  }
  async countByMemberSince(memberId: number, since: string) {
    return this.all().filter((c) => c.memberId === memberId && c.createdAt >= since).length;
  }
  async countBySenderSince(senderKey: string, since: string) {
    return this.all().filter((c) => c.senderKey === senderKey && c.createdAt >= since).length;
  }
  async hasApproved(memberId: number) {
    return this.all().some((c) => c.memberId === memberId && c.status === 'approved');
  }
  async bodiesByMemberSince(memberId: number, articleId: number, since: string) {
    return this.all()
      .filter((c) => c.memberId === memberId && c.articleId === articleId && c.createdAt >= since)
      .map((c) => c.body);
  }
  async setStatus(id: number, from: readonly CommentStatus[], to: CommentStatus) {
    const comment = this.s().comments.get(id);
    if (!comment || !from.includes(comment.status)) return false;
    comment.status = to;
    return true;
  }
  async editBody(id: number, body: string, bodyHtml: string, editedAt: string) {
    const comment = this.s().comments.get(id);
    if (comment) Object.assign(comment, { body, bodyHtml, editedAt });
  }
  async forgetSendersBefore(before: string) {
    for (const c of this.all()) if (c.createdAt < before) c.senderKey = null;
  }
}

/**
 * The alert queue and first publications. This store holds no newsletters, so no article is
 * covered by an alert: publishing records only its first publication here.
 */
class MemoryNewsletterAlerts implements NewsletterAlertStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  async recordFirstPublication(articleId: number, at: string) {
    if (this.s().firstPublications.has(articleId)) return false;
    this.s().firstPublications.set(articleId, at);
    return true;
  }
  async alertNewslettersFor() {
    return [];
  }
  async queueArticle(input: { articleId: number; newsletterIds: readonly number[]; at: string }) {
    for (const newsletterId of input.newsletterIds) {
      const queue = this.s().alertQueue;
      if (queue.some((q) => q.newsletterId === newsletterId && q.articleId === input.articleId)) continue;
      queue.push({ newsletterId, articleId: input.articleId, status: 'waiting', queuedAt: input.at });
    }
  }
  async requeueDropped(articleId: number, at: string) {
    const dropped = this.s().alertQueue.filter((q) => q.articleId === articleId && q.status === 'dropped');
    for (const q of dropped) Object.assign(q, { status: 'waiting', queuedAt: at });
    return dropped.map((q) => q.newsletterId);
  }
  async listWaiting(newsletterId: number, limit: number): Promise<WaitingAlert[]> {
    return this.s()
      .alertQueue.filter((q) => q.newsletterId === newsletterId && q.status === 'waiting')
      .sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.articleId - b.articleId)
      .slice(0, limit)
      .map((q) => ({
        articleId: q.articleId,
        queuedAt: q.queuedAt,
        isPublished: this.s().articles.get(q.articleId)?.status === 'published',
      }));
  }
  async dropWaiting(newsletterId: number, articleIds: readonly number[]) {
    this.mark(newsletterId, articleIds, 'dropped');
  }
  async markIssued(newsletterId: number, articleIds: readonly number[]) {
    return this.mark(newsletterId, articleIds, 'issued');
  }
  private mark(newsletterId: number, articleIds: readonly number[], status: string): number {
    const rows = this.s().alertQueue.filter(
      (q) => q.newsletterId === newsletterId && q.status === 'waiting' && articleIds.includes(q.articleId),
    );
    for (const q of rows) q.status = status;
    return rows.length;
  }
}

class MemoryJobs implements JobStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  private all() {
    return [...this.s().jobs.values()];
  }
  async put(
    job: { kind: string; dedupeKey: string; payload: unknown; runAt: string; maxAttempts?: number },
    now: string,
  ) {
    const existing = this.all().find((j) => j.dedupeKey === job.dedupeKey);
    const id = existing?.id ?? this.s().nextId++;
    this.s().jobs.set(id, {
      id,
      kind: job.kind,
      dedupeKey: job.dedupeKey,
      payload: structuredClone(job.payload),
      runAt: job.runAt,
      status: 'pending',
      attempts: 0,
      maxAttempts: job.maxAttempts ?? 5,
      lockedBy: null,
      lockedUntil: null,
      lastError: null,
      createdAt: existing?.createdAt ?? now,
      finishedAt: null,
    });
    return id;
  }
  async cancel(dedupeKey: string) {
    for (const job of this.all())
      if (job.dedupeKey === dedupeKey && job.status === 'pending') this.s().jobs.delete(job.id);
  }
  async findByKey(dedupeKey: string) {
    return copy(this.all().find((j) => j.dedupeKey === dedupeKey));
  }
  async findById(id: number) {
    return copy(this.s().jobs.get(id));
  }
  async listClaimable(now: string, limit: number) {
    return this.all()
      .filter(
        (j) =>
          (j.status === 'pending' && j.runAt <= now) ||
          (j.status === 'running' && j.lockedUntil !== null && j.lockedUntil < now),
      )
      .sort((a, b) => a.runAt.localeCompare(b.runAt) || a.id - b.id)
      .slice(0, limit)
      .map((j) => j.id);
  }
  async countWaiting(kind: string, atMost: number) {
    return Math.min(
      atMost,
      this.all().filter((j) => j.kind === kind && (j.status === 'pending' || j.status === 'running')).length,
    );
  }
  async claim(id: number, worker: string, now: string, lockedUntil: string) {
    if (!(await this.listClaimable(now, Number.MAX_SAFE_INTEGER)).includes(id)) return undefined;
    const job = this.s().jobs.get(id) as Job;
    Object.assign(job, { status: 'running', lockedBy: worker, lockedUntil, attempts: job.attempts + 1 });
    return structuredClone(job);
  }
  async extendLock(id: number, worker: string, lockedUntil: string) {
    const job = this.s().jobs.get(id);
    if (job?.status !== 'running' || job.lockedBy !== worker) return false;
    job.lockedUntil = lockedUntil;
    return true;
  }
  async complete(id: number, worker: string, now: string) {
    const job = this.s().jobs.get(id);
    if (job?.lockedBy === worker)
      Object.assign(job, {
        status: 'done',
        finishedAt: now,
        lockedBy: null,
        lockedUntil: null,
        lastError: null,
      });
  }
  async fail(id: number, worker: string, error: string, retryAt: string | null, now: string) {
    const job = this.s().jobs.get(id);
    if (job?.lockedBy !== worker) return;
    const isGivenUp = retryAt === null || job.attempts >= job.maxAttempts;
    Object.assign(job, {
      status: isGivenUp ? 'failed' : 'pending',
      lastError: error.slice(0, 4000),
      runAt: isGivenUp ? job.runAt : retryAt,
      finishedAt: isGivenUp ? now : null,
      lockedBy: null,
      lockedUntil: null,
    });
  }
  async list(options: { status?: JobStatus; limit: number }) {
    return this.all()
      .filter((j) => options.status === undefined || j.status === options.status)
      .sort((a, b) => b.runAt.localeCompare(a.runAt))
      .slice(0, options.limit)
      .map((j) => structuredClone(j));
  }
}

class MemoryUsers implements UserStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  private all() {
    return [...this.s().users.values()];
  }
  async findByEmail(email: string) {
    return copy(this.all().find((u) => u.user.email === email.toLowerCase())?.user);
  }
  async findCredentials(email: string) {
    return copy(this.all().find((u) => u.user.email === email.toLowerCase()));
  }
  async findById(id: number) {
    return copy(this.s().users.get(id)?.user);
  }
  async hasPassword(id: number) {
    return Boolean(this.s().users.get(id)?.passwordHash);
  }
  async update(
    id: number,
    changes: {
      name?: string;
      role?: Role;
      isDisabled?: boolean;
      passwordHash?: string;
      personId?: number | null;
    },
    now: string,
  ) {
    const entry = this.s().users.get(id);
    if (!entry) return;
    const { passwordHash, ...fields } = changes;
    Object.assign(entry.user, fields, { updatedAt: now });
    if (passwordHash !== undefined) entry.passwordHash = passwordHash;
  }
  async countActiveAdmins() {
    return this.all().filter((u) => u.user.role === 'admin' && !u.user.isDisabled && u.passwordHash).length;
  }
  async pendingIds() {
    return new Set(
      this.all()
        .filter((u) => !u.passwordHash)
        .map((u) => u.user.id),
    );
  }
  async list() {
    return this.all().map((u) => structuredClone(u.user));
  }
  async insert(user: Omit<User, 'id'> & { passwordHash: string | null }) {
    const id = this.s().nextId++;
    const { passwordHash, ...fields } = user;
    this.s().users.set(id, { user: { ...structuredClone(fields), id }, passwordHash });
    return id;
  }
}

/** Listing counts worked out from the articles on demand: the same answers, no bookkeeping. */
class MemoryRelated implements RelatedStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  async get(articleId: number) {
    return copy(this.s().related.get(articleId));
  }
  async put(articleId: number, list: RelatedList) {
    this.s().related.set(articleId, structuredClone(list));
  }
  async putMany(lists: ReadonlyMap<number, RelatedList>) {
    for (const [articleId, list] of lists) this.s().related.set(articleId, structuredClone(list));
  }
  async forget(articleIds: number[]) {
    for (const id of articleIds) this.s().related.delete(id);
  }
}

class MemoryListings implements ListingStore {
  private readonly s: () => MemoryState;
  constructor(state: () => MemoryState) {
    this.s = state;
  }
  private counts(now?: string): Map<string, ListingCount> {
    const counts = new Map<string, ListingCount>();
    for (const a of this.s().articles.values()) {
      if (a.status !== 'published' || a.publishedAt === null) continue;
      if (now !== undefined && a.publishedAt > now) continue;
      for (const scope of listingScopesOf({
        publishedAt: a.publishedAt,
        modifiedAt: a.updatedAt,
        termIds: a.termIds,
        authorIds: a.authorIds,
      })) {
        const current = counts.get(scope) ?? { count: 0, lastModified: '' };
        counts.set(scope, {
          count: current.count + 1,
          lastModified:
            a.updatedAt.localeCompare(current.lastModified) > 0 ? a.updatedAt : current.lastModified,
        });
      }
    }
    return counts;
  }
  async recordSave() {}
  async recordNew() {}
  async recountTerms() {}
  async rebuild() {}
  async get(scope: string, now?: string) {
    return this.counts(now).get(scope) ?? { count: 0, lastModified: '' };
  }
  async nonEmpty(kind: 'term' | 'person' | 'month') {
    return new Map(
      [...this.counts()]
        .filter(([scope]) => scope.startsWith(`${kind}:`))
        .map(([scope, c]) => [scope.slice(kind.length + 1), c]),
    );
  }
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}

const IN_MEMORY = [
  'articles',
  'people',
  'taxonomies',
  'pages',
  'settings',
  'revisions',
  'redirects',
  'search',
  'corrections',
  'audit',
  'autosaves',
  'jobs',
  'users',
  'listings',
  'related',
  'newsletterAlerts',
] as const;

type InMemoryRepositories = Pick<Repositories, (typeof IN_MEMORY)[number]>;

/**
 * A store in memory with the repositories services' unit tests use. A repository it does not
 * hold (sessions, media…) throws when touched, naming itself, so a test never passes by
 * silently skipping a write; such a service is tested against a database under test/.
 */
export function createMemoryStore(): MemoryStore {
  let state = emptyState();
  const current = () => state;
  const repositories: InMemoryRepositories = {
    articles: new MemoryArticles(current),
    people: new MemoryPeople(current),
    taxonomies: new MemoryTaxonomies(current),
    pages: new MemoryPages(current),
    settings: new MemorySettings(current),
    revisions: new MemoryRevisions(current),
    redirects: new MemoryRedirects(current),
    search: new MemorySearch(current),
    corrections: new MemoryCorrections(current),
    audit: new MemoryAudit(current),
    autosaves: new MemoryAutosaves(current),
    jobs: new MemoryJobs(current),
    newsletterAlerts: new MemoryNewsletterAlerts(current),
    users: new MemoryUsers(current),
    listings: new MemoryListings(current),
    related: new MemoryRelated(current),
  };
  let isInTransaction = false;
  const store = {
    ...repositories,
    comments: new MemoryComments(current),
    get state() {
      return state;
    },
    async transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
      // Transactions here run one at a time; nesting would not roll back separately.
      if (isInTransaction) throw new Error('nested transactions are not supported in memory');
      const before = structuredClone(state);
      isInTransaction = true;
      try {
        return await work(guarded as unknown as Repositories);
      } catch (error) {
        state = before;
        throw error;
      } finally {
        isInTransaction = false;
      }
    },
    async ping() {},
    get archive(): never {
      throw new Error('the in-memory store has no archive (export, backup); test those on a database');
    },
  };
  const guarded = new Proxy(store, {
    get(target, property, receiver) {
      if (typeof property === 'string' && !(property in target) && property !== 'then') {
        throw new Error(
          `the in-memory store has no "${property}" repository; test this service on a database`,
        );
      }
      return Reflect.get(target, property, receiver);
    },
  });
  return guarded as unknown as MemoryStore;
}

/** A service context over a fresh in-memory store, with a fixed clock a test can move. */
export function createMemoryContext(options: { now?: string } = {}): ServiceContext & {
  store: MemoryStore;
  clock: { set(iso: string): void };
  changed: ContentChange[];
} {
  let now = new Date(options.now ?? '2026-03-01T09:00:00.000Z');
  const changes = new ChangeBus();
  const changed: ContentChange[] = [];
  changes.subscribe((change) => changed.push(change));
  return {
    store: createMemoryStore(),
    now: () => new Date(now),
    clock: {
      set: (iso) => {
        now = new Date(iso);
      },
    },
    log: pino({ level: 'silent' }),
    // No day's writing quota: it reads the media index this store does not hold, and is tested
    // on a database (test/security/write-quota.test.ts).
    dailyWriteMegabytes: 0,
    changes,
    changed,
    siteUrl: 'https://press.example',
  };
}
