import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { adminReturnPath } from '../../domain/url.ts';
import { MIN_PASSWORD_LENGTH } from '../../domain/user.ts';
import { isAppError } from '../../errors.ts';
import {
  type ClientInfo,
  checkToken,
  login,
  logout,
  resetPassword,
  startPasswordReset,
  startSession,
} from '../../services/auth.ts';
import { acceptInvitation } from '../../services/users.ts';
import { DEFAULT_RETRY_AFTER_SECONDS } from '../errors.ts';
import { OptionalText, type TypedApp } from '../schemas.ts';
import { html, type SafeHtml } from '../views/html.ts';
import { noticeIn } from '../views/notices.ts';
import type { AdminDeps } from './deps.ts';
import {
  csrfField,
  errorSummary,
  type FieldErrors,
  type FormProblem,
  formAlert,
  formField,
  formRoute,
  SMALL_FORM_BODY_LIMIT,
  stringValues,
} from './forms.ts';

const LoginQuery = Type.Object({ notice: OptionalText, next: OptionalText, unlock: OptionalText });
const LoginForm = Type.Object({
  email: OptionalText,
  password: OptionalText,
  next: OptionalText,
  unlock: OptionalText,
});
const EmailForm = Type.Object({ email: OptionalText });
const TokenQuery = Type.Object({ token: OptionalText });
const PasswordForm = Type.Object({
  token: OptionalText,
  name: OptionalText,
  password: OptionalText,
  password_confirm: OptionalText,
});

const NOTICES: Record<string, string> = {
  'logged-out': 'You are signed out.',
  'password-reset': 'Your password is changed. Sign in with the new one.',
  'logged-out-everywhere': 'You are signed out on every device.',
  unlock:
    'Sign in with your password: this link lets this browser in once, while sign-ins to your account are paused.',
};

function clientOf(request: FastifyRequest): ClientInfo {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}

type Problem = { errors: FieldErrors; message: string } | undefined;

const PASSWORD_HINT = `At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong, memorable password.`;

function passwordMismatch(values: Record<string, string>): Problem {
  if ((values.password ?? '') === (values.password_confirm ?? '')) return undefined;
  return {
    errors: { password_confirm: 'The two passwords are not the same' },
    message: 'The two passwords are not the same.',
  };
}

