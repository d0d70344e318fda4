import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { parseNameListQuery } from '../../domain/name-list-query.ts';
import { termPath } from '../../domain/paths.ts';
import type { NameListSort } from '../../domain/ports/admin-list-store.ts';
import type { Taxonomy } from '../../domain/taxonomy.ts';
import { LIST_COUNT_CAP } from '../../services/newsroom/list-count.ts';
import {
  createTaxonomy,
  createTerm,
  listTaxonomies,
  listTermsPage,
  loadTaxonomyAdmin,
  loadTermAdmin,
  MAX_BULK_TERMS,
  mergeTerms,
  mergeTermsInBulk,
  moveTerm,
  planTermMerge,
  type TaxonomyInput,
  type TermMergePlan,
  updateTaxonomy,
  updateTerm,
} from '../../services/newsroom/taxonomy-admin.ts';
import { loadSiteSettings } from '../../services/settings.ts';
import { IdParams, OptionalText, type TypedApp } from '../schemas.ts';
import { html, type SafeHtml } from '../views/html.ts';
import { adminTime } from '../views/newsroom/admin-time.ts';
import { newsroomJs } from '../views/newsroom/assets.ts';
import { emptyList, matchCount } from '../views/newsroom/list-filters.ts';
import { nameListForm, nameListPager } from '../views/newsroom/name-list.ts';
import { pickerField } from '../views/newsroom/picker-field.ts';
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

const LABELS = {
  name: 'Name',
  slug: 'URL slug',
  description: 'Description',
  parent: 'Parent',
  into: 'Merge into',
  id: 'Selected terms',
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

function checkField(
  name: string,
  label: string,
  isChecked: boolean,
  options: { error?: string | undefined; idPrefix?: string } = {},
): SafeHtml {
  const { error } = options;
  const id = fieldId(`${options.idPrefix ?? ''}${name}`);
  return html`<div class="field field--check${error ? ' field--invalid' : ''}">
  <input type="checkbox" id="${id}" name="${name}" value="1"${isChecked ? html` checked` : ''}${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
  <label for="${id}">${label}</label>
  ${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
</div>`;
}

type Problem = { errors: FieldErrors; message: string } | undefined;

/** The id prefix of the settings form's fields on a taxonomy's page. */
const SETTINGS_PREFIX = 'settings-';

function taxonomyForm(
  values: Record<string, string>,
  problem: Problem,
  csrf: string,
  target: { action: string; submit: string; isNew: boolean },
): SafeHtml {
  // On a taxonomy's page this form sits under the add-a-term form, whose fields share its names.
  const idPrefix = target.isNew ? '' : SETTINGS_PREFIX;
  return html`<form method="post" action="${target.action}" novalidate class="panel">
  ${csrfField(csrf)}
  ${formField({ name: 'name', idPrefix, label: 'Name', value: values.name, error: problem?.errors.name, hint: 'Singular, e.g. “Region”.' })}
  ${formField({ name: 'plural_name', idPrefix, label: 'Plural name', value: values.plural_name, error: problem?.errors.plural_name, hint: 'For listings, e.g. “Regions”.' })}
  ${target.isNew ? formField({ name: 'slug', label: 'URL slug', value: values.slug, error: problem?.errors.slug, hint: 'Listings live at /slug/term. Fixed once created.' }) : ''}
  ${checkField('is_hierarchical', 'Hierarchical (terms can have parents)', values.is_hierarchical === '1', { error: problem?.errors.is_hierarchical, idPrefix })}
  ${checkField('is_multiple', 'An article may have several', values.is_multiple === '1', { idPrefix })}
  <div class="actions"><button type="submit"${target.isNew ? '' : html` class="secondary"`}>${target.submit}</button></div>
</form>`;
}

const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 200 }) });

const TaxonomyForm = Type.Object({
  name: OptionalText,
  plural_name: OptionalText,
  slug: OptionalText,
  /** Checkboxes: "1" when ticked, absent when not. */
  is_hierarchical: OptionalText,
  is_multiple: OptionalText,
});

