import { TEST_PASSWORD } from './admin.ts';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * A browser-like client for a server listening on a port: keeps its cookies, reads the CSRF token
 * from the last page it fetched, and never follows redirects (a 303 is the acknowledgement).
 */
export class HttpClient {
  readonly baseUrl: string;
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  private async request(url: string, init: RequestInit): Promise<HttpAnswer> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0)
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(`${this.baseUrl}${url}`, {
      ...init,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const isExpired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (isExpired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const body = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, headers: response.headers, body };
  }

  get(url: string): Promise<HttpAnswer> {
    return this.request(url, { method: 'GET' });
  }

  /** POSTs a urlencoded form with the current CSRF token. */
  post(url: string, form: Record<string, string>): Promise<HttpAnswer> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.csrf, ...form }).toString(),
    });
  }

  /** POSTs a multipart form with one file, as a browser's file input does. */
  upload(
    url: string,
    fields: Record<string, string>,
    file: { name: string; type: string; bytes: Buffer },
  ): Promise<HttpAnswer> {
    const form = new FormData();
    form.set('_csrf', this.csrf);
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    return this.request(url, { method: 'POST', body: form });
  }

  /** Signs in through the login form; throws unless the server accepted the password. */
  async signIn(email: string, password = TEST_PASSWORD): Promise<void> {
    await this.get('/admin/login');
    const answer = await this.post('/admin/login', { email, password, next: '/admin' });
    if (answer.status !== 303) throw new Error(`sign-in as ${email} answered ${answer.status}`);
  }
}

/** The article id in an editor URL such as /admin/articles/12?notice=created. */
export function articleIdIn(location: string | null): number | undefined {
  const id = Number(/\/admin\/articles\/(\d+)/.exec(location ?? '')?.[1]);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}
