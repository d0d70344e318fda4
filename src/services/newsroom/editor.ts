import { checkRenderable } from '../../content/markdown.ts';
import type { Article, ArticleDraft } from '../../domain/article.ts';
import {
  articleLengthErrors,
  articleRelationErrors,
  toIsoTimestamp,
  validateArticleDraft,
} from '../../domain/article.ts';
import { licenseInput } from '../../domain/license.ts';
import { isRecordId, lengthErrors } from '../../domain/limits.ts';
import { articlePath } from '../../domain/paths.ts';
import { can } from '../../domain/permissions.ts';
import { PERSON_LIMITS, type Person } from '../../domain/person.ts';
import type { Correction } from '../../domain/ports/correction-store.ts';
import type { Redirect } from '../../domain/ports/redirect-store.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { settingsFromStored } from '../../domain/settings.ts';
import { numberedSlugs, RESERVED_SLUGS, slugify, tidySlug } from '../../domain/slug.ts';
import { type Taxonomy, TERM_LIMITS, type Term } from '../../domain/taxonomy.ts';
import {
  availableTransitions,
  mayDeleteArticle,
  mayEditArticle,
  type WorkflowAction,
} from '../../domain/workflow.ts';
import { Errors, type FieldError, isAppError } from '../../errors.ts';
import { announceArticle, renderBodyOutside, saveArticleIn } from '../articles.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { createOwnPerson, findOrCreatePerson } from '../people.ts';
import { findOrCreateTerm } from '../taxonomies.ts';
import { bylineEntries, bylineProblems, ownPersonOf } from './byline.ts';
import { auditActor, loadArticle, permissionDenied, revisionActor, type Staff } from './staff.ts';
import { checkDailyWrite, sizeOfSave } from './write-quota.ts';

/**
 * What the article editor submits: the draft's fields (status and date are the workflow's), with
 * subtitle and summary as typed text, and co-authors and terms picked or named.
 */
export interface ArticleInput extends Omit<ArticleDraft, 'status' | 'publishedAt' | 'subtitle' | 'summary'> {
  subtitle: string;
  summary: string;
  /** People to create (or find) by name, after `authorIds` on the byline unless placed. */
  newAuthorNames: string[];
  /**
   * Each of `newAuthorNames`' place on the whole byline (0-based), as the form ordered them: a
   * co-author typed and moved above the chosen ones stays there. Absent: after `authorIds`.
   */
  newAuthorPlaces?: number[];
  /** Terms to create (or find) by name, per taxonomy slug. */
  newTerms: { taxonomySlug: string; name: string }[];
}

/** An empty input for a new article, with the publication's defaults. */
export function blankArticleInput(language: string, options: { hasComments?: boolean } = {}): ArticleInput {
  return {
    title: '',
    subtitle: '',
    slug: '',
    summary: '',
    epigraph: null,
    bodyMarkdown: '',
    authorIds: [],
    newAuthorNames: [],
    termIds: [],
    newTerms: [],
    source: null,
    canonicalUrl: null,
    license: null,
    language,
    featuredImage: null,
    featuredImageAlt: null,
    seoTitle: null,
    seoDescription: null,
    socialImage: null,
    visibility: 'public',
    hasComments: options.hasComments ?? true,
    isFeatured: false,
  };
}

/** The editor's input for a stored article. */
export function inputOf(article: Article): ArticleInput {
  return {
    title: article.title,
    subtitle: article.subtitle ?? '',
    slug: article.slug,
    summary: article.summary ?? '',
    epigraph: article.epigraph,
    bodyMarkdown: article.bodyMarkdown,
    authorIds: article.authorIds,
    newAuthorNames: [],
    termIds: article.termIds,
    newTerms: [],
    source: article.source,
    canonicalUrl: article.canonicalUrl,
    license: article.license,
    language: article.language,
    featuredImage: article.featuredImage,
    featuredImageAlt: article.featuredImageAlt,
    seoTitle: article.seoTitle,
    seoDescription: article.seoDescription,
    socialImage: article.socialImage,
    visibility: article.visibility,
    hasComments: article.hasComments,
    isFeatured: article.isFeatured,
  };
}

/** A person a save created from a name typed on the byline, who has no bio or photo yet. */
export interface NewPerson {
  id: number;
  name: string;
}

/** A saved article, with the people its save created from the byline. */
export type SavedArticle = Article & { createdPeople: NewPerson[] };

