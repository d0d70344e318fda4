import type { BulkItemOutcome } from '../../../services/newsroom/bulk-items.ts';
import { csrfField } from '../../newsroom/forms.ts';
import { html, type SafeHtml } from '../html.ts';

/** Where a bulk action on people or pages came from, to go back to with the list's filters. */
export interface BulkListOrigin {
  /** The list's address ("/admin/pages"). */
  listPath: string;
  /** The list's query string as the bulk form carried it ("q=ab&sort=updated"), or empty. */
  listQuery: string;
  /** What is listed ("pages", "people"), for "← Back to the pages". */
  noun: string;
  /** One of them ("page", "person"). */
  one: string;
  /** The address of one item's edit page. */
  itemPath: (id: number) => string;
}

function capitalized(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function backLink(origin: BulkListOrigin): SafeHtml {
  const query = origin.listQuery ? `?${origin.listQuery}` : '';
  return html`<p class="editor-links"><a href="${origin.listPath}${query}">← Back to the ${origin.noun}</a></p>`;
}

/** What a bulk action did to each chosen person or page: done (and what that left), or refused and why. */
export function bulkItemsResultView(
  model: { actionLabel: string; isDeletion: boolean; outcomes: BulkItemOutcome[] } & BulkListOrigin,
): SafeHtml {
  const done = model.outcomes.filter((o) => o.isDone).length;
  const refused = model.outcomes.length - done;
  return html`${backLink(model)}
<p role="status">${model.actionLabel}: ${done} done, ${refused} refused.</p>
<div class="table-wrap"><table class="stack-table bulk-results">
<thead><tr><th scope="col">${capitalized(model.one)}</th><th scope="col">Result</th></tr></thead>
<tbody>
${model.outcomes.map(
  (o) => html`<tr class="${o.isDone ? 'bulk-done' : 'bulk-refused'}">
  <td data-label="${capitalized(model.one)}">${
    // A deleted item has no edit page left to link to.
    o.name
      ? o.isDone && model.isDeletion
        ? o.name
        : html`<a href="${model.itemPath(o.id)}">${o.name}</a>`
      : `No. ${o.id}`
  }${o.path ? html` <span class="hint bulk-results__which"><code>${o.path}</code> · no. ${o.id}</span>` : ''}</td>
  <td data-label="Result">${
    o.isDone
      ? html`<strong>Done</strong>${o.note ? `: ${o.note}` : ''}`
      : html`<strong>Refused:</strong> ${o.reason ?? ''}`
  }</td>
</tr>`,
)}
</tbody></table></div>`;
}

/**
 * The confirmation of a bulk deletion: the chosen items, what deleting does, and a button that
 * sends the same choice again, confirmed. Without it a stray click on "Apply" would delete.
 */
export function bulkDeleteConfirmView(
  model: {
    action: string;
    /** Each chosen item; `refusal` says why deleting it will be refused. */
    items: { id: number; name: string; path: string; refusal?: string | null }[];
    consequences: SafeHtml;
    buttonLabel: string;
  } & BulkListOrigin,
  csrf: string,
): SafeHtml {
  return html`${backLink(model)}
<section class="panel" aria-labelledby="bulk-delete-heading">
<h2 id="bulk-delete-heading">Delete ${model.items.length === 1 ? `this ${model.one}` : `these ${model.items.length} ${model.noun}`}?</h2>
<ul class="list">${model.items.map((item) => html`<li><a href="${model.itemPath(item.id)}">${item.name}</a> <code>${item.path}</code>${item.refusal ? html` <span class="field-error">Will be refused: ${item.refusal}</span>` : ''}</li>`)}</ul>
${model.consequences}
<form method="post" action="${model.action}">
  ${csrfField(csrf)}<input type="hidden" name="action" value="delete"><input type="hidden" name="confirmed" value="1">
  <input type="hidden" name="list" value="${model.listQuery}">
  ${model.items.map((item) => html`<input type="hidden" name="id" value="${item.id}">`)}
  <div class="actions"><button type="submit" class="danger">${model.buttonLabel}</button> <a href="${model.listPath}${model.listQuery ? `?${model.listQuery}` : ''}">Cancel</a></div>
</form>
</section>`;
}
