import { renderMarkdown } from '../../content/markdown.ts';
import { toIsoTimestamp } from '../../domain/article.ts';
import { personPath } from '../../domain/paths.ts';
import type { Person, PersonLink } from '../../domain/person.ts';
import type { Repositories } from '../../domain/ports/store.ts';
import { slugify, slugProblem } from '../../domain/slug.ts';
import { isHttpUrl, isSitePath } from '../../domain/url.ts';
import { Errors, type FieldError } from '../../errors.ts';
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

/** Every author, for the people list. */
export async function listPeople(ctx: ServiceContext, staff: Staff): Promise<Person[]> {
  requireCan(staff, 'person.manage', 'Only editors may manage people.');
  return ctx.store.people.list();
}

/** One author to edit, or PERSON_NOT_FOUND. */
export async function loadPerson(ctx: ServiceContext, staff: Staff, id: number): Promise<Person> {
  requireCan(staff, 'person.manage', 'Only editors may manage people.');
  const person = await ctx.store.people.findById(id);
  if (!person) throw Errors.PERSON_NOT_FOUND({ id });
  return person;
}

/** Every problem with a person's fields, by field. */
export function validatePersonInput(input: PersonInput): FieldError[] {
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (!name) errors.push({ field: 'name', message: 'must not be empty' });
  if (name.length > 200) errors.push({ field: 'name', message: 'must be at most 200 characters' });
  const slug = input.slug.trim() || slugify(name);
  const slugIssue = name || input.slug.trim() ? slugProblem(slug) : undefined;
  if (slugIssue) errors.push({ field: 'slug', message: slugIssue });
  if (input.bio.length > 5000) errors.push({ field: 'bio', message: 'must be at most 5000 characters' });
  const email = input.email.trim();
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    errors.push({ field: 'email', message: 'must be an email address' });
  if (input.website.trim() && !isHttpUrl(input.website.trim())) {
    errors.push({ field: 'website', message: 'must be an http or https URL' });
  }
  const photo = input.photo.trim();
  if (photo && !(isSitePath(photo) && photo.startsWith('/media/')) && !isHttpUrl(photo)) {
    errors.push({ field: 'photo', message: 'must be an uploaded image or an http(s) URL' });
  }
  input.links.forEach((link, index) => {
    if (!link.label.trim()) errors.push({ field: `links_${index}`, message: 'needs a label' });
    if (!isHttpUrl(link.url.trim()))
      errors.push({ field: `links_${index}`, message: 'must be an http or https URL' });
  });
  return errors;
}

/** Creates (no id) or edits a person. A new slug leaves a permanent redirect from the old author page. */
export async function savePerson(
  ctx: ServiceContext,
  staff: Staff,
  input: PersonInput & { id?: number },
): Promise<Person> {
  requireCan(staff, 'person.manage', 'Only editors may manage people.');
  const errors = validatePersonInput(input);
  const now = ctx.now();
  const nowIso = toIsoTimestamp(now);
  const { person, oldSlug } = await ctx.store.transaction(async (repos: Repositories) => {
    const existing = input.id === undefined ? undefined : await repos.people.findById(input.id);
    if (input.id !== undefined && !existing) throw Errors.PERSON_NOT_FOUND({ id: input.id });
    const slug = input.slug.trim() || slugify(input.name.trim());
    const clash = slug ? await repos.people.findBySlug(slug) : undefined;
    if (clash && clash.id !== existing?.id)
      errors.push({ field: 'slug', message: `is already used by ${clash.name}` });
    if (errors.length > 0) throw Errors.VALIDATION_FAILED({ details: errors });
    const bio = input.bio.trim() || null;
    const record = {
      slug,
      name: input.name.trim(),
      bio,
      bioHtml: bio ? await renderMarkdown(bio, { field: 'bio' }) : null,
      email: input.email.trim() || null,
      website: input.website.trim() || null,
      links: input.links.map((l) => ({ label: l.label.trim(), url: l.url.trim() })),
      photo: input.photo.trim() || null,
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
