import { isDeepStrictEqual } from 'node:util';
import { renderedPlainText, renderMarkdown } from '../content/markdown.ts';
import { renderPreview } from '../content/preview.ts';
import {
  ARTICLE_DRAFT_FIELDS,
  type Article,
  type ArticleDraft,
  countWords,
  draftOf,
  toIsoTimestamp,
  validateArticleDraft,
  withCleanText,
} from '../domain/article.ts';
import type { ListedArticle } from '../domain/listing.ts';
import { articlePath } from '../domain/paths.ts';
import type { Person } from '../domain/person.ts';
import type { ArticleRecord } from '../domain/ports/article-store.ts';
import type { Revision } from '../domain/ports/revision-store.ts';
import type { SearchDocument } from '../domain/ports/search-index.ts';
import type { Repositories } from '../domain/ports/store.ts';
import { RESERVED_SLUGS } from '../domain/slug.ts';
import type { Term } from '../domain/taxonomy.ts';
import { stripXmlForbidden } from '../domain/text.ts';
import { Errors } from '../errors.ts';
import type { ServiceContext } from './context.ts';
import { articleSearchDocument, indexArticleIn } from './discovery/search.ts';

/** Re-exported for callers that save what they read: a revision restore, a workflow step. */
export { draftOf };

export interface SaveOptions {
  /** Who saves: a user id, "cli", "import", "demo" or "system". */
  actor: string;
  now: Date;
  /** For an update: the version the editor started from. Omit to overwrite (imports). */
  expectedVersion?: number;
  note?: string;
  /**
   * Where the article was listed before this save, when the stored row no longer says it: a
   * scheduled publication claims the row (status published) before saving it.
   */
  listedBefore?: ListedArticle | null;
  /** For a new article: the staff user creating it (null or omitted for imports and the command line). */
  createdBy?: number | null;
  /**
   * When the content last changed where it comes from (an import): kept as the article's
   * modified time, so sitemaps and feeds do not date the whole archive to the import.
   */
  modifiedAt?: string | null;
  /** When the article was first made where it comes from (a restore from an export). */
  createdAt?: string | null;
  /**
   * For a new article read back from an export: the revisions it had there, oldest first. They
   * are kept instead of a revision of this save, and the article takes the last one's version.
   */
  history?: Omit<Revision, 'id' | 'entityType' | 'entityId'>[];
  /**
   * The body already rendered (by renderBodyOutside), so that a long render does not run
   * inside the transaction, where on SQLite it would hold up every other query. Used only when
   * it was rendered from exactly the body being saved.
   */
  rendered?: RenderedBody;
  /**
   * For a new article in a batch of saves (an import's): what it adds besides its row (authors
   * and terms, search entry, listing counts, revision) is left here, for flushArticleWrites to
   * write in a few statements before the transaction ends.
   */
  deferred?: DeferredArticleWrites;
  /** The caller made sure that no article has the draft's slug (an import that looked it up). */
  isKnownNew?: boolean;
  /** The draft's authors and terms, when the caller has them already. */
  relations?: { people: Person[]; terms: Term[] };
  /**
   * An edit that says nothing the stored article does not (its terms in another order
   * included: the order they were ticked in means nothing to readers) writes nothing: no
   * version, no revision that would read "no differences".
   */
  isUnchangedSkipped?: boolean;
}

/** What new articles saved with `SaveOptions.deferred` still have to write. */
export interface DeferredArticleWrites {
  relations: { articleId: number; authorIds: number[]; termIds: number[]; listedAt: string | null }[];
  documents: SearchDocument[];
  listed: ListedArticle[];
  revisions: Omit<Revision, 'id'>[];
  articleIds: number[];
  /** The time of the saves, for the listings' last change. */
  now: string;
}

export function deferredArticleWrites(): DeferredArticleWrites {
  return { relations: [], documents: [], listed: [], revisions: [], articleIds: [], now: '' };
}

