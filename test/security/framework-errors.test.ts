// Malformed requests (a body of a type nobody reads, too large, JSON that does not parse, empty
// JSON, values of the wrong shape, a multipart body without its boundary) sent to every route
// that takes a body, and malformed queries to every address: each answer is ours, a 4xx with one of the codes
// docs/errors.md lists, as JSON (under /api, or asked for) or as our error page, and never
// shows the framework's own codes (`FST_…`) or a stack. On SQLite and (when TEST_DATABASE_URL
// is set) PostgreSQL.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const DOCUMENTED = new Set(
  [
    ...readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8').matchAll(
      /^\| `([A-Z_]+)` \|/gm,
    ),
  ].map((m) => m[1]),
);

/** Every route of a method, read from the framework's own listing, with parameters filled in. */
function routesOf(app: FastifyInstance, method: 'GET' | 'POST'): string[] {
  const stack: string[] = [];
  const found: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false, method }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)/.exec(line);
    if (!match?.[2]) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(match[2]);
    if (line.includes(`(${method}`) || line.includes(`, ${method}`)) found.push(stack.join(''));
  }
  return found.map((route) => route.replace(/:[a-zA-Z]+/g, '1').replace(/\*$/, 'x'));
}

interface Malformed {
  name: string;
  headers: Record<string, string>;
  payload?: string;
}

const DEEP = `${'['.repeat(5000)}${']'.repeat(5000)}`;

const MALFORMED: Malformed[] = [
  { name: 'a body of a type nobody reads', headers: { 'content-type': 'text/x-weird' }, payload: 'ab' },
  { name: 'no content type', headers: { 'content-type': '' }, payload: 'title=a' },
  { name: 'JSON that does not parse', headers: { 'content-type': 'application/json' }, payload: '{x' },
  { name: 'empty JSON', headers: { 'content-type': 'application/json' }, payload: '' },
  { name: 'JSON of the wrong shape', headers: { 'content-type': 'application/json' }, payload: '[1,2]' },
  {
    name: 'JSON fields of the wrong type',
    headers: { 'content-type': 'application/json' },
    // 1e309 parses as Infinity.
    payload: '{"title":["a"],"body":{"x":1},"version":1e309,"id":-1,"markdown":7}',
  },
  {
    name: 'a form repeating what is one value',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'title=a&title=b&version=x&version=y&email=a&email=b&action=a&action=b',
  },
  {
    name: 'a body larger than any route takes, by its length',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '40000000' },
    payload: 'title=a',
  },
  {
    name: 'a multipart body without its boundary',
    headers: { 'content-type': 'multipart/form-data' },
    payload: '--x\r\n\r\n',
  },
  {
    name: 'a form naming ids no row can have',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'title=a&body=b&term=1e309&term=abc&term=1.5&term=99999999999999999999&parent=1e309&into=abc',
  },
  { name: 'JSON nested 5,000 deep', headers: { 'content-type': 'application/json' }, payload: DEEP },
  {
    name: 'a JSON field nested 5,000 deep',
    headers: { 'content-type': 'application/json' },
    payload: `{"title":${DEEP},"email":${DEEP}}`,
  },
  {
    name: 'JSON in a charset nobody reads',
    headers: { 'content-type': 'application/json; charset=utf-16' },
    payload: '{}',
  },
];

