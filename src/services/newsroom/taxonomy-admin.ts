import { renderMarkdown } from '../../content/markdown.ts';
import { toIsoTimestamp } from '../../domain/article.ts';
import { isRecordId } from '../../domain/limits.ts';
import type { NameListFilters } from '../../domain/name-list-query.ts';
import { termPath } from '../../domain/paths.ts';
import type { TermListRow } from '../../domain/ports/admin-list-store.ts';
import type { AdminArticleCursor } from '../../domain/ports/article-admin-store.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { RESERVED_SLUGS, slugify } from '../../domain/slug.ts';
import { type Taxonomy, type Term, validateTaxonomy, validateTerm } from '../../domain/taxonomy.ts';
import { cleanLine } from '../../domain/text.ts';
import { Errors, type FieldError, isAppError } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { keepRevision } from '../revision-log.ts';
import { matchTotal } from './list-count.ts';
import { auditActor, requireCan, revisionActor, type Staff } from './staff.ts';

export interface TermInput {
  name: string;
  /** Empty: made from the name. */
  slug: string;
  description: string;
  parentId: number | null;
  /** The parent as typed in its picker (a name or a slug of the same taxonomy), in place of `parentId`. */
  parent?: string;
}

/** A taxonomy of the newsroom by its slug, and every taxonomy. */
export async function loadTaxonomyAdmin(
  ctx: ServiceContext,
  staff: Staff,
  slug: string,
): Promise<{ taxonomy: Taxonomy; taxonomies: Taxonomy[] }> {
  requireCan(staff, 'taxonomy.manage', 'Only editors may manage taxonomies.');
  const taxonomies = await ctx.store.taxonomies.listTaxonomies();
  const taxonomy = taxonomies.find((t) => t.slug === slug);
  if (!taxonomy) throw Errors.TAXONOMY_NOT_FOUND({ id: slug });
  return { taxonomy, taxonomies };
}

/** How many terms one page of the admin list shows. */
export const TERM_PAGE_SIZE = 50;

/**
 * One page of a taxonomy's terms for its admin page: searched by the beginning of their name,
 * in the site's order, by name or by last change, with their parents' names. `next` starts the
 * following page, null on the last.
 */
export async function listTermsPage(
  ctx: ServiceContext,
  staff: Staff,
  slug: string,
  filters: NameListFilters,
  options: { pageSize?: number } = {},
): Promise<{
  taxonomy: Taxonomy;
  taxonomies: Taxonomy[];
  rows: (TermListRow & { parentName: string | null })[];
  next: AdminArticleCursor | null;
  /** How many terms match in all, up to LIST_COUNT_CAP + 1 ("more than"). */
  total: number;
}> {
  requireCan(staff, 'taxonomy.manage', 'Only editors may manage taxonomies.');
  const taxonomies = await ctx.store.taxonomies.listTaxonomies();
  const taxonomy = taxonomies.find((t) => t.slug === slug);
  if (!taxonomy) throw Errors.TAXONOMY_NOT_FOUND({ id: slug });
  const pageSize = options.pageSize ?? TERM_PAGE_SIZE;
  const conditions = {
    taxonomyId: taxonomy.id,
    sort: filters.sort,
    ...(filters.text ? { text: filters.text } : {}),
  };
  const found = await ctx.store.adminLists.terms({
    ...conditions,
    limit: pageSize + 1,
    ...(filters.after ? { after: filters.after } : {}),
  });
  const total = await matchTotal({ found: found.length, pageSize, isFirstPage: !filters.after }, (cap) =>
    ctx.store.adminLists.countTerms(conditions, cap),
  );
  const page = found.slice(0, pageSize);
  const parentIds = [...new Set(page.flatMap((t) => (t.parentId === null ? [] : [t.parentId])))];
  const parents = new Map((await ctx.store.taxonomies.findTermsByIds(parentIds)).map((t) => [t.id, t.name]));
  const last = page.at(-1);
  return {
    taxonomy,
    taxonomies,
    rows: page.map((t) => ({
      ...t,
      parentName: t.parentId === null ? null : (parents.get(t.parentId) ?? null),
    })),
    next: found.length > pageSize && last ? { key: last.key, id: last.id } : null,
    total,
  };
}

