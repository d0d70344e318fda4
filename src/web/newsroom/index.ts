/**
 * The editorial admin at /admin: sessions, CSRF, throttling, and the pages registered below.
 *
 * Adding an admin page (e.g. taxonomies):
 *   1. write `src/web/newsroom/taxonomies.ts` exporting `async function taxonomyPages(app, deps: AdminDeps)`;
 *      paths inside are relative to /admin (`app.get('/taxonomies', ...)`); every route declares
 *      its params, query and body with TypeBox (schemas.ts), and handlers use the typed values;
 *   2. give every route `config: { access: 'taxonomy.manage' }` (an Action from
 *      domain/permissions.ts, 'signed-in' or 'public'); the plugin refuses routes without it,
 *      enforces it before the handler, and the matrix test walks it for every role;
 *   3. render with `deps.page(request, reply, { title, body: (csrf) => html`...${csrfField(csrf)}...` })`
 *      and the helpers in forms.ts (fields with errors next to them, values kept);
 *   4. add its link to ADMIN_NAV in nav.ts, and register it in SUB_PAGES below.
 * POST forms are checked for the CSRF token and the browser's origin headers automatically
 * (csrf.ts); services write the audit entry (services/audit.ts recordAudit) in the transaction
 * that makes the change.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { can } from '../../domain/permissions.ts';
import type { Role } from '../../domain/user.ts';
import { Errors, isAppError } from '../../errors.ts';
import { type AuthContext, settleBackgroundWork, validateSession } from '../../services/auth.ts';
import type { Reader } from '../../services/reader.ts';
import { pendingReprintCount } from '../../services/republishing/reprint-requests.ts';
import { loadSiteSettings } from '../../services/settings.ts';
import { clientGroupOf } from '../client-group.ts';
import { describeError, errorTitle, sendError, wantsJson } from '../errors.ts';
import type { TypedApp } from '../schemas.ts';
import { html } from '../views/html.ts';
import { adminLayout } from '../views/newsroom/layout.ts';
import { accountPages } from './account.ts';
import { articlePages } from './articles.ts';
import { auditPages } from './audit.ts';
import { authPages } from './auth-pages.ts';
import { commentPages } from './comments.ts';
import {
  isRequestFromSite,
  isSameToken,
  isVisitorNonce,
  newVisitorNonce,
  originOf,
  sessionCsrfToken,
  visitorCsrfToken,
} from './csrf.ts';
import { dashboardPages } from './dashboard.ts';
import type { AdminCookies, AdminDeps } from './deps.ts';
import { type AdminAccess, type AdminAuth, permissionDenied, requirePermission } from './guard.ts';
import { mediaPages } from './media.ts';
import { memberPages } from './members.ts';
import { adminNavFor, COMMENT_QUEUE_HREF, REPRINT_QUEUE_HREF } from './nav.ts';
import { newsletterPages } from './newsletters.ts';
import { staticPagePages } from './pages.ts';
import { peoplePages } from './people.ts';
import { pickerRoutes } from './pickers.ts';
import { reachPages } from './reach.ts';
import { reprintRequestPages } from './reprint-requests.ts';
import { settingsPages } from './settings.ts';
import { taxonomyPages } from './taxonomies.ts';
import { userPages } from './users.ts';

export type { AdminCookies, AdminDeps, AdminPage } from './deps.ts';

/** A route of the admin and who may use it; the permission-matrix test walks this list. */
export interface AdminRouteInfo {
  method: string;
  url: string;
  access: AdminAccess;
}

type SubPage = (app: TypedApp, deps: AdminDeps) => Promise<void>;
const SUB_PAGES: SubPage[] = [
  authPages,
  dashboardPages,
  userPages,
  settingsPages,
  auditPages,
  accountPages,
  articlePages,
  mediaPages,
  taxonomyPages,
  peoplePages,
  staticPagePages,
  reprintRequestPages,
  commentPages,
  pickerRoutes,
  reachPages,
  memberPages,
  newsletterPages,
];

const csrfTokens = new WeakMap<FastifyRequest, string>();