for (const kind of DATABASE_KINDS) {
  describe(`answers to malformed requests are ours, not the framework's (${kind})`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let admin: AdminClient;
    before(async () => {
      t = await createTestWiring(kind);
      // The sign-in forms' rate limit would answer most of the walk 429 before its body is read.
      const unlimited = { ...t.wiring.config.auth, formRateLimitPerMinute: 1_000_000 };
      app = await buildApp(
        { ...t.wiring, config: { ...t.wiring.config, auth: unlimited } },
        { shouldLog: false },
      );
      await app.ready();
      admin = await clientAs(
        app,
        t.wiring,
        await makeUser(t.wiring, 'admin'),
        sessionCookieName(t.wiring.siteUrl),
      );
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    /**
     * What is wrong with an answer to a malformed request, or nothing. An address that takes
     * what it was sent (sign-out, the view beacon) may accept it; any refusal must be ours:
     * JSON under /api, and elsewhere our JSON or our page (forms show their page again).
     */
    const problemsOf = (url: string, response: LightMyRequestResponse): string[] => {
      if (response.statusCode < 400) return [];
      const problems: string[] = [];
      if (response.statusCode >= 500) problems.push(`status ${response.statusCode}`);
      if (/FST_/.test(response.body)) problems.push(`shows ${/FST_[A-Z_]+/.exec(response.body)?.[0]}`);
      if (/\n\s+at .*:\d+:\d+/.test(response.body)) problems.push('shows a stack');
      const type = String(response.headers['content-type'] ?? '');
      if (type.startsWith('application/json')) {
        const error = JSON.parse(response.body) as Record<string, unknown>;
        if (!DOCUMENTED.has(String(error.code)))
          problems.push(`code ${String(error.code)} is not in docs/errors.md`);
        if (typeof error.message !== 'string' || error.message === '') problems.push('no message');
        if (typeof error.requestId !== 'string') problems.push('no requestId');
        if ('statusCode' in error || 'error' in error) problems.push("the framework's fields");
      } else if (url.startsWith('/api/')) {
        problems.push(`answered ${type}, not JSON`);
      } else if (!/^text\/html/.test(type) || !/^<!doctype html>/i.test(response.body)) {
        problems.push(`answered ${type}, not our page`);
      }
      return problems;
    };

    test('every route that takes a body answers every malformed body with our error', async () => {
      const routes = routesOf(app, 'POST');
      assert.ok(routes.length > 30, `found the POST routes (${routes.length})`);
      const failures: string[] = [];
      for (const url of routes) {
        for (const malformed of MALFORMED) {
          for (const isJsonAsked of [false, true]) {
            for (const isSignedIn of [true, false]) {
              const headers: Record<string, string> = { ...malformed.headers };
              if (headers['content-type'] === '') delete headers['content-type'];
              if (isJsonAsked) headers.accept = 'application/json';
              if (isSignedIn) {
                headers.cookie = admin.cookieHeader();
                // With its token, a sign-out would end the session the rest of the walk uses.
                if (!/logout/.test(url)) headers['x-csrf-token'] = admin.csrf;
              }
              const response = await app.inject({
                method: 'POST',
                url,
                headers,
                ...(malformed.payload === undefined ? {} : { payload: malformed.payload }),
              });
              const problems = problemsOf(url, response);
              if (problems.length > 0)
                failures.push(
                  `POST ${url} ${malformed.name}${isJsonAsked ? ' (JSON asked)' : ''}${isSignedIn ? '' : ' (anonymous)'}: ${problems.join(', ')}`,
                );
            }
          }
        }
      }
      assert.deepEqual(failures, []);
      assert.equal((await admin.get('/admin')).statusCode, 200, 'the walk was signed in to its end');
    });

    test('every address answers malformed queries with our error', async () => {
      const routes = routesOf(app, 'GET');
      assert.ok(routes.filter((url) => url.startsWith('/api/')).length > 0, 'found the API routes');
      const failures: string[] = [];
      for (const url of routes) {
        for (const query of [
          'page=abc',
          'page=1e309',
          'page=-1',
          `page=${'9'.repeat(400)}`,
          'limit=abc&per_page=abc&after=%00&before=%ff',
          'q=a&q=b&page=1&page=2',
          `q=${'a'.repeat(5000)}`,
          'q=a%00b&page=%00',
          'status=abc&notice=abc&uploaded=abc&restore=abc',
        ]) {
          const response = await app.inject({
            method: 'GET',
            url: `${url}?${query}`,
            headers: { cookie: admin.cookieHeader() },
          });
          if (response.statusCode < 400) continue;
          const problems = problemsOf(url, response);
          if (problems.length > 0) failures.push(`GET ${url}?${query.slice(0, 40)}: ${problems.join(', ')}`);
        }
      }
      assert.deepEqual(failures, []);
    });

    test('a query parameter no route declares does not set the status of the answer', async () => {
      await admin.get('/admin/articles/new');
      // A named author: the walk above may have left the admin's own author page unlinked.
      const created = await admin.post('/admin/articles', {
        title: 'Query status',
        author: 'Query Writer',
        body: 'Text.',
        language: 'en',
        visibility: 'public',
      });
      const editor = String(created.headers.location).split('?')[0];
      for (const url of [
        '/admin/articles/new?status=404',
        '/admin/articles/new?status=abc',
        `${editor}?status=404`,
        `${editor}?status=abc`,
      ]) {
        const response = await admin.get(url);
        assert.equal(response.statusCode, 200, url);
      }
    });

    test('a preview refuses term ids no row can have, as a save does', async () => {
      await admin.get('/admin/articles/new');
      for (const term of ['1e309', 'abc', '1.5', '99999999999999999999']) {
        const preview = await admin.post('/admin/articles/preview', {
          title: 'Preview',
          body: 'Text.',
          term,
        });
        assert.equal(preview.statusCode, 400, term);
        assert.match(preview.body, /terms/, term);
      }
    });

    test("the rate limiter's refusal is ours too, as JSON and as a page", async () => {
      const strict = { ...t.wiring.config.auth, formRateLimitPerMinute: 1 };
      const limited = await buildApp(
        { ...t.wiring, config: { ...t.wiring.config, auth: strict } },
        { shouldLog: false },
      );
      try {
        const post = (accept: string) =>
          limited.inject({
            method: 'POST',
            url: '/admin/forgot-password',
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept },
            payload: 'email=a%40example.org',
          });
        await post('text/html');
        const page = await post('text/html');
        const json = await post('application/json');
        assert.equal(page.statusCode, 429);
        assert.equal(json.statusCode, 429);
        assert.deepEqual(problemsOf('/admin/forgot-password', page), []);
        assert.deepEqual(problemsOf('/admin/forgot-password', json), []);
        assert.equal(json.json().code, 'TOO_MANY_REQUESTS');
      } finally {
        await limited.close();
      }
    });
  });
}