/** Creates a draft. The writer's own person is put on the byline when no author is named. */
export async function createArticle(
  ctx: ServiceContext,
  staff: Staff,
  input: ArticleInput,
  options: { slugBase?: string } = {},
): Promise<SavedArticle> {
  if (!can(staff.role, 'article.create')) throw permissionDenied('Your role may not write articles.');
  const now = ctx.now();
  const rendered = await renderBodyOutside(input.bodyMarkdown);
  const typedSlug = tidySlug(input.slug);
  const result = await withFreeSlugRetry(typedSlug === '', () =>
    ctx.store.transaction(async (repos) => {
      await checkDailyWrite(ctx, repos, staff, sizeOfSave(input));
      const slug = typedSlug || (await freeArticleSlug(repos, options.slugBase ?? slugify(input.title)));
      const owner = typedSlug ? await repos.articles.findBySlug(typedSlug) : undefined;
      if (owner) throw Errors.SLUG_TAKEN({ slug: typedSlug, title: owner.title });
      if (typedSlug) await refuseOldAddress(repos, typedSlug);
      const createdPeople: NewPerson[] = [];
      const draft = await draftFrom(
        repos,
        staff,
        { ...input, slug },
        now,
        { status: 'draft', publishedAt: null, isFeatured: false, authorIds: [] },
        createdPeople,
      );
      if (draft.authorIds.length === 0 && staff.personId !== null) draft.authorIds = [staff.personId];
      const saved = await saveArticleIn(repos, draft, {
        actor: revisionActor(staff),
        now,
        note: 'Created',
        createdBy: staff.id,
        rendered,
        // Looked up above: an article another save puts under this slug meanwhile must make the
        // insert fail on the index, not be taken for this one and overwritten.
        isKnownNew: true,
      });
      await recordAudit(repos, {
        actor: auditActor(staff),
        action: 'article.create',
        entity: ['article', saved.article.id],
        summary: `Created “${saved.article.title}”`,
        at: now,
      });
      return { ...saved, createdPeople };
    }),
  );
  announceArticle(ctx, result);
  return { ...result.article, createdPeople: result.createdPeople };
}

/** The title a new article takes when its first autosave comes before anyone typed a title. */
export const UNTITLED_TITLE = 'Untitled draft';

/**
 * A new article's first autosave: it becomes a draft from the first change, titled "Untitled
 * draft" (and `isUntitled`) when it has no title yet, under an address of its own
 * (`untitled-…`) rather than one counted up past every earlier untitled draft.
 */
export async function createDraftFromAutosave(
  ctx: ServiceContext,
  staff: Staff,
  input: ArticleInput,
  options: { isSave?: boolean } = {},
): Promise<SavedArticle & { isUntitled: boolean }> {
  // An autosave comes while the writer may be half-way through a new author's or term's name:
  // creating "Ines Alv" would put a person (or a tag) in every picker and on the site. As in
  // Gutenberg and Ghost, where a tag is made only from a committed token, names are created by
  // the writer's own save; the draft is made without them and the autosave keeps them aside.
  const hasTypedNames = input.newAuthorNames.length > 0 || input.newTerms.length > 0;
  const isHeldBack = !options.isSave && hasTypedNames;
  const { newAuthorPlaces: _places, ...rest } = input;
  const draftInput: ArticleInput = isHeldBack ? { ...rest, newAuthorNames: [], newTerms: [] } : input;
  const isUntitled = input.title.trim() === '';
  const article = isUntitled
    ? await createArticle(
        ctx,
        staff,
        { ...draftInput, title: UNTITLED_TITLE },
        { slugBase: `untitled-${ctx.now().getTime().toString(36)}` },
      )
    : await createArticle(ctx, staff, draftInput);
  if (isHeldBack) {
    await ctx.store.autosaves.put({
      articleId: article.id,
      userId: staff.id,
      baseVersion: article.version,
      snapshot: input,
      savedAt: article.updatedAt,
    });
  }
  return { ...article, isUntitled };
}

/**
 * How often a new article named after its title tries the next free slug when another save
 * took the one it picked between its read and its write (PostgreSQL runs such saves at once).
 */
const SLUG_ATTEMPTS = 5;

async function withFreeSlugRetry<T>(isSlugDerived: boolean, save: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await save();
    } catch (error) {
      const isClash = isAppError(error) && error.code === 'SLUG_TAKEN';
      if (!isSlugDerived || !isClash || attempt >= SLUG_ATTEMPTS) throw error;
    }
  }
}

/**
 * The slug a new article named after its title takes: the title's own, or the first of
 * `-2`, `-3` … that no live article holds and no route reserves, as WordPress does. The slug
 * of `ownId` (the article being saved) counts as free.
 */
