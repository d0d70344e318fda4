import { ARTICLE_STATUSES, type Article, type ArticleStatus } from '../../../domain/article.ts';
import { ARTICLE_LIST_SORTS, type ArticleListFilters } from '../../../domain/article-list-query.ts';
import { articlePath } from '../../../domain/paths.ts';
import type { AdminArticleSort } from '../../../domain/ports/article-admin-store.ts';
import { type DiffRow, type FieldDiff, MAX_DIFF_ROWS } from '../../../domain/revision-diff.ts';
import type { Taxonomy, Term } from '../../../domain/taxonomy.ts';
import { STATUS_LABELS } from '../../../domain/workflow.ts';
import type { ArticleRow } from '../../../services/newsroom/article-list.ts';
import type { BulkAction, BulkOutcome } from '../../../services/newsroom/bulk-articles.ts';
import type { DeletedArticleRow, DeletionPlan } from '../../../services/newsroom/deletion.ts';
import type { RevisionSummary } from '../../../services/newsroom/revisions.ts';
import { csrfField, errorSummary, type FieldErrors, formField } from '../../newsroom/forms.ts';
import { dateInputAttributes } from '../date-input.ts';
import type { SiteCalendar } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminTime } from './admin-time.ts';
import { newsroomJs } from './assets.ts';
import {
  emptyList,
  filterFieldState,
  filterSummary,
  filterValue,
  type ListFilterProblems,
  matchCount,
} from './list-filters.ts';
import { pickerField } from './picker-field.ts';

/** A bulk action sent back to the list: what was chosen, and why it was not done. */
export interface BulkFormState {
  action: BulkAction;
  articleIds: number[];
  term: string;
  termError: string;
}

export interface ArticleListModel {
  rows: ArticleRow[];
  filters: ArticleListFilters;
  /** The query string of the next page, or null on the last one. */
  nextQuery: string | null;
  /** The query string of the page before, or null on the first one. */
  previousQuery?: string | null;
  /** The query string of the first page with the same filters. */
  firstQuery: string;
  /** How many articles match, counted up to `totalCap` + 1 ("more than"). */
  total?: number;
  totalCap?: number;
  /** The query string of this page, for a bulk action to come back to. */
  listQuery?: string;
  canCreate: boolean;
  /** Admins also get a link to the deleted articles. */
  canRestore: boolean;
  /** Which bulk actions the role may take at all (each article is still checked on its own). */
  bulkActions: BulkAction[];
  /** The site's time zone and language: dates show in them, as on the reader pages. */
  calendar: SiteCalendar;
  /** Filters left out of the list for being wrong, with what was typed. */
  problems?: ListFilterProblems;
  /** A refused bulk action, shown again as it was sent. */
  bulk?: BulkFormState;
}

const LIST_FIELDS: Record<string, { id: string; label: string }> = {
  q: { id: 'list-q', label: 'Search titles and text' },
  status: { id: 'list-status', label: 'Status' },
  author: { id: 'list-author', label: 'Author' },
  term: { id: 'list-term', label: 'Term' },
  from: { id: 'list-from', label: 'From' },
  to: { id: 'list-to', label: 'Until' },
  sort: { id: 'list-sort', label: 'Sort by' },
};

const BULK_LABELS: Record<BulkAction, string> = {
  submit: 'Submit for review',
  publish: 'Publish now',
  unpublish: 'Unpublish',
  move: 'Move to the term below',
};

const SORT_LABELS: Record<AdminArticleSort, string> = {
  updated: 'Last changed',
  published: 'Publication date (dated articles only)',
  title: 'Title (A–Z)',
};

