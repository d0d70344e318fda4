import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { parseWholeNumber } from '../../domain/limits.ts';
import { parseNameListQuery } from '../../domain/name-list-query.ts';
import type { Page } from '../../domain/page.ts';
import { pagePath } from '../../domain/paths.ts';
import type { NameListSort } from '../../domain/ports/admin-list-store.ts';
import { findPageById, listPagesPage, savePage } from '../../services/newsroom/page-admin.ts';
import { IdParams, NoticeQuery, OptionalText, type TypedApp } from '../schemas.ts';
import { html } from '../views/html.ts';
import { nameListForm, nameListPager } from '../views/newsroom/name-list.ts';
import type { AdminDeps } from './deps.ts';
import {
  csrfField,
  errorSummary,
  type FieldErrors,
  fieldId,
  formField,
  formRoute,
  listFilterProblems,
  stringValues,
} from './forms.ts';
import { currentUser } from './guard.ts';

const LABELS: Record<string, string> = {
  title: 'Title',
  slug: 'URL slug',
  body: 'Body',
  status: 'Status',
  position: 'Order',
};

const PageForm = Type.Object({
  title: OptionalText,
  slug: OptionalText,
  body: OptionalText,
  status: OptionalText,
  /** A checkbox: "1" when ticked, absent when not. */
  show_in_navigation: OptionalText,
  position: OptionalText,
});

const PAGE_BODY_LIMIT = 4 * 1024 * 1024;

const PageListQuery = Type.Object({ q: OptionalText, sort: OptionalText, after: OptionalText });

const PAGE_SORT_LABELS: Record<NameListSort, string> = {
  position: 'Navigation order',
  name: 'Title (A–Z)',
  updated: 'Last changed',
};

function valuesOf(page: Page): Record<string, string> {
  return {
    title: page.title,
    slug: page.slug,
    body: page.bodyMarkdown,
    status: page.status,
    show_in_navigation: page.showInNavigation ? '1' : '',
    position: String(page.position),
  };
}

function draftOf(values: Type.Static<typeof PageForm>) {
  // Plain digits only: Number() would read "0x10" as 16 and "1e3" as 1000. Anything else is
  // passed on as NaN, for the page's validation to refuse by name.
  const text = values.position ?? '';
  const position = text === '' ? 0 : (parseWholeNumber(text) ?? Number.NaN);
  return {
    title: values.title ?? '',
    slug: values.slug ?? '',
    bodyMarkdown: (values.body ?? '').replace(/\r\n/g, '\n'),
    status: (values.status === 'published' ? 'published' : 'draft') as 'published' | 'draft',
    showInNavigation: values.show_in_navigation === '1',
    position,
  };
}

