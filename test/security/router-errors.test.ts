import assert from 'node:assert/strict';
import { type AddressInfo, connect } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, type TestWiring } from '../helpers/databases.ts';
import { parse, send } from '../helpers/raw-http.ts';

const get = (target: string, extra = '') =>
  `GET ${target} HTTP/1.1\r\nHost: review.example\r\n${extra}Connection: close\r\n\r\n`;

/**
 * Requests refused before any of our routes runs: by Node's HTTP parser, by the router, by the
 * body parsers, or by the body deadline. Each is [name, request, status, answers JSON].
 */
const MALFORMED: [string, string, number, boolean][] = [
  ['a bad % escape', get('/%ff'), 400, false],
  ['a bad % escape in an article address', get('/articles/%E0%A4%A'), 400, false],
  ['a bad % escape in the API', get('/api/search/%ff'), 400, true],
  ['a parameter past its length', get(`/articles/${'a'.repeat(600)}`), 414, false],
  ['an address too long for the parser', get(`/articles/${'a'.repeat(20_000)}`), 431, false],
  ['a header too large', get('/', `X-Filler: ${'a'.repeat(20_000)}\r\n`), 431, false],
  ['an API address too long for the parser', get(`/api/${'a'.repeat(20_000)}`), 431, true],
  ['not HTTP at all', 'HELLO\r\n\r\n', 400, false],
  ['an unknown method', 'BREW / HTTP/1.1\r\nHost: review.example\r\nConnection: close\r\n\r\n', 400, false],
  ['no Host header', 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n', 400, false],
  [
    'both Content-Length and chunked',
    'POST /admin/login HTTP/1.1\r\nHost: review.example\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
    400,
    false,
  ],
  ['an unknown address', get('/no/such/page'), 404, false],
  ['an unknown API address', get('/api/no-such-thing'), 404, true],
  [
    'a body sent where no route takes one',
    'POST /api/search HTTP/1.1\r\nHost: review.example\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{x',
    404,
    true,
  ],
  [
    'a body of a type nobody reads',
    'POST /admin/login HTTP/1.1\r\nHost: review.example\r\nContent-Type: text/x-weird\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab',
    415,
    false,
  ],
  [
    'JSON that does not parse',
    'POST /admin/login HTTP/1.1\r\nHost: review.example\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{x',
    400,
    true,
  ],
  [
    'a body that never arrives',
    'POST /admin/login HTTP/1.1\r\nHost: review.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=',
    408,
    false,
  ],
  ['headers that never end', 'GET / HTTP/1.1\r\nHost: review.example\r\n', 408, false],
];

describe('answers to malformed requests, over a real socket', () => {
  let t: TestWiring;
  let app: FastifyInstance;
  let port: number;
  before(async () => {
    t = await createTestWiring('sqlite', {
      server: { headersTimeoutSeconds: 1, bodyTimeoutSeconds: 1, minBodyKilobytesPerSecond: 1024 },
    });
    app = await buildApp(t.wiring, { shouldLog: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  test('every one is an error page (JSON for the API) with the protective headers of every page', async () => {
    const reference = parse(await send(port, get('/')));
    assert.equal(reference.status, 200);
    const protective = [
      'content-security-policy',
      'x-content-type-options',
      'x-frame-options',
      'referrer-policy',
    ];
    for (const name of protective) assert.ok(reference.headers[name], `the home page sends ${name}`);
    const answers = await Promise.all(MALFORMED.map(([, request]) => send(port, request)));
    MALFORMED.forEach(([name, , status, isJson], i) => {
      const answer = parse(answers[i] ?? '');
      assert.equal(answer.status, status, name);
      for (const header of protective)
        assert.equal(answer.headers[header], reference.headers[header], `${name}: ${header}`);
      if (status !== 408 || !name.includes('body')) {
        const type = answer.headers['content-type'] ?? '';
        if (isJson) {
          assert.match(type, /^application\/json/, name);
          assert.equal(typeof JSON.parse(answer.body).message, 'string', name);
        } else {
          assert.match(type, /^text\/html/, name);
          assert.match(answer.body, /^<!doctype html>/i, name);
        }
      }
      assert.doesNotMatch(answer.body, /"statusCode"/, `${name}: not the framework's default answer`);
    });
  });

  test('a NUL or a bad escape under every static prefix gets our error page, never a 500', async () => {
    // /assets/ was registered before our error handler, so its scope kept the framework's: a NUL
    // in its address answered 500 with Fastify's bare JSON.
    const reference = parse(await send(port, get('/')));
    for (const prefix of ['/assets/', '/media/']) {
      for (const rest of [
        'x%00.css',
        '%00',
        'a%00b/c.png',
        '%ff',
        'x%E0%A4%A.css',
        '%2e%2e%2f%00',
        '..%00%2f',
      ]) {
        const target = `${prefix}${rest}`;
        const answer = parse(await send(port, get(target)));
        assert.ok([400, 404].includes(answer.status), `${target}: ${answer.status}`);
        assert.match(answer.headers['content-type'] ?? '', /^text\/html/, target);
        assert.match(answer.body, /^<!doctype html>/i, target);
        assert.equal(
          answer.headers['content-security-policy'],
          reference.headers['content-security-policy'],
          `${target}: protective headers`,
        );
      }
    }
  });

  test('a body larger than its route takes is refused from its length, before it is read', async () => {
    // Each would be read in full under the server's 1 MB limit; none of these routes takes more
    // than a few short fields. Only the start of each body is sent: an answer that waited for
    // the rest would be the body deadline's 408.
    for (const [target, length] of [
      ['/admin/login', 900_000],
      ['/admin/forgot-password', 900_000],
      ['/admin/logout', 900_000],
      ['/api/views/1', 500_000],
    ] as const) {
      const answer = parse(
        await send(
          port,
          `POST ${target} HTTP/1.1\r\nHost: review.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\nemail=a`,
          true,
        ),
      );
      assert.equal(answer.status, 413, target);
      assert.ok(answer.headers['content-security-policy'], `${target}: protective headers`);
    }
  });

  test('a save to an article its sender may not edit now is refused before its text is read', async () => {
    const cookieName = sessionCookieName(t.wiring.siteUrl);
    const contributor = await clientAs(app, t.wiring, await makeUser(t.wiring, 'contributor'), cookieName);
    await contributor.get('/admin/articles/new');
    const created = await contributor.post('/admin/articles', {
      title: 'Submitted text',
      body: 'The submitted text.',
      language: 'en',
      visibility: 'public',
    });
    const id = Number(/\/admin\/articles\/(\d+)/.exec(String(created.headers.location))?.[1]);
    await contributor.get(`/admin/articles/${id}`);
    const submitted = await contributor.post(`/admin/articles/${id}/workflow`, {
      action: 'submit',
      version: '1',
    });
    assert.equal(submitted.statusCode, 303);
    for (const target of [`/admin/articles/${id}`, `/admin/articles/${id}/autosave`]) {
      const answer = parse(
        await send(
          port,
          `POST ${target} HTTP/1.1\r\nHost: review.example\r\nSec-Fetch-Site: same-origin\r\nCookie: ${contributor.cookieHeader()}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 900000\r\n\r\ntitle=`,
          true,
        ),
      );
      assert.equal(answer.status, 403, target);
    }
  });
});

describe('clients that drop the connection', () => {
  test('a reset right after a sign-in, or in the middle of a body, logs nothing at error level', async () => {
    const t = await createTestWiring('sqlite');
    const lines: { level: number; msg?: string; err?: { message?: string } }[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    const app = await buildApp(t.wiring, { log: { stream, level: 'debug' } });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const form = 'email=ana%40example.org&password=wrong&_csrf=x';
      // With `pauseMs`, the reset comes once the server has had time to start reading the body.
      const resetAfter = (request: string, pauseMs = 0) =>
        new Promise<void>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.write(request, () => {
              if (pauseMs === 0) socket.resetAndDestroy();
              else setTimeout(() => socket.resetAndDestroy(), pauseMs);
            });
          });
          socket.on('error', () => {});
          socket.on('close', () => resolve());
        });
      const post = (length: number, body: string) =>
        `POST /admin/login HTTP/1.1\r\nHost: review.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\n${body}`;
      for (let i = 0; i < 10; i++) {
        await resetAfter(post(form.length, form));
        await resetAfter(post(form.length + 200, form));
      }
      for (let i = 0; i < 3; i++) await resetAfter(post(form.length + 200, form), 300);
      // A signed-in upload and a JSON preview, cut in the middle of their bodies.
      const writer = await clientAs(
        app,
        t.wiring,
        await makeUser(t.wiring, 'contributor', 'cut@example.org'),
        sessionCookieName(t.wiring.siteUrl),
      );
      await writer.get('/admin/articles/new');
      const signedIn = `Host: review.example\r\nSec-Fetch-Site: same-origin\r\nCookie: ${writer.cookieHeader()}\r\nX-CSRF-Token: ${writer.csrf}\r\n`;
      const part = `--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n${'x'.repeat(2000)}`;
      for (let i = 0; i < 3; i++) {
        await resetAfter(
          `POST /admin/media HTTP/1.1\r\n${signedIn}Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n${part}`,
          300,
        );
        await resetAfter(
          `POST /admin/preview HTTP/1.1\r\n${signedIn}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"markdown":"${'x'.repeat(2000)}`,
          300,
        );
      }
      // The requests are over once the server holds no connection and its log has been quiet
      // for a while (a request whose client is gone logs no completion).
      const started = Date.now();
      let seen = -1;
      while (Date.now() - started < 20_000) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const open = await new Promise<number>((resolve) => app.server.getConnections((_, n) => resolve(n)));
        if (open === 0 && lines.length === seen) break;
        seen = lines.length;
      }
      const errors = lines.filter((line) => line.level >= 50);
      assert.deepEqual(
        errors.map((line) => `${line.msg}: ${line.err?.message ?? ''}`),
        [],
        'no error-level line',
      );
      assert.ok(
        lines.some((line) => line.msg === 'incoming request'),
        'the requests were logged',
      );
    } finally {
      await app.close();
      await t.cleanup();
    }
  });
});
