import { type Article, countWords, readingMinutes, WORDS_PER_MINUTE } from '../../../domain/article.ts';
import type { Person } from '../../../domain/person.ts';
import type { Correction } from '../../../domain/ports/correction-store.ts';
import type { ChecklistItem } from '../../../domain/publish-checklist.ts';
import { DEFAULT_SETTINGS } from '../../../domain/settings.ts';
import { slugify } from '../../../domain/slug.ts';
import { type Taxonomy, type Term, termTree } from '../../../domain/taxonomy.ts';
import { utcToZoned } from '../../../domain/time-zone.ts';
import { STATUS_LABELS, TRANSITIONS, type WorkflowAction } from '../../../domain/workflow.ts';
import { correctionLabel } from '../../../services/newsroom/corrections.ts';
import { type ArticleFormValues, many, one } from '../../newsroom/article-form.ts';
import { csrfField, errorSummary, type FieldErrors, fieldId, formField } from '../../newsroom/forms.ts';
import { dateInputAttributes } from '../date-input.ts';
import type { SiteCalendar } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminDay, adminTime } from './admin-time.ts';
import { newsroomJs } from './assets.ts';
import { licenseOptions } from './license-options.ts';

/** Where a service's field name shows its error in the editor form. */
const FIELD_OF_ERROR: Record<string, string> = {
  epigraph: 'epigraph_text',
  source: 'source_name',
  authors: 'author',
  terms: 'term',
  date: 'publish_at',
};

export const EDITOR_LABELS: Record<string, string> = {
  title: 'Title',
  subtitle: 'Subtitle',
  slug: 'URL slug',
  summary: 'Summary',
  epigraph_text: 'Epigraph',
  body: 'Body',
  author: 'Authors',
  term: 'Terms',
  source_name: 'Original source',
  source_url: 'Original source address',
  canonical_url: 'Canonical URL',
  license: 'License',
  language: 'Language',
  visibility: 'Visibility',
  featured_image: 'Featured image',
  featured_image_alt: 'Featured image description',
  seo_title: 'Search title',
  seo_description: 'Search description',
  social_image: 'Social image',
  publish_at: 'Publish at',
};

/** How the editor writes dates: in the site's time zone and language, as the reader pages do. */
function calendarOf(model: EditorModel): SiteCalendar {
  return { language: model.language ?? 'en', timeZone: model.timeZone ?? 'UTC' };
}

/** Service field errors keyed by the form's field names. */
export function editorErrors(errors: FieldErrors): FieldErrors {
  const mapped: FieldErrors = {};
  for (const [field, message] of Object.entries(errors)) {
    const target = FIELD_OF_ERROR[field] ?? (field.startsWith('terms_') ? `new_${field}` : field);
    mapped[target] ??= message;
  }
  return mapped;
}

export interface EditorModel {
  article: Article | null;
  values: ArticleFormValues;
  people: Person[];
  taxonomies: Taxonomy[];
  terms: Term[];
  /** Taxonomies too large to list: their chosen terms show, and a type-ahead field adds more. */
  largeTaxonomyIds: number[];
  problem?: { errors: FieldErrors; message: string } | undefined;
  /** When another save won: the stored article the user must reconcile with. */
  conflict?: Article | undefined;
  autosave?: { savedAt: string } | undefined;
  /** Why the image sent with the article (the upload panel) was not stored. */
  uploadError?: string | undefined;
  actions: WorkflowAction[];
  corrections: Correction[];
  canCorrect: boolean;
  canFeature: boolean;
  canManageTerms: boolean;
  canCreditOthers: boolean;
  canDelete: boolean;
  /** Whether the form's Publish button is offered (save, check, publish). */
  canPublish: boolean;
  workflowProblem?: { errors: FieldErrors; message: string; values?: Record<string, string> } | undefined;
  correctionProblem?:
    | {
        errors: FieldErrors;
        message: string;
        values: Record<string, string>;
        /** The correction whose edit or withdrawal was refused; none for a new one. */
        correctionId?: number;
        isWithdrawal?: boolean;
      }
    | undefined;
  publicUrl: string | null;
  /** The site's time zone: the editor shows and reads times in it. */
  timeZone?: string | undefined;
  /** The publication's language: the editor writes dates in it, as the reader pages do. */
  language?: string | undefined;
  /** The site's name and address, for the search result and social card previews. */
  siteName?: string | undefined;
  siteUrl?: string | undefined;
  /** The site's default license code, named in the license choice's first option. */
  defaultLicense?: string | undefined;
  /** The writer's own author page, if their account is linked to one, and their account name. */
  ownPerson?: Person | null | undefined;
  ownName?: string | undefined;
}

