import { renderMarkdown } from '../content/markdown.ts';
import { toIsoTimestamp } from '../domain/article.ts';
import { nameSkeleton } from '../domain/name-skeleton.ts';
import { PERSON_LIMITS, type Person, validatePerson } from '../domain/person.ts';
import type { Repositories } from '../domain/ports/store.ts';
import { slugify } from '../domain/slug.ts';
import { cleanLine, clipText, stripXmlForbidden } from '../domain/text.ts';
import { Errors } from '../errors.ts';
import { keepRevision } from './revision-log.ts';
import { findingTheWinner } from './unique-races.ts';

/** An author as named in an import: a name, maybe with a slug and profile fields. */
export interface PersonRef {
  name: string;
  slug?: string | undefined;
  bio?: string | undefined;
  email?: string | undefined;
  website?: string | undefined;
}

/** What an import may do to a person it finds already here, and hears about what it did. */
export interface FoundPersonPolicy {
  /**
   * Whether the profile fields of the reference may replace those of a person found here: only
   * for one the same import source made (a re-run). Without it, a found person is left alone.
   */
  mayUpdateProfile?: (person: Person) => Promise<boolean>;
  /** Told when a found person's profile differed from the reference's and was kept. */
  onProfileKept?: (person: Person) => void;
  /** Told when the person was created. */
  onCreated?: (person: Person) => Promise<void>;
}

/**
 * Finds a person by slug, else by name, else creates one. A person found here keeps their
 * profile (made by hand or by another source) unless `policy.mayUpdateProfile` allows the
 * reference's profile fields to fill in or replace it.
 */
export function findOrCreatePerson(
  repos: Pick<Repositories, 'people' | 'revisions'>,
  ref: PersonRef,
  now: Date,
  actor = 'import',
  policy: FoundPersonPolicy = {},
): Promise<Person> {
  // Two imports or bylines naming one new person at once: the one that loses finds the winner's.
  return findingTheWinner(() => findOrCreatePersonOnce(repos, ref, now, actor, policy));
}

async function findOrCreatePersonOnce(
  repos: Pick<Repositories, 'people' | 'revisions'>,
  ref: PersonRef,
  now: Date,
  actor: string,
  policy: FoundPersonPolicy,
): Promise<Person> {
  const name = cleanLine(ref.name).trim();
  const slug = stripXmlForbidden(ref.slug ?? '').trim() || slugify(name);
  if (!name)
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'authors', message: 'an author has an empty name' }],
    });
  if (!slug)
    throw Errors.VALIDATION_FAILED({
      details: [{ field: 'authors', message: `cannot make a URL slug from the author name "${name}"` }],
    });
  const profile = {
    bio: stripXmlForbidden(ref.bio ?? '').trim() || null,
    email: ref.email?.trim() || null,
    website: ref.website?.trim() || null,
  };
  const problems = validatePerson({ name, slug, ...profile });
  if (problems.length > 0) {
    const who = name.length > 60 ? `${name.slice(0, 60)}…` : name;
    throw Errors.VALIDATION_FAILED({
      details: problems.map((p) => ({ field: 'authors', message: `“${who}”: ${p.field} ${p.message}` })),
    });
  }
  const timestamp = toIsoTimestamp(now);
  const existing =
    (await repos.people.findBySlug(slug)) ?? (ref.slug ? undefined : await repos.people.findByName(name));
  if (existing) {
    const hasProfileChange =
      (profile.bio !== null && profile.bio !== existing.bio) ||
      (profile.email !== null && profile.email !== existing.email) ||
      (profile.website !== null && profile.website !== existing.website);
    if (!hasProfileChange) return existing;
    if (!(await policy.mayUpdateProfile?.(existing))) {
      policy.onProfileKept?.(existing);
      return existing;
    }
    const bio = profile.bio ?? existing.bio;
    const updated = {
      ...existing,
      bio,
      bioHtml: bio === null ? null : await renderMarkdown(bio, { field: 'authors' }),
      email: profile.email ?? existing.email,
      website: profile.website ?? existing.website,
      updatedAt: timestamp,
    };
    await repos.people.update(existing.id, updated);
    await keepRevision(repos, {
      entityType: 'person',
      entityId: existing.id,
      actor,
      snapshot: updated,
      createdAt: timestamp,
    });
    return updated;
  }
  const record = {
    slug,
    name,
    bio: profile.bio,
    bioHtml: profile.bio === null ? null : await renderMarkdown(profile.bio, { field: 'authors' }),
    email: profile.email,
    website: profile.website,
    links: [],
    photo: null,
    createdAt: timestamp,
    updatedAt: timestamp,
  };
  const created = await insertPerson(repos, record, actor);
  await policy.onCreated?.(created);
  return created;
}

/**
 * A new person for a staff member who writes under their own name: always a new record (with
 * a free slug such as "nadia-korvell-2"), never an existing person who happens to share the
 * name. Linking an account to an existing person is an admin's explicit act (users.linkPerson).
 * A name that reads like an existing person's (same spelling, case, spacing, invisible or
 * lookalike letters aside) is refused: it would make a byline readers cannot tell apart.
 */
export async function createOwnPerson(
  repos: Repositories,
  name: string,
  now: Date,
  actor: string,
): Promise<Person> {
  // Staff names are as long as people's; one from before that rule is cut rather than refused.
  const clean = clipText(cleanLine(name).trim(), PERSON_LIMITS.name);
  if (!clean)
    throw Errors.VALIDATION_FAILED({ details: [{ field: 'authors', message: 'your name is empty' }] });
  // A name that reads like an existing author's would be a byline readers cannot tell from theirs.
  // Looked up by skeleton (stored with each person), so a namesake is found whatever their slug
  // and however either name is spelled; and by the slug the name reads as, for a person whose
  // page address is that name while their display name is something else.
  const namesake =
    (await repos.people.findByName(clean)) ??
    (await repos.people.findByNameSkeleton(clean)) ??
    (await repos.people.findBySlug(slugify(nameSkeleton(clean))));
  if (namesake) {
    throw Errors.VALIDATION_FAILED({
      details: [
        {
          field: 'authors',
          message: `“${clean}” reads like the name of ${namesake.name}, an author here already: ask an admin to link your account to their author page if it is yours, or to change your account name`,
        },
      ],
    });
  }
  const base = slugify(clean) || 'author';
  // A slug found free may be taken by a parallel save before the insert: the next try finds the next one.
  return findingTheWinner(async () => {
    let slug = base;
    for (let n = 2; await repos.people.findBySlug(slug); n++) slug = `${base}-${n}`;
    const timestamp = toIsoTimestamp(now);
    const record = {
      slug,
      name: clean,
      bio: null,
      bioHtml: null,
      email: null,
      website: null,
      links: [],
      photo: null,
      createdAt: timestamp,
      updatedAt: timestamp,
    };
    return insertPerson(repos, record, actor);
  });
}

/** Stores a new person with its first revision. */
async function insertPerson(
  repos: Pick<Repositories, 'people' | 'revisions'>,
  record: Omit<Person, 'id'>,
  actor: string,
): Promise<Person> {
  const id = await repos.people.insert(record);
  await keepRevision(repos, {
    entityType: 'person',
    entityId: id,
    actor,
    snapshot: record,
    createdAt: record.createdAt,
  });
  return { id, ...record };
}
