import type { FieldError } from '../errors.ts';
import { lengthErrors, wholeNumberProblem } from './limits.ts';
import { slugProblem } from './slug.ts';

/** A way of filing articles (region, theme, report, tag), configurable per publication. */
export interface Taxonomy {
  id: number;
  slug: string;
  name: string;
  /** Plural label for listings ("Regions"). */
  pluralName: string;
  isHierarchical: boolean;
  /** Whether an article may carry several terms of this taxonomy. */
  isMultiple: boolean;
  position: number;
}

/** One value of a taxonomy ("Europe", "Intelligence", a report series). */
export interface Term {
  id: number;
  taxonomyId: number;
  slug: string;
  name: string;
  /** Markdown; for a report, the series introduction. */
  description: string | null;
  descriptionHtml: string | null;
  parentId: number | null;
  position: number;
}

/**
 * The longest value of each of a taxonomy's and a term's fields, in characters: no more than the
 * columns hold (varchar), the same on both databases. A taxonomy's slug starts its listing
 * addresses, and its column is the narrowest.
 */
export const TAXONOMY_LIMITS = { slug: 100, name: 200 } as const;
export const TERM_LIMITS = { name: 200 } as const;

/** Where a taxonomy or a term may be placed in its list: 0 (first) to this. */
export const MAX_POSITION = 1_000_000;

/** Every problem with a taxonomy's fields (trimmed), by field; without a slug, the names only. */
export function validateTaxonomy(fields: {
  slug?: string;
  name: string;
  pluralName: string;
  position?: number;
}): FieldError[] {
  const errors = lengthErrors([
    ['name', fields.name, TAXONOMY_LIMITS.name],
    ['plural_name', fields.pluralName, TAXONOMY_LIMITS.name],
    ['slug', fields.slug, TAXONOMY_LIMITS.slug],
  ]);
  if (!fields.name) errors.push({ field: 'name', message: 'must not be empty' });
  if (!fields.pluralName) errors.push({ field: 'plural_name', message: 'must not be empty' });
  const slug = fields.slug;
  const slugIssue = slug !== undefined && (fields.name || slug) ? slugProblem(slug) : undefined;
  if (slugIssue && !errors.some((e) => e.field === 'slug'))
    errors.push({ field: 'slug', message: slugIssue });
  errors.push(...positionErrors(fields.position));
  return errors;
}

/** Every problem with a term's fields (trimmed), by field. */
export function validateTerm(fields: { slug: string; name: string; position?: number }): FieldError[] {
  const errors = lengthErrors([['name', fields.name, TERM_LIMITS.name]]);
  if (!fields.name) errors.push({ field: 'name', message: 'must not be empty' });
  const slugIssue = fields.name || fields.slug ? slugProblem(fields.slug) : undefined;
  if (slugIssue) errors.push({ field: 'slug', message: slugIssue });
  errors.push(...positionErrors(fields.position));
  return errors;
}

function positionErrors(position: number | undefined): FieldError[] {
  const problem = position === undefined ? undefined : wholeNumberProblem(position, 0, MAX_POSITION);
  return problem ? [{ field: 'position', message: problem }] : [];
}

/** The taxonomies every new publication starts with. */
export const DEFAULT_TAXONOMIES: Omit<Taxonomy, 'id'>[] = [
  {
    slug: 'region',
    name: 'Region',
    pluralName: 'Regions',
    isHierarchical: true,
    isMultiple: true,
    position: 1,
  },
  {
    slug: 'theme',
    name: 'Theme',
    pluralName: 'Themes',
    isHierarchical: false,
    isMultiple: true,
    position: 2,
  },
  {
    slug: 'report',
    name: 'In-depth Report',
    pluralName: 'In-depth Reports',
    isHierarchical: false,
    isMultiple: true,
    position: 3,
  },
  { slug: 'tag', name: 'Tag', pluralName: 'Tags', isHierarchical: false, isMultiple: true, position: 4 },
];

/**
 * Whether making `parentId` the parent of `termId` would create a cycle,
 * given every term's current parent.
 */
export function wouldCreateCycle(
  termId: number,
  parentId: number | null,
  parentOf: ReadonlyMap<number, number | null>,
): boolean {
  let current = parentId;
  const seen = new Set<number>();
  while (current !== null) {
    if (current === termId) return true;
    if (seen.has(current)) return true;
    seen.add(current);
    current = parentOf.get(current) ?? null;
  }
  return false;
}

/** The chain of ancestors of a term, root first. */
export function ancestorsOf(term: Term, byId: ReadonlyMap<number, Term>): Term[] {
  const chain: Term[] = [];
  let parentId = term.parentId;
  const seen = new Set<number>([term.id]);
  while (parentId !== null && !seen.has(parentId)) {
    const parent = byId.get(parentId);
    if (!parent) break;
    chain.unshift(parent);
    seen.add(parent.id);
    parentId = parent.parentId;
  }
  return chain;
}

/** What the tree helpers below need of a term. */
type TreeNode = { id: number; parentId: number | null };

/** Each parent's children (null: the roots), in the order given. */
function childrenByParent<T extends TreeNode>(terms: readonly T[]): Map<number | null, T[]> {
  const children = new Map<number | null, T[]>();
  for (const term of terms) {
    const siblings = children.get(term.parentId);
    if (siblings) siblings.push(term);
    else children.set(term.parentId, [term]);
  }
  return children;
}

/**
 * Terms in tree order, each followed by its sub-terms, with their depth: roots first, siblings
 * in the order given. Sub-terms deeper than `maxDepth`, and terms a missing parent or a cycle
 * keeps out of the tree, follow at depth 0. Linear: a flat taxonomy of 10,000 tags, walked by
 * filtering every term for each one, held the editor's page for three seconds.
 */
export function termTree<T extends TreeNode>(
  terms: readonly T[],
  maxDepth = Number.POSITIVE_INFINITY,
): { term: T; depth: number }[] {
  const children = childrenByParent(terms);
  const out: { term: T; depth: number }[] = [];
  const placed = new Set<number>();
  // An explicit stack, not recursion: a chain of thousands of terms would overflow it.
  const stack: { term: T; depth: number }[] = [...(children.get(null) ?? [])]
    .reverse()
    .map((term) => ({ term, depth: 0 }));
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (placed.has(entry.term.id)) continue;
    placed.add(entry.term.id);
    out.push(entry);
    if (entry.depth >= maxDepth) continue;
    const below = children.get(entry.term.id) ?? [];
    for (let i = below.length - 1; i >= 0; i--) stack.push({ term: below[i]!, depth: entry.depth + 1 });
  }
  for (const term of terms) if (!placed.has(term.id)) out.push({ term, depth: 0 });
  return out;
}

/** The ids of a term's sub-terms at every depth (not its own), in breadth-first order. */
export function descendantIds(rootId: number, terms: readonly TreeNode[]): number[] {
  return descendantIdsOfAll([rootId], terms);
}

/** The ids below any of `rootIds` (not the roots themselves), each once: one walk for all. */
export function descendantIdsOfAll(rootIds: readonly number[], terms: readonly TreeNode[]): number[] {
  const children = childrenByParent(terms);
  const out: number[] = [];
  const seen = new Set<number>(rootIds);
  const queue = [...rootIds];
  for (let i = 0; i < queue.length; i++) {
    for (const child of children.get(queue[i]!) ?? []) {
      if (seen.has(child.id)) continue;
      seen.add(child.id);
      out.push(child.id);
      queue.push(child.id);
    }
  }
  return out;
}