/** What the byline hint tells this writer. */
function bylineHint(model: EditorModel): string {
  if (model.canCreditOthers)
    return 'Pick a person or type a new name: new names become author pages when you save.';
  if (model.ownPerson === null && model.ownName)
    return `Your account is not linked to an author page yet. Leave the byline empty (or type “${model.ownName}”) and saving makes your author page under that name. If you already have one here, say from an earlier site, ask an admin to link it to your account on the Users page first.`;
  return 'You write under your own name, beside anyone an editor credited; an editor adds co-authors.';
}

const TOOLBAR: { command: string; label: string; title: string }[] = [
  { command: 'bold', label: 'B', title: 'Bold' },
  { command: 'italic', label: 'I', title: 'Italic' },
  { command: 'h2', label: 'H2', title: 'H2 heading' },
  { command: 'h3', label: 'H3', title: 'H3 subheading' },
  { command: 'link', label: 'Link', title: 'Link' },
  { command: 'quote', label: '❝', title: 'Quotation' },
  { command: 'ul', label: '• List', title: 'Bulleted list' },
  { command: 'ol', label: '1. List', title: '1. List (numbered)' },
  { command: 'image', label: 'Image', title: 'Insert an image from the library' },
];

function dateTimeField(field: {
  name: string;
  label: string;
  value: string;
  error?: string | undefined;
}): SafeHtml {
  const id = fieldId(field.name);
  return html`<div class="field${field.error ? ' field--invalid' : ''}">
  <label for="${id}">${field.label}</label>
  <input${dateInputAttributes(field.value, 'datetime-local')} id="${id}" name="${field.name}" value="${field.value}"${field.error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
  ${field.error ? html`<p class="field-error" id="${id}-error">${field.error}</p>` : ''}
</div>`;
}

function checkbox(name: string, label: string, isChecked: boolean, hint?: string): SafeHtml {
  return html`<div class="field field--check">
  <input type="checkbox" id="${fieldId(name)}" name="${name}" value="1"${isChecked ? html` checked` : ''}>
  <label for="${fieldId(name)}">${label}</label>
  ${hint ? html`<p class="hint">${hint}</p>` : ''}
</div>`;
}

function authorFields(model: EditorModel, errors: FieldErrors): SafeHtml {
  const names = many(model.values, 'author').filter((n) => n.trim());
  // Names a save refused, put back where they were typed rather than shown as chosen.
  const typed = many(model.values, 'author_typed').filter((n) => n.trim());
  const empties = Math.max(1 + typed.length, 3 - names.length);
  const error = errors.author;
  // Names already on the byline are chosen entries, each with a box that takes it off at the
  // next save (with or without JavaScript); names are typed only into empty fields after them,
  // so that typing a co-author never runs into the name before it.
  const entryField = (index: number, slot: number) => {
    const label =
      names.length === 0 && slot === 0 ? `Author ${index + 1}` : `Add a co-author (author ${index + 1})`;
    return html`<li><label class="visually-hidden" for="author-${index}">${label}</label><input id="author-${index}" name="author" value="${typed[slot] ?? ''}"${
      typed[slot] !== undefined && error
        ? html` aria-invalid="true" aria-describedby="${fieldId('author')}-error authors-hint"`
        : html` aria-describedby="authors-hint"`
    } placeholder="${names.length === 0 && slot === 0 ? 'Name' : 'Add a co-author'}" autocomplete="off" spellcheck="false"${
      model.canCreditOthers
        ? html` data-suggest="/admin/suggest/people" data-suggest-list="author-${index}-options"`
        : ''
    }>${model.canCreditOthers ? html`<datalist id="author-${index}-options"></datalist>` : ''}</li>`;
  };
  return html`<fieldset class="field${error ? ' field--invalid' : ''}" id="${fieldId('author')}">
  <legend>Authors, in byline order</legend>
  <p class="hint" id="authors-hint">${bylineHint(model)}</p>
  <ol class="author-list">
    ${names.map(
      (name, index) =>
        html`<li class="author-chip"><input type="hidden" name="author" value="${name}">${
          // Without JavaScript, each chosen author's place is a number to change (with it, the
          // script takes these away and offers move buttons and dragging instead).
          names.length > 1
            ? html`<span class="author-chip__place"><label for="author-${index}-place"><span class="visually-hidden">Place of ${name} in the byline</span><span aria-hidden="true">No.</span></label> <input type="number" id="author-${index}-place" name="author_place" value="${index + 1}" min="1" max="${names.length}" inputmode="numeric"></span> `
            : ''
        }<span class="author-chip__name">${name}</span> <span class="author-chip__remove"><input type="checkbox" id="author-${index}-remove" name="author_remove" value="${name}"><label for="author-${index}-remove">Remove<span class="visually-hidden"> ${name} from the byline</span></label></span></li>`,
    )}
    ${Array.from({ length: empties }, (_, slot) => entryField(names.length + slot, slot))}
  </ol>
  ${error ? html`<p class="field-error" id="${fieldId('author')}-error">${error}</p>` : ''}
</fieldset>`;
}

