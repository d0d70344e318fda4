import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { articlePath } from '../../domain/paths.ts';
import {
  describeRequest,
  licenseSummary,
  REPRINT_STATUSES,
  type ReprintDecision,
  type ReprintStatus,
} from '../../domain/reprint-request.ts';
import { actorOf } from '../../services/audit.ts';
import {
  decideReprintRequest,
  listReprintRequests,
  reprintRequestDetail,
} from '../../services/republishing/reprint-requests.ts';
import { loadSiteSettings } from '../../services/settings.ts';
import { IdParams, OptionalText, type TypedApp } from '../schemas.ts';
import { html, type SafeHtml } from '../views/html.ts';
import { adminTime } from '../views/newsroom/admin-time.ts';
import { filterSummary } from '../views/newsroom/list-filters.ts';
import { noticeIn } from '../views/notices.ts';
import type { AdminDeps } from './deps.ts';
import {
  csrfField,
  errorSummary,
  type FormProblem,
  formAlert,
  formField,
  formRoute,
  listFilterProblems,
  pageTokenOf,
  SMALL_FORM_BODY_LIMIT,
  stringValues,
} from './forms.ts';
import { currentUser } from './guard.ts';

const PAGE = 50;
const BASE = '/admin/reprint-requests';

const ListQuery = Type.Object(
  { status: OptionalText, before: OptionalText, notice: OptionalText },
  { additionalProperties: true },
);
const DecisionForm = Type.Object({ reply: OptionalText });

const STATUS_LABELS: Record<ReprintStatus, string> = {
  pending: 'Pending',
  approved: 'Approved',
  declined: 'Declined',
};

const NOTICES: Record<string, string> = {
  approved: 'Request approved; the reply is being emailed to the requester.',
  declined: 'Request declined; the reply is being emailed to the requester.',
};

function isStatus(value: string | undefined): value is ReprintStatus {
  return (REPRINT_STATUSES as readonly (string | undefined)[]).includes(value);
}

function kindLabel(request: { kind: string; targetLanguage: string | null }): string {
  return request.kind === 'translation'
    ? `Translation${request.targetLanguage ? ` (${request.targetLanguage})` : ''}`
    : 'Reprint';
}