export async function freeArticleSlug(
  repos: Pick<Repositories, 'articles' | 'redirects'>,
  base: string,
  ownId?: number,
): Promise<string> {
  if (base === '') return base;
  const candidates = numberedSlugs(base);
  for (;;) {
    const batch: string[] = [];
    for (const candidate of candidates) {
      batch.push(candidate);
      if (batch.length === 20) break;
    }
    if (batch.length === 0) return base;
    const [owners, redirects] = await Promise.all([
      repos.articles.slugOwners(batch),
      repos.redirects.findMany(batch.map(articlePath)),
    ]);
    const moved = new Set(redirects.filter(isMoveToArticle).map((r) => r.fromPath));
    const isOthers = (slug: string) => owners.has(slug) && owners.get(slug) !== ownId;
    const free = batch.find(
      (slug) => !isOthers(slug) && !RESERVED_SLUGS.has(slug) && !moved.has(articlePath(slug)),
    );
    if (free) return free;
  }
}

/** Whether a redirect is an article's old address, moved to an article's current one. */
function isMoveToArticle(redirect: Redirect): boolean {
  return redirect.statusCode >= 300 && redirect.statusCode < 400 && redirect.toPath.startsWith('/articles/');
}

/**
 * Refuses a typed slug that is another article's old address (the redirect its slug change
 * left): the new article would take the redirect over, and readers of the old links would land
 * on it instead of the article they were given.
 */
async function refuseOldAddress(
  repos: Pick<Repositories, 'articles' | 'redirects'>,
  slug: string,
): Promise<void> {
  const redirect = await repos.redirects.find(articlePath(slug));
  if (!redirect || !isMoveToArticle(redirect)) return;
  let target: string;
  try {
    target = decodeURIComponent(redirect.toPath.slice('/articles/'.length));
  } catch {
    return;
  }
  const article = await repos.articles.findBySlug(target);
  if (!article) return;
  throw Errors.VALIDATION_FAILED({
    details: [{ field: 'slug', message: `is the old address of “${article.title}”; choose another` }],
  });
}

/**
 * Saves the editor's changes if nobody saved the article since `expectedVersion`; otherwise
 * throws a conflict and stores nothing. Status and publication date are left to the workflow.
 */
export async function updateArticle(
  ctx: ServiceContext,
  staff: Staff,
  input: { id: number; expectedVersion: number; article: ArticleInput },
): Promise<SavedArticle> {
  const now = ctx.now();
  const rendered = await renderBodyOutside(input.article.bodyMarkdown);
  const createdPeople: NewPerson[] = [];
  const result = await ctx.store.transaction(async (repos) => {
    createdPeople.length = 0;
    const { article, isOwn } = await loadArticle(repos, staff, input.id);
    if (!mayEditArticle(staff.role, article.status, isOwn)) {
      throw permissionDenied(`Your role (${staff.role}) may not edit “${article.title}” now.`);
    }
    if (article.version !== input.expectedVersion) throw Errors.EDIT_CONFLICT();
    await checkDailyWrite(ctx, repos, staff, sizeOfSave(input.article));
    // A slug left empty is the title's, or the next free one, as when the article was created:
    // its first autosave took `-2` beside another article's, and the form, which still shows the
    // field empty, must not take the clashing one back on the next save.
    const base = tidySlug(input.article.slug) ? '' : slugify(input.article.title);
    const slug = base && (await freeArticleSlug(repos, base, article.id));
    const draft = await draftFrom(
      repos,
      staff,
      slug ? { ...input.article, slug } : input.article,
      now,
      {
        status: article.status,
        publishedAt: article.publishedAt,
        isFeatured: article.isFeatured,
        authorIds: article.authorIds,
      },
      createdPeople,
    );
    const saved = await saveArticleIn(repos, draft, {
      id: article.id,
      actor: revisionActor(staff),
      now,
      expectedVersion: input.expectedVersion,
      rendered,
      isUnchangedSkipped: true,
    });
    await repos.autosaves.remove(article.id, staff.id);
    if (saved.isUnchanged) return saved;
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'article.edit',
      entity: ['article', article.id],
      summary: `Edited “${saved.article.title}”`,
      at: now,
    });
    return saved;
  });
  if (!result.isUnchanged) announceArticle(ctx, result);
  return { ...result.article, createdPeople: [...createdPeople] };
}

/**
 * Keeps the editor's work in progress without touching the article, so an autosave can never
 * overwrite a newer save. Returns whether someone saved the article since the editor opened it.
 */
