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
import { actOnEach, type BulkItemOutcome, chosenIds } from './bulk-items.ts';
import { type AddressOutcome, addressNote, checkedRedirect, leaveAddress } from './deletion.ts';
import { matchTotal } from './list-count.ts';
import { resolvePersonChoice } from './pickers.ts';
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
): Promise<{
  rows: PeopleAdminRow[];
  next: AdminArticleCursor | null;
  /** How many people match in all, up to LIST_COUNT_CAP + 1 ("more than"). */
  total: number;
}> {
  requireCan(staff, 'person.manage', 'Only editors may manage people.');
  const pageSize = options.pageSize ?? PEOPLE_PAGE_SIZE;
  const conditions = { sort: filters.sort, ...(filters.text ? { text: filters.text } : {}) };
  const found = await ctx.store.peopleAdmin.list({
    ...conditions,
    limit: pageSize + 1,
    ...(filters.after ? { after: filters.after } : {}),
  });
  const total = await matchTotal({ found: found.length, pageSize, isFirstPage: !filters.after }, (cap) =>
    ctx.store.peopleAdmin.count(conditions, cap),
  );
  const rows = found.slice(0, pageSize);
  const last = rows.at(-1);
  const next =
    found.length > pageSize && last
      ? { key: filters.sort === 'name' ? last.name : last.updatedAt, id: last.id }
      : null;
  return { rows, next, total };
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

/** What the confirmation page shows before a person is deleted. */
export interface PersonDeletionPlan {
  person: Person;
  /** Why the person may not be deleted now (bylines, an account), or null. */
  refusal: string | null;
}

/** How many bylines a refusal names: enough to find them, short enough to read. */
const NAMED_BYLINES = 3;

/**
 * Why `person` may not be deleted, or null: deleting them would take them off the bylines of
 * articles (deleted ones too, which an admin may restore) or leave an account writing as no one.
 */
async function whyPersonStays(
  repos: Pick<Repositories, 'articles' | 'users'>,
  person: Person,
): Promise<string | null> {
  const articleIds = await repos.articles.idsFiledUnder({ personId: person.id }, 0, NAMED_BYLINES + 1);
  if (articleIds.length > 0) {
    const titles: string[] = [];
    for (const id of articleIds.slice(0, NAMED_BYLINES)) {
      const article = (await repos.articles.findById(id)) ?? (await repos.articles.findDeleted(id))?.article;
      if (article) titles.push(`“${article.title}”`);
    }
    const more = articleIds.length > NAMED_BYLINES ? ' and more' : '';
    return `${person.name} is on the byline of ${titles.join(', ')}${more}: take them off ${articleIds.length === 1 ? 'that byline' : 'those bylines'} first (a deleted article counts too, as it may be restored).`;
  }
  const accounts = (await repos.users.list()).filter((user) => user.personId === person.id);
  if (accounts.length > 0) {
    return `${person.name} is who the staff account of ${accounts.map((u) => `${u.name} (${u.email})`).join(', ')} writes as: link that account to someone else in Users first.`;
  }
  return null;
}

/** What deleting a person would do, or why it may not be done, for the confirmation page. */
export async function planPersonDeletion(
  ctx: ServiceContext,
  staff: Staff,
  personId: number,
): Promise<PersonDeletionPlan> {
  const person = await loadPerson(ctx, staff, personId);
  return { person, refusal: await whyPersonStays(ctx.store, person) };
}

/** What deleting each chosen person would do, for a bulk deletion's confirmation; people gone since are left out. */
export async function planPeopleDeletion(
  ctx: ServiceContext,
  staff: Staff,
  personIds: readonly number[],
): Promise<PersonDeletionPlan[]> {
  requireCan(staff, 'person.manage', 'Only editors may manage people.');
  const plans: PersonDeletionPlan[] = [];
  for (const person of await ctx.store.people.findByIds(chosenIds(personIds, 'people'))) {
    plans.push({ person, refusal: await whyPersonStays(ctx.store, person) });
  }
  return plans;
}

/**
 * Deletes a person who is on no byline and linked to no account, in one transaction: a last
 * revision keeps what they were, the deletion is audited, and their author page answers 410 Gone,
 * or redirects to the author page of `replacement` (a name or address name, as the people picker
 * gives it). Refused with PERSON_IN_USE, saying why, otherwise.
 *
 * @example await deletePerson(ctx, staff, { personId: 7, replacement: 'nadia-korvell' })
 */
export async function deletePerson(
  ctx: ServiceContext,
  staff: Staff,
  input: { personId: number; replacement?: string },
): Promise<{ person: Person; address: AddressOutcome }> {
  requireCan(staff, 'person.manage', 'Only editors may manage people.');
  const now = ctx.now();
  const stamp = toIsoTimestamp(now);
  const replacement = input.replacement?.trim()
    ? await resolvePersonChoice(ctx, input.replacement, 'replacement')
    : undefined;
  const result = await ctx.store.transaction(async (repos) => {
    const person = await repos.people.findById(input.personId);
    if (!person) throw Errors.PERSON_NOT_FOUND({ id: input.personId });
    const refusal = await whyPersonStays(repos, person);
    if (refusal) throw Errors.PERSON_IN_USE({ reason: refusal });
    if (replacement?.id === person.id) {
      throw Errors.VALIDATION_FAILED({
        details: [{ field: 'replacement', message: `must be someone other than ${person.name}` }],
      });
    }
    // Readers may have known the author page whenever the person had a published article, which
    // nothing records once their bylines moved: the address is retired in every case.
    const path = personPath(person.slug);
    const target = await checkedRedirect(repos, {
      requested: replacement ? personPath(replacement.slug) : null,
      path,
      what: 'author page',
      field: 'replacement',
    });
    await repos.people.delete(person.id);
    const address = await leaveAddress(repos, { path, target, stamp });
    await keepRevision(repos, {
      entityType: 'person',
      entityId: person.id,
      actor: revisionActor(staff),
      snapshot: person,
      createdAt: stamp,
      note: `Deleted${addressNote(address)}`,
    });
    await recordAudit(repos, {
      actor: auditActor(staff),
      action: 'person.delete',
      entity: ['person', person.id],
      summary: `Deleted person “${person.name}”${addressNote(address)}`,
      at: now,
    });
    return { person, address };
  });
  ctx.changes.publish({ kind: 'person', id: result.person.id });
  ctx.log.info({ personId: result.person.id, address: result.address.kind }, 'person deleted');
  return result;
}

/**
 * Deletes each chosen person in turn, each exactly as {@link deletePerson} does alone (their
 * author pages answer 410 Gone), and reports each: deleted, or refused and why.
 */
export async function deletePeopleInBulk(
  ctx: ServiceContext,
  staff: Staff,
  input: { personIds: readonly number[] },
): Promise<BulkItemOutcome[]> {
  requireCan(staff, 'person.manage', 'Only editors may manage people.');
  return actOnEach(
    chosenIds(input.personIds, 'people'),
    async (personId) => {
      const { person, address } = await deletePerson(ctx, staff, { personId });
      return { name: person.name, path: personPath(person.slug), note: addressNote(address).slice(2) };
    },
    async (id) => {
      const person = await ctx.store.people.findById(id);
      return person && { name: person.name, path: personPath(person.slug) };
    },
  );
}