/** The article list: search, filters, sorting, keyset pages and bulk actions. */
export function articleListView(model: ArticleListModel, csrf: string): SafeHtml {
  const { filters } = model;
  const statuses: (ArticleStatus | 'all')[] = ['all', ...ARTICLE_STATUSES];
  const current = filters.status ?? 'all';
  const dateLabel = filters.sort === 'published' ? 'Published' : 'Updated';
  const hasFilters = Boolean(
    filters.text || filters.status || filters.author || filters.term || filters.from || filters.to,
  );
  // The status in use stays marked when other filters narrow the list too; only the link's own
  // address is "the page".
  const isStatusOnly =
    !(
      filters.text ||
      filters.author ||
      filters.term ||
      filters.from ||
      filters.to ||
      filters.after ||
      filters.before
    ) && filters.sort === 'updated';
  const { problems } = model;
  const state = (name: string) => filterFieldState(problems, name, LIST_FIELDS[name]?.id ?? name);
  const q = state('q');
  const status = state('status');
  const author = state('author');
  const term = state('term');
  const from = state('from');
  const to = state('to');
  const sort = state('sort');
  return html`${model.canCreate ? html`<p><a class="button" href="/admin/articles/new">Write an article</a></p>` : ''}
<nav aria-label="Filter by status" class="status-filter"><ul>
  ${statuses.map(
    (status) =>
      html`<li><a href="/admin/articles${status === 'all' ? '' : `?status=${status}`}"${current === status ? html` aria-current="${isStatusOnly ? 'page' : 'true'}"` : ''}>${status === 'all' ? 'All' : STATUS_LABELS[status]}</a></li>`,
  )}
  ${model.canRestore ? html`<li><a href="/admin/articles/deleted">Deleted</a></li>` : ''}
</ul></nav>
${filterSummary(problems, LIST_FIELDS)}
<form method="get" action="/admin/articles" class="panel list-filters" role="search" aria-label="Search and filter articles">
  <div class="field field--wide${q.className}"><label for="list-q">Search titles and text</label><input id="list-q" name="q" type="search" value="${filterValue(problems, 'q', filters.text)}" maxlength="200"${q.invalid}>${q.message}</div>
  <div class="field${status.className}"><label for="list-status">Status</label><select id="list-status" name="status"${status.invalid}>
    <option value="">Any</option>${ARTICLE_STATUSES.map((s) => html`<option value="${s}"${filters.status === s ? html` selected` : ''}>${STATUS_LABELS[s]}</option>`)}
  </select>${status.message}</div>
  ${pickerField({ id: 'list-author', name: 'author', label: 'Author', value: filterValue(problems, 'author', filters.author), source: '/admin/suggest/people', describedBy: 'list-pickers-hint', error: author.error })}
  ${pickerField({ id: 'list-term', name: 'term', label: 'Term', value: filterValue(problems, 'term', filters.term), source: '/admin/suggest/terms', describedBy: 'list-pickers-hint', error: term.error })}
  <div class="field${from.className}"><label for="list-from">${dateLabel} from</label><input id="list-from" name="from"${dateInputAttributes(filterValue(problems, 'from', filters.from), 'date')} value="${filterValue(problems, 'from', filters.from)}"${from.invalid}>${from.message}</div>
  <div class="field${to.className}"><label for="list-to">${dateLabel} until</label><input id="list-to" name="to"${dateInputAttributes(filterValue(problems, 'to', filters.to), 'date')} value="${filterValue(problems, 'to', filters.to)}"${to.invalid}>${to.message}</div>
  <div class="field${sort.className}"><label for="list-sort">Sort by</label><select id="list-sort" name="sort"${sort.invalid}>${ARTICLE_LIST_SORTS.map((s) => html`<option value="${s}"${filters.sort === s ? html` selected` : ''}>${SORT_LABELS[s]}</option>`)}</select>${sort.message}</div>
  <div class="actions"><button type="submit">Search</button>${hasFilters || filters.sort !== 'updated' || problems ? html` <a href="/admin/articles">Clear</a>` : ''}</div>
  <p class="hint list-filters__hint" id="list-pickers-hint">Author and term: a name or an address name (for a term also taxonomy/address name, such as region/europe), with suggestions as you type; empty for any.</p>
</form>
${
  model.rows.length === 0
    ? emptyList({
        isLaterPage: Boolean(filters.after || filters.before),
        isFiltered: hasFilters,
        noMore: 'No more articles.',
        noneMatch: 'No articles match these filters.',
        noneYet: 'No articles yet.',
        clearHref: '/admin/articles',
        ...(model.canCreate
          ? { add: { href: '/admin/articles/new', label: 'Write the first article' } }
          : {}),
      })
    : html`<form method="post" action="/admin/articles/bulk" id="bulk-form">
${csrfField(csrf)}
<input type="hidden" name="list" value="${model.listQuery ?? ''}">
${
  model.bulkActions.length > 0
    ? html`<fieldset class="bulk-bar"><legend>With the selected articles</legend>
  <div class="field"><label for="bulk-action">Action</label><select id="bulk-action" name="action">${model.bulkActions.map((a) => html`<option value="${a}"${model.bulk?.action === a ? html` selected` : ''}>${BULK_LABELS[a]}</option>`)}</select></div>
  ${model.bulkActions.includes('move') ? pickerField({ id: 'bulk-term', name: 'term', label: 'Term to move to', value: model.bulk?.term ?? '', source: '/admin/suggest/terms', describedBy: 'list-pickers-hint', ...(model.bulk ? { error: model.bulk.termError } : {}) }) : ''}
  <div class="actions"><button type="submit">Apply to selected</button></div>
</fieldset>`
    : ''
}
${model.total === undefined ? '' : matchCount(model.total, model.totalCap ?? Number.POSITIVE_INFINITY, { one: 'article', many: 'articles' })}
<div class="table-wrap"><table class="stack-table article-list">
<caption class="visually-hidden">Articles, ${SORT_LABELS[filters.sort].toLowerCase()}</caption>
<thead><tr>${model.bulkActions.length > 0 ? html`<th scope="col"><span class="visually-hidden">Select</span><label class="select-all-field" hidden><input type="checkbox" class="select-all" aria-label="Select all articles on this page"><span class="select-all-text">Select all</span></label></th>` : ''}<th scope="col">Title</th><th scope="col">Authors</th><th scope="col">Status</th><th scope="col">${dateLabel}</th><th scope="col">Actions</th></tr></thead>
<tbody>
${model.rows.map(
  ({ article, authors, canDelete }) => html`<tr>
  ${model.bulkActions.length > 0 ? html`<td data-label="Select"><input type="checkbox" name="id" value="${article.id}" id="pick-${article.id}" aria-label="Select “${article.title}”"${model.bulk?.articleIds.includes(article.id) ? html` checked` : ''}></td>` : ''}
  <td data-label="Title"><a href="/admin/articles/${article.id}" id="title-${article.id}">${article.title}</a></td>
  <td data-label="Authors">${authors || '—'}</td>
  <td data-label="Status"><span class="badge badge--${article.status}">${STATUS_LABELS[article.status]}</span>${
    article.status === 'scheduled'
      ? html` <span class="meta">${adminTime(article.publishedAt, model.calendar)}</span>`
      : ''
  }</td>
  <td data-label="${dateLabel}">${adminTime(filters.sort === 'published' ? article.publishedAt : article.updatedAt, model.calendar)}</td>
  <td data-label="Actions" class="row-actions">${
    article.status === 'published'
      ? html`<a href="${articlePath(article.slug)}" aria-describedby="title-${article.id}">View</a>`
      : ''
  }${article.status === 'published' && canDelete ? ' · ' : ''}${canDelete ? html`<a href="/admin/articles/${article.id}/delete" aria-describedby="title-${article.id}">Delete…</a>` : ''}</td>
</tr>`,
)}
</tbody></table></div>
</form>`
}
<nav aria-label="Pages of the list" class="pager">${model.previousQuery ? html`<a href="/admin/articles${model.firstQuery}">← First page</a> <a href="/admin/articles${model.previousQuery}" rel="prev">← Previous page</a>` : ''}${
    model.nextQuery ? html` <a href="/admin/articles${model.nextQuery}" rel="next">Next page →</a>` : ''
  }</nav>
<script src="${newsroomJs()}" defer></script>`;
}