export async function autosaveArticle(
  ctx: ServiceContext,
  staff: Staff,
  input: { id: number; baseVersion: number; article: ArticleInput },
): Promise<{ savedAt: string; isStale: boolean; currentVersion: number }> {
  const savedAt = toIsoTimestamp(ctx.now());
  // Nothing is rendered here, but what could never be saved is not kept either: markup, and
  // values longer than their fields.
  const tooLong = inputLengthErrors(input.article);
  if (tooLong.length > 0) throw Errors.VALIDATION_FAILED({ details: tooLong });
  await checkRenderable(input.article.bodyMarkdown, 'body');
  return ctx.store.transaction(async (repos) => {
    const { article, isOwn } = await loadArticle(repos, staff, input.id);
    if (!mayEditArticle(staff.role, article.status, isOwn)) {
      throw permissionDenied(`Your role (${staff.role}) may not edit “${article.title}” now.`);
    }
    // A byline the writer could never save, or a person or term that does not exist, is refused
    // here too, with the same field error as a save.
    const problems = [
      ...(await missingRelations(repos, input.article)),
      ...(await bylineProblems(repos, staff, input.article, article.authorIds)),
    ];
    if (problems.length > 0) throw Errors.VALIDATION_FAILED({ details: problems });
    await repos.autosaves.put({
      articleId: article.id,
      userId: staff.id,
      baseVersion: input.baseVersion,
      snapshot: input.article,
      savedAt,
    });
    return { savedAt, isStale: article.version !== input.baseVersion, currentVersion: article.version };
  });
}

/** The people and terms the editor's values name by id that no row has, as a save words them. */
async function missingRelations(
  repos: Pick<Repositories, 'people' | 'taxonomies'>,
  input: Pick<ArticleInput, 'authorIds' | 'termIds'>,
): Promise<FieldError[]> {
  const idErrors = articleRelationErrors(input);
  if (idErrors.length > 0) return idErrors;
  const [people, terms] = await Promise.all([
    repos.people.findByIds(input.authorIds),
    repos.taxonomies.findTermsByIds(input.termIds),
  ]);
  return [
    ...(people.length === input.authorIds.length
      ? []
      : [{ field: 'authors', message: 'names a person who does not exist' }]),
    ...(terms.length === new Set(input.termIds).size
      ? []
      : [{ field: 'terms', message: 'names a term that does not exist' }]),
  ];
}

/** The staff member's autosaved work on an article, if it differs from what is stored. */
export async function findAutosave(
  ctx: ServiceContext,
  staff: Staff,
  article: Article,
): Promise<{ input: ArticleInput; baseVersion: number; savedAt: string } | undefined> {
  const autosave = await ctx.store.autosaves.find(article.id, staff.id);
  if (!autosave) return undefined;
  const input = autosave.snapshot as ArticleInput;
  if (JSON.stringify(input) === JSON.stringify(inputOf(article))) return undefined;
  return { input, baseVersion: autosave.baseVersion, savedAt: autosave.savedAt };
}

export async function discardAutosave(ctx: ServiceContext, staff: Staff, articleId: number): Promise<void> {
  await ctx.store.autosaves.remove(articleId, staff.id);
}

/** The editor's values that are longer than what they would be saved as may be. */
function inputLengthErrors(input: ArticleInput): FieldError[] {
  return [
    ...articleLengthErrors(input),
    ...lengthErrors(
      input.newAuthorNames.map((name) => ['authors', name.trim(), PERSON_LIMITS.name] as const),
    ),
    ...lengthErrors(
      input.newTerms.map((ref) => [`terms_${ref.taxonomySlug}`, ref.name.trim(), TERM_LIMITS.name] as const),
    ),
  ];
}

/** How many people one save may create through the author field. */
export const MAX_NEW_PEOPLE_PER_SAVE = 10;
/** How many terms one save may create through the term fields. */
export const MAX_NEW_TERMS_PER_SAVE = 20;
/** How many people one article's byline may list. */
export const MAX_AUTHORS = 50;
/**
 * How many terms one save may file an article under. Far more than any article is filed under,
 * and few enough that a form repeating "term" tens of thousands of times is refused unread.
 */
export const MAX_TERMS_PER_SAVE = 1_000;

