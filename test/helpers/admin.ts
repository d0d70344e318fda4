import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Role, User } from '../../src/domain/user.ts';
import { startSession } from '../../src/services/auth.ts';
import { createUser } from '../../src/services/users.ts';
import type { Wiring } from '../../src/wiring.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * A browser-like client for app.inject: keeps cookies between requests and reads the CSRF token
 * from the last page it fetched.
 */
export class AdminClient {
  readonly cookies = new Map<string, string>();
  csrf = '';

  private readonly app: FastifyInstance;

  constructor(app: FastifyInstance) {
    this.app = app;
  }

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies) {
      const expired = cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() < Date.now());
      if (expired || cookie.value === '') this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrf = token;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() } });
    this.remember(response);
    return response;
  }

  /** POSTs a form with the current CSRF token (pass `_csrf` to override it, null to omit it). */
  async post(url: string, form: Record<string, string | null> = {}): Promise<LightMyRequestResponse> {
    const payload: Record<string, string> = {};
    if (!('_csrf' in form)) payload._csrf = this.csrf;
    for (const [key, value] of Object.entries(form)) if (value !== null) payload[key] = value;
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(payload).toString(),
    });
    this.remember(response);
    return response;
  }

  /** Signs in through the login form. */
  async signIn(email: string, password = TEST_PASSWORD): Promise<LightMyRequestResponse> {
    await this.get('/admin/login');
    return this.post('/admin/login', { email, password, next: '/admin' });
  }

  hasSession(): boolean {
    return [...this.cookies.keys()].some((name) => name.endsWith('pressroom_session'));
  }
}

/**
 * A user with the test password, created through the service (as the CLI does). Named after the
 * role ("A contributor"), with the address added for a second one, since a writer whose name
 * reads like an author's already here gets no author page of their own.
 */
export function makeUser(
  wiring: Wiring,
  role: Role,
  email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.org`,
): Promise<User> {
  const local = email.split('@')[0] ?? '';
  const name = local === role ? `A ${role}` : `A ${role} (${local})`;
  return createUser(wiring, { email, name, role, password: TEST_PASSWORD });
}

/** A client already signed in as the user, without going through the (slow, throttled) form. */
export async function clientAs(
  app: FastifyInstance,
  wiring: Wiring,
  user: User,
  sessionCookie: string,
): Promise<AdminClient> {
  const client = new AdminClient(app);
  const { token } = await startSession(wiring, user);
  client.cookies.set(sessionCookie, token);
  await client.get('/admin/account');
  return client;
}

/** The session cookie name for a site URL (https gets the __Host- prefix). */
export function sessionCookieName(siteUrl: string): string {
  return siteUrl.startsWith('https:') ? '__Host-pressroom_session' : 'pressroom_session';
}
