import { html, type SafeHtml } from '../html.ts';

/**
 * A type-ahead picker: a plain text field that the server reads as a name or a slug, which the
 * newsroom script enhances with suggestions from `source` (a datalist filled as one types).
 */
export function pickerField(field: {
  id: string;
  name: string;
  label: string;
  value: string | undefined;
  source: string;
  /** Shown under the field; or give `describedBy`, the id of a hint several fields share. */
  hint?: string;
  describedBy?: string;
  error?: string;
}): SafeHtml {
  const hintId = field.hint ? `${field.id}-hint` : field.describedBy;
  const described = [field.error ? `${field.id}-error` : '', hintId ?? ''].filter(Boolean).join(' ');
  return html`<div class="field picker${field.error ? ' field--invalid' : ''}"><label for="${field.id}">${field.label}</label><input id="${field.id}" name="${field.name}" type="text" value="${field.value ?? ''}" maxlength="200" autocomplete="off" spellcheck="false" data-suggest="${field.source}" data-suggest-list="${field.id}-options" ${described ? html` aria-describedby="${described}"` : ''}${field.error ? html` aria-invalid="true"` : ''}><datalist id="${field.id}-options"></datalist>${
    field.error ? html`<p class="field-error" id="${field.id}-error">${field.error}</p>` : ''
  }${field.hint ? html`<p class="hint" id="${field.id}-hint">${field.hint}</p>` : ''}</div>`;
}