async function draftFrom(
  repos: Repositories,
  staff: Staff,
  input: ArticleInput,
  now: Date,
  stored: Pick<ArticleDraft, 'status' | 'publishedAt' | 'isFeatured' | 'authorIds'>,
  createdPeople: NewPerson[] = [],
): Promise<ArticleDraft> {
  const { authorIds: storedAuthorIds, ...workflow } = stored;
  const bylineErrors = await bylineProblems(repos, staff, input, storedAuthorIds);
  if (bylineErrors.length > 0) throw Errors.VALIDATION_FAILED({ details: bylineErrors });
  const errors: FieldError[] = [];
  // One save once created 2,000 people through the author field: creating people and terms is
  // a side effect of a save, so a save may only create a few.
  const newAuthorNames = [...new Set(input.newAuthorNames.map((n) => n.trim()).filter(Boolean))];
  const newTermNames = input.newTerms.filter((ref) => ref.name.trim());
  if (newAuthorNames.length > MAX_NEW_PEOPLE_PER_SAVE) {
    throw Errors.VALIDATION_FAILED({
      details: [
        { field: 'authors', message: `may name at most ${MAX_NEW_PEOPLE_PER_SAVE} new people in one save` },
      ],
    });
  }
  if (newTermNames.length > MAX_NEW_TERMS_PER_SAVE) {
    throw Errors.VALIDATION_FAILED({
      details: [
        {
          field: `terms_${newTermNames[0]?.taxonomySlug ?? 'tag'}`,
          message: `may add at most ${MAX_NEW_TERMS_PER_SAVE} new terms in one save`,
        },
      ],
    });
  }
  if (input.authorIds.length + newAuthorNames.length > MAX_AUTHORS) {
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'authors', message: `may list at most ${MAX_AUTHORS} authors` }],
    });
  }
  const idErrors = articleRelationErrors(input);
  if (idErrors.length > 0) throw Errors.VALIDATION_FAILED({ details: idErrors });
  const authorIds = [...input.authorIds];
  // What bylineProblems let through for a writer with no person yet: their own name, typed or
  // matched to someone else who has it. It means "me", so they get a person of their own below.
  const isWriterWithoutPerson =
    !can(staff.role, 'byline.credit_others') && (await ownPersonOf(repos, staff)) === null;
  let isOwnNameTyped = false;
  if (isWriterWithoutPerson) {
    isOwnNameTyped = newAuthorNames.length > 0;
    const namesakes = await repos.people.findByIds(authorIds.filter((id) => !storedAuthorIds.includes(id)));
    for (const namesake of namesakes) {
      authorIds.splice(authorIds.indexOf(namesake.id), 1);
      isOwnNameTyped = true;
    }
  }
  const personOfName = new Map<string, number>();
  for (const name of isWriterWithoutPerson ? [] : newAuthorNames) {
    try {
      const person = await findOrCreatePerson(repos, { name }, now, undefined, {
        onCreated: async (created) => {
          createdPeople.push({ id: created.id, name: created.name });
        },
      });
      personOfName.set(name, person.id);
      if (!authorIds.includes(person.id)) authorIds.push(person.id);
    } catch (error) {
      if (!isAppError(error) || error.kind !== 'invalid') throw error;
      for (const detail of error.details ?? []) errors.push({ field: 'authors', message: detail.message });
    }
  }
  // The new people take the places the form gave their names, not the end of the byline.
  if (!isWriterWithoutPerson && personOfName.size > 0) {
    const ordered = bylineEntries(input).flatMap((entry) => {
      const id = 'personId' in entry ? entry.personId : personOfName.get(entry.name.trim());
      return id === undefined ? [] : [id];
    });
    authorIds.splice(0, authorIds.length, ...new Set(ordered));
  }
  const termIds = [...input.termIds];
  const taxonomies = await repos.taxonomies.listTaxonomies();
  for (const ref of input.newTerms) {
    const name = ref.name.trim();
    if (!name) continue;
    const taxonomy = taxonomies.find((t) => t.slug === ref.taxonomySlug);
    if (!taxonomy) {
      errors.push({ field: `terms_${ref.taxonomySlug}`, message: 'names an unknown taxonomy' });
      continue;
    }
    // A term typed by its slug, or by a name only one term has, is that term; a name several
    // terms share (under different parents) is refused with their slugs, rather than guessed.
    // A slug counts only as typed (slugs are lower case): "Georgia" is a name, "georgia" a slug.
    const bySlug = await repos.taxonomies.findTerm(taxonomy.id, name);
    const named = bySlug ? [bySlug] : await repos.taxonomies.findTermsByName(taxonomy.id, name);
    if (named.length > 1) {
      errors.push({
        field: `terms_${taxonomy.slug}`,
        message: `“${name}” is the name of ${named.length} ${taxonomy.pluralName.toLowerCase()}: write one’s address name instead (${named.map((t) => t.slug).join(', ')})`,
      });
      continue;
    }
    const [known] = named;
    if (known) {
      if (!termIds.includes(known.id)) termIds.push(known.id);
      continue;
    }
    // A new term has a public page and a place in the site's lists: making one is an editor's
    // call (taxonomy.manage), as for people. Writers pick existing terms, or name one exactly.
    if (!can(staff.role, 'taxonomy.manage') && !(await repos.taxonomies.findTermByName(taxonomy.id, name))) {
      errors.push({
        field: `terms_${taxonomy.slug}`,
        message: `“${name}” is not a ${taxonomy.name.toLowerCase()} yet; ask an editor to add it`,
      });
      continue;
    }
    try {
      const term = await findOrCreateTerm(repos, taxonomy, { name }, now);
      if (!termIds.includes(term.id)) termIds.push(term.id);
    } catch (error) {
      if (!isAppError(error) || error.kind !== 'invalid') throw error;
      for (const detail of error.details ?? [])
        errors.push({ field: `terms_${taxonomy.slug}`, message: detail.message });
    }
  }
  const terms = await repos.taxonomies.findTermsByIds(termIds);
  for (const taxonomy of taxonomies.filter((t) => !t.isMultiple)) {
    if (terms.filter((t) => t.taxonomyId === taxonomy.id).length > 1) {
      errors.push({
        field: `terms_${taxonomy.slug}`,
        message: `takes only one ${taxonomy.name.toLowerCase()}`,
      });
    }
  }
  const draft: ArticleDraft = {
    slug: tidySlug(input.slug) || slugify(input.title),
    title: input.title,
    subtitle: input.subtitle.trim() || null,
    summary: input.summary.trim() || null,
    epigraph: input.epigraph?.text.trim()
      ? { text: input.epigraph.text.trim(), attribution: input.epigraph.attribution?.trim() || null }
      : null,
    bodyMarkdown: input.bodyMarkdown,
    status: workflow.status,
    publishedAt: workflow.publishedAt,
    source: input.source?.name.trim()
      ? { name: input.source.name.trim(), url: input.source.url?.trim() || null }
      : input.source?.url?.trim()
        ? { name: '', url: input.source.url.trim() }
        : null,
    canonicalUrl: input.canonicalUrl?.trim() || null,
    license: licenseInput(input.license),
    language: input.language.trim(),
    featuredImage: input.featuredImage?.trim() || null,
    featuredImageAlt: input.featuredImageAlt?.trim() || null,
    seoTitle: input.seoTitle?.trim().replace(/\s+/g, ' ') || null,
    seoDescription: input.seoDescription?.trim().replace(/\s+/g, ' ') || null,
    socialImage: input.socialImage?.trim() || null,
    visibility: input.visibility,
    isFeatured: can(staff.role, 'article.publish_any') ? input.isFeatured : workflow.isFeatured,
    hasComments: input.hasComments,
    authorIds,
    termIds,
  };
  // A featured image without its description is saved and published: the publish checklist
  // warns about it, as about a missing summary, and the page then gives the image an empty alt.
  if ((authorIds.length === 0 || isOwnNameTyped) && staff.personId === null) {
    // The caller's staff object may predate a link made since (by an earlier save, or an admin).
    const linked = (await repos.users.findById(staff.id))?.personId ?? null;
    if (linked !== null) {
      authorIds.push(linked);
    } else {
      // A staff member who writes without naming an author writes under their own name: the
      // first time, they get a new author page of their own. Never an existing person with the
      // same name: that would hand them someone else's byline (only an admin links accounts to
      // people).
      const person = await createOwnPerson(repos, staff.name, now, revisionActor(staff));
      // The caller's staff object is left as it was: this transaction may still roll back.
      await repos.users.update(staff.id, { personId: person.id }, now.toISOString());
      authorIds.push(person.id);
    }
    draft.authorIds = authorIds;
  } else if (authorIds.length === 0 && newAuthorNames.length === 0) {
    // An empty byline from a writer who has a person means them, as a new article's does
    // (createArticle), and as WordPress and Ghost make the current user the author. The case that
    // lost bylines: a new article's first autosave made the writer's person and credited it, but
    // the form, opened before that person existed, still sends an empty author field, and its
    // Publish took the byline off again. A writer who may not credit others always writes under
    // their own name; an editor only keeps their own place (an editor who clears the byline of
    // someone else's article, or of an authorless one, is not put on it).
    const own = await ownPersonOf(repos, staff);
    const isOnlyOwn = storedAuthorIds.length === 1 && storedAuthorIds[0] === own;
    if (own !== null && (!can(staff.role, 'byline.credit_others') || isOnlyOwn)) authorIds.push(own);
  }
  // An empty title already explains an empty derived slug.
  const isSlugDerived = !input.slug.trim() && !input.title.trim();
  errors.push(...validateArticleDraft(draft).filter((e) => !(isSlugDerived && e.field === 'slug')));
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
  return draft;
}