/** Every taxonomy, in order. */
export async function listTaxonomies(ctx: ServiceContext, staff: Staff): Promise<Taxonomy[]> {
  requireCan(staff, 'taxonomy.manage', 'Only editors may manage taxonomies.');
  return ctx.store.taxonomies.listTaxonomies();
}

/** What a term's page shows: the term, its taxonomy and its parent. */
export async function loadTermAdmin(
  ctx: ServiceContext,
  staff: Staff,
  id: number,
): Promise<{ term: Term; taxonomy: Taxonomy; parent: Term | null }> {
  requireCan(staff, 'taxonomy.manage', 'Only editors may manage taxonomies.');
  const term = await findTerm(ctx.store, id);
  const taxonomy = await findTaxonomy(ctx.store, term.taxonomyId);
  const parent =
    term.parentId === null ? null : ((await ctx.store.taxonomies.findTermById(term.parentId)) ?? null);
  return { term, taxonomy, parent };
}

/**
 * The term of `taxonomy` a picker's text names: its slug, or its name (case aside). Refuses,
 * naming `field`, a text that names none or several.
 */
async function termNamed(
  repos: Pick<Repositories, 'adminLists' | 'taxonomies'>,
  taxonomy: Taxonomy,
  text: string,
  field: string,
): Promise<Term> {
  const typed = text.trim().replace(/\s+/g, ' ');
  const bare = typed.startsWith(`${taxonomy.slug}/`) ? typed.slice(taxonomy.slug.length + 1) : typed;
  const found = await repos.adminLists.termsCalled(bare, bare.toLowerCase(), [taxonomy.id]);
  const bySlug = found.filter((t) => t.slug === bare.toLowerCase());
  const chosen = bySlug.length === 1 ? bySlug : found;
  const [first] = chosen;
  if (!first) {
    throw Errors.VALIDATION_FAILED({
      details: [{ field, message: `no ${taxonomy.name.toLowerCase()} is called “${typed}”` }],
    });
  }
  if (chosen.length > 1) {
    throw Errors.VALIDATION_FAILED({
      details: [
        {
          field,
          message: `“${typed}” names ${chosen.length} ${taxonomy.pluralName.toLowerCase()}: write one’s address name (${chosen.map((t) => t.slug).join(', ')})`,
        },
      ],
    });
  }
  return findTerm(repos, first.id);
}

/**
 * Whether `termId` is `parentId` or one of its ancestors, read up the chain one term at a time
 * (a tree's depth, not the taxonomy's size). A chain that loops or runs deeper than any real
 * tree counts as a cycle.
 */
async function isAncestorOrSelf(
  repos: Pick<Repositories, 'taxonomies'>,
  termId: number,
  parentId: number,
): Promise<boolean> {
  const seen = new Set<number>();
  let current: number | null = parentId;
  while (current !== null) {
    if (current === termId || seen.has(current) || seen.size >= 200) return true;
    seen.add(current);
    current = (await repos.taxonomies.findTermById(current))?.parentId ?? null;
  }
  return false;
}

/** Creates a term in a taxonomy. */
export async function createTerm(
  ctx: ServiceContext,
  staff: Staff,
  input: TermInput & { taxonomyId: number },
): Promise<Term> {
  requireCan(staff, 'taxonomy.manage', 'Only editors may manage taxonomies.');
  const now = ctx.now();
  const term = await ctx.store.transaction(async (repos) => {
    const taxonomy = await findTaxonomy(repos, input.taxonomyId);
    const record = await validTerm(repos, taxonomy, input, undefined);
    const position = (await repos.termAdmin.lastPosition(taxonomy.id)) + 1;
    const id = await repos.taxonomies.insertTerm({ ...record, position }, toIsoTimestamp(now));
    const created: Term = { id, ...record, position };
    await keepTermRevision(repos, staff, created, now);
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'term.create',
      entity: ['term', id],
      summary: `Created ${taxonomy.name.toLowerCase()} “${created.name}”`,
      at: now,
    });
    return created;
  });
  ctx.changes.publish({ kind: 'term', id: term.id });
  return term;
}