/** The queue of reprint and translation requests: pending, approved and declined, and each one's page. */
export async function reprintRequestPages(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;

  app.get(
    '/reprint-requests',
    { config: { access: 'reprint.manage', listQuery: true }, schema: { querystring: ListQuery } },
    async (request, reply) => {
      const status: ReprintStatus = isStatus(request.query.status) ? request.query.status : 'pending';
      const { id: before, errors } = pageTokenOf(request.query.before, 'before');
      const statusErrors =
        request.query.status !== undefined && request.query.status !== '' && !isStatus(request.query.status)
          ? [
              {
                field: 'status',
                message: 'is not pending, approved or declined: the pending requests are shown',
              },
            ]
          : [];
      const problems = listFilterProblems([...errors, ...statusErrors], request.query);
      const [rows, counts, calendar] = await Promise.all([
        listReprintRequests(ctx, { status, limit: PAGE, ...(before ? { beforeId: before } : {}) }),
        Promise.all(REPRINT_STATUSES.map((s) => ctx.store.reprintRequests.countByStatus(s))),
        loadSiteSettings(ctx),
      ]);
      const last = rows.at(-1);
      return deps.page(request, reply, {
        title: 'Reprint requests',
        status: problems ? 400 : 200,
        notice: problems ? undefined : noticeIn(NOTICES, request.query.notice),
        body: html`${filterSummary(problems, {})}<nav aria-label="Requests by status" class="status-filter"><ul>${REPRINT_STATUSES.map(
          (s, i) =>
            html`<li><a href="${BASE}?status=${s}"${s === status ? html` aria-current="page"` : ''}>${STATUS_LABELS[s]} (${counts[i] ?? 0})</a></li>`,
        )}</ul></nav>
<section class="panel" aria-label="${STATUS_LABELS[status]} requests">
${
  rows.length === 0
    ? html`<p class="empty">No ${status} requests${before ? ' before this point' : ''}.</p>`
    : html`<div class="table-wrap"><table class="stack-table">
  <thead><tr><th scope="col">Received</th><th scope="col">Article</th><th scope="col">Asks for</th><th scope="col">From</th><th scope="col">Outlet</th>${status === 'pending' ? '' : html`<th scope="col">Decided</th>`}</tr></thead>
  <tbody>${rows.map(
    (r) => html`<tr>
    <td data-label="Received"><a href="${BASE}/${r.id}"><time datetime="${r.createdAt}">${adminTime(r.createdAt, calendar)}</time></a></td>
    <td data-label="Article">${r.articleTitle}</td>
    <td data-label="Asks for">${kindLabel(r)}</td>
    <td data-label="From"><a href="${BASE}/${r.id}">${r.requesterName}</a>${r.organisation ? html`<br><span class="meta">${r.organisation}</span>` : ''}</td>
    <td data-label="Outlet">${r.outlet ?? '—'}</td>
    ${status === 'pending' ? '' : html`<td data-label="Decided">${r.decidedAt ? html`<time datetime="${r.decidedAt}">${adminTime(r.decidedAt, calendar)}</time>` : ''}${r.decidedByLabel ? html`<br><span class="meta">${r.decidedByLabel}</span>` : ''}</td>`}
  </tr>`,
  )}</tbody>
</table></div>`
}
${rows.length === PAGE && last ? html`<p><a href="${BASE}?status=${status}&amp;before=${last.id}">Older requests</a></p>` : ''}
${before ? html`<p><a href="${BASE}?status=${status}">Newest requests</a></p>` : ''}
</section>`,
      });
    },
  );

  const detailPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    state: { decision?: ReprintDecision; values?: Record<string, string>; problem?: FormProblem } = {},
  ) => {
    const [detail, calendar] = await Promise.all([reprintRequestDetail(ctx, id), loadSiteSettings(ctx)]);
    const { request: r, license, articleUrl, templates } = detail;
    const decisionForm = (decision: ReprintDecision, csrf: string): SafeHtml => {
      const isThis = state.decision === decision;
      const problem = isThis ? state.problem : undefined;
      return html`<form method="post" action="${BASE}/${r.id}/${decision === 'approved' ? 'approve' : 'decline'}" class="panel reprint-decision">
  <h2>${decision === 'approved' ? 'Approve' : 'Decline'}</h2>
  ${errorSummary(problem, { reply: 'Reply' }, decision)}
  ${csrfField(csrf)}
  ${formField({
    name: 'reply',
    idPrefix: decision,
    label: `${decision === 'approved' ? 'Approval' : 'Refusal'} emailed to ${r.requesterName}`,
    type: 'textarea',
    rows: 14,
    value: isThis ? (state.values?.reply ?? '') : templates[decision],
    error: problem?.errors.reply,
    hint: 'Prefilled with a reply naming the article and its license; edit it as needed.',
  })}
  <button type="submit"${decision === 'declined' ? html` class="danger"` : ''}>${decision === 'approved' ? 'Approve and send the reply' : 'Decline and send the reply'}</button>
</form>`;
    };
    return deps.page(request, reply, {
      title: `Request for ${describeRequest(r)}`,
      status: state.problem?.status ?? 200,
      body: (csrf) => html`${
        state.problem && Object.keys(state.problem.errors).length === 0 ? formAlert(state.problem.error) : ''
      }<p><a href="${BASE}?status=${r.status}">← ${STATUS_LABELS[r.status]} requests</a></p>
<section class="panel" aria-labelledby="request-heading">
<h2 id="request-heading">${kindLabel(r)} of “<a href="${articlePath(r.articleSlug)}">${r.articleTitle}</a>”</h2>
<dl class="reprint-request">
  <dt>Status</dt><dd>${STATUS_LABELS[r.status]}</dd>
  <dt>Received</dt><dd><time datetime="${r.createdAt}">${adminTime(r.createdAt, calendar)}</time></dd>
  <dt>From</dt><dd>${r.requesterName} &lt;<a href="mailto:${r.email}">${r.email}</a>&gt;</dd>
  <dt>Organisation</dt><dd>${r.organisation ?? '—'}</dd>
  <dt>Publication or outlet</dt><dd>${r.outlet ?? '—'}</dd>
  ${r.kind === 'translation' ? html`<dt>Language</dt><dd>${r.targetLanguage ?? '—'}</dd>` : ''}
  <dt>Intended use</dt><dd class="reprint-request__message">${r.message}</dd>
  <dt>License</dt><dd>${licenseSummary(license)}</dd>
  <dt>Article</dt><dd><a href="${articleUrl}">${articleUrl}</a></dd>
</dl>
</section>
${
  r.status === 'pending'
    ? html`${decisionForm('approved', csrf)}${decisionForm('declined', csrf)}`
    : html`<section class="panel" aria-labelledby="decision-heading">
<h2 id="decision-heading">${STATUS_LABELS[r.status]}${r.decidedByLabel ? html` by ${r.decidedByLabel}` : ''}${r.decidedAt ? html`, <time datetime="${r.decidedAt}">${adminTime(r.decidedAt, calendar)}</time>` : ''}</h2>
<p>${
        r.replySentAt
          ? html`Reply emailed <time datetime="${r.replySentAt}">${adminTime(r.replySentAt, calendar)}</time>:`
          : ctx.mailer.isConfigured
            ? 'Reply waiting to be emailed:'
            : html`<strong>Email is not configured, so this reply was not sent:</strong> send it to ${r.email} yourself.`
      }</p>
<pre class="reprint-request__reply">${r.replyText ?? ''}</pre>
</section>`
}`,
    });
  };

  app.get(
    '/reprint-requests/:id',
    { config: { access: 'reprint.manage' }, schema: { params: IdParams } },
    async (request, reply) => detailPage(request, reply, request.params.id),
  );

  for (const [verb, decision] of [
    ['approve', 'approved'],
    ['decline', 'declined'],
  ] as const) {
    formRoute(
      app,
      `/reprint-requests/:id/${verb}`,
      {
        config: { access: 'reprint.manage' },
        schema: { params: IdParams, body: DecisionForm },
        bodyLimit: SMALL_FORM_BODY_LIMIT,
      },
      async (request, reply) => {
        await decideReprintRequest(ctx, {
          id: request.params.id,
          decision,
          replyText: request.body.reply ?? '',
          actor: actorOf(currentUser(request)),
        });
        return reply.redirect(`${BASE}?status=pending&notice=${decision}`, 303);
      },
      async (request, reply, problem) =>
        detailPage(request, reply, request.params.id, {
          decision,
          values: stringValues(request.body),
          problem,
        }),
    );
  }
}