/**
 * What a bulk action did to each chosen article, the term named for a move, with a link back
 * to the list as it was filtered (`listQuery`).
 */
export function bulkResultView(model: {
  action: BulkAction;
  outcomes: BulkOutcome[];
  listQuery: string;
  term?: Pick<Term, 'name'>;
  taxonomy?: Pick<Taxonomy, 'name' | 'pluralName' | 'isMultiple'>;
}): SafeHtml {
  const done = model.outcomes.filter((o) => o.isDone).length;
  const refused = model.outcomes.length - done;
  const isAdded = model.taxonomy?.isMultiple ?? true;
  const label =
    model.action === 'move' && model.term
      ? `${isAdded ? 'Added to' : 'Moved to'} “${model.term.name}”`
      : BULK_LABELS[model.action];
  // What a move did to the terms the articles had, which depends on the taxonomy.
  const how =
    model.action === 'move' && model.term && model.taxonomy
      ? isAdded
        ? ` An article may have several ${model.taxonomy.pluralName.toLowerCase()}: the ones it had are kept, with its other terms.`
        : ` An article has one ${model.taxonomy.name.toLowerCase()}: this one replaces the one it had; its other terms are kept.`
      : '';
  return html`<p class="editor-links"><a href="/admin/articles${model.listQuery ? `?${model.listQuery}` : ''}">← Back to the articles</a></p>
<p role="status">${label}: ${done} done, ${refused} refused.${how}</p>
<div class="table-wrap"><table class="stack-table bulk-results">
<thead><tr><th scope="col">Article</th><th scope="col">Result</th></tr></thead>
<tbody>
${model.outcomes.map(
  (o) => html`<tr class="${o.isDone ? 'bulk-done' : 'bulk-refused'}">
  <td data-label="Article">${o.title ? html`<a href="/admin/articles/${o.articleId}">${o.title}</a>` : html`Article ${o.articleId}`}${
    o.slug && o.status
      ? html` <span class="hint bulk-results__which">${
          o.status === 'published'
            ? html`<a href="${articlePath(o.slug)}">${articlePath(o.slug)}</a>`
            : html`<code>${articlePath(o.slug)}</code>`
        } · ${STATUS_LABELS[o.status]} · no. ${o.articleId}</span>`
      : ''
  }</td>
  <td data-label="Result">${o.isDone ? html`<strong>Done</strong>` : html`<strong>Refused:</strong> ${o.reason ?? ''}`}</td>
</tr>`,
)}
</tbody></table></div>`;
}