/** Edits a term. A new slug leaves a permanent redirect from the old listing address. */
export async function updateTerm(
  ctx: ServiceContext,
  staff: Staff,
  input: TermInput & { id: number },
): Promise<Term> {
  requireCan(staff, 'taxonomy.manage', 'Only editors may manage taxonomies.');
  const now = ctx.now();
  const nowIso = toIsoTimestamp(now);
  const term = await ctx.store.transaction(async (repos) => {
    const existing = await findTerm(repos, input.id);
    const taxonomy = await findTaxonomy(repos, existing.taxonomyId);
    const record = await validTerm(repos, taxonomy, input, existing);
    const updated: Term = { ...existing, ...record };
    await repos.taxonomies.updateTerm(existing.id, updated, nowIso);
    if (existing.slug !== updated.slug) {
      await repos.redirects.put(
        {
          fromPath: termPath(taxonomy.slug, existing.slug),
          toPath: termPath(taxonomy.slug, updated.slug),
          statusCode: 301,
        },
        nowIso,
      );
    }
    await keepTermRevision(repos, staff, updated, now);
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'term.edit',
      entity: ['term', existing.id],
      summary:
        existing.slug === updated.slug
          ? `Edited ${taxonomy.name.toLowerCase()} “${updated.name}”`
          : `Renamed ${taxonomy.name.toLowerCase()} “${existing.name}” (${existing.slug} → ${updated.slug})`,
      at: now,
    });
    return updated;
  });
  ctx.changes.publish({ kind: 'everything' });
  return term;
}

/**
 * Merges term `fromId` into `intoId` (same taxonomy): its articles and child terms move over,
 * its listing address redirects to the other's, and it is deleted.
 */
export async function mergeTerms(
  ctx: ServiceContext,
  staff: Staff,
  input: { fromId: number; intoId?: number; into?: string },
): Promise<{ into: Term; movedArticles: number }> {
  requireCan(staff, 'taxonomy.manage', 'Only editors may manage taxonomies.');
  const now = ctx.now();
  const nowIso = toIsoTimestamp(now);
  const result = await ctx.store.transaction(async (repos) => {
    const from = await findTerm(repos, input.fromId);
    const taxonomy = await findTaxonomy(repos, from.taxonomyId);
    let into: Term;
    if (input.into !== undefined) {
      if (!input.into.trim())
        throw Errors.VALIDATION_FAILED({
          details: [{ field: 'into', message: 'choose the term to merge into' }],
        });
      into = await termNamed(repos, taxonomy, input.into, 'into');
    } else {
      if (input.intoId === undefined || !isRecordId(input.intoId))
        throw Errors.TERM_MERGE_INVALID({ reason: 'Choose a term of the same taxonomy to merge into.' });
      into = await findTerm(repos, input.intoId);
    }
    if (from.id === into.id)
      throw Errors.TERM_MERGE_INVALID({ reason: 'A term cannot be merged into itself.' });
    if (from.taxonomyId !== into.taxonomyId)
      throw Errors.TERM_MERGE_INVALID({ reason: 'Only terms of the same taxonomy can be merged.' });
    let target = into;
    if (await isAncestorOrSelf(repos, from.id, into.id)) {
      // The target sits below the merged term: lift it to where the merged term was.
      target = { ...into, parentId: from.parentId };
      await repos.taxonomies.updateTerm(into.id, target, nowIso);
    }
    const movedArticles = await repos.termAdmin.moveArticles(from.id, into.id);
    await repos.termAdmin.reparentChildren(from.id, into.id, nowIso);
    await repos.termAdmin.deleteTerm(from.id);
    await repos.listings.recountTerms([from.id, into.id], nowIso);
    await repos.redirects.put(
      {
        fromPath: termPath(taxonomy.slug, from.slug),
        toPath: termPath(taxonomy.slug, into.slug),
        statusCode: 301,
      },
      nowIso,
    );
    await keepTermRevision(repos, staff, target, now, `Merged “${from.name}” into this term`);
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'term.merge',
      entity: ['term', into.id],
      summary: `Merged ${taxonomy.name.toLowerCase()} “${from.name}” into “${into.name}” (${movedArticles} articles moved)`,
      at: now,
    });
    return { into: target, movedArticles };
  });
  ctx.changes.publish({ kind: 'everything' });
  return result;
}

/** What a merge's confirmation names: the terms merged, the one they go into, and their taxonomy. */
export interface TermMergePlan {
  taxonomy: Taxonomy;
  from: Term[];
  into: Term;
}

