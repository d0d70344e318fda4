import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { parseWholeNumber } from '../../domain/limits.ts';
import { parseNameListQuery } from '../../domain/name-list-query.ts';
import type { Page } from '../../domain/page.ts';
import { pagePath } from '../../domain/paths.ts';
import type { NameListSort } from '../../domain/ports/admin-list-store.ts';
import { MAX_BULK_ITEMS } from '../../services/newsroom/bulk-items.ts';
import { LIST_COUNT_CAP } from '../../services/newsroom/list-count.ts';
import {
  bulkPageAction,
  deletePage,
  findPageById,
  listPagesPage,
  PAGE_BULK_ACTIONS,
  type PageBulkAction,
  planPageDeletion,
  planPagesDeletion,
  savePage,
} from '../../services/newsroom/page-admin.ts';
import { IdParams, NoticeQuery, OptionalText, type TypedApp } from '../schemas.ts';
import { html } from '../views/html.ts';
import { newsroomJs } from '../views/newsroom/assets.ts';
import {
  type BulkListOrigin,
  bulkDeleteConfirmView,
  bulkItemsResultView,
} from '../views/newsroom/bulk-items.ts';
import { emptyList, matchCount } from '../views/newsroom/list-filters.ts';
import { nameListForm, nameListPager } from '../views/newsroom/name-list.ts';
import { noticeIn } from '../views/notices.ts';
import type { AdminDeps } from './deps.ts';
import {
  csrfField,
  errorSummary,
  type FieldErrors,
  type FormProblem,
  fieldId,
  formField,
  formRoute,
  keptListQuery,
  listFilterProblems,
  stringValues,
  tickedIds,
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

const PageListQuery = Type.Object({
  notice: OptionalText,
  q: OptionalText,
  sort: OptionalText,
  after: OptionalText,
});

/** The pages list's own filters, kept when a bulk action leads back to it. */
const PAGE_LIST_KEYS = ['q', 'sort', 'after'] as const;

const PageBulkForm = Type.Object({
  action: Type.Union(PAGE_BULK_ACTIONS.map((action) => Type.Literal(action))),
  id: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: MAX_BULK_ITEMS })])),
  /** The list's query string, to lead back to it with its filters. */
  list: OptionalText,
  /** "1" once the editor confirmed a bulk deletion. */
  confirmed: OptionalText,
});

const PageDeleteForm = Type.Object({ redirect_to: OptionalText });

const PAGE_BULK_LABELS: Record<PageBulkAction, string> = {
  show: 'Show in the navigation',
  hide: 'Hide from the navigation',
  delete: 'Delete…',
};

const PAGE_BULK_DONE: Record<PageBulkAction, string> = {
  show: 'Shown in the navigation',
  hide: 'Hidden from the navigation',
  delete: 'Deleted',
};

const PAGE_LIST_NOTICES: Record<string, string> = {
  deleted: 'Page deleted. Its history is kept.',
  'bulk-none': 'Nothing was done: tick the pages to apply the action to, then apply it again.',
};

/** The pages list as a bulk action's pages lead back to it. */
function pagesOrigin(listQuery: string): BulkListOrigin {
  return {
    listPath: '/admin/pages',
    listQuery,
    noun: 'pages',
    one: 'page',
    itemPath: (id) => `/admin/pages/${id}`,
  };
}

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
      ) => html`<p class="editor-links"><a href="/admin/pages">← Pages</a>${page?.status === 'published' ? html` · <a href="${pagePath(page.slug)}">View on the site</a>` : ''}${page ? html` · <a href="/admin/pages/${page.id}/delete">Delete…</a>` : ''}</p>
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
      const { rows, next, total } = await listPagesPage(ctx, currentUser(request), filters);
      const listQuery = keptListQuery(request.query, PAGE_LIST_KEYS);
      return deps.page(request, reply, {
        title: 'Pages',
        status: problems ? 400 : 200,
        notice: problems ? undefined : noticeIn(PAGE_LIST_NOTICES, request.query.notice),
        body: (csrf) => html`<p><a class="button" href="/admin/pages/new">Add a page</a></p>
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
    ? emptyList({
        isLaterPage: Boolean(filters.after),
        isFiltered: Boolean(filters.text),
        noMore: 'No more pages.',
        noneMatch: 'No page matches.',
        noneYet: 'No pages yet.',
        clearHref: '/admin/pages',
        add: { href: '/admin/pages/new', label: 'Add the first page' },
      })
    : html`<form method="post" action="/admin/pages/bulk" id="pages-bulk" class="panel bulk-bar" novalidate>
  ${csrfField(csrf)}<input type="hidden" name="list" value="${listQuery}">
  <div class="field"><label for="pages-bulk-action">With the selected pages</label><select id="pages-bulk-action" name="action">${PAGE_BULK_ACTIONS.map((a) => html`<option value="${a}">${PAGE_BULK_LABELS[a]}</option>`)}</select></div>
  <div class="actions"><button type="submit">Apply to selected</button></div>
</form>
${matchCount(total, LIST_COUNT_CAP, { one: 'page', many: 'pages' })}
<div class="table-wrap"><table class="stack-table page-list">
<thead><tr><th scope="col"><span class="visually-hidden">Select</span><label class="select-all-field" hidden><input type="checkbox" class="select-all" aria-label="Select all pages on this page of the list"><span class="select-all-text">Select all</span></label></th><th scope="col">Title</th><th scope="col">Address</th><th scope="col">Status</th><th scope="col">Order</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows.map(
        (
          p,
        ) => html`<tr><td data-label="Select"><input type="checkbox" name="id" value="${p.id}" form="pages-bulk" aria-label="Select “${p.title}”"></td><td data-label="Title"><a href="/admin/pages/${p.id}" id="page-title-${p.id}">${p.title}</a></td>