const TermForm = Type.Object({
  name: OptionalText,
  slug: OptionalText,
  description: OptionalText,
  /** The parent's name or slug, as typed in its picker. */
  parent: OptionalText,
});

/** The term to merge into: its name or slug, as typed in its picker. */
const MergeForm = Type.Object({ into: OptionalText, confirmed: OptionalText });

/** Terms ticked on the list, merged into one named term. */
const BulkMergeForm = Type.Object({
  id: Type.Optional(Type.Array(Type.String(), { maxItems: MAX_BULK_TERMS })),
  into: OptionalText,
  confirmed: OptionalText,
});

/** "“Arctic”", "“Arctic” and “Polar”", "“Arctic”, “Polar” and 3 more": the terms a merge takes. */
function namedTerms(names: readonly string[]): string {
  const quoted = names.slice(0, 5).map((n) => `“${n}”`);
  const more = names.length - quoted.length;
  if (more > 0) return `${quoted.join(', ')} and ${more} more`;
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}` : (quoted[0] ?? '');
}

/**
 * The confirmation of a merge (the way without JavaScript; with it, a dialog asks the same):
 * both sides named, what merging does, and a button that sends the same choice again, confirmed.
 */
function mergeConfirmView(
  plan: TermMergePlan,
  form: { action: string; backHref: string; ids?: readonly number[] },
  csrf: string,
): SafeHtml {
  const { taxonomy, from, into } = plan;
  const names = namedTerms(from.map((t) => t.name));
  const isOne = from.length === 1;
  return html`<p class="editor-links"><a href="${form.backHref}">← Back</a></p>
<section class="panel" aria-labelledby="merge-heading">
<h2 id="merge-heading">Merge ${names} into “${into.name}”?</h2>
<ul>
  <li>${isOne ? 'Its articles move' : 'Their articles move'} to “${into.name}” (${termPath(taxonomy.slug, into.slug)}).</li>
  <li>${isOne ? html`Its address, <code>${termPath(taxonomy.slug, from[0]?.slug ?? '')}</code>, redirects` : 'Their addresses redirect'} there.</li>
  <li>${names} ${isOne ? 'is' : 'are'} deleted; ${isOne ? 'its' : 'their'} history is kept.</li>
</ul>
<form method="post" action="${form.action}">
  ${csrfField(csrf)}<input type="hidden" name="into" value="${into.slug}"><input type="hidden" name="confirmed" value="1">
  ${(form.ids ?? []).map((id) => html`<input type="hidden" name="id" value="${id}">`)}
  <div class="actions"><button type="submit" class="danger">Merge into “${into.name}”</button> <a href="${form.backHref}">Cancel</a></div>
</form>
</section>`;
}

const TermListQuery = Type.Object({
  notice: OptionalText,
  q: OptionalText,
  sort: OptionalText,
  after: OptionalText,
});

const TERM_SORT_LABELS: Record<NameListSort, string> = {
  position: 'Site order',
  name: 'Name (A–Z)',
  updated: 'Last changed',
};
const MoveForm = Type.Object({
  direction: Type.Optional(Type.Union([Type.Literal('up'), Type.Literal('down')])),
});

function termInputOf(body: Type.Static<typeof TermForm>) {
  return {
    name: body.name ?? '',
    slug: body.slug ?? '',
    description: body.description ?? '',
    parentId: null,
    parent: body.parent ?? '',
  };
}

function termForm(
  taxonomy: Taxonomy,
  values: Record<string, string>,
  problem: Problem,
  csrf: string,
  target: { action: string; submit: string },
): SafeHtml {
  return html`<form method="post" action="${target.action}" novalidate class="panel">
  ${csrfField(csrf)}
  ${formField({ name: 'name', label: 'Name', value: values.name, error: problem?.errors.name, isRequired: true })}
  ${formField({ name: 'slug', label: 'URL slug', value: values.slug, error: problem?.errors.slug, hint: 'Empty: made from the name. Renaming keeps the old address working.' })}
  ${
    taxonomy.isHierarchical
      ? pickerField({
          id: fieldId('parent'),
          name: 'parent',
          label: 'Parent',
          value: values.parent,
          source: `/admin/suggest/terms?taxonomy=${taxonomy.slug}`,
          hint: `The name of another ${taxonomy.name.toLowerCase()}; empty for the top level.`,
          ...(problem?.errors.parent ? { error: problem.errors.parent } : {}),
        })
      : ''
  }
  ${formField({ name: 'description', label: 'Description', type: 'textarea', rows: 5, value: values.description, error: problem?.errors.description, hint: taxonomy.slug === 'report' ? 'Markdown: the series introduction.' : 'Markdown, optional.' })}
  <div class="actions"><button type="submit">${target.submit}</button></div>
