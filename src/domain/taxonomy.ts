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
