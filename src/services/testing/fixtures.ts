// Small builders shared by the services' unit tests (only tests import this folder).
import type { ArticleDraft } from '../../domain/article.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { DEFAULT_TAXONOMIES } from '../../domain/taxonomy.ts';
import type { Role } from '../../domain/user.ts';
import type { Staff } from '../newsroom/staff.ts';

/** A complete draft with sensible defaults; override what the test is about. */
export function articleDraft(overrides: Partial<ArticleDraft> = {}): ArticleDraft {
  return {
    slug: 'counting-every-cubic-metre',
    title: 'Counting Every Cubic Metre',
    subtitle: null,
    summary: 'How a basin measures its water.',
    epigraph: null,
    bodyMarkdown: 'The **river** basin keeps a ledger of every aquifer.',
    status: 'draft',
    publishedAt: null,
    source: null,
    canonicalUrl: null,
    license: null,
    language: 'en',
    featuredImage: null,
    featuredImageAlt: null,
    seoTitle: null,
    seoDescription: null,
    socialImage: null,
    visibility: 'public',
    isFeatured: false,
    hasComments: true,
    authorIds: [],
    termIds: [],
    ...overrides,
  };
}

/** Adds the default taxonomies and a person; returns their ids by slug. */
export async function seedBasics(
  repos: Repositories,
): Promise<{ taxonomies: Map<string, number>; personId: number }> {
  const taxonomies = new Map<string, number>();
  for (const taxonomy of DEFAULT_TAXONOMIES)
    taxonomies.set(taxonomy.slug, await repos.taxonomies.insertTaxonomy(taxonomy));
  const personId = await repos.people.insert({
    slug: 'ana-reis',
    name: 'Ana Reis',
    bio: null,
    bioHtml: null,
    email: null,
    website: null,
    links: [],
    photo: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });
  return { taxonomies, personId };
}

/** Adds a term to a taxonomy; returns its id. */
export async function addTerm(
  repos: Repositories,
  input: { taxonomyId: number; slug: string; name: string; parentId?: number },
): Promise<number> {
  return repos.taxonomies.insertTerm(
    {
      taxonomyId: input.taxonomyId,
      slug: input.slug,
      name: input.name,
      description: null,
      descriptionHtml: null,
      parentId: input.parentId ?? null,
      position: 0,
    },
    '2026-01-01T00:00:00.000Z',
  );
}

/** A staff user stored in the user repository, as the newsroom services receive them. */
export async function staffMember(
  repos: Repositories,
  input: { role: Role; name: string; personId?: number | null },
): Promise<Staff> {
  const email = `${input.name.toLowerCase().replace(/\W+/g, '.')}@press.example`;
  const id = await repos.users.insert({
    email,
    name: input.name,
    role: input.role,
    personId: input.personId ?? null,
    isDisabled: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    passwordHash: 'x',
  });
  return { id, email, name: input.name, role: input.role, personId: input.personId ?? null };
}
