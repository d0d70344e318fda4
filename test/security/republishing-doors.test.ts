// The public doors of republishing (the webmention endpoint, the tracking image, the republish
// kit) under the shared hostile strings and odd requests: other methods, broken escapes, query
// junk, repeated fields, bodies of the wrong type or cut short. None may answer 500 or log an
// error or a stack; the checks of the mentions they queue log no error either.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pino from 'pino';
import { buildApp } from '../../src/app.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { topRepublishers } from '../../src/services/republishing/tracker.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';
import { skipUnlessCI } from '../helpers/prerequisites.ts';

const NAUGHTY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
  'naughty',
);
const SITE = 'https://review.example';
const BROWSER =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

/** The big list of naughty strings and the polyglots whole, and every 20th XSS payload. */
function loadStrings(): string[] {
  if (!existsSync(NAUGHTY)) return [];
  const lines = (file: string) =>
    readFileSync(path.join(NAUGHTY, file), 'utf8')
      .split('\n')
      .filter((line) => line.trim());
  return [
    // Not the empty string: /r/ and /articles//republish are no door's address.
    ...(JSON.parse(readFileSync(path.join(NAUGHTY, 'blns.json'), 'utf8')) as string[]).filter(Boolean),
    ...lines('XSS_Polyglots.txt'),
    ...lines('xss-payload-list.txt').filter((_, i) => i % 20 === 0),
  ];
}