function termFields(model: EditorModel, errors: FieldErrors): SafeHtml {
  const selected = new Set(many(model.values, 'term'));
  const large = new Set(model.largeTaxonomyIds);
  return html`${model.taxonomies.map((taxonomy) => {
    const isLarge = large.has(taxonomy.id);
    const ordered = termTree(model.terms.filter((t) => t.taxonomyId === taxonomy.id));
    const newName = `new_terms_${taxonomy.slug}`;
    const error = errors[newName];
    const plural = taxonomy.pluralName.toLowerCase();
    const choices = ordered.length
      ? html`<ul class="term-choices">${ordered.map(
          ({ term, depth }) =>
            html`<li class="depth-${isLarge ? 0 : Math.min(depth, 4)}"><input type="checkbox" id="term-${term.id}" name="term" value="${term.id}"${selected.has(String(term.id)) ? html` checked` : ''}><label for="term-${term.id}">${term.name}</label></li>`,
        )}</ul>`
      : html`<p class="hint">${isLarge ? 'None chosen yet.' : 'None yet.'}</p>`;
    const described = [error ? `${fieldId(newName)}-error` : '', isLarge ? `${fieldId(newName)}-hint` : '']
      .filter(Boolean)
      .join(' ');
    const attributes = html`${error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}`;
    // A large taxonomy is not listed: its chosen terms show, and anyone adds more by name or
    // slug (suggested as they type); only editors make new ones.
    const entry = isLarge
      ? html`<label class="small-label" for="${fieldId(newName)}">Add ${plural}</label>
  <input id="${fieldId(newName)}" name="${newName}" value="${one(model.values, newName)}" autocomplete="off" spellcheck="false" data-suggest="/admin/suggest/terms?taxonomy=${taxonomy.slug}" data-suggest-list="${fieldId(newName)}-options" data-suggest-multiple${attributes}><datalist id="${fieldId(newName)}-options"></datalist>
  <p class="hint" id="${fieldId(newName)}-hint">Names or address names, separated by commas${model.canManageTerms ? html`; a name no ${taxonomy.name.toLowerCase()} has yet makes a new one` : ''}.</p>`
      : model.canManageTerms
        ? html`<label class="small-label" for="${fieldId(newName)}">New ${plural} (comma-separated)</label>
  <input id="${fieldId(newName)}" name="${newName}" value="${one(model.values, newName)}"${attributes}>`
        : '';
    return html`<fieldset class="field terms${error ? ' field--invalid' : ''}">
  <legend>${taxonomy.pluralName}</legend>
  ${choices}
  ${entry}
  ${error ? html`<p class="field-error" id="${fieldId(newName)}-error">${error}</p>` : ''}
</fieldset>`;
  })}${errors.term ? html`<div id="${fieldId('term')}"><p class="field-error" id="${fieldId('term')}-error">${errors.term}</p></div>` : ''}`;
}