/**
 * What merging would do, checked as the merge checks it (the term merged into exists in the
 * taxonomy and is not among those merged), for the confirmation that names both before anything
 * changes. `fromIds` are one term (its own page) or those ticked on the taxonomy's list.
 */
export async function planTermMerge(
  ctx: ServiceContext,
  staff: Staff,
  input: { fromIds: readonly number[]; into: string; taxonomySlug?: string },
): Promise<TermMergePlan> {
  requireCan(staff, 'taxonomy.manage', 'Only editors may manage taxonomies.');
  const ids = mergeChoice(input.fromIds, input.into);
  const taxonomy =
    input.taxonomySlug !== undefined
      ? (await loadTaxonomyAdmin(ctx, staff, input.taxonomySlug)).taxonomy
      : await findTaxonomy(ctx.store, (await findTerm(ctx.store, ids[0] ?? 0)).taxonomyId);
  const into = await termNamed(ctx.store, taxonomy, input.into, 'into');
  const from = (await ctx.store.taxonomies.findTermsByIds(ids)).filter(
    (t) => t.taxonomyId === taxonomy.id && t.id !== into.id,
  );
  if (from.length === 0) throw Errors.TERM_MERGE_INVALID({ reason: 'A term cannot be merged into itself.' });
  return { taxonomy, from, into };
}

/** How many terms one bulk merge takes: a page of the term list. */
export const MAX_BULK_TERMS = 100;

/** The distinct ids of the terms chosen to merge, refused when there are none or too many, or no term to merge into. */
function mergeChoice(chosen: readonly number[], into: string): number[] {
  const ids = [...new Set(chosen)].filter(isRecordId);
  if (ids.length === 0)
    throw Errors.VALIDATION_FAILED({ details: [{ field: 'id', message: 'choose the terms to merge' }] });
  if (ids.length > MAX_BULK_TERMS)
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'id', message: `may merge at most ${MAX_BULK_TERMS} terms at once` }],
    });
  if (!into.trim())
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'into', message: 'choose the term to merge into' }],
    });
  return ids;
}

/**
 * Merges each chosen term of a taxonomy into the one named `into`, one at a time, each exactly
 * as {@link mergeTerms} does alone (checks, transaction, redirect, revision, audit entry). The
 * term merged into is skipped if chosen too. Returns the term merged into and, per chosen term,
 * whether it was merged or why not.
 */
export async function mergeTermsInBulk(
  ctx: ServiceContext,
  staff: Staff,
  input: { taxonomySlug: string; ids: readonly number[]; into: string },
): Promise<{ into: Term; results: { id: number; name: string; error?: string }[] }> {
  requireCan(staff, 'taxonomy.manage', 'Only editors may manage taxonomies.');
  const ids = mergeChoice(input.ids, input.into);
  const { taxonomy } = await loadTaxonomyAdmin(ctx, staff, input.taxonomySlug);
  const into = await termNamed(ctx.store, taxonomy, input.into, 'into');
  const results: { id: number; name: string; error?: string }[] = [];
  for (const term of await ctx.store.taxonomies.findTermsByIds(ids.filter((id) => id !== into.id))) {
    if (term.taxonomyId !== taxonomy.id) {
      results.push({ id: term.id, name: term.name, error: `is not a ${taxonomy.name.toLowerCase()}` });
      continue;
    }
    try {
      await mergeTerms(ctx, staff, { fromId: term.id, intoId: into.id });
      results.push({ id: term.id, name: term.name });
    } catch (error) {
      if (!isAppError(error) || error.kind === 'unavailable') throw error;
      results.push({ id: term.id, name: term.name, error: error.message });
    }
  }
  return { into, results };
}

/** Sets the order of a taxonomy's terms (listing and navigation order). */
export async function reorderTerms(
  ctx: ServiceContext,
  staff: Staff,
  input: { taxonomyId: number; termIds: number[] },
): Promise<void> {
  requireCan(staff, 'taxonomy.manage', 'Only editors may manage taxonomies.');
  const now = ctx.now();
  await ctx.store.transaction(async (repos) => {
    const taxonomy = await findTaxonomy(repos, input.taxonomyId);
    const terms = await repos.taxonomies.listTerms(taxonomy.id);
    const known = new Set(terms.map((t) => t.id));
    if (input.termIds.some((id) => !known.has(id)) || new Set(input.termIds).size !== input.termIds.length) {
      throw Errors.VALIDATION_FAILED({
        details: [{ field: 'order', message: 'must list each term of this taxonomy once' }],
      });
    }
    const rest = terms.filter((t) => !input.termIds.includes(t.id)).map((t) => t.id);
    const order = [...input.termIds, ...rest];
    for (const [index, id] of order.entries())
      await repos.termAdmin.setPosition(id, index + 1, toIsoTimestamp(now));
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'term.reorder',
      entity: ['taxonomy', taxonomy.id],
      summary: `Reordered ${taxonomy.pluralName.toLowerCase()}`,
      at: now,
    });
  });
  ctx.changes.publish({ kind: 'everything' });
}