async function adminScope(
  app: FastifyInstance,
  options: { ctx: AuthContext; reader: Reader; routes: AdminRouteInfo[] },
) {
  const { ctx, reader, routes } = options;
  const isSecure = ctx.siteUrl.startsWith('https:');
  // The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and Path=/,
  // so a sibling subdomain cannot plant one.
  const prefix = isSecure ? '__Host-' : '';
  const cookies: AdminCookies = {
    session: `${prefix}pressroom_session`,
    options: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: isSecure,
      maxAge: Math.round(ctx.config.auth.sessionMaxHours * 3600),
    },
    clearOptions: { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecure },
  };

  // The per-browser secret of a visitor's forms (sign-in, reset, invitation). Strict: a
  // cross-site request never carries it.
  const visitorCookie = `${prefix}pressroom_visitor`;
  const visitorCookieOptions = { path: '/', httpOnly: true, sameSite: 'strict', secure: isSecure } as const;
  const siteOrigin = originOf(ctx.siteUrl) ?? '';

  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    // As sign-ins are counted (an IPv6 /64 as one address). A request whose client has already
    // gone has no address left to read, and the limiter's own key threw on it.
    keyGenerator: (request) => clientGroupOf(request),
  });
  app.decorateRequest('admin', null);
  // Mail that answered requests left to send finishes before the database closes.
  app.addHook('onClose', async () => settleBackgroundWork());

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) throw new Error(`Admin route ${route.method} ${route.url} must declare config.access`);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, access });
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
    // A state change sent from another site (or a sibling subdomain) is refused before anything
    // else, whatever cookies and token it carries.
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      if (!isRequestFromSite(request, siteOrigin)) throw Errors.CSRF_REFUSED();
    }
    const token = request.cookies[cookies.session];
    if (token) {
      const found = await validateSession(ctx, token);
      if (found) request.admin = found;
      else reply.clearCookie(cookies.session, cookies.clearOptions);
    }
  });

  // Access is checked before the schemas validate the input, so a visitor without access is
  // refused as such whatever they sent.
  const checks = new Map<string, ReturnType<typeof requirePermission>>();
  app.addHook('preValidation', async (request, reply) => {
    const access = request.routeOptions.config.access ?? 'signed-in';
    if (access === 'public') return;
    let check = checks.get(access);
    if (!check) {
      check = requirePermission(access);
      checks.set(access, check);
    }
    await check(request, reply);
    if (reply.sent) return reply;
  });

  // Reading, checking and answering a long text costs the event loop time in proportion to its
  // length (a refused 4 MB body is written back into the editor, escaped): one person's large
  // requests are taken a few at a time, so a flood of them cannot stall everyone else.
  // Everyone's together are bounded too: each holds its text several times over (the body, the
  // parsed form, the copy sent to a render thread, the answer) until it is answered, and many at
  // once left the event loop collecting garbage for seconds. Past the bound, a quick 503 with
  // Retry-After, before the body is read.
  //
  // Uploads are bounded the same way, apart: an image is decoded off the event loop, but each
  // holds its file and decoded pixels in memory until it is answered (sixteen parallel uploads of
  // 59-megapixel PNGs took the server from 740 to 1,110 MB).
  const largeRequests = slotCounter({ perUser: MAX_LARGE_REQUESTS_PER_USER, total: MAX_LARGE_REQUESTS });
  const uploads = slotCounter({ perUser: MAX_UPLOADS_PER_USER, total: MAX_UPLOADS });
  const holdLargeRequestSlot = (request: FastifyRequest, reply: FastifyReply): void => {
    if (!request.admin) return;
    const isUpload = (request.headers['content-type'] ?? '').startsWith('multipart/');
    const length = Number(request.headers['content-length'] ?? Number.POSITIVE_INFINITY);
    const userId = request.admin.user.id;
    if (isUpload) {
      const refusal = uploads.take(userId);
      if (refusal === 'own') throw Errors.UPLOADS_BUSY({ isOwn: true });
      if (refusal === 'all') throw Errors.UPLOADS_BUSY({ isOwn: false });
    } else {
      if (length < LARGE_REQUEST_BYTES) return;
      const refusal = largeRequests.take(userId);
      if (refusal === 'own') throw Errors.LARGE_REQUESTS_BUSY();
      if (refusal === 'all') throw Errors.EDITOR_BUSY();
    }
    reply.raw.once('close', () => (isUpload ? uploads : largeRequests).give(userId));
  };

  // A form or upload from someone not allowed to send it is refused before its body is read, so
  // an anonymous visitor cannot make the server read (or choke on) a large or malformed upload.
  app.addHook('preParsing', async (request, reply, payload) => {
    if (request.method === 'GET' || request.method === 'HEAD') return payload;
    const access = request.routeOptions.config.access ?? 'signed-in';
    if (access === 'public') return payload;
    if (!request.admin) {
      throw Errors.PERMISSION_DENIED({
        reason: 'You are not signed in (or your session has ended). Sign in and try again.',
      });
    }
    if (access !== 'signed-in' && !can(request.admin.user.role, access)) throw permissionDenied();
    // A route whose permission depends on the item (an article locked in review, someone
    // else's) checks that too, so a long text sent to it is refused unread.
    await request.routeOptions.config.checkBeforeBody?.(request);
    holdLargeRequestSlot(request, reply);
    return payload;
  });

  // Signed in, a form's token is derived from the session cookie itself: an attacker who plants
  // their own token (and its cookie) in a victim's browser cannot make one for the victim's
  // session, which they never see. Visitors' forms (sign-in, password reset, invitation) are
  // bound the same way to the visitor's own per-browser cookie.
  const sessionTokenOf = (request: FastifyRequest): string | undefined =>
    request.admin ? request.cookies[cookies.session] : undefined;
  const visitorNonceOf = (request: FastifyRequest): string | undefined => {
    const value = request.cookies[visitorCookie];
    return isVisitorNonce(value) ? value : undefined;
  };

  // The CSRF token is read from the body, which multipart forms only attach in their own
  // preValidation hook, so it is checked after validation.
  app.addHook('preHandler', (request, reply, done) => {
    if (reply.sent || request.method === 'GET' || request.method === 'HEAD') {
      done();
      return;
    }
    const body = request.body as { _csrf?: unknown } | undefined;
    const header = request.headers['x-csrf-token'] ?? request.headers['csrf-token'];
    const sent = typeof body?._csrf === 'string' ? body._csrf : typeof header === 'string' ? header : '';
    const session = sessionTokenOf(request);
    const visitor = session === undefined ? visitorNonceOf(request) : undefined;
    const expected =
      session !== undefined
        ? sessionCsrfToken(session)
        : visitor !== undefined
          ? visitorCsrfToken(visitor)
          : undefined;
    done(expected !== undefined && isSameToken(expected, sent) ? undefined : Errors.CSRF_REFUSED());
  });

  const csrfToken = (reply: FastifyReply): string => {
    let token = csrfTokens.get(reply.request);
    if (!token) {
      const session = sessionTokenOf(reply.request);
      if (session !== undefined) {
        token = sessionCsrfToken(session);
      } else {
        let nonce = visitorNonceOf(reply.request);
        if (nonce === undefined) {
          nonce = newVisitorNonce();
          reply.setCookie(visitorCookie, nonce, visitorCookieOptions);
        }
        token = visitorCsrfToken(nonce);
      }
      csrfTokens.set(reply.request, token);
    }
    return token;
  };

  const siteName = async (): Promise<string> => (await loadSiteSettings(ctx)).siteName;

  // One indexed count per page for those who answer requests: the pending ones show in the menu.
  const waitingFor = async (role: Role): Promise<Record<string, number>> => ({
    ...(can(role, 'reprint.manage') ? { [REPRINT_QUEUE_HREF]: await pendingReprintCount(ctx) } : {}),
    ...(can(role, 'comment.moderate')
      ? { [COMMENT_QUEUE_HREF]: await ctx.store.comments.countByStatus('pending') }
      : {}),
  });

  const page: AdminDeps['page'] = async (request, reply, view) => {
    const token = csrfToken(reply);
    const auth: AdminAuth | null = request.admin;
    const body = typeof view.body === 'function' ? view.body(token) : view.body;
    const document = adminLayout({
      title: view.title,
      siteName: await siteName(),
      body,
      notice: view.notice,
      user: auth ? { name: auth.user.name, role: auth.user.role } : undefined,
      nav: auth ? adminNavFor(auth.user.role as Role, request.url, await waitingFor(auth.user.role)) : [],
      csrfToken: token,
    });
    return reply
      .code(view.status ?? 200)
      .type('text/html; charset=utf-8')
      .send(document.value);
  };

  app.setErrorHandler(async (error, request, reply) => {
    const described = describeError(error, request);
    const { message } = described;
    const status =
      isAppError(error) && error.code === 'PERMISSION_DENIED' && !request.admin ? 401 : described.status;
    const shown = { ...described, status };
    if (wantsJson(request)) {
      await sendError(request, reply, shown, async () => '');
      return;
    }
    // The admin layout reads the site's settings: with the database down, sendError falls back
    // to a page that needs nothing.
    await sendError(request, reply, shown, async () => {
      const document = adminLayout({
        title: status === 403 || status === 401 ? 'Not allowed' : errorTitle(status),
        siteName: await siteName(),
        body: html`<div class="alert" role="alert"><p>${message}</p>${
          status >= 500 ? html`<p class="meta">Reference: ${request.id}</p>` : ''
        }</div>
<p><a href="/admin">Back to the dashboard</a></p>`,
        user: request.admin ? { name: request.admin.user.name, role: request.admin.user.role } : undefined,
        nav: request.admin ? adminNavFor(request.admin.user.role as Role, request.url) : [],
        csrfToken: csrfToken(reply),
      });
      return document.value;
    });
  });

  const deps: AdminDeps = {
    ctx,
    reader,
    page,
    csrfToken,
    cookies,
    formRateLimit: { max: ctx.config.auth.formRateLimitPerMinute, timeWindow: '1 minute' },
  };
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const register of SUB_PAGES) await register(typed, deps);
}

