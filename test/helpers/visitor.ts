import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

const NAUGHTY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
  'naughty',
);

/** A sample of the shared hostile strings (all the polyglots, the first of the others); none when absent. */
export function naughtyStrings(): string[] {
  if (!existsSync(NAUGHTY)) return [];
  const lines = (file: string) =>
    readFileSync(path.join(NAUGHTY, file), 'utf8')
      .split('\n')
      .filter((line) => line.trim());
  const blns = (JSON.parse(readFileSync(path.join(NAUGHTY, 'blns.json'), 'utf8')) as string[]).filter((s) =>
    s.trim(),
  );
  return (
    [...lines('XSS_Polyglots.txt'), ...blns.slice(0, 120), ...lines('xss-payload-list.txt').slice(0, 60)]
      // A NUL is refused as such (its own test elsewhere); here the strings must be stored.
      .filter((s) => !s.includes('\u0000'))
  );
}

/**
 * A reader's browser: its own address and cookies (every cookie the site sets, kept and sent
 * back, dropped when cleared), and the CSRF token of the form it last loaded.
 */
export class Visitor {
  readonly cookies = new Map<string, string>();
  csrf = '';
  private readonly app: FastifyInstance;
  readonly address: string;

  constructor(app: FastifyInstance, address: string) {
    this.app = app;
    this.address = address;
  }

  private cookieHeader(): Record<string, string> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return cookie ? { cookie } : {};
  }

  private keep(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const set of response.cookies) {
      const isCleared =
        set.value === '' || (set.expires !== undefined && set.expires.getTime() <= Date.now());
      if (isCleared) this.cookies.delete(set.name);
      else this.cookies.set(set.name, set.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrf = token;
    return response;
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method: 'GET',
        url,
        remoteAddress: this.address,
        headers: this.cookieHeader(),
      }),
    );
  }

  /** Posts a form as a browser does; an array is a repeated field (ticked checkboxes). */
  async post(
    url: string,
    form: Record<string, string | string[]>,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        remoteAddress: this.address,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...this.cookieHeader(),
          ...headers,
        },
        payload: new URLSearchParams(
          Object.entries({ _csrf: this.csrf, ...form }).flatMap(([name, value]) =>
            (Array.isArray(value) ? value : [value]).map((one) => [name, one]),
          ),
        ).toString(),
      }),
    );
  }
}
