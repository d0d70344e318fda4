import { html, type SafeHtml } from './html.ts';

/**
 * The pieces of a reader's form (reprint requests, members' pages): a labelled field with its
 * hint and error, and the summary of errors at the top. Ids are `<idPrefix>-<name>`, so the
 * summary's links land on the field.
 */
export interface ReaderFormParts {
  idPrefix: string;
  /** The words shown for each field, by name. */
  labels: Record<string, string>;
}

/** One field: its label (marked optional unless required), hint, error and control. */
export function readerFormField(
  form: ReaderFormParts,
  input: {
    name: string;
    control: (attributes: SafeHtml) => SafeHtml;
    error: string | undefined;
    hint?: string;
    isRequired?: boolean;
  },
): SafeHtml {
  const id = `${form.idPrefix}-${input.name}`;
  const describedBy = [input.error ? `${id}-error` : '', input.hint ? `${id}-hint` : '']
    .filter(Boolean)
    .join(' ');
  const attributes = html`id="${id}" name="${input.name}"${input.isRequired ? html` required` : ''}${
    input.error ? html` aria-invalid="true"` : ''
  }${describedBy ? html` aria-describedby="${describedBy}"` : ''}`;
  return html`<div class="reader-form__field${input.error ? ' reader-form__field--invalid' : ''}">
    <label for="${id}">${form.labels[input.name] ?? input.name}${input.isRequired ? '' : html` <span class="reader-form__optional">(optional)</span>`}</label>
    ${input.hint ? html`<p class="reader-form__hint" id="${id}-hint">${input.hint}</p>` : ''}
    ${input.error ? html`<p class="reader-form__error" id="${id}-error">${input.error}</p>` : ''}
    ${input.control(attributes)}
  </div>`;
}

/** The alert listing what needs attention, each linked to its field; nothing when all is well. */
export function readerFormErrors(form: ReaderFormParts, errors: Record<string, string>): SafeHtml {
  const entries = Object.entries(errors);
  if (entries.length === 0) return html``;
  return html`<div class="reader-form__alert" role="alert" tabindex="-1">
    <p><strong>${entries.length === 1 ? 'One field needs' : `${entries.length} fields need`} your attention:</strong></p>
    <ul>${entries.map(([name, message]) => html`<li><a href="#${form.idPrefix}-${name}">${form.labels[name] ?? name}</a>: ${message}</li>`)}</ul>
  </div>`;
}

/** The field people never see: a bot that fills it in is answered as anyone, and nothing is done. */
export function honeypotField(idPrefix: string): SafeHtml {
  return html`<div class="reader-form__trap" aria-hidden="true">
      <label for="${idPrefix}-leave-blank">Leave this field empty</label>
      <input type="text" id="${idPrefix}-leave-blank" name="leave_blank" value="" tabindex="-1" autocomplete="off">
    </div>`;
}