/** An article's revisions, newest first, with compare and restore. */
export function revisionListView(
  model: { article: Article; revisions: RevisionSummary[]; canRestore: boolean; calendar: SiteCalendar },
  csrf: string,
): SafeHtml {
  const { article } = model;
  return html`<p class="editor-links"><a href="/admin/articles/${article.id}">← Back to the editor</a></p>
<div class="table-wrap"><table class="stack-table revisions">
<thead><tr><th scope="col">Version</th><th scope="col">Saved</th><th scope="col">By</th><th scope="col">Note</th><th scope="col">Actions</th></tr></thead>
<tbody>
${model.revisions.map(
  (r, index) => html`<tr>
  <td data-label="Version">${r.version}${index === 0 ? html` <span class="badge">current</span>` : ''}</td>
  <td data-label="Saved">${adminTime(r.createdAt, model.calendar)}</td>
  <td data-label="By">${r.actorName}</td>
  <td data-label="Note">${r.note ?? ''}</td>
  <td data-label="Actions">${
    index === 0
      ? ''
      : html`<a href="/admin/articles/${article.id}/revisions/${r.id}">Compare with current</a>${
          model.canRestore
            ? html`<form method="post" action="/admin/articles/${article.id}/revisions/${r.id}/restore" class="inline-form">
      ${csrfField(csrf)}<input type="hidden" name="version" value="${article.version}">
      <button type="submit" class="secondary">Restore version ${r.version}</button></form>`
            : ''
        }`
  }</td>
</tr>`,
)}
</tbody></table></div>`;
}

