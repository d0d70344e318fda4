import { renderMarkdown } from '../content/markdown.ts';
import { toIsoTimestamp } from '../domain/article.ts';
import type { Repositories } from '../domain/ports/store.ts';
import { spelledSlug, termSlug } from '../domain/slug.ts';
import {
  DEFAULT_TAXONOMIES,
  type Taxonomy,
  type Term,
  validateTerm,
  wouldCreateCycle,
} from '../domain/taxonomy.ts';
import { cleanLine, stripXmlForbidden } from '../domain/text.ts';
import { Errors } from '../errors.ts';
import { keepRevision } from './revision-log.ts';
import { findingTheWinner } from './unique-races.ts';

/** Creates the default taxonomies that do not exist yet. Safe to run at every start. */
export async function ensureDefaultTaxonomies(repos: Pick<Repositories, 'taxonomies'>): Promise<void> {
  const existing = new Set((await repos.taxonomies.listTaxonomies()).map((t) => t.slug));
  const missing = DEFAULT_TAXONOMIES.filter((taxonomy) => !existing.has(taxonomy.slug));
  // Two processes starting on a new database both find them missing: the second adds none.
  if (missing.length > 0) await repos.taxonomies.insertMissingTaxonomies(missing);
}

export interface TermRef {
  name: string;
  description?: string | undefined;
  /** Name of the parent term, for hierarchical taxonomies. */
  parentName?: string | undefined;
}

/**
 * Finds a term by slug or name within a taxonomy, or creates it. A description or parent
 * given in the reference updates the stored term.
 */
export function findOrCreateTerm(
  repos: Pick<Repositories, 'taxonomies' | 'revisions'>,
  taxonomy: Taxonomy,
  ref: TermRef,
  now: Date,
  actor = 'import',
): Promise<Term> {
  // Two imports or saves naming one new term at once: the one that loses finds the winner's.
  return findingTheWinner(() => findOrCreateTermOnce(repos, taxonomy, ref, now, actor));
}

async function findOrCreateTermOnce(
  repos: Pick<Repositories, 'taxonomies' | 'revisions'>,
  taxonomy: Taxonomy,
  ref: TermRef,
  now: Date,
  actor: string,
): Promise<Term> {
  const name = cleanLine(ref.name).trim();
  const slug = termSlug(name);
  if (!name || !slug)
    throw Errors.VALIDATION_FAILED({
      details: [{ field: taxonomy.slug, message: `"${ref.name}" is not a usable term name` }],
    });
  const problems = validateTerm({ name, slug });
  if (problems.length > 0) {
    const which = name.length > 60 ? `${name.slice(0, 60)}…` : name;
    throw Errors.VALIDATION_FAILED({
      details: problems.map((p) => ({
        field: taxonomy.slug,
        message: `“${which}”: ${p.field} ${p.message}`,
      })),
    });
  }
  const timestamp = toIsoTimestamp(now);
  let parentId: number | null = null;
  if (ref.parentName) {
    if (!taxonomy.isHierarchical) {
      throw Errors.VALIDATION_FAILED({
        details: [
          {
            field: taxonomy.slug,
            message: `${taxonomy.name} is not hierarchical; "${name}" cannot have a parent`,
          },
        ],
      });
    }
    parentId = (await findOrCreateTerm(repos, taxonomy, { name: ref.parentName }, now, actor)).id;
  }
  // "Sao Paulo" is "São Paulo" written plainly; "Law & Justice" is not "Law Justice", though both
  // make `law-justice`: a name that only shares its slug with another term is a term of its own,
  // under a slug of its own.
  let existing = await repos.taxonomies.findTerm(taxonomy.id, slug);
  let newSlug = slug;
  if (existing && !isSameTermName(existing.name, name)) {
    existing = await repos.taxonomies.findTermByName(taxonomy.id, name);
    if (!existing) newSlug = await freeTermSlug(repos, taxonomy.id, name, slug);
  } else if (!existing) {
    existing = await repos.taxonomies.findTermByName(taxonomy.id, name);
  }
  if (!existing) {
    const record = {
      taxonomyId: taxonomy.id,
      slug: newSlug,
      name,
      description: stripXmlForbidden(ref.description ?? '').trim() || null,
      descriptionHtml: ref.description?.trim()
        ? await renderMarkdown(stripXmlForbidden(ref.description), { field: taxonomy.slug })
        : null,
      parentId,
      position: 0,
    };
    const id = await repos.taxonomies.insertTerm(record, timestamp);
    await keepRevision(repos, {
      entityType: 'term',
      entityId: id,
      actor,
      snapshot: record,
      createdAt: timestamp,
    });
    return { id, ...record };
  }
  const description = ref.description?.trim() || existing.description;
  const nextParent = ref.parentName ? parentId : existing.parentId;
  if (description === existing.description && nextParent === existing.parentId) return existing;
  if (nextParent !== null) {
    // A cycle can only run through the new parent's ancestors: those are read, not the taxonomy.
    const lineage = await repos.taxonomies.findTermsWithAncestors([nextParent]);
    const parents = new Map(lineage.map((t) => [t.id, t.parentId]));
    if (wouldCreateCycle(existing.id, nextParent, parents)) {
      throw Errors.TERM_CYCLE({ name });
    }
  }
  const updated: Term = {
    ...existing,
    description,
    descriptionHtml: description ? await renderMarkdown(description, { field: 'description' }) : null,
    parentId: nextParent,
  };
  await repos.taxonomies.updateTerm(existing.id, updated, timestamp);
  await keepRevision(repos, {
    entityType: 'term',
    entityId: existing.id,
    actor,
    snapshot: updated,
    createdAt: timestamp,
  });
  return updated;
}

/** Names that differ only in case, accents or spacing name one term. */
function isSameTermName(a: string, b: string): boolean {
  const plain = (text: string) =>
    text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
  return plain(a) === plain(b);
}

/** A slug no term of the taxonomy has: the name spelled out (`c-sharp`), else `slug-2`, `slug-3`… */
async function freeTermSlug(
  repos: Pick<Repositories, 'taxonomies'>,
  taxonomyId: number,
  name: string,
  slug: string,
): Promise<string> {
  const spelled = spelledSlug(name);
  if (spelled && spelled !== slug && !(await repos.taxonomies.findTerm(taxonomyId, spelled))) return spelled;
  for (let n = 2; ; n++) {
    const candidate = `${slug}-${n}`;
    if (!(await repos.taxonomies.findTerm(taxonomyId, candidate))) return candidate;
  }
}
