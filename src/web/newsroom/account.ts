import { listOwnSessions, logoutEverywhere } from '../../services/auth.ts';
import { loadSiteSettings } from '../../services/settings.ts';
import type { TypedApp } from '../schemas.ts';
import { html } from '../views/html.ts';
import { adminDay, adminTime } from '../views/newsroom/admin-time.ts';
import type { AdminDeps } from './deps.ts';
import { csrfField, SMALL_FORM_BODY_LIMIT } from './forms.ts';
import { currentUser } from './guard.ts';

/** A recognisable name for a browser from its user agent ("Firefox on Linux"), or a neutral word. */
export function browserName(userAgent: string | null): string {
  if (!userAgent) return 'A browser';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : 'A browser';
  const system = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : '';
  return system ? `${browser} on ${system}` : browser;
}

/** The signed-in user's own account: who they are, and "log out everywhere". */
export async function accountPages(app: TypedApp, deps: AdminDeps): Promise<void> {
  const { ctx, cookies } = deps;

  app.get(
    '/account',
    { config: { access: 'account.manage_own' }, bodyLimit: SMALL_FORM_BODY_LIMIT },
    async (request, reply) => {
      const user = currentUser(request);
      const [sessions, calendar] = await Promise.all([listOwnSessions(ctx, user), loadSiteSettings(ctx)]);
      const currentId = request.admin?.session.id;
      return deps.page(request, reply, {
        title: 'Your account',
        body: (csrf) => html`<section class="panel" aria-labelledby="account-who">
<h2 id="account-who">${user.name}</h2>
<p>${user.email} · ${user.role}</p>
<p class="hint">To change your password, sign out and use “Forgot your password?”, which sends you a link.</p>
</section>
<section class="panel" aria-labelledby="account-sessions">
<h2 id="account-sessions">Where you are signed in</h2>
<p>You are signed in on ${sessions.length} ${sessions.length === 1 ? 'browser or device' : 'browsers or devices'}, this one included.</p>
<ul class="list">${sessions.map(
          (
            s,
          ) => html`<li>${browserName(s.userAgent)}${s.id === currentId ? html` <strong>(this one)</strong>` : ''}<br>
<span class="meta">Signed in ${adminDay(s.createdAt, calendar)}${s.ip ? ` from ${s.ip}` : ''}; last used ${adminTime(s.lastSeenAt, calendar)}</span></li>`,
        )}</ul>
<form method="post" action="/admin/account/logout-everywhere">
  ${csrfField(csrf)}
  <button type="submit" class="danger">Log out everywhere</button>
  <p class="hint">Ends every session, here and on every other device (useful after losing a phone or using a shared computer).</p>
</form>
</section>`,
      });
    },
  );

  app.post(
    '/account/logout-everywhere',
    { config: { access: 'account.manage_own' }, bodyLimit: SMALL_FORM_BODY_LIMIT },
    async (request, reply) => {
      await logoutEverywhere(ctx, currentUser(request));
      reply.clearCookie(cookies.session, cookies.clearOptions);
      return reply.redirect('/admin/login?notice=logged-out-everywhere', 303);
    },
  );
}