<td data-label="Address">${pagePath(p.slug)}</td><td data-label="Status">${p.status === 'published' ? 'Published' : 'Draft'}${p.showInNavigation ? ', in navigation' : ''}</td><td data-label="Order">${p.position}</td>
<td data-label="Actions" class="row-actions"><a href="/admin/pages/${p.id}/delete" aria-describedby="page-title-${p.id}">Delete…</a></td></tr>`,
      )}</tbody></table></div>`
}
${nameListPager('/admin/pages', filters, next)}
<script src="${newsroomJs()}" defer></script>`,
      });
    },
  );

  app.post(
    '/pages/bulk',
    { config: { access: 'page.manage' }, schema: { body: PageBulkForm } },
    async (request, reply) => {
      const { action, id, confirmed } = request.body;
      const listQuery = keptListQuery(request.body.list, PAGE_LIST_KEYS);
      const pageIds = tickedIds(id, 'a page');
      if (pageIds.length === 0) {
        return reply.redirect(`/admin/pages?${listQuery ? `${listQuery}&` : ''}notice=bulk-none`, 303);
      }
      const staff = currentUser(request);
      if (action === 'delete' && confirmed !== '1') {
        const plans = await planPagesDeletion(ctx, staff, pageIds);
        const published = plans.filter((plan) => plan.publicPath !== null).length;
        return deps.page(request, reply, {
          title: 'Delete pages',
          body: (csrf) =>
            bulkDeleteConfirmView(
              {
                ...pagesOrigin(listQuery),
                action: '/admin/pages/bulk',
                items: plans.map(({ page }) => ({
                  id: page.id,
                  name: page.title,
                  path: pagePath(page.slug),
                })),
                consequences: html`<ul class="list">
  ${published > 0 ? html`<li>The address of each published page (${published}) will answer <strong>410 Gone</strong>; a draft’s address changes nothing. To send readers of one elsewhere, delete it on its own.</li>` : html`<li>They are drafts: no address on the site changes.</li>`}
  <li>They leave the site navigation. Their history is kept in the revision log.</li>
</ul>`,
                buttonLabel: plans.length === 1 ? 'Delete the page' : `Delete the ${plans.length} pages`,
              },
              csrf,
            ),
        });
      }
      const outcomes = await bulkPageAction(ctx, staff, { action, pageIds });
      return deps.page(request, reply, {
        title: 'Bulk action',
        body: bulkItemsResultView({
          ...pagesOrigin(listQuery),
          actionLabel: PAGE_BULK_DONE[action],
          isDeletion: action === 'delete',
          outcomes,
        }),
      });
    },
  );

  /** A page's deletion confirmation, with what was typed and the problem when it is shown again. */
  const sendDeleteConfirm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    pageId: number,
    state: { values?: Record<string, string>; problem?: FormProblem } = {},
  ) => {
    const plan = await planPageDeletion(ctx, currentUser(request), pageId);
    const { page, publicPath } = plan;
    return deps.page(request, reply, {
      title: `Delete: ${page.title}`,
      status: state.problem?.status ?? 200,
      body: (
        csrf,
      ) => html`<p class="editor-links"><a href="/admin/pages/${page.id}">← Back to the page</a></p>
${errorSummary(state.problem, { redirect_to: 'Redirect to' })}
<section class="panel" aria-labelledby="delete-heading">
<h2 id="delete-heading">Delete the page “${page.title}”?</h2>
<ul class="list">
  ${page.showInNavigation ? html`<li>It leaves the site navigation.</li>` : ''}
  ${
    publicPath
      ? html`<li>Its address <code>${publicPath}</code> will answer <strong>410 Gone</strong> (removed for good), unless you send readers elsewhere below.</li>`
      : html`<li>It is a draft, so no address on the site changes.</li>`
  }
  <li>Its history is kept: ${plan.revisionCount} revision${plan.revisionCount === 1 ? '' : 's'}, and one more recording the deletion.</li>
</ul>
<form method="post" action="/admin/pages/${page.id}/delete" novalidate>
  ${csrfField(csrf)}
  ${
    publicPath
      ? formField({
          name: 'redirect_to',
          label: 'Redirect to (optional)',
          value: state.values?.redirect_to ?? '',
          error: state.problem?.errors.redirect_to,
          hint: plan.mayRedirectElsewhere
            ? html`An address on this site, such as <code>/membership</code>, or a full http(s) URL. Leave it empty to answer 410 Gone.`
            : html`An address on this site, such as <code>/membership</code>. Leave it empty to answer 410 Gone.`,
        })
      : ''
  }
  <div class="actions"><button type="submit" class="danger">Delete the page</button> <a href="/admin/pages/${page.id}">Cancel</a></div>
</form>
</section>`,
    });
  };

  app.get(
    '/pages/:id/delete',
    { config: { access: 'page.manage' }, schema: { params: IdParams } },
    async (request, reply) => sendDeleteConfirm(request, reply, request.params.id),
  );

  formRoute(
    app,
    '/pages/:id/delete',
    { config: { access: 'page.manage' }, schema: { params: IdParams, body: PageDeleteForm } },
    async (request, reply) => {
      await deletePage(ctx, currentUser(request), {
        pageId: request.params.id,
        ...(request.body.redirect_to ? { redirectTo: request.body.redirect_to } : {}),
      });
      return reply.redirect('/admin/pages?notice=deleted', 303);
    },
    async (request, reply, problem) =>
      sendDeleteConfirm(request, reply, request.params.id, { values: stringValues(request.body), problem }),
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
