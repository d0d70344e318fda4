import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../services/auth.ts';
import type { Reader } from '../../services/reader.ts';
import type { SafeHtml } from '../views/html.ts';

export interface AdminPage {
  title: string;
  /** The page content; a function receives the CSRF token for the page's POST forms. */
  body: SafeHtml | ((csrfToken: string) => SafeHtml);
  status?: number;
  notice?: string | SafeHtml | undefined;
}

/** What every admin sub-plugin receives. */
export interface AdminDeps {
  /** The services' context (the app's wiring): store, clock, logger, mailer, auth settings. */
  ctx: AuthContext;
  /** The reader's page models, for previews. */
  reader: Reader;
  /** Sends an admin page in the layout, with the role's navigation. */
  page(request: FastifyRequest, reply: FastifyReply, page: AdminPage): Promise<FastifyReply>;
  /** The CSRF token for this request's forms (one per request). */
  csrfToken(reply: FastifyReply): string;
  cookies: AdminCookies;
  /** Per-process limit for sign-in and reset POSTs (the database throttle is the real guard). */
  formRateLimit: { max: number; timeWindow: string };
}

export interface AdminCookies {
  session: string;
  /** Cookie options for the session cookie. */
  options: { path: '/'; httpOnly: true; sameSite: 'lax'; secure: boolean; maxAge: number };
  /** Options to clear it with (a __Host- cookie is only replaced by one with the same flags). */
  clearOptions: { path: '/'; httpOnly: true; sameSite: 'lax'; secure: boolean };
}
