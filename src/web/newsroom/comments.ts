import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { renderImportedComment } from '../../content/comment-markup.ts';
import { commentsPath } from '../../domain/paths.ts';
import type { QueuedComment } from '../../domain/ports/comment-store.ts';
import {
  banCommenter,
  COMMENT_DECISIONS,
  commentForModeration,
  commentQueue,
  editCommentAsEditor,
  moderateComment,
  QUEUE_STATUSES,
} from '../../services/comments/moderation.ts';
import { loadSiteSettings } from '../../services/settings.ts';
import { IdParams, OptionalText, type TypedApp } from '../schemas.ts';
import { html, raw, type SafeHtml } from '../views/html.ts';
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
const BASE = '/admin/comments';

type QueueStatus = (typeof QUEUE_STATUSES)[number];

const ListQuery = Type.Object(
  { status: OptionalText, before: OptionalText, notice: OptionalText },
  { additionalProperties: true },
);
const DecisionForm = Type.Object({ status: OptionalText }, { additionalProperties: true });
const EditForm = Type.Object({ body: OptionalText }, { additionalProperties: true });

const STATUS_LABELS: Record<QueueStatus, string> = {
  pending: 'Waiting',
  approved: 'Approved',
  spam: 'Spam',
  trash: 'Rejected',
};

const NOTICES: Record<string, string> = {
  approve: 'Comment approved: readers see it now.',
  reject: 'Comment rejected.',
  spam: 'Comment marked as spam.',
  edit: 'Comment changed.',
  ban: 'Member banned: signed out, refused comments, and their waiting comments rejected.',
};

const DECISION_LABELS = { approve: 'Approve', reject: 'Reject', spam: 'Spam' } as const;

/** Which decisions a comment of a status can take (its own status is no decision). */
const DECISIONS_FOR: Record<QueueStatus, readonly (typeof COMMENT_DECISIONS)[number][]> = {
  pending: ['approve', 'reject', 'spam'],
  approved: ['reject', 'spam'],
  spam: ['approve', 'reject'],
  trash: ['approve', 'spam'],
};

function isStatus(value: string | undefined): value is QueueStatus {
  return (QUEUE_STATUSES as readonly (string | undefined)[]).includes(value);
}

function bodyOf(comment: QueuedComment): SafeHtml {
  return raw(comment.bodyHtml ?? renderImportedComment(comment.body));
}

