import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { encodeCursor } from '../../domain/article-list-query.ts';
import { personPath } from '../../domain/paths.ts';
import { PEOPLE_LIST_SORTS, parsePeopleListQuery } from '../../domain/people-list-query.ts';
import type { Person, PersonLink } from '../../domain/person.ts';
import type { AdminArticleCursor } from '../../domain/ports/article-admin-store.ts';
import type { PeopleSort } from '../../domain/ports/people-admin-store.ts';
import {
  listPeoplePage,
  loadPerson,
  type PersonInput,
  savePerson,
} from '../../services/newsroom/people-admin.ts';
import { IdParams, NoticeQuery, OptionalText, type TypedApp } from '../schemas.ts';
import { html } from '../views/html.ts';
import { newsroomJs } from '../views/newsroom/assets.ts';
import { filterFieldState, filterSummary, filterValue } from '../views/newsroom/list-filters.ts';
import type { AdminDeps } from './deps.ts';
import {
  csrfField,
  errorSummary,
  type FieldErrors,
  formField,
  formRoute,
  listFilterProblems,
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

const PeopleQuery = Type.Object({
  notice: OptionalText,
  q: OptionalText,
  sort: OptionalText,
  after: OptionalText,
});

const PEOPLE_SORT_LABELS: Record<PeopleSort, string> = { name: 'Name (A–Z)', updated: 'Last changed' };

const PersonForm = Type.Object({
  name: OptionalText,
  slug: OptionalText,
  bio: OptionalText,
  email: OptionalText,
  website: OptionalText,
  photo: OptionalText,
  links: OptionalText,
});

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

function inputOf(values: Type.Static<typeof PersonForm>): PersonInput {
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
export async function peoplePages(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;

  const form = (
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      person?: Person;
      values: Record<string, string>;
      problem?: { errors: FieldErrors; message: string };
      status?: number;
      notice?: string | undefined;
    },
  ) => {
    const problem = state.problem && { ...state.problem, errors: foldLinkErrors(state.problem.errors) };
    const { person, values } = state;
    const field = (name: string, label: string, extra: Partial<Parameters<typeof formField>[0]> = {}) =>
      formField({ name, label, value: values[name], error: problem?.errors[name], ...extra });
    return deps.page(request, reply, {
      title: person ? person.name : 'New person',
      status: state.status ?? 200,
      notice: !problem && state.notice === 'saved' ? 'Saved.' : undefined,
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
  <div class="featured-pick">
    ${/^(\/media\/|https:\/\/)/.test(values.photo ?? '') ? html`<img class="featured-thumb" src="${values.photo}" alt="">` : html`<img class="featured-thumb" alt="" hidden>`}
    <button type="button" class="secondary" data-picker="photo" hidden>Choose a photo</button>
  </div>
  ${field('photo', 'Photo', { hint: 'Choose or upload one in the image library, or write an image’s address (/media/… or https://…).' })}
  <div class="actions"><button type="submit">${person ? 'Save' : 'Add person'}</button></div>
</form>
<script src="${newsroomJs()}" defer></script>`,
    });
  };

  app.get(
    '/people',
    { config: { access: 'person.manage', listQuery: true }, schema: { querystring: PeopleQuery } },
    async (request, reply) => {
      const { filters, errors } = parsePeopleListQuery(request.query);
      const problems = listFilterProblems(errors, request.query);
      const q = filterFieldState(problems, 'q', 'people-q');
      const sort = filterFieldState(problems, 'sort', 'people-sort');
      const { rows, next } = await listPeoplePage(ctx, currentUser(request), filters);
      const query = (after?: AdminArticleCursor) => {
        const params = new URLSearchParams();
        if (filters.text) params.set('q', filters.text);
        if (filters.sort !== 'name') params.set('sort', filters.sort);
        if (after) params.set('after', encodeCursor(after));
        const text = params.toString();
        return text ? `?${text}` : '';
      };
      return deps.page(request, reply, {
        title: 'People',
        status: problems ? 400 : 200,
        body: html`<p><a class="button" href="/admin/people/new">Add a person</a></p>
${filterSummary(problems, {
  q: { id: 'people-q', label: 'Search names, addresses and email' },
  sort: { id: 'people-sort', label: 'Sort by' },
})}<form method="get" action="/admin/people" class="panel list-filters" role="search" aria-label="Search people">
  <div class="field${q.className}"><label for="people-q">Search names, addresses and email</label><input id="people-q" name="q" type="search" maxlength="200" value="${filterValue(problems, 'q', filters.text)}"${q.invalid}>${q.message}</div>
  <div class="field${sort.className}"><label for="people-sort">Sort by</label><select id="people-sort" name="sort"${sort.invalid}>${PEOPLE_LIST_SORTS.map((s) => html`<option value="${s}"${filters.sort === s ? html` selected` : ''}>${PEOPLE_SORT_LABELS[s]}</option>`)}</select>${sort.message}</div>
  <div class="actions"><button type="submit">Search</button>${filters.text || filters.sort !== 'name' || problems ? html` <a href="/admin/people">Clear</a>` : ''}</div>
</form>
${
  rows.length === 0
    ? html`<p class="empty">${filters.after ? 'No more people.' : 'No one matches.'}</p>`
    : html`<div class="table-wrap"><table class="stack-table people-list">
<thead><tr><th scope="col">Name</th><th scope="col">Contact</th><th scope="col">Author page</th></tr></thead>
<tbody>${rows.map(
        (p) => html`<tr><td data-label="Name"><a href="/admin/people/${p.id}">${p.name}</a></td>
<td data-label="Contact">${p.email ?? '—'}</td><td data-label="Author page"><a href="${personPath(p.slug)}">${personPath(p.slug)}</a></td></tr>`,
      )}</tbody></table></div>`
}
<nav aria-label="Pages of the list" class="pager">${filters.after ? html`<a href="/admin/people${query()}">← First page</a>` : ''}${
          next ? html` <a href="/admin/people${query(next)}" rel="next">Next page →</a>` : ''
        }</nav>`,
      });
    },
  );

  app.get('/people/new', { config: { access: 'person.manage' } }, async (request, reply) =>
    form(request, reply, { values: {} }),
  );

  formRoute(
    app,
    '/people',
    { config: { access: 'person.manage' }, schema: { body: PersonForm } },
    async (request, reply) => {
      const person = await savePerson(ctx, currentUser(request), inputOf(request.body));
      return reply.redirect(`/admin/people/${person.id}?notice=saved`, 303);
    },
    async (request, reply, problem) =>
      form(request, reply, { values: stringValues(request.body), problem, status: 400 }),
  );

  app.get(
    '/people/:id',
    { config: { access: 'person.manage' }, schema: { params: IdParams, querystring: NoticeQuery } },
    async (request, reply) => {
      const person = await loadPerson(ctx, currentUser(request), request.params.id);
      return form(request, reply, { person, values: valuesOf(person), notice: request.query.notice });
    },
  );

  formRoute(
    app,
    '/people/:id',
    { config: { access: 'person.manage' }, schema: { params: IdParams, body: PersonForm } },
    async (request, reply) => {
      const { id } = request.params;
      await savePerson(ctx, currentUser(request), { ...inputOf(request.body), id });
      return reply.redirect(`/admin/people/${id}?notice=saved`, 303);
    },
    async (request, reply, problem) => {
      const person = await loadPerson(ctx, currentUser(request), request.params.id);
      return form(request, reply, { person, values: stringValues(request.body), problem, status: 400 });
    },
  );
}
