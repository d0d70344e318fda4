import type { Newsletter, NewsletterKind } from '../../domain/newsletter.ts';
import { MEMBER_PATHS } from '../../domain/paths.ts';
import { html, type SafeHtml } from './html.ts';
import { type ReaderFormParts, readerFormErrors } from './reader-form.ts';

/** The groups the choices are shown in: digests, then alerts by topic, then by author. */
const GROUPS: { legend: string; kinds: NewsletterKind[] }[] = [
  { legend: 'Digests', kinds: ['daily', 'weekly'] },
  { legend: 'Alerts for a region, theme or report', kinds: ['term'] },
  { legend: 'Alerts for an author', kinds: ['author'] },
];

const GROUP_HINTS: Partial<Record<NewsletterKind, string>> = {
  daily: 'every day',
  weekly: 'once a week',
  term: 'when we publish on it',
  author: 'when they publish',
};

/** What the choice fields show: the offered newsletters, the chosen ones, and an error. */
export interface ChoiceFieldsInput {
  /** Makes the ids unique on the page (`<idPrefix>-newsletters`, `<idPrefix>-newsletter-<id>`). */
  idPrefix: string;
  newsletters: Newsletter[];
  chosenIds: readonly number[];
  error?: string | undefined;
}

/**
 * The newsletters as checkboxes named "newsletters", a fieldset per group that has any. A plain
 * form field: it works with no script, and an unticked box is a choice too (the whole list is
 * sent and saved as one).
 */
export function newsletterChoiceFields(input: ChoiceFieldsInput): SafeHtml {
  const groups = GROUPS.map((group) => ({
    legend: group.legend,
    newsletters: input.newsletters.filter((n) => group.kinds.includes(n.kind)),
  })).filter((group) => group.newsletters.length > 0);
  const errorId = `${input.idPrefix}-newsletters-error`;
  return html`<div id="${input.idPrefix}-newsletters" tabindex="-1" class="newsletter-choices${input.error ? ' reader-form__field--invalid' : ''}">
    ${input.error ? html`<p class="reader-form__error" id="${errorId}">${input.error}</p>` : ''}
    ${groups.map(
      (
        group,
      ) => html`<fieldset class="reader-form__kinds"${input.error ? html` aria-describedby="${errorId}"` : ''}>
      <legend>${group.legend}</legend>
      ${group.newsletters.map((newsletter) => {
        const id = `${input.idPrefix}-newsletter-${newsletter.id}`;
        const isChecked = input.chosenIds.includes(newsletter.id);
        const hint = GROUP_HINTS[newsletter.kind];
        return html`<label for="${id}"><input type="checkbox" id="${id}" name="newsletters" value="${String(newsletter.id)}"${isChecked ? html` checked` : ''}> ${newsletter.name}${hint ? html` <span class="reader-form__optional">(${hint})</span>` : ''}</label>`;
      })}
    </fieldset>`,
    )}
  </div>`;
}

const PREFERENCES_FORM: ReaderFormParts = { idPrefix: 'preferences', labels: { newsletters: 'Newsletters' } };

/**
 * The page a newsletter's "choose your newsletters" link opens: every offered newsletter with
 * the member's choice, saved with no sign-in (the token in the form is the guard).
 */
export function preferencesView(input: {
  email: string;
  newsletters: Newsletter[];
  chosenIds: readonly number[];
  token: string;
  action: string;
  isSaved?: boolean;
  errors?: Record<string, string>;
}): SafeHtml {
  const errors = input.errors ?? {};
  return html`<article class="reader-form newsletter-preferences">
  <h1>Your newsletters</h1>
  ${input.isSaved ? html`<p class="reader-form__notice" role="status">Your newsletter choices are saved.</p>` : ''}
  <p>Choose what we send to <strong>${input.email}</strong>. Untick a newsletter to stop receiving it; your membership stays as it is.</p>
  ${readerFormErrors(PREFERENCES_FORM, errors)}
  ${
    input.newsletters.length === 0
      ? html`<p>There are no newsletters to choose from at the moment.</p>`
      : html`<form method="post" action="${input.action}">
    <input type="hidden" name="token" value="${input.token}">
    ${newsletterChoiceFields({ idPrefix: 'preferences', newsletters: input.newsletters, chosenIds: input.chosenIds, error: errors.newsletters })}
    <button type="submit">Save my choices</button>
  </form>`
  }
  <p>To change your name or address, or to download or delete your data, <a href="${MEMBER_PATHS.signIn}">sign in to your account</a>.</p>
</article>`;
}

/** A choices link that is forged, cut short or run out. */
export function preferencesInvalidView(message: string): SafeHtml {
  return html`<article class="reader-form">
  <h1>This link does not work any more</h1>
  <p>${message}</p>
  <p><a href="${MEMBER_PATHS.signIn}">Sign in</a> to choose your newsletters on your account page.</p>
</article>`;
}