/** The moderation queue: comments waiting, approved, spam and rejected, decided from the list; an editor's edit page. */
export async function commentPages(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;

  const decisionButtons = (c: QueuedComment, status: QueueStatus, csrf: string): SafeHtml =>
    html`<div class="comment-queue__actions">${DECISIONS_FOR[status].map(
      (d) =>
        html`<form method="post" action="${BASE}/${c.id}/${d}" class="inline-form">${csrfField(csrf)}<input type="hidden" name="status" value="${status}"><button type="submit"${d === 'approve' ? '' : html` class="secondary"`}>${DECISION_LABELS[d]}<span class="visually-hidden"> the comment by ${c.authorName}</span></button></form>`,
    )}
    <a href="${BASE}/${c.id}/edit">Edit</a>
    ${
      c.memberId !== null && !c.isMemberBanned
        ? html`<form method="post" action="${BASE}/${c.id}/ban" class="inline-form">${csrfField(csrf)}<input type="hidden" name="status" value="${status}"><button type="submit" class="danger">Ban ${c.authorName}</button></form>`
        : c.isMemberBanned
          ? html`<span class="meta">Member banned</span>`
          : ''
    }</div>`;

  app.get(
    '/comments',
    { config: { access: 'comment.moderate', listQuery: true }, schema: { querystring: ListQuery } },
    async (request, reply) => {
      const status: QueueStatus = isStatus(request.query.status) ? request.query.status : 'pending';
      const { id: before, errors } = pageTokenOf(request.query.before, 'before');
      const statusErrors =
        request.query.status !== undefined && request.query.status !== '' && !isStatus(request.query.status)
          ? [{ field: 'status', message: 'is not one of the lists: the waiting comments are shown' }]
          : [];
      const problems = listFilterProblems([...errors, ...statusErrors], request.query);
      const [{ rows, counts }, calendar] = await Promise.all([
        commentQueue(ctx, currentUser(request), {
          status,
          limit: PAGE,
          ...(before ? { beforeId: before } : {}),
        }),
        loadSiteSettings(ctx),
      ]);
      const last = rows.at(-1);
      return deps.page(request, reply, {
        title: 'Comments',
        status: problems ? 400 : 200,
        notice: problems ? undefined : noticeIn(NOTICES, request.query.notice),
        body: (
          csrf,
        ) => html`${filterSummary(problems, {})}<nav aria-label="Comments by status" class="status-filter"><ul>${QUEUE_STATUSES.map(
          (s) =>
            html`<li><a href="${BASE}?status=${s}"${s === status ? html` aria-current="page"` : ''}>${STATUS_LABELS[s]} (${counts[s]})</a></li>`,
        )}</ul></nav>
<section class="panel" aria-label="${STATUS_LABELS[status]} comments">
${
  rows.length === 0
    ? html`<p class="empty">No ${STATUS_LABELS[status].toLowerCase()} comments${before ? ' before this point' : ''}.</p>`
    : html`<ol class="comment-queue">${rows.map(
        (c) => html`<li class="comment-queue__item" id="comment-${c.id}">
  <p class="meta"><strong><bdi>${c.authorName}</bdi></strong>${c.memberEmail ? html` &lt;${c.memberEmail}&gt;` : c.memberId === null ? ' (imported)' : ''} on “<a href="${commentsPath(c.articleSlug)}">${c.articleTitle}</a>”, <time datetime="${c.createdAt}">${adminTime(c.createdAt, calendar)}</time>${c.parentId ? ' (a reply)' : ''}${c.editedAt ? ' (edited)' : ''}</p>
  <div class="comment-queue__body" dir="auto">${bodyOf(c)}</div>
  ${decisionButtons(c, status, csrf)}
</li>`,
      )}</ol>`
}
${rows.length === PAGE && last ? html`<p><a href="${BASE}?status=${status}&amp;before=${last.id}">Older comments</a></p>` : ''}
${before ? html`<p><a href="${BASE}?status=${status}">Newest comments</a></p>` : ''}
</section>`,
      });
    },
  );

  /** Back to the list the decision was taken from. */
  const backTo = (status: string | undefined, notice: string) =>
    `${BASE}?status=${isStatus(status) ? status : 'pending'}&notice=${notice}`;

  const queueWithProblem = async (request: FastifyRequest, reply: FastifyReply, problem: FormProblem) =>
    deps.page(request, reply, {
      title: 'Comments',
      status: problem.status,
      body: html`${formAlert(problem.error)}<p><a href="${BASE}">Back to the waiting comments</a></p>`,
    });

  for (const decision of COMMENT_DECISIONS) {
    formRoute(
      app,
      `/comments/:id/${decision}`,
      {
        config: { access: 'comment.moderate' },
        schema: { params: IdParams, body: DecisionForm },
        bodyLimit: SMALL_FORM_BODY_LIMIT,
      },
      async (request, reply) => {
        await moderateComment(ctx, currentUser(request), { id: request.params.id, decision });
        return reply.redirect(backTo(request.body.status, decision), 303);
      },
      queueWithProblem,
    );
  }

  formRoute(
    app,
    '/comments/:id/ban',
    {
      config: { access: 'comment.moderate' },
      schema: { params: IdParams, body: DecisionForm },
      bodyLimit: SMALL_FORM_BODY_LIMIT,
    },
    async (request, reply) => {
      await banCommenter(ctx, currentUser(request), { commentId: request.params.id });
      return reply.redirect(backTo(request.body.status, 'ban'), 303);
    },
    queueWithProblem,
  );

  const editPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    state: { values?: Record<string, string>; problem?: FormProblem } = {},
  ) => {
    const comment = await commentForModeration(ctx, currentUser(request), id);
    return deps.page(request, reply, {
      title: `Edit the comment by ${comment.authorName}`,
      status: state.problem?.status ?? 200,
      body: (
        csrf,
      ) => html`<p><a href="${BASE}?status=${isStatus(comment.status) ? comment.status : 'pending'}">← Comments</a></p>
<form method="post" action="${BASE}/${comment.id}/edit" class="panel">
  ${errorSummary(state.problem, { body: 'Comment' })}
  ${csrfField(csrf)}
  <p class="meta">By ${comment.authorName} on “${comment.articleTitle}”. The change is kept in the audit log.</p>
  ${formField({
    name: 'body',
    label: 'Comment',
    type: 'textarea',
    rows: 10,
    value: state.values?.body ?? comment.body,
    error: state.problem?.errors.body,
    hint: 'Markdown-lite: *italic*, **bold**, `code`, > quotes and links.',
  })}
  <button type="submit">Save the comment</button>
</form>`,
    });
  };

  app.get(
    '/comments/:id/edit',
    { config: { access: 'comment.moderate' }, schema: { params: IdParams } },
    async (request, reply) => editPage(request, reply, request.params.id),
  );

  formRoute(
    app,
    '/comments/:id/edit',
    {
      config: { access: 'comment.moderate' },
      schema: { params: IdParams, body: EditForm },
      bodyLimit: 64 * 1024,
    },
    async (request, reply) => {
      await editCommentAsEditor(ctx, currentUser(request), {
        id: request.params.id,
        text: request.body.body ?? '',
      });
      const comment = await commentForModeration(ctx, currentUser(request), request.params.id);
      return reply.redirect(backTo(comment.status, 'edit'), 303);
    },
    async (request, reply, problem) =>
      editPage(request, reply, request.params.id, { values: stringValues(request.body), problem }),
  );
}