/**
 * A taxonomy with at most this many terms is offered whole, as checkboxes; a larger one (tags
 * run to thousands) shows the article's own terms and a type-ahead field to add more.
 */
export const SMALL_TAXONOMY = 50;

/** What the editor shows of people and terms: never all of them, whatever the site's size. */
export interface EditorChoices {
  /** People the editor shows by name: those on the byline, and the writer's own person. */
  people: Person[];
  taxonomies: Taxonomy[];
  /** Every term of a small taxonomy, and the chosen terms of the large ones. */
  terms: Term[];
  /** The taxonomies with more than SMALL_TAXONOMY terms. */
  largeTaxonomyIds: number[];
}

/**
 * The people and terms the editor shows for an article crediting `authorIds` and filed under
 * `termIds`: a few queries and rows, however many terms and people the site has.
 */
export async function loadEditorChoices(
  ctx: ServiceContext,
  chosen: { authorIds: readonly number[]; termIds: readonly number[] },
): Promise<EditorChoices> {
  const taxonomies = await ctx.store.taxonomies.listTaxonomies();
  const termIds = [...new Set(chosen.termIds.filter((id) => isRecordId(id)))];
  const [firsts, people, own] = await Promise.all([
    Promise.all(taxonomies.map((t) => ctx.store.taxonomies.listTermsUpTo(t.id, SMALL_TAXONOMY + 1))),
    ctx.store.people.findByIds([...new Set(chosen.authorIds)]),
    termIds.length > 0 ? ctx.store.taxonomies.findTermsByIds(termIds) : [],
  ]);
  const largeTaxonomyIds = taxonomies
    .filter((_, i) => (firsts[i]?.length ?? 0) > SMALL_TAXONOMY)
    .map((t) => t.id);
  const terms = new Map<number, Term>();
  for (const list of firsts)
    if ((list?.length ?? 0) <= SMALL_TAXONOMY) for (const term of list ?? []) terms.set(term.id, term);
  for (const term of own) terms.set(term.id, term);
  // The order the full list had (position, then name), which the term trees follow.
  const ordered = [...terms.values()].sort(
    (a, b) => a.position - b.position || a.name.localeCompare(b.name) || a.id - b.id,
  );
  return { people, taxonomies, terms: ordered, largeTaxonomyIds };
}