/** Sign in, sign out, forgotten password, reset and invitation pages. */
export async function authPages(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx, cookies } = deps;
  const limited = { rateLimit: deps.formRateLimit };
  const small = SMALL_FORM_BODY_LIMIT;

  const setSession = (reply: FastifyReply, token: string) =>
    reply.setCookie(cookies.session, token, cookies.options);

  const loginPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      values: Record<string, string>;
      problem?: Problem;
      alert?: string;
      status?: number;
      notice?: string | undefined;
    },
  ) => {
    const notice = noticeIn(NOTICES, state.notice);
    return deps.page(request, reply, {
      title: 'Sign in',
      status: state.status ?? 200,
      notice,
      body: (csrf) => html`<div class="panel">
${formAlert(state.alert)}
<form method="post" action="/admin/login" novalidate>
  ${csrfField(csrf)}
  <input type="hidden" name="next" value="${adminReturnPath(state.values.next)}">
  ${state.values.unlock ? html`<input type="hidden" name="unlock" value="${state.values.unlock}">` : ''}
  ${formField({ name: 'email', label: 'Email', type: 'email', value: state.values.email, error: state.problem?.errors.email, autocomplete: 'username', isRequired: true })}
  ${formField({ name: 'password', label: 'Password', type: 'password', error: state.problem?.errors.password, autocomplete: 'current-password', isRequired: true })}
  <div class="actions"><button type="submit">Sign in</button> <a href="/admin/forgot-password">Forgot your password?</a></div>
</form>
</div>`,
    });
  };

  app.get(
    '/login',
    { config: { access: 'public' }, schema: { querystring: LoginQuery } },
    async (request, reply) => {
      const { next, notice, unlock } = request.query;
      if (request.admin) return reply.redirect(adminReturnPath(next), 303);
      return loginPage(request, reply, {
        values: { next: next ?? '/admin', ...(unlock ? { unlock } : {}) },
        notice: unlock ? 'unlock' : notice,
      });
    },
  );

  formRoute(
    app,
    '/login',
    { config: { access: 'public', ...limited }, schema: { body: LoginForm }, bodyLimit: small },
    async (request, reply) => {
      const { email = '', password = '', next, unlock } = request.body;
      try {
        const { token } = await login(ctx, {
          email,
          password,
          client: clientOf(request),
          unlockToken: unlock,
        });
        const previous = request.cookies[cookies.session];
        if (previous) await logout(ctx, previous);
        setSession(reply, token);
        return reply.redirect(adminReturnPath(next), 303);
      } catch (error) {
        if (!isAppError(error) || error.kind !== 'throttled') throw error;
        reply.header('retry-after', String(error.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS));
        return loginPage(request, reply, {
          values: stringValues(request.body),
          alert: error.message,
          status: 429,
        });
      }
    },
    async (request, reply, problem) =>
      loginPage(request, reply, {
        values: stringValues(request.body),
        // A wrong email or password is said once, next to the password; a malformed field, next to it.
        problem:
          problem.error.code === 'LOGIN_FAILED'
            ? { errors: { password: problem.message }, message: problem.message }
            : problem,
        status: problem.error.code === 'LOGIN_FAILED' ? 401 : problem.status,
      }),
  );

  app.post('/logout', { config: { access: 'public' }, bodyLimit: small }, async (request, reply) => {
    const token = request.cookies[cookies.session];
    if (token) await logout(ctx, token);
    reply.clearCookie(cookies.session, cookies.clearOptions);
    return reply.redirect('/admin/login?notice=logged-out', 303);
  });

  const forgotPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    state: { email: string; isSent?: boolean; problem?: Problem; status?: number },
  ) =>
    deps.page(request, reply, {
      title: 'Forgotten password',
      status: state.status ?? 200,
      notice: state.isSent
        ? `If ${state.email} belongs to an account, we have sent it a link to choose a new password. The link works for one hour.`
        : undefined,
      body: (csrf) => html`<div class="panel">
${errorSummary(state.problem, { email: 'Email' })}
<p>Enter the email you sign in with. We will send you a link to choose a new password.</p>
<form method="post" action="/admin/forgot-password" novalidate>
  ${csrfField(csrf)}
  ${formField({ name: 'email', label: 'Email', type: 'email', value: state.email, error: state.problem?.errors.email, autocomplete: 'username', isRequired: true })}
  <div class="actions"><button type="submit">Send the link</button> <a href="/admin/login">Back to sign in</a></div>
</form>
</div>`,
    });

  app.get('/forgot-password', { config: { access: 'public' } }, async (request, reply) =>
    forgotPage(request, reply, { email: '' }),
  );

  app.post(
    '/forgot-password',
    { config: { access: 'public', ...limited }, schema: { body: EmailForm }, bodyLimit: small },
    async (request, reply) => {
      const email = (request.body.email ?? '').trim();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
        const message = 'Enter an email address, like name@example.org';
        return forgotPage(request, reply, {
          email,
          problem: { errors: { email: message }, message },
          status: 400,
        });
      }
      startPasswordReset(ctx, { email });
      return forgotPage(request, reply, { email, isSent: true });
    },
  );

  const invalidLink = (request: FastifyRequest, reply: FastifyReply, message: string) =>
    deps.page(request, reply, {
      title: 'This link does not work',
      status: 400,
      body: html`<div class="panel">${formAlert(message)}
<p><a href="/admin/forgot-password">Ask for a new password link</a> or <a href="/admin/login">sign in</a>. For a new invitation, ask an admin.</p></div>`,
    });

  const passwordForm = (
    csrf: string,
    state: {
      action: string;
      token: string;
      values: Record<string, string>;
      problem: Problem;
      extra?: SafeHtml;
    },
  ) => html`<div class="panel">
${errorSummary(state.problem, { name: 'Your name', password: 'New password', password_confirm: 'New password again' })}
<form method="post" action="${state.action}" novalidate>
  ${csrfField(csrf)}
  <input type="hidden" name="token" value="${state.token}">
  ${state.extra ?? ''}
  ${formField({ name: 'password', label: 'New password', type: 'password', error: state.problem?.errors.password, hint: PASSWORD_HINT, autocomplete: 'new-password', isRequired: true })}
  ${formField({ name: 'password_confirm', label: 'New password again', type: 'password', error: state.problem?.errors.password_confirm, autocomplete: 'new-password', isRequired: true })}
  <div class="actions"><button type="submit">Save the password</button></div>
</form>
</div>`;

  const resetPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    values: Record<string, string>,
    problem?: Problem,
  ) => {
    try {
      const { user } = await checkToken(ctx, token, 'reset');
      return deps.page(request, reply, {
        title: 'Choose a new password',
        status: problem ? 400 : 200,
        body: (csrf) =>
          html`<p>For ${user.email}. Saving signs you out on every device.</p>${passwordForm(csrf, { action: '/admin/reset-password', token, values, problem })}`,
      });
    } catch (error) {
      if (isAppError(error) && error.code === 'AUTH_TOKEN_INVALID')
        return invalidLink(request, reply, error.message);
      throw error;
    }
  };

  /** A refused password form: a dead link says so; anything else shows the form again. */
  const passwordProblem =
    (show: typeof resetPage) =>
    async (request: FastifyRequest, reply: FastifyReply, problem: FormProblem) => {
      if (problem.error.code === 'AUTH_TOKEN_INVALID') return invalidLink(request, reply, problem.message);
      const values = stringValues(request.body);
      return show(request, reply, values.token ?? '', values, problem);
    };

  app.get(
    '/reset-password',
    { config: { access: 'public' }, schema: { querystring: TokenQuery } },
    async (request, reply) => resetPage(request, reply, request.query.token ?? '', {}),
  );

  formRoute(
    app,
    '/reset-password',
    { config: { access: 'public', ...limited }, schema: { body: PasswordForm }, bodyLimit: small },
    async (request, reply) => {
      const values = stringValues(request.body);
      const token = values.token ?? '';
      const mismatch = passwordMismatch(values);
      if (mismatch) return resetPage(request, reply, token, values, mismatch);
      await resetPassword(ctx, { token, password: values.password ?? '' });
      reply.clearCookie(cookies.session, cookies.clearOptions);
      return reply.redirect('/admin/login?notice=password-reset', 303);
    },
    passwordProblem(resetPage),
  );

  const acceptPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    values: Record<string, string>,
    problem?: Problem,
  ) => {
    try {
      const { user } = await checkToken(ctx, token, 'invite');
      return deps.page(request, reply, {
        title: 'Join the newsroom',
        status: problem ? 400 : 200,
        body: (csrf) =>
          html`<p>You were invited as <strong>${user.role}</strong> with the email ${user.email}. Choose your password to accept.</p>${passwordForm(
            csrf,
            {
              action: '/admin/accept-invitation',
              token,
              values,
              problem,
              extra: formField({
                name: 'name',
                label: 'Your name',
                value: values.name ?? user.name,
                error: problem?.errors.name,
                autocomplete: 'name',
                isRequired: true,
              }),
            },
          )}`,
      });
    } catch (error) {
      if (isAppError(error) && error.code === 'AUTH_TOKEN_INVALID')
        return invalidLink(request, reply, error.message);
      throw error;
    }
  };

  app.get(
    '/accept-invitation',
    { config: { access: 'public' }, schema: { querystring: TokenQuery } },
    async (request, reply) => acceptPage(request, reply, request.query.token ?? '', {}),
  );

  formRoute(
    app,
    '/accept-invitation',
    { config: { access: 'public', ...limited }, schema: { body: PasswordForm }, bodyLimit: small },
    async (request, reply) => {
      const values = stringValues(request.body);
      const token = values.token ?? '';
      const mismatch = passwordMismatch(values);
      if (mismatch) return acceptPage(request, reply, token, values, mismatch);
      const user = await acceptInvitation(ctx, {
        token,
        name: values.name ?? '',
        password: values.password ?? '',
      });
      const { token: sessionToken } = await startSession(ctx, user, clientOf(request));
      setSession(reply, sessionToken);
      return reply.redirect('/admin?notice=welcome', 303);
    },
    passwordProblem(acceptPage),
  );
}