/** Writes what saves left in `writes`, and empties it. */
export async function flushArticleWrites(
  repos: ArticleWriterRepositories,
  writes: DeferredArticleWrites,
): Promise<void> {
  if (writes.articleIds.length === 0) return;
  await repos.articles.addRelations(writes.relations);
  // Nothing should be related to a new id yet; this only clears what a removed article left.
  await repos.related.forget(writes.articleIds);
  await repos.search.putMany(writes.documents);
  await repos.listings.recordNew(writes.listed, writes.now);
  await repos.revisions.addMany(writes.revisions);
  Object.assign(writes, deferredArticleWrites());
}

/** A body and its HTML, rendered ahead of a save, and maybe the HTML's plain text (for the search index). */
export interface RenderedBody {
  markdown: string;
  html: string;
  text?: string;
}

/** Renders a body before its save's transaction opens (see SaveOptions.rendered). */
export async function renderBodyOutside(bodyMarkdown: string): Promise<RenderedBody> {
  const markdown = stripXmlForbidden(bodyMarkdown);
  return { markdown, html: await renderMarkdown(markdown, { field: 'body' }) };
}

export interface SaveResult {
  article: Article;
  isNew: boolean;
  previousSlug: string | null;
  /** Where the article was listed before the save (null when it was not published). */
  previousListing: ListedArticle | null;
  /** Nothing was written: the edit changed nothing (see SaveOptions.isUnchangedSkipped). */
  isUnchanged?: boolean;
}

/** What writing an article touches: the article, its people and terms, history, old addresses and the index. */
export type ArticleWriterRepositories = Pick<
  Repositories,
  'articles' | 'people' | 'taxonomies' | 'revisions' | 'redirects' | 'search' | 'listings' | 'related'
>;

/**
 * Creates or updates (matched by id, else by slug) an article inside the caller's transaction:
 * validates, renders the body, writes authors and terms, keeps a revision, redirects an old slug.
 */