/** A changed line's text, its changed words marked as deleted (left) or inserted (right). */
function cellText(side: NonNullable<DiffRow['left'] | DiffRow['right']>): SafeHtml | string {
  if (side.omittedChars)
    return html`${side.text}<span class="diff-cut">… ${side.omittedChars.toLocaleString('en')} more characters not shown</span>`;
  if (!side.segments) return side.text || ' ';
  return html`${side.segments.map((segment) =>
    !segment.isChanged
      ? segment.text
      : side.kind === 'removed'
        ? html`<del class="diff-word">${segment.text}</del>`
        : html`<ins class="diff-word">${segment.text}</ins>`,
  )}`;
}

function omittedText(omitted: NonNullable<DiffRow['omitted']>): string {
  const lines = `${omitted.lines.toLocaleString('en')} ${omitted.lines === 1 ? 'line' : 'lines'}`;
  return omitted.isUnchanged
    ? `… ${lines} unchanged …`
    : `… ${lines} more not shown: the comparison shows the first ${MAX_DIFF_ROWS.toLocaleString('en')} rows. Compare versions closer together to see the rest.`;
}

const DIFF_MARKS: Record<string, { sign: string; label: string } | undefined> = {
  removed: { sign: '−', label: 'removed' },
  added: { sign: '+', label: 'added' },
  moved: { sign: '↕', label: 'moved' },
};

function cell(side: DiffRow['left'] | DiffRow['right'], label: string): SafeHtml {
  if (!side) return html`<td class="diff-gap" data-label="${label}"></td>`;
  const mark = DIFF_MARKS[side.kind];
  return html`<td class="diff-${side.kind}" data-label="${label}">${mark ? html`<span class="visually-hidden">${mark.label}: </span><span aria-hidden="true" class="diff-mark">${mark.sign}</span>` : ''}${cellText(side)}</td>`;
}

/** A side-by-side comparison of a revision with the current article (or another revision). */
export function revisionDiffView(
  model: {
    article: Article;
    from: RevisionSummary;
    fields: FieldDiff[];
    canRestore: boolean;
    calendar: SiteCalendar;
  },
  csrf: string,
): SafeHtml {
  const { article, from } = model;
  return html`<p class="editor-links"><a href="/admin/articles/${article.id}/revisions">← History</a> · <a href="/admin/articles/${article.id}">Editor</a></p>
<p>Version ${from.version} (${adminTime(from.createdAt, model.calendar)}, ${from.actorName}) compared with the current version ${article.version}: <span class="diff-removed">removed</span>, <span class="diff-added">added</span>, <span class="diff-moved">moved</span>.</p>
${model.fields.length === 0 ? html`<p class="empty">No differences.</p>` : ''}
${model.fields.map(
  (field) => html`<section class="panel diff">
  <h2>${field.field}</h2>
  ${field.isWhole ? html`<p class="hint">Too large to compare line by line: the two versions are shown whole, side by side.</p>` : ''}
  <div class="table-wrap"><table class="diff-table${field.isWhole ? ' diff-whole' : ''}">
  <thead><tr><th scope="col">Version ${from.version}</th><th scope="col">Current</th></tr></thead>
  <tbody>${field.rows.map((row) =>
    row.omitted
      ? html`<tr class="diff-omitted"><td colspan="2">${omittedText(row.omitted)}</td></tr>`
      : html`<tr>${cell(row.left, `Version ${from.version}`)}${cell(row.right, 'Current')}</tr>`,
  )}</tbody>
  </table></div>
</section>`,
)}
${
  model.canRestore
    ? html`<form method="post" action="/admin/articles/${article.id}/revisions/${from.id}/restore">
  ${csrfField(csrf)}<input type="hidden" name="version" value="${article.version}">
  <button type="submit">Restore version ${from.version}</button>
  <p class="hint">Restoring saves version ${from.version}’s text as a new version; the status stays as it is.</p>
</form>`
    : ''
}`;
}