</form>`;
}

/** Taxonomies and their terms: create, edit, rename (with redirects), merge, reorder, nest. */
export async function taxonomyPages(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;

  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    state: {
      values?: Record<string, string>;
      problem?: Problem;
      settingsValues?: Record<string, string>;
      settingsProblem?: Problem;
      bulkProblem?: Problem;
      bulkValues?: { ids: string[]; into: string };
      status?: number;
      notice?: string | undefined;
      query?: Type.Static<typeof TermListQuery>;
    } = {},
  ) => {
    const { filters, errors } = parseNameListQuery(state.query ?? {});
    const problems = listFilterProblems(errors, state.query ?? {});
    const staff = currentUser(request);
    const [{ taxonomy, taxonomies, rows, next, total }, calendar] = await Promise.all([
      listTermsPage(ctx, staff, slug, filters),
      loadSiteSettings(ctx),
    ]);
    const { notice } = state;
    const path = `/admin/taxonomies/${taxonomy.slug}`;
    const isPositioned = filters.sort === 'position' && !filters.text;
    return deps.page(request, reply, {
      title: taxonomy.pluralName,
      status: state.status ?? (problems ? 400 : 200),
      notice:
        state.problem || state.settingsProblem || state.bulkProblem || problems
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
<p><a class="button" href="#add-term">Add a ${taxonomy.name.toLowerCase()}</a></p>
${nameListForm({
  action: path,
  idPrefix: 'terms',
  searchLabel: 'Names beginning with',
  ariaLabel: `Search ${taxonomy.pluralName.toLowerCase()}`,
  filters,
  sortLabels: TERM_SORT_LABELS,
  problems,
})}
${
  rows.length === 0
    ? emptyList({
        isLaterPage: Boolean(filters.after),
        isFiltered: Boolean(filters.text),
        noMore: `No more ${taxonomy.pluralName.toLowerCase()}.`,
        noneMatch: `No ${taxonomy.name.toLowerCase()} matches.`,
        noneYet: `No ${taxonomy.pluralName.toLowerCase()} yet.`,
        clearHref: path,
        add: { href: '#add-term', label: `Add the first ${taxonomy.name.toLowerCase()}` },
      })
    : html`${errorSummary(state.bulkProblem, LABELS, 'bulk-')}<form method="post" action="${path}/merge" id="terms-bulk" class="panel bulk-bar" novalidate data-merge-confirm>
  ${csrfField(csrf)}
  ${pickerField({
    id: fieldId('bulk-into'),
    name: 'into',
    label: `Merge the selected ${taxonomy.pluralName.toLowerCase()} into`,
    value: state.bulkValues?.into ?? '',
    source: `/admin/suggest/terms?taxonomy=${taxonomy.slug}`,
    hint: `Tick ${taxonomy.pluralName.toLowerCase()} below. Their articles move over, their addresses redirect there, and they are deleted.`,
    ...(state.bulkProblem?.errors.into ? { error: state.bulkProblem.errors.into } : {}),
  })}
  <div class="actions"><button type="submit" class="danger">Merge the selected</button></div>
