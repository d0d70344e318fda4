import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { isRecordId, parseWholeNumber } from '../../domain/limits.ts';
import { ROLES } from '../../domain/user.ts';
import { Errors, isAppError } from '../../errors.ts';
import { listPeople } from '../../services/newsroom/people-admin.ts';
import {
  changeRole,
  inviteUser,
  linkPerson,
  listStaff,
  type StaffMember,
  setUserDisabled,
} from '../../services/users.ts';
import { IdParams, NoticeQuery, OptionalText, type TypedApp } from '../schemas.ts';
import { html, type SafeHtml } from '../views/html.ts';
import { noticeIn } from '../views/notices.ts';
import type { AdminDeps } from './deps.ts';
import {
  csrfField,
  errorSummary,
  type FieldErrors,
  formAlert,
  formField,
  formRoute,
  SMALL_FORM_BODY_LIMIT,
  stringValues,
} from './forms.ts';
import { currentUser } from './guard.ts';

const NOTICES: Record<string, string> = {
  invited: 'Invitation sent.',
  'role-changed': 'Role changed.',
  'person-linked': 'Author link changed.',
  disabled: 'Account disabled; its sessions have ended.',
  enabled: 'Account enabled.',
};

const InviteForm = Type.Object({ email: OptionalText, name: OptionalText, role: OptionalText });
const RoleForm = Type.Object({ role: OptionalText });
const StatusForm = Type.Object({ disabled: OptionalText });
/** An author to link the account to, by id; empty to unlink. */
const PersonLinkForm = Type.Object({ person_id: OptionalText });
const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: role }));

interface UsersPageState {
  invite?: Record<string, string>;
  inviteProblem?: { errors: FieldErrors; message: string } | undefined;
  /** A refused action on one row, shown in that row. */
  rowError?: { userId: number; column: 'role' | 'status' | 'person'; message: string };
  alert?: string;
  notice?: string | SafeHtml | undefined;
  status?: number;
}

function statusBadge(user: StaffMember): SafeHtml {
  if (user.isDisabled) return html`<span class="badge badge--disabled">Disabled</span>`;
  if (user.isPending) return html`<span class="badge badge--pending">Invited</span>`;
  return html`<span class="badge">Active</span>`;
}