/** The confirmation page of a deletion: what will happen, and where the old address may lead. */
export function deleteConfirmView(
  model: {
    plan: DeletionPlan;
    revisionCount: number;
    values: Record<string, string>;
    problem?: { errors: FieldErrors; message: string } | undefined;
  },
  csrf: string,
): SafeHtml {
  const { article, publicPath, isListed } = model.plan;
  return html`<p class="editor-links"><a href="/admin/articles/${article.id}">← Back to the editor</a></p>
${errorSummary(model.problem, { redirect_to: 'Redirect to' })}
<section class="panel" aria-labelledby="delete-heading">
<h2 id="delete-heading">Delete “${article.title}”?</h2>
<p>Status: <span class="badge badge--${article.status}">${STATUS_LABELS[article.status]}</span>, version ${article.version}.</p>
<ul class="list">
  ${isListed ? html`<li>It leaves the site: the home page, its term and author pages, the feeds, the sitemaps and search.</li>` : ''}
  ${
    publicPath
      ? html`<li>Its address <code>${publicPath}</code> will answer <strong>410 Gone</strong> (removed for good), unless you send readers elsewhere below.</li>`
      : html`<li>It was never published, so no address on the site changes.</li>`
  }
  <li>Its history is kept: ${model.revisionCount} revision${model.revisionCount === 1 ? '' : 's'}, and one more recording the deletion. An admin can restore it, as unpublished.</li>
</ul>
<form method="post" action="/admin/articles/${article.id}/delete" novalidate>
  ${csrfField(csrf)}<input type="hidden" name="version" value="${article.version}">
  ${
    publicPath
      ? formField({
          name: 'redirect_to',
          label: 'Redirect to (optional)',
          value: model.values.redirect_to ?? '',
          error: model.problem?.errors.redirect_to,
          hint: model.plan.mayRedirectElsewhere
            ? html`An address on this site, such as <code>/articles/a-newer-article</code>, or a full http(s) URL. Leave it empty to answer 410 Gone.`
            : html`An address on this site, such as <code>/articles/a-newer-article</code> (only an editor may send readers to another site). Leave it empty to answer 410 Gone.`,
        })
      : ''
  }
  <div class="actions"><button type="submit" class="danger">Delete the article</button> <a href="/admin/articles/${article.id}">Cancel</a></div>
</form>
</section>`;
}

/** Deleted articles, for admins, each with a restore button. */
export function deletedArticlesView(
  rows: DeletedArticleRow[],
  calendar: SiteCalendar,
  csrf: string,
): SafeHtml {
  return html`<p class="editor-links"><a href="/admin/articles">← All articles</a></p>
<p>Deleted articles keep their history. Restoring one brings it back as unpublished, at its old address once it is published again.</p>
${
  rows.length === 0
    ? html`<p class="empty">No deleted articles.</p>`
    : html`<div class="table-wrap"><table class="stack-table">
<thead><tr><th scope="col">Title</th><th scope="col">Authors</th><th scope="col">Address</th><th scope="col">Deleted</th><th scope="col">Actions</th></tr></thead>
<tbody>
${rows.map(
  ({ article, authors, deletedAt }) => html`<tr>
  <td data-label="Title">${article.title}</td>
  <td data-label="Authors">${authors || '—'}</td>
  <td data-label="Address"><code>${articlePath(article.slug)}</code></td>
  <td data-label="Deleted">${adminTime(deletedAt, calendar)}</td>
  <td data-label="Actions"><form method="post" action="/admin/articles/${article.id}/restore" class="inline-form">
    ${csrfField(csrf)}<button type="submit" class="secondary">Restore<span class="visually-hidden"> “${article.title}”</span></button></form></td>
</tr>`,
)}
</tbody></table></div>`
}`;
}
