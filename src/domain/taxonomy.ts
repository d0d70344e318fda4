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