/**
 * `choices` with the people and terms of `chosen` that it lacks (an autosave's, or a form's
 * sent back), so the editor shows every one by name.
 */
export async function withChosen<T extends { people: Person[]; terms: Term[] }>(
  ctx: ServiceContext,
  choices: T,
  chosen: { authorIds: readonly number[]; termIds: readonly number[] },
): Promise<T> {
  const missing = <X extends { id: number }>(ids: readonly number[], have: X[]) => {
    const known = new Set(have.map((x) => x.id));
    return [...new Set(ids.filter((id) => isRecordId(id) && !known.has(id)))];
  };
  const personIds = missing(chosen.authorIds, choices.people);
  const termIds = missing(chosen.termIds, choices.terms);
  if (personIds.length === 0 && termIds.length === 0) return choices;
  const [people, terms] = await Promise.all([
    personIds.length > 0 ? ctx.store.people.findByIds(personIds) : [],
    termIds.length > 0 ? ctx.store.taxonomies.findTermsByIds(termIds) : [],
  ]);
  return { ...choices, people: [...choices.people, ...people], terms: [...choices.terms, ...terms] };
}

/**
 * The people an editor form's author names may mean (by name, case aside, or by slug), and the
 * taxonomies, for reading the form: one indexed lookup per name typed, none over everyone.
 */
export async function loadFormChoices(
  ctx: ServiceContext,
  authorNames: readonly string[],
): Promise<{ people: Pick<Person, 'id' | 'slug' | 'name'>[]; taxonomies: Taxonomy[] }> {
  const names = [...new Set(authorNames.map((n) => n.trim()).filter(Boolean))].slice(0, MAX_AUTHORS + 10);
  const [taxonomies, found] = await Promise.all([
    ctx.store.taxonomies.listTaxonomies(),
    Promise.all(names.map((name) => ctx.store.adminLists.peopleCalled(name, name))),
  ]);
  const people = new Map<number, Pick<Person, 'id' | 'slug' | 'name'>>();
  for (const person of found.flat()) people.set(person.id, person);
  return { people: [...people.values()], taxonomies };
}