function workflowPanel(model: EditorModel, csrf: string): SafeHtml {
  const { article } = model;
  if (!article) return html``;
  const problem = model.workflowProblem;
  const version = String(article.version);
  const zone = model.timeZone ?? 'UTC';
  return html`<section class="panel workflow" aria-labelledby="workflow-heading">
  <h2 id="workflow-heading">Status: <span class="badge badge--${article.status}">${STATUS_LABELS[article.status]}</span></h2>
  ${article.status === 'scheduled' ? html`<p>Goes live ${adminTime(article.publishedAt, calendarOf(model))}.</p>` : ''}
  ${article.status === 'published' && model.publicUrl ? html`<p><a href="${model.publicUrl}">View on the site</a></p>` : ''}
  ${problem ? errorSummary(problem, EDITOR_LABELS) : ''}
  ${model.actions.length === 0 ? html`<p class="hint">Nothing you can change here now.</p>` : ''}
  <div class="workflow-actions">
  ${model.actions
    .filter((a) => a !== 'schedule')
    .map((action) =>
      // Publishing from here is the form's own Publish: the unsaved edits are saved first and
      // the checklist confirmed, as from the button under the form.
      action === 'publish' && model.canPublish
        ? html`<button type="submit" form="article-form" name="intent" value="publish" class="publish-button">${TRANSITIONS[action].label}</button>`
        : html`<form method="post" action="/admin/articles/${article.id}/workflow">
    ${csrfField(csrf)}<input type="hidden" name="version" value="${version}"><input type="hidden" name="action" value="${action}">
    <button type="submit"${action === 'unpublish' || action === 'return' ? html` class="secondary"` : ''}>${TRANSITIONS[action].label}</button>
  </form>`,
    )}
  </div>
  ${
    model.actions.includes('schedule')
      ? html`<form method="post" action="/admin/articles/${article.id}/workflow" class="schedule-form">
    ${csrfField(csrf)}<input type="hidden" name="version" value="${version}"><input type="hidden" name="action" value="schedule">
    ${dateTimeField({
      name: 'publish_at',
      label: `Publish at (${zone.replace(/_/g, ' ')} time)`,
      value:
        problem?.values?.publish_at ??
        (article.status === 'scheduled' && article.publishedAt ? utcToZoned(article.publishedAt, zone) : ''),
      error: problem?.errors.publish_at,
    })}
    <button type="submit" class="secondary">${article.status === 'scheduled' ? 'Reschedule' : 'Schedule'}</button>
  </form>`
      : ''
  }
  ${
    model.canDelete
      ? html`<p class="delete-link"><a class="button danger" href="/admin/articles/${article.id}/delete">Delete<span class="visually-hidden"> “${article.title}”</span>…</a></p>`
      : ''
  }
</section>`;
}

function correctionsPanel(model: EditorModel, csrf: string): SafeHtml {
  const { article } = model;
  if (!article || (!model.canCorrect && model.corrections.length === 0)) return html``;
  const problem = model.correctionProblem;
  const forNew = problem?.correctionId === undefined ? problem : undefined;
  // A refusal that names no field (the correction was withdrawn meanwhile) shows above them all.
  const refusal = problem && Object.keys(problem.errors).length === 0 ? problem.message : undefined;
  const calendar = calendarOf(model);
  return html`<section class="panel" aria-labelledby="corrections-heading">
  <h2 id="corrections-heading">Corrections and updates</h2>
  ${refusal ? html`<div class="alert" role="alert"><p>${refusal}</p></div>` : ''}
  ${
    model.corrections.length
      ? html`<ul class="list corrections-list">${model.corrections.map((c) => correctionItem(model, c, csrf, calendar))}</ul>`
      : html`<p class="hint">None. Notes added here show, dated, at the end of the article and in its structured data.</p>`
  }
  ${
    model.canCorrect
      ? html`<form method="post" action="/admin/articles/${article.id}/corrections" id="correction-form" class="correction-add" novalidate>
    <h3>Add a correction or update</h3>
    ${csrfField(csrf)}
    ${formField({
      name: 'kind',
      label: 'Kind',
      type: 'select',
      value: forNew?.values.kind ?? 'correction',
      options: KIND_OPTIONS,
      error: forNew?.errors.kind,
    })}
    ${formField({ name: 'note', label: 'Public note', type: 'textarea', rows: 3, value: forNew?.values.note ?? '', error: forNew?.errors.note })}
    <button type="submit" class="secondary">Add note</button>
  </form>`
      : ''
  }
</section>`;
}

const KIND_OPTIONS = [
  { value: 'correction', label: 'Correction (something was wrong)' },
  { value: 'update', label: 'Update (something changed)' },
];

/**
 * One correction: what readers see of it, and for editors its edit and withdraw forms, folded
 * away until asked for (opened again when one of them was refused).
 */