/** Staff users: list, invite, change role, disable or enable. Admins only. */
export async function userPages(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx } = deps;

  const usersPage = async (request: FastifyRequest, reply: FastifyReply, state: UsersPageState = {}) => {
    const me = currentUser(request);
    const [staff, people] = await Promise.all([listStaff(ctx), listPeople(ctx, me)]);
    const invite = state.invite ?? { role: 'contributor' };
    const notice = state.notice;
    return deps.page(request, reply, {
      title: 'Users',
      status: state.status ?? 200,
      notice,
      body: (csrf) => html`${formAlert(state.alert)}
<section class="panel" aria-labelledby="staff-heading">
<h2 id="staff-heading">Staff (${staff.length})</h2>
<div class="table-wrap">
<table class="stack-table">
  <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Writes as</th><th scope="col">Status</th><th scope="col">Access</th></tr></thead>
  <tbody>
  ${staff.map((user) => {
    const rowError =
      state.rowError?.userId === user.id && state.rowError.column === 'role'
        ? state.rowError.message
        : undefined;
    const statusError =
      state.rowError?.userId === user.id && state.rowError.column === 'status'
        ? state.rowError.message
        : undefined;
    const personError =
      state.rowError?.userId === user.id && state.rowError.column === 'person'
        ? state.rowError.message
        : undefined;
    const roleId = `role-${user.id}`;
    return html`<tr>
    <td data-label="Name">${user.name}${user.id === me.id ? html` <span class="meta">(you)</span>` : ''}</td>
    <td data-label="Email">${user.email}</td>
    <td data-label="Role">
      <form class="inline-form" method="post" action="/admin/users/${user.id}/role">
        ${csrfField(csrf)}
        <label class="visually-hidden" for="${roleId}">Role of ${user.name}</label>
        <select id="${roleId}" name="role"${rowError ? html` aria-invalid="true" aria-describedby="${roleId}-error"` : ''}>
          ${ROLE_OPTIONS.map((o) => html`<option value="${o.value}"${o.value === user.role ? html` selected` : ''}>${o.label}</option>`)}
        </select>
        <button type="submit" class="secondary">Change<span class="visually-hidden"> role of ${user.name}</span></button>
      </form>
      ${rowError ? html`<p class="field-error" id="${roleId}-error">${rowError}</p>` : ''}
    </td>
    <td data-label="Writes as">
      <form class="inline-form" method="post" action="/admin/users/${user.id}/person">
        ${csrfField(csrf)}
        <label class="visually-hidden" for="person-${user.id}">Author ${user.name} writes as</label>
        <select id="person-${user.id}" name="person_id"${personError ? html` aria-invalid="true" aria-describedby="person-${user.id}-error"` : ''}>
          <option value="">(nobody yet)</option>
          ${people.map((p) => html`<option value="${p.id}"${p.id === user.personId ? html` selected` : ''}>${p.name} (${p.slug})</option>`)}
        </select>
        <button type="submit" class="secondary">Link<span class="visually-hidden"> ${user.name} to this author</span></button>
      </form>
      ${personError ? html`<p class="field-error" id="person-${user.id}-error">${personError}</p>` : ''}
    </td>
    <td data-label="Status">${statusBadge(user)}</td>
    <td data-label="Access">
      ${
        user.id === me.id
          ? html`<span class="meta">Your own account</span>`
          : html`<form class="inline-form" method="post" action="/admin/users/${user.id}/status">
        ${csrfField(csrf)}
        <input type="hidden" name="disabled" value="${user.isDisabled ? '0' : '1'}">
        <button type="submit" class="${user.isDisabled ? 'secondary' : 'danger'}"${statusError ? html` aria-describedby="status-${user.id}-error"` : ''}>${user.isDisabled ? 'Enable' : 'Disable'}<span class="visually-hidden"> ${user.name}</span></button>
      </form>`
      }
      ${statusError ? html`<p class="field-error" id="status-${user.id}-error">${statusError}</p>` : ''}
    </td>
  </tr>`;
  })}
  </tbody>
</table>
</div>
</section>
<section class="panel" aria-labelledby="invite-heading">
<h2 id="invite-heading">Invite someone</h2>
<p class="hint">They receive an email with a link, valid for a week, to choose their password.</p>
${errorSummary(state.inviteProblem, { email: 'Email', name: 'Name', role: 'Role' })}
<form method="post" action="/admin/users/invite" novalidate>
  ${csrfField(csrf)}
  ${formField({ name: 'email', label: 'Email', type: 'email', value: invite.email, error: state.inviteProblem?.errors.email, isRequired: true, autocomplete: 'off' })}
  ${formField({ name: 'name', label: 'Name', value: invite.name, error: state.inviteProblem?.errors.name, isRequired: true, autocomplete: 'off' })}
  ${formField({ name: 'role', label: 'Role', type: 'select', options: ROLE_OPTIONS, value: invite.role, error: state.inviteProblem?.errors.role, hint: 'Contributors write drafts and submit them; authors also publish their own; editors edit and publish everyone’s and manage taxonomies, people, pages and comments; admins also manage settings and users.' })}
  <div class="actions"><button type="submit">Send the invitation</button></div>
</form>
</section>`,
    });
  };

  app.get(
    '/users',
    { config: { access: 'user.manage' }, schema: { querystring: NoticeQuery } },
    async (request, reply) => usersPage(request, reply, { notice: noticeIn(NOTICES, request.query.notice) }),
  );

  formRoute(
    app,
    '/users/invite',
    { config: { access: 'user.manage' }, schema: { body: InviteForm }, bodyLimit: SMALL_FORM_BODY_LIMIT },
    async (request, reply) => {
      const { email = '', name = '', role = '' } = request.body;
      try {
        const result = await inviteUser(ctx, currentUser(request), { email, name, role });
        if (result.isMailSent) return reply.redirect('/admin/users?notice=invited', 303);
        return usersPage(request, reply, {
          notice: html`Email is not configured, so no invitation was sent. Give ${result.user.email} this link (it works once, for a week): <a href="${result.link}">${result.link}</a>`,
        });
      } catch (error) {
        if (!isAppError(error) || (error.code !== 'MAIL_FAILED' && error.code !== 'MAIL_REFUSED'))
          throw error;
        const isRefused = error.code === 'MAIL_REFUSED';
        return usersPage(request, reply, {
          invite: stringValues(request.body),
          alert: `${error.message} Nothing was saved; ${isRefused ? 'check the address' : 'try again later'}.`,
          status: isRefused ? 400 : 503,
        });
      }
    },
    async (request, reply, problem) =>
      usersPage(request, reply, {
        invite: stringValues(request.body),
        inviteProblem: problem,
        status: problem.status,
      }),
  );

  app.post(
    '/users/:id/role',
    {
      config: { access: 'user.manage' },
      schema: { params: IdParams, body: RoleForm },
      bodyLimit: SMALL_FORM_BODY_LIMIT,
    },
    async (request, reply) => {
      const { id } = request.params;
      try {
        await changeRole(ctx, currentUser(request), { userId: id, role: request.body.role ?? '' });
      } catch (error) {
        if (isAppError(error) && (error.kind === 'invalid' || error.kind === 'conflict')) {
          const message = error.details?.[0] ? `Role ${error.details[0].message}` : error.message;
          return usersPage(request, reply, {
            rowError: { userId: id, column: 'role', message },
            status: error.kind === 'conflict' ? 409 : 400,
          });
        }
        throw error;
      }
      return reply.redirect('/admin/users?notice=role-changed', 303);
    },
  );

  app.post(
    '/users/:id/person',
    {
      config: { access: 'user.manage' },
      schema: { params: IdParams, body: PersonLinkForm },
      bodyLimit: SMALL_FORM_BODY_LIMIT,
    },
    async (request, reply) => {
      const { id } = request.params;
      // The form's menu always sends the field ("" for none): a request without it unlinks nothing.
      const given = request.body.person_id;
      const raw = (given ?? '').trim();
      const personId = raw === '' ? null : (parseWholeNumber(raw) ?? Number.NaN);
      try {
        if (given === undefined) {
          throw Errors.VALIDATION_FAILED({
            details: [{ field: 'person_id', message: 'is missing: choose an author, or none' }],
          });
        }
        if (personId !== null && !isRecordId(personId)) {
          throw Errors.VALIDATION_FAILED({
            details: [{ field: 'person_id', message: 'is not a known person' }],
          });
        }
        await linkPerson(ctx, currentUser(request), { userId: id, personId });
      } catch (error) {
        if (isAppError(error) && error.kind === 'invalid') {
          const message = error.details?.[0] ? `Author ${error.details[0].message}` : error.message;
          return usersPage(request, reply, {
            rowError: { userId: id, column: 'person', message },
            status: 400,
          });
        }
        throw error;
      }
      return reply.redirect('/admin/users?notice=person-linked', 303);
    },
  );

  app.post(
    '/users/:id/status',
    {
      config: { access: 'user.manage' },
      schema: { params: IdParams, body: StatusForm },
      bodyLimit: SMALL_FORM_BODY_LIMIT,
    },
    async (request, reply) => {
      const { id } = request.params;
      const { disabled } = request.body;
      if (disabled !== '0' && disabled !== '1') {
        return usersPage(request, reply, {
          rowError: { userId: id, column: 'status', message: 'Choose to disable or enable.' },
          status: 400,
        });
      }
      try {
        await setUserDisabled(ctx, currentUser(request), { userId: id, isDisabled: disabled === '1' });
      } catch (error) {
        if (isAppError(error) && (error.kind === 'conflict' || error.code === 'PERMISSION_DENIED')) {
          return usersPage(request, reply, {
            rowError: { userId: id, column: 'status', message: error.message },
            status: error.kind === 'conflict' ? 409 : 403,
          });
        }
        throw error;
      }
      return reply.redirect(`/admin/users?notice=${disabled === '1' ? 'disabled' : 'enabled'}`, 303);
    },
  );
}