/** The editor's page model: the article (null for a new one), what it may be filed under, and what the user may do. */
export interface EditorPage extends EditorChoices {
  article: Article | null;
  actions: WorkflowAction[];
  corrections: Correction[];
  canCorrect: boolean;
  canFeature: boolean;
  canManageTerms: boolean;
  /** Whether the user may credit anyone on the byline and add people by name (else only themselves). */
  canCreditOthers: boolean;
  /** Whether the user may delete the article now (the editor offers the confirmation page). */
  canDelete: boolean;
  /** Whether the editor's own Publish button may publish it (for a new article: once created). */
  canPublish: boolean;
  publicUrl: string | null;
  /** For a new article: the publication's language and the writer's own byline. */
  language: string;
  ownPerson: Person | null;
  /** The user's account name: a writer with no person yet writes under it. */
  ownName: string;
  /** The site's time zone, in which the editor shows and reads times. */
  timeZone: string;
  /** The site's name and address, for the search result and social card previews. */
  siteName: string;
  siteUrl: string;
  /** The site's default license code: what "Site default" in the license choice means. */
  defaultLicense: string;
  /** The site's comments switch: where a new article's own "Comments on" starts. */
  hasCommentsByDefault: boolean;
}

/**
 * Loads the editor for article `id` (or a blank one when null). Refuses an article the user may
 * not edit now, unless `isReadOnly` (a refused workflow action still shows the article).
 */
export async function loadEditor(
  ctx: ServiceContext,
  staff: Staff,
  id: number | null,
  options: { isReadOnly?: boolean } = {},
): Promise<EditorPage> {
  if (!can(staff.role, 'article.create')) throw permissionDenied('Your role may not write articles.');
  const loaded =
    id === null
      ? null
      : options.isReadOnly
        ? await loadArticle(ctx.store, staff, id)
        : await loadEditableInEditor(ctx, staff, id);
  const article = loaded?.article ?? null;
  const [choices, corrections, settings, ownPerson] = await Promise.all([
    loadEditorChoices(ctx, {
      authorIds: [...(article?.authorIds ?? []), ...(staff.personId === null ? [] : [staff.personId])],
      termIds: article?.termIds ?? [],
    }),
    article ? ctx.store.corrections.listFor(article.id) : [],
    // The language and time zone only: loadSettings would render every site-wide text too.
    ctx.store.settings.getAll().then(settingsFromStored),
    staff.personId === null ? undefined : ctx.store.people.findById(staff.personId),
  ]);
  return {
    ...choices,
    article,
    actions: loaded ? availableTransitions(staff.role, loaded.article.status, loaded.isOwn) : [],
    corrections,
    canCorrect: can(staff.role, 'article.correct') && article !== null,
    canFeature: can(staff.role, 'article.publish_any'),
    canManageTerms: can(staff.role, 'taxonomy.manage'),
    canCreditOthers: can(staff.role, 'byline.credit_others'),
    canDelete: loaded ? mayDeleteArticle(staff.role, loaded.article.status, loaded.isOwn) : false,
    canPublish: availableTransitions(
      staff.role,
      loaded?.article.status ?? 'draft',
      loaded?.isOwn ?? true,
    ).includes('publish'),
    publicUrl: article ? articlePath(article.slug) : null,
    language: settings.language,
    ownPerson: ownPerson ?? null,
    ownName: staff.name,
    timeZone: settings.timeZone,
    siteName: settings.siteName,
    siteUrl: ctx.siteUrl,
    defaultLicense: settings.defaultLicense,
    hasCommentsByDefault: settings.commentsOpen,
  };
}

/** Whether the user may still open the article in the editor (a contributor's submitted work is locked). */
export async function mayOpenInEditor(ctx: ServiceContext, staff: Staff, id: number): Promise<boolean> {
  const { article, isOwn } = await loadArticle(ctx.store, staff, id);
  return mayEditArticle(staff.role, article.status, isOwn);
}

/** Loads an article the user may edit now, or refuses saying why. */
export async function loadEditableInEditor(
  ctx: ServiceContext,
  staff: Staff,
  id: number,
): Promise<{ article: Article; isOwn: boolean }> {
  const loaded = await loadArticle(ctx.store, staff, id);
  if (!mayEditArticle(staff.role, loaded.article.status, loaded.isOwn)) {
    throw permissionDenied(
      loaded.isOwn
        ? `“${loaded.article.title}” is ${loaded.article.status}; only an editor can change it now.`
        : 'Your role does not allow this. You can only edit your own articles.',
    );
  }
  return loaded;
}
