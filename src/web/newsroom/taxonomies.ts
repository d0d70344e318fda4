import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { termPath } from '../../domain/paths.ts';
import type { Taxonomy, Term } from '../../domain/taxonomy.ts';
import { Errors } from '../../errors.ts';
import {
  createTaxonomy,
  createTerm,
  mergeTerms,
  moveTerm,
  type TaxonomyInput,
  updateTaxonomy,
  updateTerm,
} from '../../services/newsroom/taxonomy-admin.ts';
import { html, type SafeHtml } from '../views/html.ts';
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

const LABELS = {
  name: 'Name',
  slug: 'URL slug',
  description: 'Description',
  parent: 'Parent',
  into: 'Merge into',
  plural_name: 'Plural name',
  is_hierarchical: 'Hierarchical',
};

function taxonomyInputOf(values: Record<string, string>): TaxonomyInput {
  return {
    name: values.name ?? '',
    pluralName: values.plural_name ?? '',
    isHierarchical: values.is_hierarchical === '1',
    isMultiple: values.is_multiple === '1',
  };
}

function checkField(name: string, label: string, isChecked: boolean, error?: string): SafeHtml {
  const id = fieldId(name);
  return html`<div class="field field--check${error ? ' field--invalid' : ''}">
  <input type="checkbox" id="${id}" name="${name}" value="1"${isChecked ? html` checked` : ''}${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
  <label for="${id}">${label}</label>
  ${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
</div>`;
}

type Problem = { errors: FieldErrors; message: string } | undefined;

function taxonomyForm(
  values: Record<string, string>,
  problem: Problem,
  csrf: string,
  target: { action: string; submit: string; isNew: boolean },
): SafeHtml {
  return html`<form method="post" action="${target.action}" novalidate class="panel">
  ${csrfField(csrf)}
  ${formField({ name: 'name', label: 'Name', value: values.name, error: problem?.errors.name, hint: 'Singular, e.g. “Region”.' })}
  ${formField({ name: 'plural_name', label: 'Plural name', value: values.plural_name, error: problem?.errors.plural_name, hint: 'For listings, e.g. “Regions”.' })}
  ${target.isNew ? formField({ name: 'slug', label: 'URL slug', value: values.slug, error: problem?.errors.slug, hint: 'Listings live at /slug/term. Fixed once created.' }) : ''}
  ${checkField('is_hierarchical', 'Hierarchical (terms can have parents)', values.is_hierarchical === '1', problem?.errors.is_hierarchical)}
  ${checkField('is_multiple', 'An article may have several', values.is_multiple === '1')}
  <div class="actions"><button type="submit"${target.isNew ? '' : html` class="secondary"`}>${target.submit}</button></div>
</form>`;
}

function idOf(value: string | undefined): number {
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : -1;
}

/** Terms in tree order with their depth, roots first. */
function treeOf(terms: Term[]): { term: Term; depth: number }[] {
  const out: { term: Term; depth: number }[] = [];
  const visit = (parentId: number | null, depth: number) => {
    for (const term of terms.filter((t) => t.parentId === parentId)) {
      out.push({ term, depth });
      if (depth < 8) visit(term.id, depth + 1);
    }
  };
  visit(null, 0);
  for (const term of terms) if (!out.some((o) => o.term.id === term.id)) out.push({ term, depth: 0 });
  return out;
}

function termForm(
  taxonomy: Taxonomy,
  terms: Term[],
  values: Record<string, string>,
  problem: Problem,
  csrf: string,
  target: { action: string; submit: string; selfId?: number },
): SafeHtml {
  return html`<form method="post" action="${target.action}" novalidate class="panel">
  ${csrfField(csrf)}
  ${formField({ name: 'name', label: 'Name', value: values.name, error: problem?.errors.name, isRequired: true })}
  ${formField({ name: 'slug', label: 'URL slug', value: values.slug, error: problem?.errors.slug, hint: 'Empty: made from the name. Renaming keeps the old address working.' })}
  ${
    taxonomy.isHierarchical
      ? formField({
          name: 'parent',
          label: 'Parent',
          type: 'select',
          value: values.parent ?? '',
          error: problem?.errors.parent,
          options: [
            { value: '', label: '(none: top level)' },
            ...treeOf(terms)
              .filter(({ term }) => term.id !== target.selfId)
              .map(({ term, depth }) => ({
                value: String(term.id),
                label: `${'— '.repeat(depth)}${term.name}`,
              })),
          ],
        })
      : ''
  }
  ${formField({ name: 'description', label: 'Description', type: 'textarea', rows: 5, value: values.description, error: problem?.errors.description, hint: taxonomy.slug === 'report' ? 'Markdown: the series introduction.' : 'Markdown, optional.' })}
  <div class="actions"><button type="submit">${target.submit}</button></div>
</form>`;
}