</form>
${matchCount(total, LIST_COUNT_CAP, { one: taxonomy.name.toLowerCase(), many: taxonomy.pluralName.toLowerCase() })}
<div class="table-wrap"><table class="stack-table term-list">
<thead><tr><th scope="col"><span class="visually-hidden">Select</span><label class="select-all-field" hidden><input type="checkbox" class="select-all" aria-label="Select all on this page"><span class="select-all-text">Select all</span></label></th><th scope="col">Name</th><th scope="col">Address</th>${taxonomy.isHierarchical ? html`<th scope="col">Parent</th>` : ''}${filters.sort === 'updated' ? html`<th scope="col">Last changed</th>` : ''}${isPositioned ? html`<th scope="col">Order</th>` : ''}</tr></thead>
<tbody>${rows.map(
        (term) => html`<tr>
  <td data-label="Select"><input type="checkbox" name="id" value="${term.id}" form="terms-bulk" data-name="${term.name}" aria-label="Select “${term.name}”"${state.bulkValues?.ids.includes(String(term.id)) ? html` checked` : ''}></td>
  <td data-label="Name"><a href="/admin/terms/${term.id}">${term.name}</a></td>
  <td data-label="Address"><a href="${termPath(taxonomy.slug, term.slug)}">${termPath(taxonomy.slug, term.slug)}</a></td>
  ${taxonomy.isHierarchical ? html`<td data-label="Parent">${term.parentName ?? '—'}</td>` : ''}
  ${filters.sort === 'updated' ? html`<td data-label="Last changed">${adminTime(term.updatedAt, calendar)}</td>` : ''}
  ${
    isPositioned
      ? html`<td data-label="Order"><form method="post" action="/admin/terms/${term.id}/move" class="inline-form">${csrfField(csrf)}
    <button type="submit" name="direction" value="up" class="secondary" aria-label="Move ${term.name} up">↑</button>
    <button type="submit" name="direction" value="down" class="secondary" aria-label="Move ${term.name} down">↓</button></form></td>`
      : ''
  }
</tr>`,
      )}</tbody></table></div>`
}
${nameListPager(path, filters, next)}
<h2 id="add-term">Add a ${taxonomy.name.toLowerCase()}</h2>
${errorSummary(state.problem, LABELS)}
${termForm(taxonomy, state.values ?? {}, state.problem, csrf, { action: `/admin/taxonomies/${taxonomy.slug}/terms`, submit: `Add ${taxonomy.name.toLowerCase()}` })}
<h2>${taxonomy.pluralName}: settings</h2>
${errorSummary(state.settingsProblem, LABELS, SETTINGS_PREFIX)}
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
)}
<script src="${newsroomJs()}" defer></script>`,
    });
  };

  app.get('/taxonomies', { config: { access: 'taxonomy.manage' } }, async (request, reply) => {
    const [first] = await listTaxonomies(ctx, currentUser(request));
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

  formRoute(
    app,
    '/taxonomies',
    { config: { access: 'taxonomy.manage' }, schema: { body: TaxonomyForm } },
    async (request, reply) => {
      const values = stringValues(request.body);
      const taxonomy = await createTaxonomy(ctx, currentUser(request), {
        ...taxonomyInputOf(values),
        slug: values.slug ?? '',
      });
      return reply.redirect(`/admin/taxonomies/${taxonomy.slug}?notice=saved`, 303);
    },
    async (request, reply, problem) =>
      newTaxonomyPage(request, reply, { values: stringValues(request.body), problem, status: 400 }),
  );

  formRoute(
    app,
    '/taxonomies/:slug/settings',
    { config: { access: 'taxonomy.manage' }, schema: { params: SlugParams, body: TaxonomyForm } },
    async (request, reply) => {
      const { taxonomy } = await loadTaxonomyAdmin(ctx, currentUser(request), request.params.slug);
      await updateTaxonomy(ctx, currentUser(request), {
        ...taxonomyInputOf(stringValues(request.body)),
        id: taxonomy.id,
      });
      return reply.redirect(`/admin/taxonomies/${taxonomy.slug}?notice=saved`, 303);
    },
    async (request, reply, problem) =>
      listPage(request, reply, request.params.slug, {
        settingsValues: stringValues(request.body),
        settingsProblem: problem,
        status: 400,
      }),
  );

  app.get(
    '/taxonomies/:slug',
    {
      config: { access: 'taxonomy.manage', listQuery: true },
      schema: { params: SlugParams, querystring: TermListQuery },
    },
    async (request, reply) =>
      listPage(request, reply, request.params.slug, { notice: request.query.notice, query: request.query }),
  );

  formRoute(
    app,
    '/taxonomies/:slug/terms',
    { config: { access: 'taxonomy.manage' }, schema: { params: SlugParams, body: TermForm } },
    async (request, reply) => {
      const { taxonomy } = await loadTaxonomyAdmin(ctx, currentUser(request), request.params.slug);
      await createTerm(ctx, currentUser(request), { taxonomyId: taxonomy.id, ...termInputOf(request.body) });
      return reply.redirect(`/admin/taxonomies/${taxonomy.slug}?notice=saved`, 303);
    },
    async (request, reply, problem) =>
      listPage(request, reply, request.params.slug, {
        values: stringValues(request.body),
        problem,
        status: 400,
      }),
  );

  const termPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    state: {
      values?: Record<string, string>;
      problem?: Problem;
      mergeProblem?: Problem;
      mergeValue?: string;
      status?: number;
    } = {},
  ) => {
    const { term, taxonomy, parent } = await loadTermAdmin(ctx, currentUser(request), id);
    const values = state.values ?? {
      name: term.name,
      slug: term.slug,
      description: term.description ?? '',
      parent: parent?.slug ?? '',
    };
    return deps.page(request, reply, {
      title: `${taxonomy.name}: ${term.name}`,
      status: state.status ?? 200,
      body: (
        csrf,
      ) => html`<p class="editor-links"><a href="/admin/taxonomies/${taxonomy.slug}">← ${taxonomy.pluralName}</a> · <a href="${termPath(taxonomy.slug, term.slug)}">View on the site</a></p>
${errorSummary(state.problem, LABELS)}
${termForm(taxonomy, values, state.problem, csrf, { action: `/admin/terms/${term.id}`, submit: 'Save' })}
<h2>Merge into another ${taxonomy.name.toLowerCase()}</h2>
${errorSummary(state.mergeProblem, LABELS)}
<form method="post" action="/admin/terms/${term.id}/merge" class="panel" novalidate data-merge-confirm data-merge-from="${term.name}">
  ${csrfField(csrf)}
  ${pickerField({
    id: fieldId('into'),
    name: 'into',
    label: `Merge “${term.name}” into`,
    value: state.mergeValue ?? '',
    source: `/admin/suggest/terms?taxonomy=${taxonomy.slug}`,
    hint: `The name of another ${taxonomy.name.toLowerCase()}. Its articles move over, its address redirects there, and “${term.name}” is deleted.`,
    ...(state.mergeProblem?.errors.into ? { error: state.mergeProblem.errors.into } : {}),
  })}
  <div class="actions"><button type="submit" class="danger">Merge</button></div>
</form>
<script src="${newsroomJs()}" defer></script>`,
    });
  };

  app.get(
    '/terms/:id',
    { config: { access: 'taxonomy.manage' }, schema: { params: IdParams } },
    async (request, reply) => termPage(request, reply, request.params.id),
  );

  formRoute(
    app,
    '/terms/:id',
    { config: { access: 'taxonomy.manage' }, schema: { params: IdParams, body: TermForm } },
    async (request, reply) => {
      const staff = currentUser(request);
      const term = await updateTerm(ctx, staff, { id: request.params.id, ...termInputOf(request.body) });
      const { taxonomy } = await loadTermAdmin(ctx, staff, term.id);
      return reply.redirect(`/admin/taxonomies/${taxonomy.slug}?notice=saved`, 303);
    },
    async (request, reply, problem) =>
      termPage(request, reply, request.params.id, {
        values: stringValues(request.body),
        problem,
        status: 400,
      }),
  );

  formRoute(
    app,
    '/terms/:id/merge',
    { config: { access: 'taxonomy.manage' }, schema: { params: IdParams, body: MergeForm } },
    async (request, reply) => {
      const { id } = request.params;
      const { into } = request.body;
      if (!into) {
        return termPage(request, reply, id, {
          mergeProblem: {
            errors: { into: 'Choose the term to merge into' },
            message: 'Choose the term to merge into.',
          },
          status: 400,
        });
      }
      if (request.body.confirmed !== '1') {
        const plan = await planTermMerge(ctx, currentUser(request), { fromIds: [id], into });
        return deps.page(request, reply, {
          title: `Merge ${plan.taxonomy.name.toLowerCase()} “${plan.from[0]?.name ?? ''}”`,
          body: (csrf) =>
            mergeConfirmView(
              plan,
              { action: `/admin/terms/${id}/merge`, backHref: `/admin/terms/${id}` },
              csrf,
            ),
        });
      }
      const merged = await mergeTerms(ctx, currentUser(request), { fromId: id, into });
      return reply.redirect(`/admin/terms/${merged.into.id}?notice=merged`, 303);
    },
    async (request, reply, problem) =>
      termPage(request, reply, request.params.id, {
        mergeProblem: problem,
        mergeValue: request.body.into ?? '',
        status: 400,
      }),
  );

  formRoute(
    app,
    '/taxonomies/:slug/merge',
    { config: { access: 'taxonomy.manage' }, schema: { params: SlugParams, body: BulkMergeForm } },
    async (request, reply) => {
      const ids = (request.body.id ?? []).map((id) => Number(id));
      if (request.body.confirmed !== '1') {
        const path = `/admin/taxonomies/${request.params.slug}`;
        const plan = await planTermMerge(ctx, currentUser(request), {
          fromIds: ids,
          into: request.body.into ?? '',
          taxonomySlug: request.params.slug,
        });
        return deps.page(request, reply, {
          title: `Merge ${plan.taxonomy.pluralName.toLowerCase()}`,
          body: (csrf) =>
            mergeConfirmView(
              plan,
              { action: `${path}/merge`, backHref: path, ids: plan.from.map((t) => t.id) },
              csrf,
            ),
        });
      }
      const { into, results } = await mergeTermsInBulk(ctx, currentUser(request), {
        taxonomySlug: request.params.slug,
        ids,
        into: request.body.into ?? '',
      });
      const refused = results.filter((r) => r.error !== undefined);
      if (refused.length === 0)
        return reply.redirect(`/admin/taxonomies/${request.params.slug}?notice=merged`, 303);
      const merged = results.length - refused.length;
      return listPage(request, reply, request.params.slug, {
        bulkProblem: {
          errors: { into: refused.map((r) => `“${r.name}” ${r.error}`).join('; ') },
          message: `${merged} merged into “${into.name}”; ${refused.length} not merged.`,
        },
        bulkValues: { ids: refused.map((r) => String(r.id)), into: request.body.into ?? '' },
        status: 400,
      });
    },
    async (request, reply, problem) =>
      listPage(request, reply, request.params.slug, {
        // Nothing ticked is said by the one field the form has.
        bulkProblem: {
          ...problem,
          errors: { into: problem.errors.into ?? problem.errors.id ?? problem.message },
        },
        bulkValues: { ids: request.body.id ?? [], into: request.body.into ?? '' },
        status: 400,
      }),
  );

  app.post(
    '/terms/:id/move',
    { config: { access: 'taxonomy.manage' }, schema: { params: IdParams, body: MoveForm } },
    async (request, reply) => {
      const staff = currentUser(request);
      const { id } = request.params;
      const { taxonomy } = await loadTermAdmin(ctx, staff, id);
      await moveTerm(ctx, staff, { id, direction: request.body.direction === 'down' ? 'down' : 'up' });
      return reply.redirect(`/admin/taxonomies/${taxonomy.slug}`, 303);
    },
  );
}