/** Static pages: About, Membership, Disclaimer… */
export async function staticPagePages(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;

  const form = (
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      page?: Page;
      values: Record<string, string>;
      problem?: { errors: FieldErrors; message: string };
      status?: number;
      notice?: string | undefined;
    },
  ) => {
    const { page, values, problem } = state;
    const field = (name: string, label: string, extra: Partial<Parameters<typeof formField>[0]> = {}) =>
      formField({
        name,
        label,
        value: values[name],
        error: problem?.errors[name === 'body' ? 'body' : name],
        ...extra,
      });
    return deps.page(request, reply, {
      title: page ? page.title : 'New page',
      status: state.status ?? 200,
      notice: !problem && state.notice === 'saved' ? 'Saved.' : undefined,
      body: (
        csrf,
      ) => html`<p class="editor-links"><a href="/admin/pages">← Pages</a>${page?.status === 'published' ? html` · <a href="${pagePath(page.slug)}">View on the site</a>` : ''}</p>
${errorSummary(problem, LABELS)}
<form method="post" action="${page ? `/admin/pages/${page.id}` : '/admin/pages'}" novalidate class="panel">
  ${csrfField(csrf)}
  ${field('title', 'Title', { isRequired: true })}
  ${field('slug', 'URL slug', { hint: 'The page lives at /slug. Renaming keeps the old address working.' })}
  ${field('body', 'Body', { type: 'textarea', rows: 16, hint: 'Markdown.' })}
  ${field('status', 'Status', {
    type: 'select',
    options: [
      { value: 'draft', label: 'Draft (hidden)' },
      { value: 'published', label: 'Published' },
    ],
  })}
  <div class="field field--check"><input type="checkbox" id="${fieldId('show_in_navigation')}" name="show_in_navigation" value="1"${values.show_in_navigation === '1' ? html` checked` : ''}>
  <label for="${fieldId('show_in_navigation')}">Show in the site navigation</label></div>
  ${field('position', 'Order', { type: 'number', hint: 'Lower numbers come first in the navigation.' })}
  <div class="actions"><button type="submit">${page ? 'Save' : 'Create page'}</button></div>
</form>`,
    });
  };

  app.get(
    '/pages',
    { config: { access: 'page.manage', listQuery: true }, schema: { querystring: PageListQuery } },
    async (request, reply) => {
      const { filters, errors } = parseNameListQuery(request.query);
      const problems = listFilterProblems(errors, request.query);
      const { rows, next } = await listPagesPage(ctx, currentUser(request), filters);
      return deps.page(request, reply, {
        title: 'Pages',
        status: problems ? 400 : 200,
        body: html`<p><a class="button" href="/admin/pages/new">Add a page</a></p>
${nameListForm({
  action: '/admin/pages',
  idPrefix: 'pages',
  searchLabel: 'Titles beginning with',
  ariaLabel: 'Search pages',
  filters,
  sortLabels: PAGE_SORT_LABELS,
  problems,
})}
${
  rows.length === 0
    ? html`<p class="empty">${filters.after ? 'No more pages.' : filters.text ? 'No page matches.' : 'No pages yet.'}</p>`
    : html`<div class="table-wrap"><table class="stack-table page-list">
<thead><tr><th scope="col">Title</th><th scope="col">Address</th><th scope="col">Status</th><th scope="col">Order</th></tr></thead>
<tbody>${rows.map(
        (p) => html`<tr><td data-label="Title"><a href="/admin/pages/${p.id}">${p.title}</a></td>
<td data-label="Address">${pagePath(p.slug)}</td><td data-label="Status">${p.status === 'published' ? 'Published' : 'Draft'}${p.showInNavigation ? ', in navigation' : ''}</td><td data-label="Order">${p.position}</td></tr>`,
      )}</tbody></table></div>`
}
${nameListPager('/admin/pages', filters, next)}`,
      });
    },
  );

  app.get('/pages/new', { config: { access: 'page.manage' } }, async (request, reply) =>
    form(request, reply, { values: { status: 'draft', position: '0' } }),
  );

  formRoute(
    app,
    '/pages',
    { config: { access: 'page.manage' }, schema: { body: PageForm }, bodyLimit: PAGE_BODY_LIMIT },
    async (request, reply) => {
      const page = await savePage(ctx, currentUser(request), draftOf(request.body));
      return reply.redirect(`/admin/pages/${page.id}?notice=saved`, 303);
    },
    async (request, reply, problem) =>
      form(request, reply, { values: stringValues(request.body), problem, status: 400 }),
  );

  app.get(
    '/pages/:id',
    { config: { access: 'page.manage' }, schema: { params: IdParams, querystring: NoticeQuery } },
    async (request, reply) => {
      const page = await findPageById(ctx, request.params.id);
      return form(request, reply, { page, values: valuesOf(page), notice: request.query.notice });
    },
  );

  formRoute(
    app,
    '/pages/:id',
    {
      config: { access: 'page.manage' },
      schema: { params: IdParams, body: PageForm },
      bodyLimit: PAGE_BODY_LIMIT,
    },
    async (request, reply) => {
      const page = await findPageById(ctx, request.params.id);
      await savePage(ctx, currentUser(request), { ...draftOf(request.body), id: page.id });
      return reply.redirect(`/admin/pages/${page.id}?notice=saved`, 303);
    },
    async (request, reply, problem) => {
      const page = await findPageById(ctx, request.params.id);
      return form(request, reply, { page, values: stringValues(request.body), problem, status: 400 });
    },
  );
}
