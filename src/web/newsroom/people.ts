import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { personPath } from '../../domain/paths.ts';
import type { Person, PersonLink } from '../../domain/person.ts';
import { Errors } from '../../errors.ts';
import { type PersonInput, savePerson } from '../../services/newsroom/people-admin.ts';
import { html } from '../views/html.ts';
import type { AdminDeps } from './deps.ts';
import {
  csrfField,
  errorSummary,
  type FieldErrors,
  fieldErrorsOf,
  formField,
  stringValues,
} from './forms.ts';
import { currentUser } from './guard.ts';

const LABELS: Record<string, string> = {
  name: 'Name',
  slug: 'URL slug',
  bio: 'Bio',
  email: 'Email',
  website: 'Website',
  photo: 'Photo',
  links: 'Other links',
};

function idOf(value: string): number {
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : -1;
}

/** "Label | https://…" per line, as people write them. */
function parseLinks(text: string): PersonLink[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [label, ...rest] = line.split('|');
      return rest.length
        ? { label: (label ?? '').trim(), url: rest.join('|').trim() }
        : { label: '', url: line };
    });
}

function valuesOf(person: Person): Record<string, string> {
  return {
    name: person.name,
    slug: person.slug,
    bio: person.bio ?? '',
    email: person.email ?? '',
    website: person.website ?? '',
    photo: person.photo ?? '',
    links: person.links.map((l) => `${l.label} | ${l.url}`).join('\n'),
  };
}

function inputOf(values: Record<string, string>): PersonInput {
  return {
    name: values.name ?? '',
    slug: values.slug ?? '',
    bio: values.bio ?? '',
    email: values.email ?? '',
    website: values.website ?? '',
    photo: values.photo ?? '',
    links: parseLinks(values.links ?? ''),
  };
}

/** Errors on individual links ("links_2") are shown on the links field. */
function foldLinkErrors(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, message] of Object.entries(errors)) {
    const match = /^links_(\d+)$/.exec(field);
    const key = match ? 'links' : field;
    out[key] ??= match
      ? `Line ${Number(match[1]) + 1}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`
      : message;
  }
  return out;
}

/** People: authors and their bios, photos, links and contact. */
export async function peoplePages(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;

  const form = (
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      person?: Person;
      values: Record<string, string>;
      problem?: { errors: FieldErrors; message: string };
      status?: number;
    },
  ) => {
    const problem = state.problem && { ...state.problem, errors: foldLinkErrors(state.problem.errors) };
    const { person, values } = state;
    const field = (name: string, label: string, extra: Partial<Parameters<typeof formField>[0]> = {}) =>
      formField({ name, label, value: values[name], error: problem?.errors[name], ...extra });
    return deps.page(request, reply, {
      title: person ? person.name : 'New person',
      status: state.status ?? 200,
      notice: !problem && (request.query as { notice?: string }).notice === 'saved' ? 'Saved.' : undefined,
      body: (
        csrf,
      ) => html`<p class="editor-links"><a href="/admin/people">← People</a>${person ? html` · <a href="${personPath(person.slug)}">Author page</a>` : ''}</p>
${errorSummary(problem, LABELS)}
<form method="post" action="${person ? `/admin/people/${person.id}` : '/admin/people'}" novalidate class="panel">
  ${csrfField(csrf)}
  ${field('name', 'Name', { isRequired: true })}
  ${field('slug', 'URL slug', { hint: 'Empty: made from the name. Renaming keeps the old address working.' })}
  ${field('bio', 'Bio', { type: 'textarea', rows: 5, hint: 'Markdown. Shown at the end of articles and on the author page.' })}
  ${field('email', 'Email', { type: 'email', hint: 'Public contact, shown to readers.' })}
  ${field('website', 'Website', { type: 'url' })}
  ${field('links', 'Other links', { type: 'textarea', rows: 3, hint: 'One per line: Label | https://…' })}
  ${field('photo', 'Photo', { hint: 'An uploaded image’s address (/media/…, see Images) or an https:// address.' })}
  <div class="actions"><button type="submit">${person ? 'Save' : 'Add person'}</button></div>
</form>`,
    });
  };

  app.get('/people', { config: { access: 'person.manage' } }, async (request, reply) => {
    const people = await ctx.store.people.list();
    return deps.page(request, reply, {
      title: 'People',
      body: html`<p><a class="button" href="/admin/people/new">Add a person</a></p>
<div class="table-wrap"><table class="stack-table">
<thead><tr><th scope="col">Name</th><th scope="col">Contact</th><th scope="col">Author page</th></tr></thead>
<tbody>${people.map(
        (p) => html`<tr><td data-label="Name"><a href="/admin/people/${p.id}">${p.name}</a></td>
<td data-label="Contact">${p.email ?? '—'}</td><td data-label="Author page"><a href="${personPath(p.slug)}">${personPath(p.slug)}</a></td></tr>`,
      )}</tbody></table></div>`,
    });
  });

  app.get('/people/new', { config: { access: 'person.manage' } }, async (request, reply) =>
    form(request, reply, { values: {} }),
  );

  app.post('/people', { config: { access: 'person.manage' } }, async (request, reply) => {
    const values = stringValues(request.body);
    try {
      const person = await savePerson(ctx, currentUser(request), inputOf(values));
      return reply.redirect(`/admin/people/${person.id}?notice=saved`, 303);
    } catch (error) {
      const problem = fieldErrorsOf(error);
      if (!problem) throw error;
      return form(request, reply, { values, problem, status: 400 });
    }
  });

  app.get<{ Params: { id: string } }>(
    '/people/:id',
    { config: { access: 'person.manage' } },
    async (request, reply) => {
      const person = await ctx.store.people.findById(idOf(request.params.id));
      if (!person) throw Errors.PERSON_NOT_FOUND({ id: request.params.id });
      return form(request, reply, { person, values: valuesOf(person) });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/people/:id',
    { config: { access: 'person.manage' } },
    async (request, reply) => {
      const person = await ctx.store.people.findById(idOf(request.params.id));
      if (!person) throw Errors.PERSON_NOT_FOUND({ id: request.params.id });
      const values = stringValues(request.body);
      try {
        await savePerson(ctx, currentUser(request), { ...inputOf(values), id: person.id });
        return reply.redirect(`/admin/people/${person.id}?notice=saved`, 303);
      } catch (error) {
        const problem = fieldErrorsOf(error);
        if (!problem) throw error;
        return form(request, reply, { person, values, problem, status: 400 });
      }
    },
  );
}