/** Moves a term one place up or down among its siblings. */
export async function moveTerm(
  ctx: ServiceContext,
  staff: Staff,
  input: { id: number; direction: 'up' | 'down' },
): Promise<void> {
  const term = await findTerm(ctx.store, input.id);
  const terms = await ctx.store.taxonomies.listTerms(term.taxonomyId);
  // Terms move among their siblings: that is the order listings and the tree show.
  const siblings = terms.filter((t) => t.parentId === term.parentId).map((t) => t.id);
  const at = siblings.indexOf(term.id);
  const other = siblings[input.direction === 'up' ? at - 1 : at + 1];
  if (other === undefined) return;
  const ids = terms.map((t) => t.id);
  const [i, j] = [ids.indexOf(term.id), ids.indexOf(other)];
  [ids[i], ids[j]] = [other, term.id];
  await reorderTerms(ctx, staff, { taxonomyId: term.taxonomyId, termIds: ids });
}

async function validTerm(
  repos: Repositories,
  taxonomy: Taxonomy,
  input: TermInput,
  existing: Term | undefined,
): Promise<Omit<Term, 'id' | 'position'> & { position: number }> {
  const name = cleanLine(input.name).trim();
  const slug = input.slug.trim() || slugify(name);
  const description = input.description.trim() || null;
  const errors = validateTerm({ slug, name });
  if (!errors.some((e) => e.field === 'slug') && slug) {
    const clash = await repos.taxonomies.findTerm(taxonomy.id, slug);
    if (clash && clash.id !== existing?.id)
      errors.push({ field: 'slug', message: `is already used by “${clash.name}”` });
  }
  let parentId = input.parentId;
  if (input.parent?.trim()) {
    if (!taxonomy.isHierarchical) {
      errors.push({ field: 'parent', message: `${taxonomy.pluralName} have no parents` });
    } else {
      try {
        parentId = (await termNamed(repos, taxonomy, input.parent, 'parent')).id;
      } catch (err) {
        if (!isAppError(err) || err.code !== 'VALIDATION_FAILED') throw err;
        errors.push(...((err.details as FieldError[] | undefined) ?? []));
        parentId = null;
      }
    }
  } else if (input.parent !== undefined) {
    parentId = null;
  }
  if (parentId !== null && !errors.some((e) => e.field === 'parent')) {
    if (!isRecordId(parentId)) {
      errors.push({ field: 'parent', message: 'must be a term of the same taxonomy' });
    } else if (!taxonomy.isHierarchical) {
      errors.push({ field: 'parent', message: `${taxonomy.pluralName} have no parents` });
    } else {
      const parent = await repos.taxonomies.findTermById(parentId);
      if (!parent || parent.taxonomyId !== taxonomy.id)
        errors.push({ field: 'parent', message: 'must be a term of the same taxonomy' });
      else if (existing && (await isAncestorOrSelf(repos, existing.id, parent.id))) {
        throw Errors.TERM_CYCLE({ name: existing.name });
      }
    }
  }
  if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
  return {
    taxonomyId: taxonomy.id,
    slug,
    name,
    description,
    descriptionHtml: description ? await renderMarkdown(description, { field: 'description' }) : null,
    parentId,
    position: existing?.position ?? 0,
  };
}

async function findTaxonomy(repos: Pick<Repositories, 'taxonomies'>, id: number): Promise<Taxonomy> {
  const taxonomy = (await repos.taxonomies.listTaxonomies()).find((t) => t.id === id);
  if (!taxonomy) throw Errors.TAXONOMY_NOT_FOUND({ id });
  return taxonomy;
}

