import {
  type Article,
  articleLengthErrors,
  articleRelationErrors,
  countWords,
  toIsoTimestamp,
} from '../../domain/article.ts';
import { isRecordId } from '../../domain/limits.ts';
import { can } from '../../domain/permissions.ts';
import { type AddressClash, type ChecklistItem, publishChecklist } from '../../domain/publish-checklist.ts';
import { slugify, tidySlug } from '../../domain/slug.ts';
import { Errors } from '../../errors.ts';
import { renderBodyOutside } from '../articles.ts';
import type { ServiceContext } from '../context.ts';
import { bylineEntries } from './byline.ts';
import { type ArticleInput, freeArticleSlug } from './editor.ts';
import { loadEditableArticle, permissionDenied, type Staff } from './staff.ts';

/** Loads a stored article the user may preview changes to (their own, or any an editor), or refuses. */
export function loadPreviewable(
  ctx: ServiceContext,
  staff: Staff,
  id: number,
): Promise<{ article: Article; isOwn: boolean }> {
  return loadEditableArticle(ctx.store, staff, id, 'You can only preview your own articles.');
}

/**
 * The article as the editor holds it now, unsaved: the stored article (or a new draft) with the
 * form's fields laid over it and the body rendered as a save would (off the event loop when
 * long). Nothing is stored: authors typed by a name nobody has yet come back as `newAuthors`,
 * each with its place on the byline, for the preview to show as the save will make them.
 */
export async function previewArticle(
  ctx: ServiceContext,
  staff: Staff,
  input: { id: number | null; article: ArticleInput },
): Promise<{
  article: Article;
  isUnsaved: true;
  storedStatus: Article['status'] | null;
  newAuthors: { name: string; place: number }[];
}> {
  if (!can(staff.role, 'article.create')) throw permissionDenied('Your role may not write articles.');
  // As a save checks them: an id no row can have (1e309, 1.5) is refused before a query asks
  // for it (PostgreSQL refused NaN with a 500).
  const problems = [...articleLengthErrors(input.article), ...articleRelationErrors(input.article)];
  if (problems.length > 0) throw Errors.VALIDATION_FAILED({ details: problems });
  const stored = input.id === null ? null : (await loadPreviewable(ctx, staff, input.id)).article;
  const rendered = await renderBodyOutside(input.article.bodyMarkdown);
  const now = toIsoTimestamp(ctx.now());
  const { newAuthorNames, newAuthorPlaces: _places, newTerms: _terms, ...fields } = input.article;
  const names = newAuthorNames.map((name) => name.trim()).filter(Boolean);
  const hasByline = fields.authorIds.length > 0 || names.length > 0;
  const authorIds =
    hasByline || !stored
      ? hasByline || staff.personId === null
        ? fields.authorIds
        : [staff.personId]
      : stored.authorIds;
  // Where each typed name stands among the people on the byline, as the save will put it.
  const newAuthors = hasByline
    ? bylineEntries(input.article).flatMap((entry, place) =>
        'name' in entry && entry.name.trim() ? [{ name: entry.name.trim(), place }] : [],
      )
    : [];
  const article: Article = {
    id: stored?.id ?? 0,
    status: stored?.status ?? 'draft',
    publishedAt: stored?.publishedAt ?? null,
    createdAt: stored?.createdAt ?? now,
    updatedAt: now,
    version: stored?.version ?? 0,
    createdBy: stored?.createdBy ?? staff.id,
    wordCount: countWords(rendered.markdown),
    ...fields,
    authorIds,
    // Only an editor's choice: a writer's form does not carry it.
    isFeatured: can(staff.role, 'article.publish_any') ? fields.isFeatured : (stored?.isFeatured ?? false),
    subtitle: fields.subtitle.trim() || null,
    summary: fields.summary.trim() || null,
    slug: fields.slug.trim() || slugify(fields.title) || stored?.slug || 'preview',
    title: fields.title.trim() || 'Untitled',
    bodyMarkdown: rendered.markdown,
    bodyHtml: rendered.html,
    // Staff preview the whole text, gated or not.
    previewHtml: null,
  };
  return { article, isUnsaved: true, storedStatus: stored?.status ?? null, newAuthors };
}

/** What to check before publishing the editor's current form (see {@link publishChecklist}). */
export async function checklistFor(
  ctx: ServiceContext,
  input: ArticleInput,
  articleId?: number,
): Promise<ChecklistItem[]> {
  // Only the chosen terms: the checklist asks which taxonomies they are in.
  const termIds = input.termIds.filter((id) => isRecordId(id));
  const [taxonomies, terms] = await Promise.all([
    ctx.store.taxonomies.listTaxonomies(),
    termIds.length > 0 ? ctx.store.taxonomies.findTermsByIds(termIds) : [],
  ]);
  const newTermTaxonomies = new Set(input.newTerms.filter((t) => t.name.trim()).map((t) => t.taxonomySlug));
  // A term typed as new counts: it is made when the article is saved.
  const typed = taxonomies
    .filter((t) => newTermTaxonomies.has(t.slug))
    .map((t, i) => ({ id: -1 - i, taxonomyId: t.id }) as (typeof terms)[number]);
  return publishChecklist(
    { ...input, termIds: [...input.termIds, ...typed.map((t) => t.id)] },
    { taxonomies, terms: [...terms, ...typed] },
    await addressClash(ctx, input, articleId),
  );
}

/**
 * Whether another article holds the slug the form asks for (typed, or made from the title), and
 * the first free one: a save then takes it (a slug from the title) or refuses (a typed one).
 */
async function addressClash(
  ctx: ServiceContext,
  input: Pick<ArticleInput, 'slug' | 'title'>,
  articleId: number | undefined,
): Promise<AddressClash | undefined> {
  const slug = tidySlug(input.slug) || slugify(input.title);
  if (slug === '') return undefined;
  const ownerId = (await ctx.store.articles.slugOwners([slug])).get(slug);
  if (ownerId === undefined || ownerId === articleId) return undefined;
  const owner = await ctx.store.articles.findById(ownerId);
  return { takenBy: owner?.title ?? slug, free: await freeArticleSlug(ctx.store, slug, articleId) };
}
