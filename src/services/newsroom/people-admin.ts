import { renderMarkdown } from '../../content/markdown.ts';
import { toIsoTimestamp } from '../../domain/article.ts';
import { personPath } from '../../domain/paths.ts';
import type { PeopleListFilters } from '../../domain/people-list-query.ts';
import { can } from '../../domain/permissions.ts';
import { type Person, type PersonLink, validatePerson } from '../../domain/person.ts';
import type { AdminArticleCursor } from '../../domain/ports/article-admin-store.ts';
import type { PeopleAdminRow } from '../../domain/ports/people-admin-store.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { slugify } from '../../domain/slug.ts';
import { cleanLine } from '../../domain/text.ts';
import { Errors } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { keepRevision } from '../revision-log.ts';
import { auditActor, requireCan, revisionActor, type Staff } from './staff.ts';

export interface PersonInput {
  name: string;
  /** Empty: made from the name. */
  slug: string;
  bio: string;
  email: string;
  website: string;
  links: PersonLink[];
  photo: string;
}

/** How many people one page of the admin list shows. */
export const PEOPLE_PAGE_SIZE = 50;

/** Every author, to choose from (linking an account to a person). */
export async function listPeople(ctx: ServiceContext, staff: Staff): Promise<Person[]> {
  requireCan(staff, 'person.manage', 'Only editors may manage people.');
  return ctx.store.people.list();
}

/** One page of the people list, searched and ordered; `next` starts the following page, null on the last. */
export async function listPeoplePage(
  ctx: ServiceContext,
  staff: Staff,
  filters: PeopleListFilters,
  options: { pageSize?: number } = {},
): Promise<{ rows: PeopleAdminRow[]; next: AdminArticleCursor | null }> {
  requireCan(staff, 'person.manage', 'Only editors may manage people.');
  const pageSize = options.pageSize ?? PEOPLE_PAGE_SIZE;
  const found = await ctx.store.peopleAdmin.list({
    sort: filters.sort,
    limit: pageSize + 1,
    ...(filters.text ? { text: filters.text } : {}),
    ...(filters.after ? { after: filters.after } : {}),
  });
  const rows = found.slice(0, pageSize);
  const last = rows.at(-1);
  const next =
    found.length > pageSize && last
      ? { key: filters.sort === 'name' ? last.name : last.updatedAt, id: last.id }
      : null;
  return { rows, next };
}

/** One author to edit, or PERSON_NOT_FOUND. */
export async function loadPerson(ctx: ServiceContext, staff: Staff, id: number): Promise<Person> {
  requireCan(staff, 'person.manage', 'Only editors may manage people.');
  const person = await ctx.store.people.findById(id);
  if (!person) throw Errors.PERSON_NOT_FOUND({ id });
  return person;
}

/** How many new people one notice names (a save creates at most a few). */
const MAX_NAMED_NEW_PEOPLE = 20;

/**
 * The people among `ids` still without a bio or a photo, for the notice after a save that created
 * them from the byline; none for a role that may not edit people (the links would be refused).
 */
export async function peopleWithoutProfile(
  ctx: ServiceContext,
  staff: Staff,
  ids: readonly number[],
): Promise<Pick<Person, 'id' | 'name'>[]> {
  if (!can(staff.role, 'person.manage') || ids.length === 0) return [];
  const found = await ctx.store.people.findByIds(ids.slice(0, MAX_NAMED_NEW_PEOPLE));
  return found.filter((p) => p.bio === null && p.photo === null).map((p) => ({ id: p.id, name: p.name }));
}

/** The fields of a person as the form gives them, trimmed and with empty ones null, as stored. */
function fieldsOf(input: PersonInput) {
  const name = cleanLine(input.name).trim();
  return {
    name,
    slug: input.slug.trim() || slugify(name),
    bio: input.bio.trim() || null,
    email: input.email.trim() || null,
    website: input.website.trim() || null,
    photo: input.photo.trim() || null,
    links: input.links.map((l) => ({ label: l.label.trim(), url: l.url.trim() })),
  };
}

/** Creates (no id) or edits a person. A new slug leaves a permanent redirect from the old author page. */
export async function savePerson(
  ctx: ServiceContext,
  staff: Staff,
  input: PersonInput & { id?: number },
): Promise<Person> {
  requireCan(staff, 'person.manage', 'Only editors may manage people.');
  const fields = fieldsOf(input);
  const errors = validatePerson(fields);
  const now = ctx.now();
  const nowIso = toIsoTimestamp(now);
  const { person, oldSlug } = await ctx.store.transaction(async (repos: Repositories) => {
    const existing = input.id === undefined ? undefined : await repos.people.findById(input.id);
    if (input.id !== undefined && !existing) throw Errors.PERSON_NOT_FOUND({ id: input.id });
    const { slug, bio } = fields;
    const clash = slug ? await repos.people.findBySlug(slug) : undefined;
    if (clash && clash.id !== existing?.id)
      errors.push({ field: 'slug', message: `is already used by ${clash.name}` });
    if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
    const record = {
      slug,
      name: fields.name,
      bio,
      bioHtml: bio ? await renderMarkdown(bio, { field: 'bio' }) : null,
      email: fields.email,
      website: fields.website,
      links: fields.links,
      photo: fields.photo,
      createdAt: existing?.createdAt ?? nowIso,
      updatedAt: nowIso,
    };
    let id: number;
    if (existing) {
      id = existing.id;
      await repos.people.update(id, record);
      if (existing.slug !== slug) {
        await repos.redirects.put(
          { fromPath: personPath(existing.slug), toPath: personPath(slug), statusCode: 301 },
          nowIso,
        );
      }
    } else {
      id = await repos.people.insert(record);
    }
    const saved: Person = { id, ...record };
    await keepRevision(repos, {
      entityType: 'person',
      entityId: id,
      actor: revisionActor(staff),
      snapshot: saved,
      createdAt: nowIso,
    });
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: existing ? 'person.edit' : 'person.create',
      entity: ['person', id],
      summary: `${existing ? 'Edited' : 'Created'} person “${saved.name}”`,
      at: now,
    });
    return { person: saved, oldSlug: existing?.slug };
  });
  ctx.changes.publish(oldSlug !== undefined ? { kind: 'everything' } : { kind: 'person', id: person.id });
  return person;
}
