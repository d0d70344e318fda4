import { html, type SafeHtml } from '../html.ts';

/**
 * What is wrong with a list's filters, by field name, and the values as they were typed. A list
 * whose filters are wrong is still shown (without those filters), with each message by its
 * field, so that one mistyped date does not take the list and the other filters away.
 */
export interface ListFilterProblems {
  errors: Record<string, string>;
  typed: Record<string, string | undefined>;
}

/** The attributes, message and class a filter field shows for its problem, if it has one. */
export function filterFieldState(
  problems: ListFilterProblems | undefined,
  name: string,
  id: string,
): { error: string | undefined; invalid: SafeHtml; message: SafeHtml; className: string } {
  const error = problems?.errors[name];
  if (!error) return { error, invalid: html``, message: html``, className: '' };
  return {
    error,
    invalid: html` aria-invalid="true" aria-describedby="${id}-error"`,
    message: html`<p class="field-error" id="${id}-error">${error}</p>`,
    className: ' field--invalid',
  };
}

/** The value a filter field shows: what was typed when it is wrong, else the value in use. */
export function filterValue(
  problems: ListFilterProblems | undefined,
  name: string,
  value: string | undefined,
): string {
  return problems?.errors[name] ? (problems.typed[name] ?? '') : (value ?? '');
}

/**
 * The alert above a list whose filters are wrong: each problem, linked to its field where the
 * page has one (a page token in the address has none).
 */
export function filterSummary(
  problems: ListFilterProblems | undefined,
  fields: Record<string, { id: string; label: string }>,
): SafeHtml {
  const entries = Object.entries(problems?.errors ?? {});
  if (entries.length === 0) return html``;
  return html`<div class="alert" role="alert">
  <p><strong>The list below leaves out ${entries.length === 1 ? 'a filter that needs' : `${entries.length} filters that need`} your attention:</strong></p>
  <ul>${entries.map(([name, message]) => {
    const field = fields[name];
    return field
      ? html`<li><a href="#${field.id}">${field.label}</a>: ${message}</li>`
      : html`<li>${name === 'after' || name === 'before' ? 'Page' : name}: ${message}</li>`;
  })}</ul>
</div>`;
}

/**
 * How many rows a list's filters match, above the list: "1,234 articles match", "1 article
 * matches", or "More than 10,000 articles match" past `cap` (where the count stops reading).
 */
export function matchCount(total: number, cap: number, noun: { one: string; many: string }): SafeHtml {
  const text =
    total > cap
      ? `More than ${cap.toLocaleString('en')} ${noun.many} match.`
      : total === 1
        ? `1 ${noun.one} matches.`
        : `${total.toLocaleString('en')} ${noun.many} match.`;
  return html`<p class="list-count" role="status">${text}</p>`;
}

/**
 * What an empty list says instead of a table: there are none yet (and how to add the first),
 * none match the filters (and how to clear them), or there are no more past this page.
 */
export function emptyList(list: {
  isLaterPage: boolean;
  isFiltered: boolean;
  /** "No more pages." */
  noMore: string;
  /** "No page matches." */
  noneMatch: string;
  /** "No pages yet." */
  noneYet: string;
  /** The list without filters. */
  clearHref: string;
  /** Where the first one is added, and how the link says it. */
  add?: { href: string; label: string };
}): SafeHtml {
  if (list.isLaterPage) return html`<p class="empty" role="status">${list.noMore}</p>`;
  if (list.isFiltered) {
    return html`<div class="empty-state" role="status"><p class="empty">${list.noneMatch}</p><p><a href="${list.clearHref}">Clear the search and filters</a></p></div>`;
  }
  return html`<div class="empty-state" role="status"><p class="empty">${list.noneYet}</p>${
    list.add ? html`<p><a class="button" href="${list.add.href}">${list.add.label}</a></p>` : ''
  }</div>`;
}
