import type { EffectiveLicense } from '../../domain/license.ts';
import { articlePath, reprintRequestPath } from '../../domain/paths.ts';
import { REPRINT_REQUEST_LIMITS } from '../../domain/reprint-request.ts';
import { html, type SafeHtml } from './html.ts';
import { honeypotField, type ReaderFormParts, readerFormErrors, readerFormField } from './reader-form.ts';

/** What the form shows about its article. */
export interface ReprintFormArticle {
  title: string;
  slug: string;
  license: EffectiveLicense;
}

/** The form's state: what was typed and, after a refused submission, what is wrong by field. */
export interface ReprintFormState {
  values?: Record<string, string>;
  errors?: Record<string, string>;
}

/** The form's fields, in order, with the words shown for each. */
export const REPRINT_FORM_LABELS: Record<string, string> = {
  kind: 'What you ask for',
  name: 'Your name',
  email: 'Your email address',
  organisation: 'Organisation',
  outlet: 'Publication or outlet',
  language: 'Language of the translation',
  message: 'How you would use the article',
};

const FORM: ReaderFormParts = { idPrefix: 'reprint', labels: REPRINT_FORM_LABELS };

function fieldBlock(input: Parameters<typeof readerFormField>[1]): SafeHtml {
  return readerFormField(FORM, input);
}

/**
 * The request form: a plain POST form that needs no JavaScript. Carries the visitor's CSRF
 * token and a field people never see (a bot that fills it is dropped).
 */
export function reprintRequestView(
  article: ReprintFormArticle,
  csrfToken: string,
  state: ReprintFormState = {},
): SafeHtml {
  const values = state.values ?? {};
  const errors = state.errors ?? {};
  const kind = values.kind === 'translation' ? 'translation' : 'reprint';
  const text = (
    name: string,
    type: 'text' | 'email',
    options: { max: number; isRequired?: boolean; autocomplete?: string; hint?: string },
  ) =>
    fieldBlock({
      name,
      error: errors[name],
      isRequired: options.isRequired ?? false,
      ...(options.hint ? { hint: options.hint } : {}),
      control: (attributes) =>
        html`<input type="${type}" ${attributes} value="${values[name] ?? ''}" maxlength="${options.max}"${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}>`,
    });
  return html`<article class="reader-form">
  <p class="reader-form__back"><a href="${articlePath(article.slug)}">← Back to the article</a></p>
  <h1>Ask to reprint or translate “${article.title}”</h1>
  <p>This article is published under <strong>${article.license.name}</strong>${
    article.license.terms.startsWith(article.license.name)
      ? article.license.terms.slice(article.license.name.length)
      : html`. ${article.license.terms}`
  }</p>
  <p>For a commercial reprint, a translation, or any use these terms do not cover, ask here. An editor reads every request and answers by email.</p>
  ${readerFormErrors(FORM, errors)}
  <form method="post" action="${reprintRequestPath(article.slug)}" novalidate>
    <input type="hidden" name="_csrf" value="${csrfToken}">
    <fieldset class="reader-form__kinds${errors.kind ? ' reader-form__field--invalid' : ''}" id="reprint-kind"${errors.kind ? html` aria-describedby="reprint-kind-error"` : ''}>
      <legend>${REPRINT_FORM_LABELS.kind}</legend>
      ${errors.kind ? html`<p class="reader-form__error" id="reprint-kind-error">${errors.kind}</p>` : ''}
      <label><input type="radio" name="kind" value="reprint"${kind === 'reprint' ? html` checked` : ''}> A reprint (commercial or otherwise beyond the terms above)</label>
      <label><input type="radio" name="kind" value="translation"${kind === 'translation' ? html` checked` : ''}> A translation</label>
    </fieldset>
    ${text('name', 'text', { max: REPRINT_REQUEST_LIMITS.requesterName, isRequired: true, autocomplete: 'name' })}
    ${text('email', 'email', { max: REPRINT_REQUEST_LIMITS.email, isRequired: true, autocomplete: 'email', hint: 'The editors’ answer is sent here.' })}
    ${text('organisation', 'text', { max: REPRINT_REQUEST_LIMITS.organisation, autocomplete: 'organization' })}
    ${text('outlet', 'text', { max: REPRINT_REQUEST_LIMITS.outlet, hint: 'Where the article would appear: a newspaper, a website, a book.' })}
    ${text('language', 'text', { max: REPRINT_REQUEST_LIMITS.targetLanguage, hint: 'Needed for a translation.' })}
    ${fieldBlock({
      name: 'message',
      error: errors.message,
      isRequired: true,
      hint: 'Where and when it would appear, for what audience, print run or readership, and whether it is paid.',
      control: (attributes) =>
        html`<textarea ${attributes} rows="7" maxlength="${REPRINT_REQUEST_LIMITS.message}">${values.message ?? ''}</textarea>`,
    })}
    ${honeypotField('reprint')}
    <p class="reader-form__privacy">We use your details only to answer this request.</p>
    <button type="submit">Send the request</button>
  </form>
</article>`;
}

/** The page shown once a request is sent. */
export function reprintRequestSentView(article: { title: string; slug: string }): SafeHtml {
  return html`<article class="reader-form">
  <h1>Thank you: your request is sent</h1>
  <p>An editor will read your request about “${article.title}” and answer by email, usually within a few working days.</p>
  <p><a href="${articlePath(article.slug)}">Back to the article</a></p>
</article>`;
}