export async function saveArticleIn(
  repos: ArticleWriterRepositories,
  dirtyDraft: ArticleDraft,
  options: SaveOptions & { id?: number },
): Promise<SaveResult> {
  const draft = withCleanText(dirtyDraft);
  const errors = validateArticleDraft(draft);
  if (RESERVED_SLUGS.has(draft.slug)) errors.push({ field: 'slug', message: `"${draft.slug}" is reserved` });
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });

  const existing =
    options.id !== undefined
      ? await repos.articles.findById(options.id)
      : options.isKnownNew
        ? undefined
        : await repos.articles.findBySlug(draft.slug);
  if (options.id !== undefined && !existing) throw Errors.ARTICLE_NOT_FOUND({ id: options.id });
  if (existing && options.id !== undefined) {
    const clash = await repos.articles.findBySlug(draft.slug);
    if (clash && clash.id !== existing.id) {
      throw Errors.SLUG_TAKEN({ slug: draft.slug, title: clash.title });
    }
  }
  const { people, terms } =
    relationsIn(options.relations, draft) ?? (await assertRelationsExist(repos, draft));

  const now = toIsoTimestamp(options.now);
  const bodyHtml =
    options.rendered?.markdown === draft.bodyMarkdown
      ? options.rendered.html
      : await renderMarkdown(draft.bodyMarkdown, { field: 'body' });
  // Every field of the draft is stored; only the derived ones are spelled out here.
  const { authorIds: _authors, termIds: _terms, ...fields } = draftOf(draft);
  const record: ArticleRecord = {
    ...fields,
    title: draft.title.trim(),
    subtitle: emptyToNull(draft.subtitle),
    summary: emptyToNull(draft.summary),
    epigraph: draft.epigraph?.text.trim() ? draft.epigraph : null,
    license: emptyToNull(draft.license),
    publishedAt: draft.publishedAt === null ? null : toIsoTimestamp(draft.publishedAt),
    bodyHtml,
    previewHtml: await renderPreview(draft, bodyHtml),
    wordCount: countWords(draft.bodyMarkdown),
    createdAt: existing?.createdAt ?? options.createdAt ?? now,
    updatedAt: options.modifiedAt && options.modifiedAt < now ? options.modifiedAt : now,
    version: (!existing && options.history?.at(-1)?.version) || (existing?.version ?? 0) + 1,
    createdBy: existing ? existing.createdBy : (options.createdBy ?? null),
  };

  if (existing && options.isUnchangedSkipped && isSameArticle(existing, record, draft)) {
    if (options.expectedVersion !== undefined && options.expectedVersion !== existing.version)
      throw Errors.EDIT_CONFLICT();
    const listed = listedState(existing);
    return {
      article: existing,
      isNew: false,
      previousSlug: null,
      previousListing: listed,
      isUnchanged: true,
    };
  }

  let id: number;
  if (existing) {
    const expected = options.expectedVersion ?? existing.version;
    const isWritten = await repos.articles.update(existing.id, record, expected);
    if (!isWritten) {
      throw Errors.EDIT_CONFLICT();
    }
    id = existing.id;
  } else {
    id = await repos.articles.insert(record);
    if (options.deferred) {
      const article: Article = {
        ...record,
        id,
        authorIds: [...draft.authorIds],
        termIds: [...draft.termIds],
      };
      deferNew(options.deferred, article, {
        people,
        terms,
        revision: { actor: options.actor, note: options.note ?? null, createdAt: now },
        bodyText:
          options.rendered?.text !== undefined && options.rendered.html === article.bodyHtml
            ? options.rendered.text
            : undefined,
      });
      return { article, isNew: true, previousSlug: null, previousListing: null };
    }
  }
  await repos.articles.setAuthors(id, draft.authorIds);
  await repos.articles.setTerms(id, draft.termIds);
  const article = (await repos.articles.findById(id))!;
  const isSame = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  await indexArticleIn(repos, id, {
    article,
    ...(isSame(article.authorIds, draft.authorIds) ? { people } : {}),
    ...(isSame(article.termIds, draft.termIds) ? { terms } : {}),
    bodyText:
      options.rendered?.text !== undefined && options.rendered.html === article.bodyHtml
        ? options.rendered.text
        : renderedPlainText(article.bodyHtml),
  });

  const listedBefore = options.listedBefore !== undefined ? options.listedBefore : listedState(existing);
  await repos.listings.recordSave(id, listedBefore, listedState(article), now);
  if (!existing && options.history?.length)
    await repos.revisions.addMany(
      options.history.map((r) => ({ ...r, entityType: 'article', entityId: id })),
    );
  else
    await repos.revisions.add({
      entityType: 'article',
      entityId: id,
      version: article.version,
      actor: options.actor,
      note: options.note ?? null,
      snapshot: draftOf(article),
      createdAt: now,
    });
  const previousSlug = existing && existing.slug !== article.slug ? existing.slug : null;
  if (previousSlug) {
    await repos.redirects.put(
      { fromPath: articlePath(previousSlug), toPath: articlePath(article.slug), statusCode: 301 },
      now,
    );
  }
  return { article, isNew: !existing, previousSlug, previousListing: listedBefore };
}

/** Whether a save would store what the article holds already; terms are compared as a set, authors in order. */
function isSameArticle(existing: Article, record: ArticleRecord, draft: ArticleDraft): boolean {
  for (const field of ARTICLE_DRAFT_FIELDS) {
    if (field === 'authorIds' || field === 'termIds') continue;
    const stored: unknown = existing[field];
    const saved: unknown = record[field as keyof ArticleRecord];
    if (!isDeepStrictEqual(stored ?? null, saved ?? null)) return false;
  }
  const terms = new Set(existing.termIds);
  return (
    isDeepStrictEqual(existing.authorIds, draft.authorIds) &&
    draft.termIds.length === terms.size &&
    draft.termIds.every((id) => terms.has(id))
  );
}

