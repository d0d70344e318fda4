import Type from 'typebox';
import { listAudit } from '../../services/audit.ts';
import { loadSiteSettings } from '../../services/settings.ts';
import { OptionalText, type TypedApp } from '../schemas.ts';
import { html } from '../views/html.ts';
import { adminTime } from '../views/newsroom/admin-time.ts';
import { filterSummary } from '../views/newsroom/list-filters.ts';
import type { AdminDeps } from './deps.ts';
import { listFilterProblems, pageTokenOf } from './forms.ts';

const PAGE = 50;
const AuditQuery = Type.Object({ before: OptionalText }, { additionalProperties: true });

/** The audit log: who did what, newest first. Admins only. */
export async function auditPages(app: TypedApp, deps: AdminDeps): Promise<void> {
  app.get(
    '/audit',
    { config: { access: 'audit.view', listQuery: true }, schema: { querystring: AuditQuery } },
    async (request, reply) => {
      const { id: before, errors } = pageTokenOf(request.query.before, 'before');
      const problems = listFilterProblems(errors, request.query);
      const [entries, calendar] = await Promise.all([
        listAudit(deps.ctx, { limit: PAGE, ...(before ? { beforeId: before } : {}) }),
        loadSiteSettings(deps.ctx),
      ]);
      const last = entries.at(-1);
      return deps.page(request, reply, {
        title: 'Audit log',
        status: problems ? 400 : 200,
        body: html`${filterSummary(problems, {})}<section class="panel" aria-label="Entries">
${
  entries.length === 0
    ? html`<p class="empty">No entries${before ? ' before this point' : ' yet'}.</p>`
    : html`<div class="table-wrap"><table class="stack-table">
  <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">What</th></tr></thead>
  <tbody>${entries.map(
    (e) => html`<tr>
    <td data-label="When"><time datetime="${e.createdAt}">${adminTime(e.createdAt, calendar)}</time></td>
    <td data-label="Who">${e.actorLabel}</td>
    <td data-label="Action"><code>${e.action}</code></td>
    <td data-label="What">${e.summary}</td>
  </tr>`,
  )}</tbody>
</table></div>`
}
${entries.length === PAGE && last ? html`<p><a href="/admin/audit?before=${last.id}">Older entries</a></p>` : ''}
${before ? html`<p><a href="/admin/audit">Newest entries</a></p>` : ''}
</section>`,
      });
    },
  );
}