/** Taxonomies and their terms: create, edit, rename (with redirects), merge, reorder, nest. */
export async function taxonomyPages(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;

  const loadTaxonomy = async (slug: string) => {
    const taxonomy = (await ctx.store.taxonomies.listTaxonomies()).find((t) => t.slug === slug);
    if (!taxonomy) throw Errors.TAXONOMY_NOT_FOUND({ id: slug });
    return { taxonomy, terms: await ctx.store.taxonomies.listTerms(taxonomy.id) };
  };

  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    state: {
      values?: Record<string, string>;
      problem?: Problem;
      settingsValues?: Record<string, string>;
      settingsProblem?: Problem;
      status?: number;
    } = {},
  ) => {
    const { taxonomy, terms } = await loadTaxonomy(slug);
    const taxonomies = await ctx.store.taxonomies.listTaxonomies();
    const notice = (request.query as { notice?: string }).notice;
    return deps.page(request, reply, {
      title: taxonomy.pluralName,
      status: state.status ?? 200,
      notice:
        state.problem || state.settingsProblem
          ? undefined
          : notice === 'saved'
            ? 'Saved.'
            : notice === 'merged'
              ? 'Terms merged.'
              : undefined,
      body: (csrf) => html`<nav aria-label="Taxonomies" class="status-filter"><ul>${taxonomies.map(
        (t) =>
          html`<li><a href="/admin/taxonomies/${t.slug}"${t.id === taxonomy.id ? html` aria-current="page"` : ''}>${t.pluralName}</a></li>`,
      )}<li><a href="/admin/taxonomies/new">+ Add a taxonomy</a></li></ul></nav>
${
  terms.length === 0
    ? html`<p class="empty">No ${taxonomy.pluralName.toLowerCase()} yet.</p>`
    : html`<div class="table-wrap"><table class="stack-table">
<thead><tr><th scope="col">Name</th><th scope="col">Address</th><th scope="col">Order</th></tr></thead>
<tbody>${treeOf(terms).map(
        ({ term, depth }) => html`<tr>
  <td data-label="Name" class="term-tree"><span class="depth-${Math.min(depth, 4)}">${depth ? '↳ ' : ''}<a href="/admin/terms/${term.id}">${term.name}</a></span></td>
  <td data-label="Address"><a href="${termPath(taxonomy.slug, term.slug)}">${termPath(taxonomy.slug, term.slug)}</a></td>
  <td data-label="Order"><form method="post" action="/admin/terms/${term.id}/move" class="inline-form">${csrfField(csrf)}
    <button type="submit" name="direction" value="up" class="secondary" aria-label="Move ${term.name} up">↑</button>
    <button type="submit" name="direction" value="down" class="secondary" aria-label="Move ${term.name} down">↓</button></form></td>
</tr>`,
      )}</tbody></table></div>`
}
<h2>Add a ${taxonomy.name.toLowerCase()}</h2>
${errorSummary(state.problem, LABELS)}
${termForm(taxonomy, terms, state.values ?? {}, state.problem, csrf, { action: `/admin/taxonomies/${taxonomy.slug}/terms`, submit: `Add ${taxonomy.name.toLowerCase()}` })}
<h2>${taxonomy.pluralName}: settings</h2>
${errorSummary(state.settingsProblem, LABELS)}
${taxonomyForm(
  state.settingsValues ?? {
    name: taxonomy.name,
    plural_name: taxonomy.pluralName,
    is_hierarchical: taxonomy.isHierarchical ? '1' : '',
    is_multiple: taxonomy.isMultiple ? '1' : '',
  },
  state.settingsProblem,
  csrf,
  { action: `/admin/taxonomies/${taxonomy.slug}/settings`, submit: 'Save settings', isNew: false },
)}`,
    });
  };

  app.get('/taxonomies', { config: { access: 'taxonomy.manage' } }, async (_request, reply) => {
    const [first] = await ctx.store.taxonomies.listTaxonomies();
    return reply.redirect(first ? `/admin/taxonomies/${first.slug}` : '/admin', 303);
  });

  const newTaxonomyPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values?: Record<string, string>; problem?: Problem; status?: number } = {},
  ) =>
    deps.page(request, reply, {
      title: 'New taxonomy',
      status: state.status ?? 200,
      body: (csrf) => html`<p class="editor-links"><a href="/admin/taxonomies">← Taxonomies</a></p>
${errorSummary(state.problem, LABELS)}
${taxonomyForm(state.values ?? { is_multiple: '1' }, state.problem, csrf, { action: '/admin/taxonomies', submit: 'Add taxonomy', isNew: true })}`,
    });

  app.get('/taxonomies/new', { config: { access: 'taxonomy.manage' } }, async (request, reply) =>
    newTaxonomyPage(request, reply),
  );

  app.post('/taxonomies', { config: { access: 'taxonomy.manage' } }, async (request, reply) => {
    const values = stringValues(request.body);
    try {
      const taxonomy = await createTaxonomy(ctx, currentUser(request), {
        ...taxonomyInputOf(values),
        slug: values.slug ?? '',
      });
      return reply.redirect(`/admin/taxonomies/${taxonomy.slug}?notice=saved`, 303);
    } catch (error) {
      const problem = fieldErrorsOf(error);
      if (!problem) throw error;
      return newTaxonomyPage(request, reply, { values, problem, status: 400 });
    }
  });

  app.post<{ Params: { slug: string } }>(
    '/taxonomies/:slug/settings',
    { config: { access: 'taxonomy.manage' } },
    async (request, reply) => {
      const values = stringValues(request.body);
      const { taxonomy } = await loadTaxonomy(request.params.slug);
      try {
        await updateTaxonomy(ctx, currentUser(request), { ...taxonomyInputOf(values), id: taxonomy.id });
        return reply.redirect(`/admin/taxonomies/${taxonomy.slug}?notice=saved`, 303);
      } catch (error) {
        const problem = fieldErrorsOf(error);
        if (!problem) throw error;
        return listPage(request, reply, taxonomy.slug, {
          settingsValues: values,
          settingsProblem: problem,
          status: 400,
        });
      }
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/taxonomies/:slug',
    { config: { access: 'taxonomy.manage' } },
    async (request, reply) => listPage(request, reply, request.params.slug),
  );

  app.post<{ Params: { slug: string } }>(
    '/taxonomies/:slug/terms',
    { config: { access: 'taxonomy.manage' } },
    async (request, reply) => {
      const values = stringValues(request.body);
      const { taxonomy } = await loadTaxonomy(request.params.slug);
      try {
        await createTerm(ctx, currentUser(request), {
          taxonomyId: taxonomy.id,
          name: values.name ?? '',
          slug: values.slug ?? '',
          description: values.description ?? '',
          parentId: values.parent ? idOf(values.parent) : null,
        });
        return reply.redirect(`/admin/taxonomies/${taxonomy.slug}?notice=saved`, 303);
      } catch (error) {
        const problem = fieldErrorsOf(error);
        if (!problem) throw error;
        return listPage(request, reply, taxonomy.slug, { values, problem, status: 400 });
      }
    },
  );

  const termPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    state: {
      values?: Record<string, string>;
      problem?: Problem;
      mergeProblem?: Problem;
      status?: number;
    } = {},
  ) => {
    const term = await ctx.store.taxonomies.findTermById(id);
    if (!term) throw Errors.TERM_NOT_FOUND({ id });
    const taxonomy = (await ctx.store.taxonomies.listTaxonomies()).find((t) => t.id === term.taxonomyId);
    if (!taxonomy) throw Errors.TAXONOMY_NOT_FOUND({ id: term.taxonomyId });
    const terms = await ctx.store.taxonomies.listTerms(taxonomy.id);
    const values = state.values ?? {
      name: term.name,
      slug: term.slug,
      description: term.description ?? '',
      parent: term.parentId === null ? '' : String(term.parentId),
    };
    return deps.page(request, reply, {
      title: `${taxonomy.name}: ${term.name}`,
      status: state.status ?? 200,
      body: (
        csrf,
      ) => html`<p class="editor-links"><a href="/admin/taxonomies/${taxonomy.slug}">← ${taxonomy.pluralName}</a> · <a href="${termPath(taxonomy.slug, term.slug)}">View on the site</a></p>
${errorSummary(state.problem, LABELS)}
${termForm(taxonomy, terms, values, state.problem, csrf, { action: `/admin/terms/${term.id}`, submit: 'Save', selfId: term.id })}
<h2>Merge into another ${taxonomy.name.toLowerCase()}</h2>
${errorSummary(state.mergeProblem, LABELS)}
<form method="post" action="/admin/terms/${term.id}/merge" class="panel" novalidate>
  ${csrfField(csrf)}
  ${formField({
    name: 'into',
    label: `Merge “${term.name}” into`,
    type: 'select',
    value: '',
    error: state.mergeProblem?.errors.into,
    options: [
      { value: '', label: 'Choose…' },
      ...terms.filter((t) => t.id !== term.id).map((t) => ({ value: String(t.id), label: t.name })),
    ],
    hint: `Its articles move over, its address redirects there, and “${term.name}” is deleted.`,
  })}
  <div class="actions"><button type="submit" class="danger">Merge</button></div>
</form>`,
    });
  };

  app.get<{ Params: { id: string } }>(
    '/terms/:id',
    { config: { access: 'taxonomy.manage' } },
    async (request, reply) => termPage(request, reply, idOf(request.params.id)),
  );

  app.post<{ Params: { id: string } }>(
    '/terms/:id',
    { config: { access: 'taxonomy.manage' } },
    async (request, reply) => {
      const values = stringValues(request.body);
      const id = idOf(request.params.id);
      try {
        const term = await updateTerm(ctx, currentUser(request), {
          id,
          name: values.name ?? '',
          slug: values.slug ?? '',
          description: values.description ?? '',
          parentId: values.parent ? idOf(values.parent) : null,
        });
        const taxonomy = (await ctx.store.taxonomies.listTaxonomies()).find((t) => t.id === term.taxonomyId);
        return reply.redirect(`/admin/taxonomies/${taxonomy?.slug ?? ''}?notice=saved`, 303);
      } catch (error) {
        const problem = fieldErrorsOf(error);
        if (!problem) throw error;
        return termPage(request, reply, id, { values, problem, status: 400 });
      }
    },
  );

  app.post<{ Params: { id: string } }>(
    '/terms/:id/merge',
    { config: { access: 'taxonomy.manage' } },
    async (request, reply) => {
      const values = stringValues(request.body);
      const id = idOf(request.params.id);
      try {
        if (!values.into) {
          return termPage(request, reply, id, {
            mergeProblem: {
              errors: { into: 'Choose the term to merge into' },
              message: 'Choose the term to merge into.',
            },
            status: 400,
          });
        }
        const { into } = await mergeTerms(ctx, currentUser(request), {
          fromId: id,
          intoId: idOf(values.into),
        });
        return reply.redirect(`/admin/terms/${into.id}?notice=merged`, 303);
      } catch (error) {
        const problem = fieldErrorsOf(error);
        if (!problem) throw error;
        return termPage(request, reply, id, { mergeProblem: problem, status: 400 });
      }
    },
  );

  app.post<{ Params: { id: string } }>(
    '/terms/:id/move',
    { config: { access: 'taxonomy.manage' } },
    async (request, reply) => {
      const values = stringValues(request.body);
      const id = idOf(request.params.id);
      const term = await ctx.store.taxonomies.findTermById(id);
      if (!term) throw Errors.TERM_NOT_FOUND({ id });
      await moveTerm(ctx, currentUser(request), {
        id,
        direction: values.direction === 'down' ? 'down' : 'up',
      });
      const taxonomy = (await ctx.store.taxonomies.listTaxonomies()).find((t) => t.id === term.taxonomyId);
      return reply.redirect(`/admin/taxonomies/${taxonomy?.slug ?? ''}`, 303);
    },
  );
}