function correctionItem(model: EditorModel, c: Correction, csrf: string, calendar: SiteCalendar): SafeHtml {
  const label = correctionLabel(c.kind);
  const day = adminDay(c.createdAt, calendar);
  if (c.withdrawnAt !== null) {
    return html`<li class="correction correction--withdrawn"><strong>${label}</strong>, ${day}, <strong>withdrawn</strong> ${adminDay(c.withdrawnAt, calendar)}: ${c.withdrawnReason ?? ''}
  <p class="hint">It read: ${c.note}</p></li>`;
  }
  const edited = c.updatedAt
    ? html` <span class="hint">(edited ${adminDay(c.updatedAt, calendar)})</span>`
    : '';
  if (!model.canCorrect || !model.article)
    return html`<li class="correction"><strong>${label}</strong>, ${day}: ${c.note}${edited}</li>`;
  const base = `/admin/articles/${model.article.id}/corrections/${c.id}`;
  const problem = model.correctionProblem?.correctionId === c.id ? model.correctionProblem : undefined;
  const editProblem = problem && !problem.isWithdrawal ? problem : undefined;
  const withdrawProblem = problem?.isWithdrawal ? problem : undefined;
  const id = (name: string) => `correction-${c.id}-${name}`;
  const field = (p: typeof problem, name: string, control: SafeHtml, text: string) =>
    html`<div class="field${p?.errors[name] ? ' field--invalid' : ''}"><label for="${id(name)}">${text}</label>${control}${
      p?.errors[name] ? html`<p class="field-error" id="${id(name)}-error">${p.errors[name]}</p>` : ''
    }</div>`;
  const invalid = (p: typeof problem, name: string) =>
    p?.errors[name] ? html` aria-invalid="true" aria-describedby="${id(name)}-error"` : '';
  const kind = editProblem?.values.kind ?? c.kind;
  return html`<li class="correction"><strong>${label}</strong>, ${day}: ${c.note}${edited}
  <details${problem ? html` open` : ''}>
    <summary>Edit or withdraw<span class="visually-hidden"> the ${label.toLowerCase()} of ${day}</span></summary>
    <form method="post" action="${base}" novalidate>
      ${csrfField(csrf)}
      ${field(
        editProblem,
        'kind',
        html`<select id="${id('kind')}" name="kind"${invalid(editProblem, 'kind')}>${KIND_OPTIONS.map(
          (o) =>
            html`<option value="${o.value}"${o.value === kind ? html` selected` : ''}>${o.label}</option>`,
        )}</select>`,
        'Kind',
      )}
      ${field(
        editProblem,
        'note',
        html`<textarea id="${id('note')}" name="note" rows="3"${invalid(editProblem, 'note')}>${editProblem?.values.note ?? c.note}</textarea>`,
        'Public note',
      )}
      <button type="submit" class="secondary">Save the change</button>
    </form>
    <form method="post" action="${base}/withdraw" novalidate>
      ${csrfField(csrf)}
      ${field(
        withdrawProblem,
        'reason',
        html`<textarea id="${id('reason')}" name="reason" rows="2"${invalid(withdrawProblem, 'reason')}>${withdrawProblem?.values.reason ?? ''}</textarea>`,
        'Why withdraw it (shown to readers)',
      )}
      <button type="submit" class="danger">Withdraw</button>
    </form>
  </details></li>`;
}

function uploadPanel(model: EditorModel): SafeHtml {
  // The panel's fields and button belong to the article's form (form="article-form"): the upload
  // sends the article as it is now along, which is saved first, so nothing typed is lost.
  const action = model.article ? `/admin/articles/${model.article.id}/upload` : '/admin/articles/upload';
  const error = model.uploadError;
  return html`<section class="panel" aria-labelledby="upload-heading">
  <h2 id="upload-heading">Upload an image</h2>
  <div class="upload-form">
    <div class="field${error ? ' field--invalid' : ''}"><label for="upload-file">Image file</label><input type="file" id="upload-file" name="upload_file" form="article-form" accept="image/jpeg,image/png,image/webp,image/gif,image/avif,image/tiff"${error ? html` aria-invalid="true" aria-describedby="upload-file-error"` : ''}>${error ? html`<p class="field-error" id="upload-file-error">${error}</p>` : ''}</div>
    <div class="field"><label for="upload-alt">Description (alt text)</label><input id="upload-alt" name="upload_alt" form="article-form"></div>
    <button type="submit" class="secondary upload-button" form="article-form" formaction="${action}" formenctype="multipart/form-data" formnovalidate>Save and upload</button>
    <p class="hint">Saves the article as it is now, then uploads the image. JPEG, PNG, WebP, GIF, AVIF or TIFF up to 15 MB. Or drop an image on the body text.</p>
  </div>
</section>`;
}

