import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Page } from '../../domain/page.ts';
import { pagePath } from '../../domain/paths.ts';
import { findPageById, savePage } from '../../services/newsroom/page-admin.ts';
import { html } from '../views/html.ts';
import type { AdminDeps } from './deps.ts';
import {
  csrfField,
  errorSummary,
  type FieldErrors,
  fieldErrorsOf,
  fieldId,
  formField,
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

function idOf(value: string): number {
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : -1;
}

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

function draftOf(values: Record<string, string>) {
  const position = values.position?.trim() ? Number(values.position) : 0;
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
export async function staticPagePages(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;

  const form = (
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      page?: Page;
      values: Record<string, string>;
      problem?: { errors: FieldErrors; message: string };
      status?: number;
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
      notice: !problem && (request.query as { notice?: string }).notice === 'saved' ? 'Saved.' : undefined,
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

  app.get('/pages', { config: { access: 'page.manage' } }, async (request, reply) => {
    const pages = await ctx.store.pages.list();
    return deps.page(request, reply, {
      title: 'Pages',
      body: html`<p><a class="button" href="/admin/pages/new">Add a page</a></p>
<div class="table-wrap"><table class="stack-table">
<thead><tr><th scope="col">Title</th><th scope="col">Address</th><th scope="col">Status</th></tr></thead>
<tbody>${pages.map(
        (p) => html`<tr><td data-label="Title"><a href="/admin/pages/${p.id}">${p.title}</a></td>
<td data-label="Address">${pagePath(p.slug)}</td><td data-label="Status">${p.status === 'published' ? 'Published' : 'Draft'}${p.showInNavigation ? ', in navigation' : ''}</td></tr>`,
      )}</tbody></table></div>`,
    });
  });

  app.get('/pages/new', { config: { access: 'page.manage' } }, async (request, reply) =>
    form(request, reply, { values: { status: 'draft', position: '0' } }),
  );

  app.post(
    '/pages',
    { config: { access: 'page.manage' }, bodyLimit: 4 * 1024 * 1024 },
    async (request, reply) => {
      const values = stringValues(request.body);
      try {
        const page = await savePage(ctx, currentUser(request), draftOf(values));
        return reply.redirect(`/admin/pages/${page.id}?notice=saved`, 303);
      } catch (error) {
        const problem = fieldErrorsOf(error);
        if (!problem) throw error;
        return form(request, reply, { values, problem, status: 400 });
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/pages/:id',
    { config: { access: 'page.manage' } },
    async (request, reply) => {
      const page = await findPageById(ctx, idOf(request.params.id));
      return form(request, reply, { page, values: valuesOf(page) });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/pages/:id',
    { config: { access: 'page.manage' }, bodyLimit: 4 * 1024 * 1024 },
    async (request, reply) => {
      const page = await findPageById(ctx, idOf(request.params.id));
      const values = stringValues(request.body);
      try {
        await savePage(ctx, currentUser(request), { ...draftOf(values), id: page.id });
        return reply.redirect(`/admin/pages/${page.id}?notice=saved`, 303);
      } catch (error) {
        const problem = fieldErrorsOf(error);
        if (!problem) throw error;
        return form(request, reply, { page, values, problem, status: 400 });
      }
    },
  );
}