/** A string as a header may carry it: what HTTP cannot (controls, past Latin-1) becomes "?". */
function asHeader(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

const strings = loadStrings();
const skipLists = skipUnlessCI(
  strings.length > 0 ? undefined : 'the shared fixtures folder (naughty lists) is absent',
);

for (const kind of DATABASE_KINDS) {
  describe(`the republishing doors under hostile input on ${kind}`, { skip: skipLists ?? false }, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let articleId: number;
    const lines: Array<Record<string, unknown>> = [];
    const serverErrors: string[] = [];
    const log = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const troubles = () =>
      lines
        .filter((l) => Number(l.level) >= 50 || 'err' in l)
        .map((l) => `${String(l.msg)}: ${JSON.stringify(l.err ?? l).slice(0, 300)}`);

    before(async () => {
      t = await createTestWiring(kind, {
        siteUrl: SITE,
        // The checks look each source up: none may reach a private address.
        webmention: { allowPrivateAddresses: false, rateLimitPerMinute: 1_000_000 },
      });
      app = await buildApp(t.wiring, { log: { stream: log, level: 'info' } });
      app.addHook('onResponse', async (request, reply) => {
        if (reply.statusCode >= 500)
          serverErrors.push(`${request.method} ${request.url.slice(0, 120)}: ${reply.statusCode}`);
      });
      articleId = await addArticle(t.wiring, {
        slug: 'dams',
        title: 'The dams',
        body: 'The dam is 40 m high.',
        publishedAt: '2026-11-01T10:00:00.000Z',
      });
    });
    beforeEach(() => {
      lines.length = 0;
      serverErrors.length = 0;
    });
    after(async () => {
      await app?.close();
      await t?.cleanup();
    });

    test('every string as a webmention source or target is answered 202 or 4xx, naming a field', async () => {
      const target = `${SITE}/articles/dams`;
      for (const value of strings) {
        for (const fields of [
          { source: value, target },
          { source: 'https://blog.example/post', target: value },
          { source: `https://blog.example/${value}`, target: `${target}${value}` },
          { source: value, target: value },
        ]) {
          const answer = await app.inject({
            method: 'POST',
            url: '/webmention',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: new URLSearchParams(fields).toString(),
          });
          assert.ok(
            [202, 400].includes(answer.statusCode),
            `${answer.statusCode} for ${JSON.stringify(fields)}`,
          );
          if (answer.statusCode === 400) {
            const body = answer.json() as { details?: { field: string }[] };
            assert.ok(body.details?.[0]?.field, `names a field for ${JSON.stringify(fields)}`);
          }
        }
      }
      assert.deepEqual(serverErrors, []);
      assert.deepEqual(troubles(), []);
    });

    test('the checks of the mentions queued log no error and no stack', async () => {
      const jobLines: Array<Record<string, unknown>> = [];
      const jobLog = pino(
        { level: 'info' },
        new Writable({
          write(chunk, _encoding, done) {
            jobLines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
            done();
          },
        }),
      );
      // Each queued source is refused before any request leaves (not a public address, no
      // such host) or fails to connect: a first attempt each is enough.
      await jobRunnerFor({ ...t.wiring, log: jobLog }).runDue();
      assert.ok(jobLines.some((l) => l.msg === 'webmention not verified'));
      assert.deepEqual(
        jobLines.filter((l) => Number(l.level) >= 50 || 'err' in l).map((l) => String(l.msg)),
        [],
      );
    });

    test('every string in the tracking image’s address, Referer and User-Agent is answered with the image', async () => {
      for (const value of strings) {
        const cases: Array<[string, Record<string, string>]> = [
          [`/r/${encodeURIComponent(value)}.gif`, {}],
          // "." and ".." are path segments, resolved before any route: not the image's address.
          ...(['.', '..'].includes(value)
            ? []
            : [[`/r/${encodeURIComponent(value)}`, {}] as [string, Record<string, string>]]),
          [`/r/${articleId}.gif?${encodeURIComponent(value)}`, {}],
          [`/r/${articleId}.gif`, { referer: asHeader(value), 'user-agent': BROWSER }],
          [
            `/r/${articleId}.gif`,
            { referer: `https://partner.example/${asHeader(value)}`, 'user-agent': asHeader(value) },
          ],
        ];
        for (const [url, headers] of cases) {
          const answer = await app.inject({ method: 'GET', url, headers });
          // An address longer than the router reads (500 characters a part) is refused as such.
          if (url.length > 520 && answer.statusCode === 414) continue;
          const about = `${url.slice(0, 80)} ${JSON.stringify(headers).slice(0, 80)}`;
          assert.equal(answer.statusCode, 200, about);
          assert.equal(answer.headers['content-type'], 'image/gif', about);
        }
      }
      await app.tracker.flush();
      // The periodic flush may have written some already: what counts is what was stored.
      const hosts = await topRepublishers(t.wiring, { days: 1, limit: 200 });
      assert.ok(
        hosts.some((h) => h.host === 'partner.example'),
        'the hits from a browser on another page counted',
      );
      assert.deepEqual(serverErrors, []);
      assert.deepEqual(troubles(), []);
    });

    test('every string as the republish kit’s slug or query is a page or a 4xx', async () => {
      assert.equal((await app.inject({ method: 'GET', url: '/articles/dams/republish' })).statusCode, 200);
      for (const value of strings) {
        for (const url of [
          `/articles/${encodeURIComponent(value)}/republish`,
          `/articles/dams/republish?${encodeURIComponent(value)}`,
          `/articles/dams/republish?page=${encodeURIComponent(value)}`,
        ]) {
          const answer = await app.inject({ method: 'GET', url });
          assert.ok(answer.statusCode < 500, `${answer.statusCode} for ${url.slice(0, 100)}`);
        }
      }
      assert.deepEqual(serverErrors, []);
      assert.deepEqual(troubles(), []);
    });

    test('odd requests at the three doors are refused with a 4xx, never a 500', async () => {
      const odd: Array<{ method: string; url: string; headers?: Record<string, string>; payload?: string }> =
        [
          { method: 'HEAD', url: `/r/${articleId}.gif` },
          { method: 'OPTIONS', url: `/r/${articleId}.gif` },
          { method: 'POST', url: `/r/${articleId}.gif`, payload: 'x' },
          { method: 'DELETE', url: `/r/${articleId}.gif` },
          { method: 'GET', url: '/r/%ff%fe.gif' },
          { method: 'GET', url: '/r/%E0%A4%A.gif' },
          { method: 'GET', url: `/r/${'9'.repeat(600)}.gif` },
          { method: 'GET', url: '/r/1%00.gif' },
          { method: 'GET', url: '/webmention' },
          { method: 'HEAD', url: '/webmention' },
          { method: 'OPTIONS', url: '/webmention', headers: { origin: 'https://x.example' } },
          {
            method: 'POST',
            url: '/webmention',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: 'source=%ff%&target=%',
          },
          {
            method: 'POST',
            url: '/webmention',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: 'source=a&source=b&target=c&target=d',
          },
          {
            method: 'POST',
            url: '/webmention',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: '__proto__=x&constructor=y&source=z',
          },
          {
            method: 'POST',
            url: '/webmention',
            headers: { 'content-type': 'application/x-www-form-urlencoded; charset=banana' },
            payload: 'source=a',
          },
          {
            method: 'POST',
            url: '/webmention',
            headers: { 'content-type': 'application/json' },
            payload: '{"__proto__":{"x":1},"source":["a"],"target":2}',
          },
          {
            method: 'POST',
            url: '/webmention',
            headers: { 'content-type': 'application/json' },
            payload: '{"a":',
          },
          { method: 'POST', url: '/webmention', headers: { 'content-type': 'text/plain' }, payload: 'abc' },
          {
            method: 'POST',
            url: '/webmention',
            headers: { 'content-type': 'multipart/form-data; boundary=x' },
            payload: '--x--\r\n',
          },
          {
            method: 'POST',
            url: '/webmention',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: `source=${'a'.repeat(70 * 1024)}`,
          },
          {
            method: 'POST',
            url: '/webmention?%ff=%zz&source[a]=b',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: '',
          },
          { method: 'HEAD', url: '/articles/dams/republish' },
          { method: 'OPTIONS', url: '/articles/dams/republish' },
          { method: 'POST', url: '/articles/dams/republish', payload: '' },
          { method: 'GET', url: '/articles/%ff%fe/republish' },
          { method: 'GET', url: '/articles/%E0%A4%A/republish' },
          { method: 'GET', url: `/articles/${'a'.repeat(3000)}/republish` },
          { method: 'GET', url: '/articles/dams/republish?%ff=%zz&a[b]=c&__proto__[x]=1' },
          {
            method: 'GET',
            url: '/articles/dams/republish',
            headers: {
              'if-none-match': '"x",'.repeat(2000),
              'if-modified-since': 'banana',
              range: 'bytes=5-2,-',
            },
          },
          {
            method: 'GET',
            url: '/articles/dams/republish',
            headers: { 'accept-encoding': 'br;q=banana, *;q=2' },
          },
        ];
      for (const request of odd) {
        const answer = await app.inject(request as InjectOptions);
        assert.ok(
          answer.statusCode < 500,
          `${answer.statusCode} for ${request.method} ${request.url.slice(0, 80)}`,
        );
      }
      assert.deepEqual(serverErrors, []);
      assert.deepEqual(troubles(), []);
    });
  });
}