/** The article editor: every field, a Markdown toolbar and live preview, workflow and corrections. */
export function articleEditorView(model: EditorModel, csrf: string): SafeHtml {
  const { article, values } = model;
  const errors = editorErrors(model.problem?.errors ?? {});
  const field = (name: string, label: string, extra: Partial<Parameters<typeof formField>[0]> = {}) =>
    formField({ name, label, value: one(values, name), error: errors[name], ...extra });
  const action = article ? `/admin/articles/${article.id}` : '/admin/articles';
  return html`${article ? html`<p class="editor-links"><a href="/admin/articles">← All articles</a> · <a href="/admin/articles/${article.id}/revisions">History (version ${article.version})</a> · <a href="/admin/articles/${article.id}/mentions">Mentions</a> · <a href="/admin/articles/${article.id}/republications">Republications</a> · <a href="/admin/articles/${article.id}/reach">Reach</a></p>` : html`<p class="editor-links"><a href="/admin/articles">← All articles</a></p>`}
${model.problem ? errorSummary({ ...model.problem, errors }, EDITOR_LABELS) : ''}
${
  model.conflict
    ? html`<section class="panel conflict" aria-labelledby="conflict-heading">
  <h2 id="conflict-heading">The saved version (version ${model.conflict.version}, ${adminTime(model.conflict.updatedAt, calendarOf(model))})</h2>
  <p>Your text is in the form below, unchanged. Copy what you need from the saved version, then save: saving now replaces version ${model.conflict.version}.</p>
  <details><summary>Saved body</summary><pre class="conflict-body">${model.conflict.bodyMarkdown}</pre></details>
</section>`
    : ''
}
${
  model.autosave && article
    ? html`<div class="notice autosave-offer" role="status"><p>You have unsaved changes from ${adminTime(model.autosave.savedAt, calendarOf(model))}.</p>
  <p><a class="button secondary" href="/admin/articles/${article.id}?restore=autosave">Restore them</a>
  <form method="post" action="/admin/articles/${article.id}/autosave/discard" class="inline">${csrfField(csrf)}<button type="submit" class="link-dark">Discard</button></form></p></div>`
    : ''
}
<div class="editor-grid">
${
  // The Status panel's Publish belongs to the article's form but comes before it: this Save,
  // first of the form's buttons, stays the one Enter in a field presses.
  model.canPublish && article
    ? html`<button type="submit" form="article-form" class="implicit-save" hidden tabindex="-1">Save</button>`
    : ''
}<div class="editor-status">${workflowPanel(model, csrf)}</div>
<form method="post" action="${action}" id="article-form" class="editor-main" novalidate
  data-autosave="${article ? `/admin/articles/${article.id}/autosave` : '/admin/articles/autosave'}" data-new="${article ? '' : '1'}" data-csrf="${csrf}" data-time-zone="${model.timeZone ?? 'UTC'}">
  ${csrfField(csrf)}
  ${article ? html`<input type="hidden" name="version" value="${one(values, 'version')}">` : ''}
  <section class="panel">
  ${field('title', 'Title', { isRequired: true })}
  ${field('subtitle', 'Subtitle')}
  <div class="field-pair">
    ${field('epigraph_text', 'Epigraph', { type: 'textarea', rows: 2, hint: 'An optional quotation shown above the body.' })}
    ${field('epigraph_attribution', 'Epigraph attribution')}
  </div>
  <div class="field body-field${errors.body ? ' field--invalid' : ''}">
    <label for="${fieldId('body')}">Body (Markdown)</label>
    <div class="md-toolbar" role="toolbar" aria-label="Formatting" aria-controls="${fieldId('body')}" hidden>
      ${TOOLBAR.map((b) => html`<button type="button" class="secondary" data-md="${b.command}" title="${b.title}" aria-label="${b.title}">${b.label}</button>`)}
      <button type="button" class="secondary md-preview-toggle" aria-pressed="false" data-md="preview">Preview</button>
    </div>
    <div class="md-panes">
      <textarea id="${fieldId('body')}" name="body" rows="22" class="md-source"${errors.body ? html` aria-invalid="true" aria-describedby="body-hint ${fieldId('body')}-error"` : html` aria-describedby="body-hint"`}>${one(values, 'body')}</textarea>
      <div class="md-preview article-body" aria-live="polite" aria-label="Preview" hidden></div>
    </div>
    <p class="hint" id="body-hint">Paste from a word processor or a web page: it becomes clean Markdown. Drop an image here to upload it. For an article for members, a line <code>&lt;!-- members-only --&gt;</code> ends what everyone may read.</p>
    ${wordCountView(one(values, 'body'))}
    ${errors.body ? html`<p class="field-error" id="${fieldId('body')}-error">${errors.body}</p>` : ''}
  </div>
  ${field('summary', 'Summary', { type: 'textarea', rows: 3, hint: 'For listings, feeds and search engines.' })}
  </section>

  <section class="panel">
  <h2>Byline and filing</h2>
  ${authorFields(model, errors)}
  ${termFields(model, errors)}
  </section>

  <section class="panel">
  <h2>Image</h2>
  <div class="featured-pick">
    ${one(values, 'featured_image').startsWith('/media/') || one(values, 'featured_image').startsWith('https://') ? html`<img class="featured-thumb" src="${one(values, 'featured_image')}" alt="">` : html`<img class="featured-thumb" alt="" hidden>`}
    <button type="button" class="secondary" data-picker="featured" hidden>Choose featured image</button>
    <a href="/admin/media" class="picker-fallback" target="_blank" rel="noopener">Open the image library<span class="visually-hidden"> (in a new tab)</span></a>
  </div>
  ${field('featured_image', 'Featured image', { hint: 'An uploaded image’s address (/media/…) or an https:// address.' })}
  ${field('featured_image_alt', 'Featured image description', { hint: 'What the image shows, for readers who cannot see it.' })}
  </section>

  ${searchAndSocialPanel(model, field)}

  <section class="panel">
  <h2>Source, rights and display</h2>
  ${field('source_name', 'Original source', { hint: 'Only if the article first appeared elsewhere.' })}
  ${field('source_url', 'Original source address', { type: 'url' })}
  ${field('canonical_url', 'Canonical URL', { type: 'url', hint: 'Where search engines should send readers; empty for this site.' })}
  ${field('license', 'License', {
    type: 'select',
    options: licenseOptions(
      one(values, 'license'),
      model.defaultLicense ?? DEFAULT_SETTINGS.defaultLicense,
      'Site default',
    ),
    hint: 'Who may republish the article, and how. The site default can be changed in the settings.',
  })}
  <div class="field-pair">
  ${field('language', 'Language', { hint: 'A language tag such as en or pt-BR.' })}
  ${field('visibility', 'Visibility', {
    type: 'select',
    options: [
      { value: 'public', label: 'Everyone' },
      { value: 'members', label: 'Members only' },
      { value: 'paid', label: 'Paying members only' },
    ],
    hint: html`Others read the body up to a line <code>&lt;!-- members-only --&gt;</code> (without one, its opening paragraphs), then an invitation to join. Such articles are not in full in feeds or search, and have no republish kit.`,
  })}
  </div>
  ${field('slug', 'URL slug', { hint: 'Empty: made from the title. Changing it keeps the old address working.' })}
  ${checkbox('has_comments', 'Comments on', one(values, 'has_comments') === '1')}
  ${model.canFeature ? checkbox('is_featured', 'Featured on the home page', one(values, 'is_featured') === '1') : ''}
  </section>
  <div class="actions sticky-actions"><button type="submit" class="save-button">${article ? 'Save' : 'Create draft'}</button>
  ${model.canPublish ? html`<button type="submit" name="intent" value="publish" class="publish-button">Publish…</button>` : ''}
  <button type="submit" class="secondary preview-button" formaction="${article ? `/admin/articles/${article.id}/preview` : '/admin/articles/preview'}" formtarget="_blank">Preview<span class="visually-hidden"> in a new tab, as it is now</span></button>
  <p class="autosave-status hint" role="status" aria-live="polite">${article ? '' : 'Not saved yet: it becomes a draft as soon as you start writing.'}</p></div>
</form>
<aside class="editor-side">
  ${uploadPanel(model)}
  ${correctionsPanel(model, csrf)}
</aside>
</div>
<script src="${newsroomJs()}" defer></script>`;
}