/**
 * Registers the admin under /admin. Decorates the app with `adminRoutes` (every admin route and
 * who may use it) for the permission-matrix test.
 */
export const adminPlugin = fp(
  async (app: FastifyInstance, options: { ctx: AuthContext; reader: Reader }) => {
    const routes: AdminRouteInfo[] = [];
    app.decorate('adminRoutes', routes);
    await app.register(adminScope, { prefix: '/admin', ctx: options.ctx, reader: options.reader, routes });
  },
  { name: 'pressroom-admin' },
);

/** A request body at least this long counts against its sender's few large requests at once. */
const LARGE_REQUEST_BYTES = 256 * 1024;
const MAX_LARGE_REQUESTS_PER_USER = 2;
/** Large requests the whole server works on at once: two per render thread. */
export const MAX_LARGE_REQUESTS = 4;
/** Uploads one person sends at once (a few images dropped together), and everyone's together. */
export const MAX_UPLOADS_PER_USER = 2;
export const MAX_UPLOADS = 4;

/**
 * Slots held per person and in total. take() says which bound is reached ('own' or 'all'), or
 * takes a slot and says nothing; give() hands one back.
 */
function slotCounter(bounds: { perUser: number; total: number }) {
  const byUser = new Map<number, number>();
  let total = 0;
  return {
    take(userId: number): 'own' | 'all' | undefined {
      const held = byUser.get(userId) ?? 0;
      if (held >= bounds.perUser) return 'own';
      if (total >= bounds.total) return 'all';
      byUser.set(userId, held + 1);
      total++;
      return undefined;
    },
    give(userId: number): void {
      total--;
      const left = (byUser.get(userId) ?? 1) - 1;
      if (left > 0) byUser.set(userId, left);
      else byUser.delete(userId);
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    adminRoutes: AdminRouteInfo[];
  }
  interface FastifyRequest {
    /** The signed-in staff user on admin routes; null for visitors. */
    admin: AdminAuth | null;
  }
  interface FastifyContextConfig {
    access?: AdminAccess;
    /** A check of the signed-in user's right to send this request that needs no body. */
    checkBeforeBody?: (request: FastifyRequest) => Promise<void>;
  }
}
