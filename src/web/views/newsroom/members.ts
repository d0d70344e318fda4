import { MEMBER_STATUSES } from '../../../domain/member.ts';
import {
  type AdminMember,
  MEMBER_MARKS,
  MEMBER_SEARCH_SCAN,
  type MemberListFilters,
  type MemberTier,
} from '../../../domain/member-admin.ts';
import type { MemberImportReport } from '../../../services/members-admin/csv.ts';
import { LIST_COUNT_CAP } from '../../../services/newsroom/list-count.ts';
import { csrfField, errorSummary, type FieldErrors, formField } from '../../newsroom/forms.ts';
import { formatDate } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import {
  emptyList,
  filterFieldState,
  filterSummary,
  filterValue,
  type ListFilterProblems,
  matchCount,
} from './list-filters.ts';

const MARK_LABELS: Record<(typeof MEMBER_MARKS)[number], string> = {
  banned: 'Banned',
  bounced: 'Mail bounced',
  complained: 'Complained (marked as spam)',
};

/** What the payments line of the tiers pages says until a provider is attached. */
export const PAYMENTS_NOT_CONNECTED =
  'Payments are not connected yet: a paid tier shows its price label, but no one is charged. Move members into a paid tier by hand, once they have paid another way.';

/** The list's filters as a query string ("?q=…&status=…"), without the page. */
export function memberFilterQuery(filters: Omit<MemberListFilters, 'afterId'>, afterId?: number): string {
  const params = new URLSearchParams();
  if (filters.text) params.set('q', filters.text);
  if (filters.status) params.set('status', filters.status);
  if (filters.tier !== undefined) params.set('tier', String(filters.tier));
  if (filters.mark) params.set('mark', filters.mark);
  if (afterId) params.set('after', String(afterId));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function marksOf(member: AdminMember): string[] {
  return [
    member.isBanned ? 'banned' : '',
    member.bouncedAt ? 'bounced' : '',
    member.complainedAt ? 'complained' : '',
  ].filter(Boolean);
}

function membersTable(rows: readonly AdminMember[]): SafeHtml {
  return html`<div class="table-wrap"><table class="stack-table members-list">
<thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Tier</th><th scope="col">Marks</th><th scope="col">Joined</th></tr></thead>
<tbody>${rows.map(
    (
      m,
    ) => html`<tr><td data-label="Email"><a href="/admin/members/${m.id}">${m.email}</a></td><td data-label="Name">${m.name || '—'}</td>
<td data-label="Status">${m.status}</td><td data-label="Tier">${m.tierName ?? '—'}</td><td data-label="Marks">${marksOf(m).join(', ') || '—'}</td><td data-label="Joined">${formatDate(m.createdAt)}</td></tr>`,
  )}</tbody></table></div>`;
}

/** The members list: its filters, its count, a page of members and the pager. */
export function membersListView(state: {
  filters: MemberListFilters;
  problems: ListFilterProblems | undefined;
  tiers: readonly MemberTier[];
  rows: readonly AdminMember[];
  total: number | null;
  nextAfter: number | null;
  searchedDownTo: number | null;
}): SafeHtml {
  const { filters, problems, tiers, rows } = state;
  const field = (name: string, id: string) => filterFieldState(problems, name, id);
  const q = field('q', 'members-q');
  const status = field('status', 'members-status');
  const tier = field('tier', 'members-tier');
  const mark = field('mark', 'members-mark');
  const { afterId, ...conditions } = filters;
  const isFiltered = Object.keys(conditions).length > 0;
  const option = (value: string, label: string, chosen: string | undefined) =>
    html`<option value="${value}"${chosen === value ? html` selected` : ''}>${label}</option>`;
  return html`<p class="editor-links"><a href="/admin/members/import">Import from CSV</a> · <a href="/admin/members.csv${memberFilterQuery(conditions)}" download>Export ${isFiltered ? 'these' : 'all'} as CSV</a> · <a href="/admin/members/tiers">Tiers</a></p>
${filterSummary(problems, {
  q: { id: 'members-q', label: 'Search email and name' },
  status: { id: 'members-status', label: 'Status' },
  tier: { id: 'members-tier', label: 'Tier' },
  mark: { id: 'members-mark', label: 'Delivery and bans' },
})}<form method="get" action="/admin/members" class="panel list-filters" role="search" aria-label="Search members">
  <div class="field${q.className}"><label for="members-q">Search email and name</label><span class="hint" id="members-q-hint">An address's beginning (<kbd>ana@exa</kbd>) is found at once; other text (a name, <kbd>@example.org</kbd>) is looked for anywhere, ${MEMBER_SEARCH_SCAN.toLocaleString('en')} members a page.</span><input id="members-q" name="q" type="search" maxlength="200"${q.error ? '' : html` aria-describedby="members-q-hint"`} value="${filterValue(problems, 'q', filters.text)}"${q.invalid}>${q.message}</div>
  <div class="field${status.className}"><label for="members-status">Status</label><select id="members-status" name="status"${status.invalid}>${option('', 'Any', filters.status ?? '')}${MEMBER_STATUSES.map((s) => option(s, s === 'pending' ? 'Pending (not confirmed)' : 'Active', filters.status))}</select>${status.message}</div>
  <div class="field${tier.className}"><label for="members-tier">Tier</label><select id="members-tier" name="tier"${tier.invalid}>${option('', 'Any', filters.tier === undefined ? '' : String(filters.tier))}${option('none', 'No tier', String(filters.tier))}${tiers.map((t) => option(String(t.id), t.isActive ? t.name : `${t.name} (deactivated)`, String(filters.tier)))}</select>${tier.message}</div>
  <div class="field${mark.className}"><label for="members-mark">Delivery and bans</label><select id="members-mark" name="mark"${mark.invalid}>${option('', 'Any', filters.mark ?? '')}${MEMBER_MARKS.map((m) => option(m, MARK_LABELS[m], filters.mark))}</select>${mark.message}</div>
  <div class="actions"><button type="submit">Search</button>${isFiltered || problems ? html` <a href="/admin/members">Clear</a>` : ''}</div>
</form>
${
  state.searchedDownTo !== null
    ? html`<p class="list-count" id="members-search-reach">${rows.length === 0 ? 'No match' : rows.length === 1 ? 'One match' : `${rows.length} matches`} among members ${afterId === undefined ? 'from the newest' : html`below number ${afterId}`} down to number ${state.searchedDownTo}: a search by name or part of an address reads ${MEMBER_SEARCH_SCAN.toLocaleString('en')} members a page. The next page searches further.</p>${rows.length === 0 ? '' : membersTable(rows)}`
    : rows.length === 0
      ? emptyList({
          isLaterPage: afterId !== undefined,
          isFiltered,
          noMore: 'No more members.',
          noneMatch: 'No member matches.',
          noneYet: 'No members yet: readers appear here once they join, or once you import a list.',
          clearHref: '/admin/members',
          add: { href: '/admin/members/import', label: 'Import members from CSV' },
        })
      : html`${state.total === null ? '' : matchCount(state.total, LIST_COUNT_CAP, { one: 'member', many: 'members' })}
${membersTable(rows)}`
}
<nav aria-label="Pages of the list" class="pager">${afterId !== undefined ? html`<a href="/admin/members${memberFilterQuery(conditions)}">← First page</a>` : ''}${
    state.nextAfter
      ? html` <a href="/admin/members${memberFilterQuery(conditions, state.nextAfter)}" rel="next">Next page →</a>`
      : ''
  }</nav>`;
}

/** One member's page: their details, and the forms to change their tier, ban them, or delete them. */
export function memberView(
  state: { member: AdminMember; tiers: readonly MemberTier[]; tierError?: string | undefined },
  csrf: string,
): SafeHtml {
  const { member: m, tiers } = state;
  const row = (label: string, value: string | SafeHtml) => html`<dt>${label}</dt><dd>${value || '—'}</dd>`;
  const tierErrorId = 'field-tier-error';
  return html`<p class="editor-links"><a href="/admin/members">← Members</a></p>
${errorSummary(state.tierError ? { errors: { tier: state.tierError } } : undefined, { tier: 'Tier' })}
<section class="panel" aria-labelledby="member-details">
<h2 id="member-details">Details</h2>
<dl class="member-details">
  ${row('Email', m.email)}
  ${row('Name', m.name)}
  ${row('Status', m.status)}
  ${row('Tier', m.tierName ?? 'No tier')}
  ${row('Joined', formatDate(m.createdAt))}
  ${row('Confirmed', formatDate(m.confirmedAt))}
  ${row('Newsletter consent', m.consentAt ? `${formatDate(m.consentAt)} (${m.consentSource ?? 'source not recorded'})` : 'None recorded: no newsletter is sent')}
  ${row('Mail bounced', formatDate(m.bouncedAt))}
  ${row('Complained', formatDate(m.complainedAt))}
  ${row('Banned', m.isBanned ? 'Yes' : 'No')}
</dl>
</section>
<section class="panel" aria-labelledby="member-tier">
<h2 id="member-tier">Membership tier</h2>
<form method="post" action="/admin/members/${m.id}/tier" novalidate>
  ${csrfField(csrf)}
  <div class="field${state.tierError ? ' field--invalid' : ''}"><label for="field-tier">Tier</label><select id="field-tier" name="tier"${state.tierError ? html` aria-invalid="true" aria-describedby="${tierErrorId}"` : ''}>
    <option value=""${m.tierId === null ? html` selected` : ''}>No tier</option>
    ${tiers
      .filter((t) => t.isActive || t.id === m.tierId)
      .map(
        (t) =>
          html`<option value="${t.id}"${t.id === m.tierId ? html` selected` : ''}>${t.name}${t.isPaid ? ` (${t.priceLabel ?? 'paid'})` : ' (free)'}${t.isActive ? '' : ' (deactivated)'}</option>`,
      )}
  </select>${state.tierError ? html`<p class="field-error" id="${tierErrorId}">${state.tierError}</p>` : ''}</div>
  <div class="actions"><button type="submit">Change tier</button></div>
</form>
</section>
<section class="panel" aria-labelledby="member-ban">
<h2 id="member-ban">${m.isBanned ? 'Banned' : 'Ban'}</h2>
<p>${m.isBanned ? 'This member cannot sign in and is sent no newsletter.' : 'A banned member cannot sign in and is sent no newsletter; their account is kept.'}</p>
<form method="post" action="/admin/members/${m.id}/ban" novalidate>
  ${csrfField(csrf)}<input type="hidden" name="banned" value="${m.isBanned ? '0' : '1'}">
  <div class="actions"><button type="submit"${m.isBanned ? '' : html` class="danger"`}>${m.isBanned ? 'Lift the ban' : 'Ban this member'}</button></div>
</form>
</section>
<p><a href="/admin/members/${m.id}/delete">Delete this member…</a></p>`;
}

/** The confirmation before a member is deleted. */
export function memberDeleteView(member: AdminMember, csrf: string): SafeHtml {
  return html`<p class="editor-links"><a href="/admin/members/${member.id}">← Back to the member</a></p>
<section class="panel" aria-labelledby="delete-heading">
<h2 id="delete-heading">Delete ${member.email}?</h2>
<ul class="list">
  <li>Their account, sessions and sign-in links are deleted for good; they can join again later as a new member.</li>
  <li>The audit log records the deletion by the member’s number only, not their address.</li>
</ul>
<form method="post" action="/admin/members/${member.id}/delete" novalidate>
  ${csrfField(csrf)}
  <div class="actions"><button type="submit" class="danger">Delete this member</button> <a href="/admin/members/${member.id}">Cancel</a></div>
</form>
</section>`;
}

/** The import form, with what the file must hold and what happens to rows without consent. */
export function memberImportView(state: { error?: string | undefined }, csrf: string): SafeHtml {
  const errorId = 'field-file-error';
  return html`<p class="editor-links"><a href="/admin/members">← Members</a></p>
${errorSummary(state.error ? { errors: { file: state.error } } : undefined, { file: 'CSV file' })}
<section class="panel" aria-labelledby="import-format">
<h2 id="import-format">The file</h2>
<p>A CSV file (comma-separated, UTF-8, as spreadsheets save it) whose first line names the columns:</p>
<ul class="list">
  <li><code>email</code> (required): one member per address. An address already here updates that member rather than adding another.</li>
  <li><code>name</code>: left empty, an existing member keeps their name.</li>
  <li><code>tier</code>: the slug of an active tier (see <a href="/admin/members/tiers">Tiers</a>); left empty, an existing member keeps theirs.</li>
  <li><code>consent_at</code>: when the member agreed to receive newsletters (2026-03-01, or 2026-03-01T09:30:00Z), and <code>consent_source</code>: how (a sign-up form, an event…; “import” when left empty).</li>
</ul>
<p><strong>A row without a consent date is imported without newsletter consent:</strong> the member is added (or updated, keeping any consent they had), but no newsletter is sent to them until they agree themselves.</p>
<p>Rows with a problem are skipped and listed by line and column; the other rows are imported. Up to 10 MB per file.</p>
</section>
<form method="post" action="/admin/members/import" enctype="multipart/form-data" class="panel" novalidate>
  ${csrfField(csrf)}
  <div class="field${state.error ? ' field--invalid' : ''}"><label for="field-file">CSV file</label><input id="field-file" name="file" type="file" accept=".csv,text/csv"${state.error ? html` aria-invalid="true" aria-describedby="${errorId}"` : ''}>${state.error ? html`<p class="field-error" id="${errorId}">${state.error}</p>` : ''}</div>
  <div class="actions"><button type="submit">Import</button></div>
</form>`;
}

/** What an import did, and each row it skipped with the reason. */
export function memberImportReportView(report: MemberImportReport): SafeHtml {
  const skipped = report.problems.length + report.moreProblems;
  return html`<p class="editor-links"><a href="/admin/members">← Members</a> · <a href="/admin/members/import">Import another file</a></p>
<section class="panel" aria-labelledby="import-result">
<h2 id="import-result">Imported</h2>
<p role="status">${report.created.toLocaleString('en')} added, ${report.updated.toLocaleString('en')} updated${report.withoutConsent ? `, ${report.withoutConsent.toLocaleString('en')} of them without newsletter consent` : ''}. ${skipped ? `${skipped.toLocaleString('en')} ${skipped === 1 ? 'problem' : 'problems'}: the rows below were skipped.` : 'No row was skipped.'}</p>
</section>
${
  report.problems.length
    ? html`<section class="panel" aria-labelledby="import-problems"><h2 id="import-problems">Skipped rows</h2>
<div class="table-wrap"><table class="stack-table import-problems"><thead><tr><th scope="col">Line</th><th scope="col">Column</th><th scope="col">Problem</th></tr></thead>
<tbody>${report.problems.map((p) => html`<tr><td data-label="Line">${p.line}</td><td data-label="Column">${p.field}</td><td data-label="Problem">${p.message}</td></tr>`)}</tbody></table></div>
${report.moreProblems ? html`<p>And ${report.moreProblems.toLocaleString('en')} more.</p>` : ''}</section>`
    : ''
}`;
}

/** The tiers in order, with their controls, and the form to add one. */
export function memberTiersView(
  state: { tiers: readonly (MemberTier & { memberCount: number })[] },
  csrf: string,
): SafeHtml {
  const { tiers } = state;
  const small = (action: string, name: string, value: string, label: string, describedBy: string) =>
    html`<form method="post" action="${action}" class="inline-form">${csrfField(csrf)}<input type="hidden" name="${name}" value="${value}"><button type="submit" class="secondary" aria-describedby="${describedBy}">${label}</button></form>`;
  return html`<p class="editor-links"><a href="/admin/members">← Members</a></p>
<div class="payments-note" role="note"><p>${PAYMENTS_NOT_CONNECTED}</p></div>
<p><a class="button" href="/admin/members/tiers/new">Add a tier</a></p>
${
  tiers.length === 0
    ? html`<p>No tiers yet. Add a free tier for members who join, and supporting tiers as you offer them.</p>`
    : html`<div class="table-wrap"><table class="stack-table tiers-list">
<thead><tr><th scope="col">Tier</th><th scope="col">Kind</th><th scope="col">Members</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
<tbody>${tiers.map((t, i) => {
        const nameId = `tier-name-${t.id}`;
        return html`<tr><td data-label="Tier"><a href="/admin/members/tiers/${t.id}" id="${nameId}">${t.name}</a> <code>${t.slug}</code></td>
<td data-label="Kind">${t.isPaid ? `Paid: ${t.priceLabel ?? ''}` : 'Free'}</td><td data-label="Members"><a href="/admin/members?tier=${t.id}">${t.memberCount.toLocaleString('en')}</a></td>
<td data-label="State">${t.isActive ? 'Active' : 'Deactivated'}</td>
<td data-label="Actions" class="row-actions">${i > 0 ? small(`/admin/members/tiers/${t.id}/move`, 'direction', 'up', 'Move up', nameId) : ''}${i < tiers.length - 1 ? small(`/admin/members/tiers/${t.id}/move`, 'direction', 'down', 'Move down', nameId) : ''}${small(`/admin/members/tiers/${t.id}/active`, 'active', t.isActive ? '0' : '1', t.isActive ? 'Deactivate' : 'Reactivate', nameId)}</td></tr>`;
      })}</tbody></table></div>`
}`;
}

const TIER_LABELS: Record<string, string> = {
  name: 'Name',
  slug: 'Slug',
  description: 'Description',
  isPaid: 'Kind',
  priceLabel: 'Price label',
};

/** The form that adds or edits a tier. */
export function memberTierFormView(
  state: { tier?: MemberTier; values: Record<string, string>; errors?: FieldErrors | undefined },
  csrf: string,
): SafeHtml {
  const { tier, values, errors } = state;
  const field = (name: string, label: string, extra: Partial<Parameters<typeof formField>[0]> = {}) =>
    formField({ name, label, value: values[name], error: errors?.[name], ...extra });
  const isPaid = values.isPaid === '1';
  return html`<p class="editor-links"><a href="/admin/members/tiers">← Tiers</a></p>
${errorSummary(errors ? { errors } : undefined, TIER_LABELS)}
<div class="payments-note" role="note"><p>${PAYMENTS_NOT_CONNECTED}</p></div>
<form method="post" action="${tier ? `/admin/members/tiers/${tier.id}` : '/admin/members/tiers'}" class="panel" novalidate>
  ${csrfField(csrf)}
  ${field('name', 'Name', { isRequired: true })}
  ${field('slug', 'Slug', { hint: 'Empty: made from the name. The import’s tier column names tiers by it.' })}
  ${field('description', 'Description', { type: 'textarea', rows: 3 })}
  <fieldset class="field tier-kind"><legend>Kind</legend>
    <label><input type="radio" name="isPaid" value="0"${isPaid ? '' : html` checked`}> Free</label>
    <label><input type="radio" name="isPaid" value="1"${isPaid ? html` checked` : ''}> Paid</label>
  </fieldset>
  ${field('priceLabel', 'Price label', { hint: 'For a paid tier, as readers will read it: “€5 a month”.' })}
  <div class="actions"><button type="submit">${tier ? 'Save' : 'Add tier'}</button></div>
</form>`;
}