/**
 * The body's length as readers will meet it: counted as a save counts it, from the text the
 * page was given (the saved body, or what was just submitted), and again by the script as one types.
 */
function wordCountView(body: string): SafeHtml {
  const words = countWords(body);
  return html`<p class="word-count hint" id="word-count" aria-live="polite" data-words-per-minute="${WORDS_PER_MINUTE}">${wordCountText(words)}</p>`;
}

/** "230 words · 1 min read"; an empty body is "0 words", with no reading time to speak of. */
function wordCountText(words: number): string {
  const count = `${words.toLocaleString('en')} ${words === 1 ? 'word' : 'words'}`;
  return words === 0 ? count : `${count} · ${readingMinutes(words)} min read`;
}

/** The host of the site's address, as search results show it. */
function hostOf(siteUrl: string): string {
  return URL.canParse(siteUrl) ? new URL(siteUrl).host : siteUrl;
}

/** How long a search engine shows a title and a description, about, before cutting it. */
const SEARCH_TITLE_CHARS = 60;
const SEARCH_DESCRIPTION_CHARS = 160;

function clip(text: string, limit: number): string {
  const plain = text.replace(/\s+/g, ' ').trim();
  return plain.length <= limit ? plain : `${plain.slice(0, limit - 1).trimEnd()}…`;
}

/**
 * The optional search and social fields, with what a search result and a social card would
 * show now: rendered from the form's values here, and updated by the script as one types.
 */