async function findTerm(repos: Pick<Repositories, 'taxonomies'>, id: number): Promise<Term> {
  const term = await repos.taxonomies.findTermById(id);
  if (!term) throw Errors.TERM_NOT_FOUND({ id });
  return term;
}

async function keepTermRevision(repos: Repositories, staff: Staff, term: Term, now: Date, note?: string) {
  await keepRevision(repos, {
    entityType: 'term',
    entityId: term.id,
    actor: revisionActor(staff),
    snapshot: term,
    createdAt: toIsoTimestamp(now),
    ...(note ? { note } : {}),
  });
}

export interface TaxonomyInput {
  name: string;
  pluralName: string;
  isHierarchical: boolean;
  isMultiple: boolean;
}

/**
 * Adds a taxonomy. Its slug is the first part of its listing addresses (/slug/term), so it must
 * not clash with a page, a fixed route or another taxonomy, and it is fixed once created.
 */
export async function createTaxonomy(
  ctx: ServiceContext,
  staff: Staff,
  input: TaxonomyInput & { slug: string },
): Promise<Taxonomy> {
  requireCan(staff, 'taxonomy.manage', 'Only editors may manage taxonomies.');
  const now = ctx.now();
  const taxonomy = await ctx.store.transaction(async (repos) => {
    const slug = input.slug.trim() || slugify(cleanLine(input.name).trim());
    const errors = validateTaxonomy({
      slug,
      name: cleanLine(input.name).trim(),
      pluralName: input.pluralName.trim(),
    });
    const isSlugWellFormed = !errors.some((e) => e.field === 'slug');
    if (isSlugWellFormed && RESERVED_SLUGS.has(slug))
      errors.push({ field: 'slug', message: `"${slug}" is reserved for the site` });
    else if (isSlugWellFormed) {
      const taxonomies = await repos.taxonomies.listTaxonomies();
      if (taxonomies.some((t) => t.slug === slug))
        errors.push({ field: 'slug', message: 'is already used by another taxonomy' });
      else if (await repos.pages.findBySlug(slug))
        errors.push({ field: 'slug', message: 'is already used by a page' });
    }
    if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
    const position = Math.max(0, ...(await repos.taxonomies.listTaxonomies()).map((t) => t.position)) + 1;
    const record = {
      slug,
      name: cleanLine(input.name).trim(),
      pluralName: input.pluralName.trim(),
      isHierarchical: input.isHierarchical,
      isMultiple: input.isMultiple,
      position,
    };
    const id = await repos.taxonomies.insertTaxonomy(record);
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'taxonomy.create',
      entity: ['taxonomy', id],
      summary: `Created taxonomy “${record.pluralName}” (/${slug})`,
      at: now,
    });
    return { id, ...record };
  });
  ctx.changes.publish({ kind: 'everything' });
  return taxonomy;
}

/** Edits a taxonomy's names and rules. It cannot stop being hierarchical while terms are nested. */
export async function updateTaxonomy(
  ctx: ServiceContext,
  staff: Staff,
  input: TaxonomyInput & { id: number },
): Promise<Taxonomy> {
  requireCan(staff, 'taxonomy.manage', 'Only editors may manage taxonomies.');
  const now = ctx.now();
  const taxonomy = await ctx.store.transaction(async (repos) => {
    const existing = await findTaxonomy(repos, input.id);
    // The slug is fixed once created: only the names are checked.
    const errors = validateTaxonomy({
      name: cleanLine(input.name).trim(),
      pluralName: input.pluralName.trim(),
    });
    const terms = await repos.taxonomies.listTerms(existing.id);
    if (!input.isHierarchical && terms.some((t) => t.parentId !== null)) {
      errors.push({
        field: 'is_hierarchical',
        message: 'some terms have parents: move them to the top level first',
      });
    }
    if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
    const fields = {
      name: cleanLine(input.name).trim(),
      pluralName: input.pluralName.trim(),
      isHierarchical: input.isHierarchical,
      isMultiple: input.isMultiple,
    };
    await repos.termAdmin.updateTaxonomy(existing.id, fields);
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'taxonomy.edit',
      entity: ['taxonomy', existing.id],
      summary: `Edited taxonomy “${fields.pluralName}”`,
      at: now,
    });
    return { ...existing, ...fields };
  });
  ctx.changes.publish({ kind: 'everything' });
  return taxonomy;
}
