import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { encodeCursor } from '../../domain/article-list-query.ts';
import { personPath } from '../../domain/paths.ts';
import { PEOPLE_LIST_SORTS, parsePeopleListQuery } from '../../domain/people-list-query.ts';
import type { Person, PersonLink } from '../../domain/person.ts';
import type { AdminArticleCursor } from '../../domain/ports/article-admin-store.ts';
import type { PeopleSort } from '../../domain/ports/people-admin-store.ts';
import { MAX_BULK_ITEMS } from '../../services/newsroom/bulk-items.ts';
import { LIST_COUNT_CAP } from '../../services/newsroom/list-count.ts';
import {
  deletePeopleInBulk,
  deletePerson,
  listPeoplePage,
  loadPerson,
  type PersonInput,
  planPeopleDeletion,
  planPersonDeletion,
  savePerson,
} from '../../services/newsroom/people-admin.ts';
import { IdParams, NoticeQuery, OptionalText, type TypedApp } from '../schemas.ts';
import { html } from '../views/html.ts';
import { newsroomJs } from '../views/newsroom/assets.ts';
import {
  type BulkListOrigin,
  bulkDeleteConfirmView,
  bulkItemsResultView,
} from '../views/newsroom/bulk-items.ts';
import {
  emptyList,
  filterFieldState,
  filterSummary,
  filterValue,
  matchCount,
} from '../views/newsroom/list-filters.ts';
import { pickerField } from '../views/newsroom/picker-field.ts';
import { noticeIn } from '../views/notices.ts';
import type { AdminDeps } from './deps.ts';
import {
  csrfField,
  errorSummary,
  type FieldErrors,
  type FormProblem,
  fieldId,
  formAlert,
  formField,
  formRoute,
  keptListQuery,
  listFilterProblems,
  stringValues,
  tickedIds,
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

/** The people list's own filters, kept when a bulk action leads back to it. */
const PEOPLE_LIST_KEYS = ['q', 'sort', 'after'] as const;

const PeopleBulkForm = Type.Object({
  action: Type.Literal('delete'),
  id: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: MAX_BULK_ITEMS })])),
  /** The list's query string, to lead back to it with its filters. */
  list: OptionalText,
  /** "1" once the editor confirmed the deletion. */
  confirmed: OptionalText,
});

const PersonDeleteForm = Type.Object({ replacement: OptionalText });

const PEOPLE_LIST_NOTICES: Record<string, string> = {
  deleted: 'Person deleted. Their history is kept.',
  'bulk-none': 'Nothing was deleted: tick the people to delete, then apply it again.',
};

/** The people list as a bulk action's results lead back to it. */
function peopleOrigin(listQuery: string): BulkListOrigin {
  return {
    listPath: '/admin/people',
    listQuery,
    noun: 'people',
    one: 'person',
    itemPath: (id) => `/admin/people/${id}`,
  };
}

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
      ) => html`<p class="editor-links"><a href="/admin/people">← People</a>${person ? html` · <a href="${personPath(person.slug)}">Author page</a> · <a href="/admin/people/${person.id}/delete">Delete…</a>` : ''}</p>
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
      const { rows, next, total } = await listPeoplePage(ctx, currentUser(request), filters);
      const query = (after?: AdminArticleCursor) => {
        const params = new URLSearchParams();
        if (filters.text) params.set('q', filters.text);
        if (filters.sort !== 'name') params.set('sort', filters.sort);
        if (after) params.set('after', encodeCursor(after));
        const text = params.toString();
        return text ? `?${text}` : '';
      };
      const listQuery = keptListQuery(request.query, PEOPLE_LIST_KEYS);
      return deps.page(request, reply, {
        title: 'People',
        status: problems ? 400 : 200,
        notice: problems ? undefined : noticeIn(PEOPLE_LIST_NOTICES, request.query.notice),
        body: (csrf) => html`<p><a class="button" href="/admin/people/new">Add a person</a></p>
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
    ? emptyList({
        isLaterPage: Boolean(filters.after),
        isFiltered: Boolean(filters.text),
        noMore: 'No more people.',
        noneMatch: 'No one matches.',
        noneYet: 'No people yet: authors appear here once added, or once a byline names them.',
        clearHref: '/admin/people',
        add: { href: '/admin/people/new', label: 'Add the first person' },
      })
    : html`<form method="post" action="/admin/people/bulk" id="people-bulk" class="panel bulk-bar" novalidate>
  ${csrfField(csrf)}<input type="hidden" name="list" value="${listQuery}"><input type="hidden" name="action" value="delete">
  <p class="hint">Tick people below to delete them together. Someone on a byline or linked to a staff account is not deleted; the next page says who and why.</p>
  <div class="actions"><button type="submit" class="danger">Delete the selected…</button></div>
</form>
${matchCount(total, LIST_COUNT_CAP, { one: 'person', many: 'people' })}
<div class="table-wrap"><table class="stack-table people-list">
<thead><tr><th scope="col"><span class="visually-hidden">Select</span><label class="select-all-field" hidden><input type="checkbox" class="select-all" aria-label="Select all people on this page of the list"><span class="select-all-text">Select all</span></label></th><th scope="col">Name</th><th scope="col">Contact</th><th scope="col">Author page</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows.map(
        (
          p,
        ) => html`<tr><td data-label="Select"><input type="checkbox" name="id" value="${p.id}" form="people-bulk" aria-label="Select “${p.name}”"></td><td data-label="Name"><a href="/admin/people/${p.id}" id="person-name-${p.id}">${p.name}</a></td>