function searchAndSocialPanel(
  model: EditorModel,
  field: (name: string, label: string, extra?: Partial<Parameters<typeof formField>[0]>) => SafeHtml,
): SafeHtml {
  const { values } = model;
  const siteUrl = (model.siteUrl ?? '').replace(/\/$/, '');
  // Before there is a slug, the one the title will give the article when it is saved.
  const slug = one(values, 'slug').trim() || model.article?.slug || slugify(one(values, 'title')) || '…';
  const title = one(values, 'seo_title').trim() || one(values, 'title').trim() || 'Untitled';
  const description =
    one(values, 'seo_description').trim() || one(values, 'summary').trim() || one(values, 'subtitle').trim();
  const image = one(values, 'social_image').trim() || one(values, 'featured_image').trim();
  const isShownImage = image.startsWith('/media/') || image.startsWith('https://');
  const host = hostOf(siteUrl);
  return html`<section class="panel seo-panel" aria-labelledby="seo-heading">
  <h2 id="seo-heading">Search and social</h2>
  <p class="hint">Optional. Each takes the place of the title, summary or featured image where search engines and social sites show the article; the page itself keeps them.</p>
  ${field('seo_title', 'Search title', { hint: `The page’s whole title in search results and on social cards. About ${SEARCH_TITLE_CHARS} characters show.` })}
  ${field('seo_description', 'Search description', { type: 'textarea', rows: 3, hint: `In place of the summary. About ${SEARCH_DESCRIPTION_CHARS} characters show.` })}
  ${field('social_image', 'Social image', { hint: 'The image social cards show, in place of the featured image: an uploaded image’s address (/media/…) or an https:// address.' })}
  <div class="seo-previews" data-site-url="${siteUrl}" data-saved-slug="${model.article?.slug ?? ''}">
    <figure class="search-preview">
      <figcaption>In search results</figcaption>
      <p class="search-preview__url">${host} › articles › <span data-preview="slug">${slug}</span></p>
      <p class="search-preview__title" data-preview="title">${clip(title, SEARCH_TITLE_CHARS)}</p>
      <p class="search-preview__description" data-preview="description">${description ? clip(description, SEARCH_DESCRIPTION_CHARS) : 'No description: search engines pick text from the page.'}</p>
    </figure>
    <figure class="social-preview">
      <figcaption>On social sites</figcaption>
      <div class="social-preview__card">
        <img class="social-preview__image" data-preview="image"${isShownImage ? html` src="${image}"` : html` hidden`} alt="">
        <div class="social-preview__text">
          <p class="social-preview__site">${host}</p>
          <p class="social-preview__title" data-preview="title">${clip(title, 90)}</p>
          <p class="social-preview__description" data-preview="description">${description ? clip(description, 120) : ''}</p>
        </div>
      </div>
    </figure>
  </div>
</section>`;
}

/** The way to publish without JavaScript: what to check, then one button. It warns; it never blocks. */
export function publishConfirmView(
  model: { article: Article; items: ChecklistItem[] },
  csrf: string,
): SafeHtml {
  const { article, items } = model;
  const missing = items.filter((i) => !i.isDone).length;
  return html`<p class="editor-links"><a href="/admin/articles/${article.id}">← Back to the editor</a></p>
<section class="panel publish-check" aria-labelledby="check-heading">
  <h2 id="check-heading">Before publishing “${article.title}”</h2>
  ${checklistView(items)}
  <p>${missing === 0 ? 'Everything is in place.' : `${missing === 1 ? 'One thing is' : `${missing} things are`} missing. You can publish anyway, or go back and add ${missing === 1 ? 'it' : 'them'}.`}</p>
  <form method="post" action="/admin/articles/${article.id}/workflow">
    ${csrfField(csrf)}<input type="hidden" name="version" value="${String(article.version)}"><input type="hidden" name="action" value="publish">
    <button type="submit">Publish now</button> <a href="/admin/articles/${article.id}">Not yet</a>
  </form>
</section>`;
}

/** The publish checklist: done items ticked, missing ones with what is missing. */
export function checklistView(items: ChecklistItem[]): SafeHtml {
  return html`<ul class="checklist">${items.map(
    (item) =>
      html`<li class="${item.isDone ? 'is-done' : 'is-missing'}"><span aria-hidden="true">${item.isDone ? '✓' : '!'}</span> <strong>${item.label}</strong><span class="visually-hidden">${item.isDone ? ' (done)' : ' (missing)'}</span>: ${item.note}</li>`,
  )}</ul>`;
}