/** Saves an article in its own transaction and announces the change. */
export async function saveArticle(
  ctx: ServiceContext,
  draft: ArticleDraft,
  options: Omit<SaveOptions, 'now'> & { id?: number },
): Promise<SaveResult> {
  const result = await ctx.store.transaction((repos) =>
    saveArticleIn(repos, draft, { ...options, now: ctx.now() }),
  );
  announceArticle(ctx, result);
  return result;
}

export function announceArticle(ctx: Pick<ServiceContext, 'changes'>, result: SaveResult): void {
  const slugs = [result.article.slug, ...(result.previousSlug ? [result.previousSlug] : [])];
  const listed = [result.previousListing, listedState(result.article)].filter((l) => l !== null);
  ctx.changes.publish({
    kind: 'article',
    id: result.article.id,
    slugs,
    listings: {
      termIds: [...new Set(listed.flatMap((l) => l.termIds))],
      personIds: [...new Set(listed.flatMap((l) => l.authorIds))],
      months: [...new Set(listed.map((l) => l.publishedAt.slice(0, 7)))],
    },
  });
}

/** The draft's authors and terms, in its order, if `known` holds every one of them. */
function relationsIn(
  known: { people: Person[]; terms: Term[] } | undefined,
  draft: ArticleDraft,
): { people: Person[]; terms: Term[] } | undefined {
  if (!known) return undefined;
  const people = new Map(known.people.map((p) => [p.id, p]));
  const terms = new Map(known.terms.map((t) => [t.id, t]));
  const wantedPeople = [...new Set(draft.authorIds)].map((id) => people.get(id));
  const wantedTerms = [...new Set(draft.termIds)].map((id) => terms.get(id));
  if (wantedPeople.some((p) => !p) || wantedTerms.some((t) => !t)) return undefined;
  return { people: wantedPeople as Person[], terms: wantedTerms as Term[] };
}

/** What saving a new article writes besides its row, left for flushArticleWrites. */
function deferNew(
  writes: DeferredArticleWrites,
  article: Article,
  known: {
    people: Person[];
    terms: Term[];
    revision: { actor: string; note: string | null; createdAt: string };
    bodyText: string | undefined;
  },
): void {
  const listed = listedState(article);
  writes.now = known.revision.createdAt;
  writes.articleIds.push(article.id);
  writes.relations.push({
    articleId: article.id,
    authorIds: article.authorIds,
    termIds: article.termIds,
    listedAt: listed?.publishedAt ?? null,
  });
  if (listed) writes.listed.push(listed);
  if (article.status === 'published')
    writes.documents.push(
      articleSearchDocument(
        article,
        known.people,
        known.terms,
        known.bodyText ?? renderedPlainText(article.bodyHtml),
      ),
    );
  writes.revisions.push({
    entityType: 'article',
    entityId: article.id,
    version: article.version,
    ...known.revision,
    snapshot: draftOf(article),
  });
}

async function assertRelationsExist(
  repos: ArticleWriterRepositories,
  draft: ArticleDraft,
): Promise<{ people: Person[]; terms: Term[] }> {
  const [people, terms] = await Promise.all([
    repos.people.findByIds(draft.authorIds),
    repos.taxonomies.findTermsByIds(draft.termIds),
  ]);
  const errors = [];
  if (people.length !== new Set(draft.authorIds).size)
    errors.push({ field: 'authors', message: 'names a person who does not exist' });
  if (terms.length !== new Set(draft.termIds).size)
    errors.push({ field: 'terms', message: 'names a term that does not exist' });
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
  return { people, terms };
}

/** What an article adds to listings: nothing unless it is published. */
export function listedState(article: Article | undefined): ListedArticle | null {
  if (article?.status !== 'published' || article.publishedAt === null) return null;
  return {
    publishedAt: article.publishedAt,
    modifiedAt: article.updatedAt,
    termIds: article.termIds,
    authorIds: article.authorIds,
  };
}

function emptyToNull(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value.trim();
}