<td data-label="Contact">${p.email ?? '—'}</td><td data-label="Author page"><a href="${personPath(p.slug)}">${personPath(p.slug)}</a></td>
<td data-label="Actions" class="row-actions"><a href="/admin/people/${p.id}/delete" aria-describedby="person-name-${p.id}">Delete…</a></td></tr>`,
      )}</tbody></table></div>`
}
<nav aria-label="Pages of the list" class="pager">${filters.after ? html`<a href="/admin/people${query()}">← First page</a>` : ''}${
          next ? html` <a href="/admin/people${query(next)}" rel="next">Next page →</a>` : ''
        }</nav>
<script src="${newsroomJs()}" defer></script>`,
      });
    },
  );

  app.post(
    '/people/bulk',
    { config: { access: 'person.manage' }, schema: { body: PeopleBulkForm } },
    async (request, reply) => {
      const listQuery = keptListQuery(request.body.list, PEOPLE_LIST_KEYS);
      const personIds = tickedIds(request.body.id, 'a person');
      if (personIds.length === 0) {
        return reply.redirect(`/admin/people?${listQuery ? `${listQuery}&` : ''}notice=bulk-none`, 303);
      }
      const staff = currentUser(request);
      if (request.body.confirmed !== '1') {
        const plans = await planPeopleDeletion(ctx, staff, personIds);
        const deletable = plans.filter((plan) => plan.refusal === null).length;
        return deps.page(request, reply, {
          title: 'Delete people',
          body: (csrf) =>
            bulkDeleteConfirmView(
              {
                ...peopleOrigin(listQuery),
                action: '/admin/people/bulk',
                items: plans.map(({ person, refusal }) => ({
                  id: person.id,
                  name: person.name,
                  path: personPath(person.slug),
                  refusal,
                })),
                consequences: html`<ul class="list">
  <li>The author page of each one deleted will answer <strong>410 Gone</strong>. To send readers to someone else’s author page, delete that person on their own.</li>
  <li>What they were is kept in the revision log.</li>
</ul>`,
                buttonLabel:
                  deletable === plans.length
                    ? `Delete ${plans.length === 1 ? 'this person' : `these ${plans.length} people`}`
                    : `Delete the ${deletable} who can be`,
              },
              csrf,
            ),
        });
      }
      const outcomes = await deletePeopleInBulk(ctx, staff, { personIds });
      return deps.page(request, reply, {
        title: 'Bulk action',
        body: bulkItemsResultView({
          ...peopleOrigin(listQuery),
          actionLabel: 'Deleted',
          isDeletion: true,
          outcomes,
        }),
      });
    },
  );

  /** A person's deletion confirmation (or why they may not be deleted), shown again with a problem. */
  const sendDeleteConfirm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    personId: number,
    state: { values?: Record<string, string>; problem?: FormProblem } = {},
  ) => {
    const { person, refusal } = await planPersonDeletion(ctx, currentUser(request), personId);
    const fieldProblem =
      state.problem && Object.keys(state.problem.errors).length > 0 ? state.problem : undefined;
    return deps.page(request, reply, {
      title: `Delete: ${person.name}`,
      status: state.problem?.status ?? (refusal ? 409 : 200),
      body: (
        csrf,
      ) => html`<p class="editor-links"><a href="/admin/people/${person.id}">← Back to ${person.name}</a></p>
${fieldProblem ? errorSummary(fieldProblem, { replacement: 'Send readers to' }) : formAlert(refusal ?? state.problem?.message)}
<section class="panel" aria-labelledby="delete-heading">
<h2 id="delete-heading">Delete ${person.name}?</h2>
${
  refusal
    ? html`<p>${person.name} cannot be deleted while that is so.</p>
<div class="actions"><a class="button" href="/admin/people/${person.id}">Back to ${person.name}</a></div>`
    : html`<ul class="list">
  <li>Their author page <code>${personPath(person.slug)}</code> will answer <strong>410 Gone</strong> (removed for good), unless you send its readers to someone else’s below.</li>
  <li>What they were is kept: the deletion is recorded in the revision log and the audit log.</li>
</ul>
<form method="post" action="/admin/people/${person.id}/delete" novalidate>
  ${csrfField(csrf)}
  ${pickerField({
    id: fieldId('replacement'),
    name: 'replacement',
    label: 'Send readers to the author page of (optional)',
    value: state.values?.replacement ?? '',
    source: '/admin/suggest/people',
    hint: 'A name or an address name, with suggestions as you type. Leave it empty to answer 410 Gone.',
    ...(state.problem?.errors.replacement ? { error: state.problem.errors.replacement } : {}),
  })}
  <div class="actions"><button type="submit" class="danger">Delete ${person.name}</button> <a href="/admin/people/${person.id}">Cancel</a></div>
</form>
<script src="${newsroomJs()}" defer></script>`
}
</section>`,
    });
  };

  app.get(
    '/people/:id/delete',
    { config: { access: 'person.manage' }, schema: { params: IdParams } },
    async (request, reply) => sendDeleteConfirm(request, reply, request.params.id),
  );

  formRoute(
    app,
    '/people/:id/delete',
    { config: { access: 'person.manage' }, schema: { params: IdParams, body: PersonDeleteForm } },
    async (request, reply) => {
      await deletePerson(ctx, currentUser(request), {
        personId: request.params.id,
        ...(request.body.replacement ? { replacement: request.body.replacement } : {}),
      });
      return reply.redirect('/admin/people?notice=deleted', 303);
    },
    async (request, reply, problem) =>
      sendDeleteConfirm(request, reply, request.params.id, { values: stringValues(request.body), problem }),
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
