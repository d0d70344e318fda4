import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { SafeFetcher } from '../../src/adapters/safe-fetcher.ts';
import { buildApp } from '../../src/app.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import {
  MAX_MENTIONS_LISTED,
  MAX_UNLISTED_MENTIONS,
  mentionsOf,
  verifyWebmention,
} from '../../src/services/republishing/webmentions.ts';
import { clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';
import { requestOverSocket } from '../helpers/socket-get.ts';

const SITE = 'https://review.example';
const TARGET = `${SITE}/articles/dams`;

type Handler = (response: import('node:http').ServerResponse) => void;

/** A site elsewhere, on 127.0.0.1: pages by path, and how often each was asked for. */
class SourceSite {
  readonly pages = new Map<string, Handler>();
  readonly hits = new Map<string, number>();
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const path = request.url ?? '/';
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      const handler = this.pages.get(path);
      if (handler) handler(response);
      else response.writeHead(404).end('not here');
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server?.address() as AddressInfo | undefined)?.port ?? 0;
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  html(path: string, body: string, status = 200): void {
    this.pages.set(path, (response) =>
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body),
    );
  }

  redirect(path: string, to: string): void {
    this.pages.set(path, (response) => response.writeHead(302, { location: to }).end());
  }

  totalHits(): number {
    return [...this.hits.values()].reduce((a, b) => a + b, 0);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

const linkingPage = (title: string, href = TARGET) =>
  `<!doctype html><html><head><title>${title}</title></head><body><p>As <a href="${href}">the review reported</a>, the dam is low.</p></body></html>`;

function mentionForm(fields: Record<string, string>) {
  return {
    method: 'POST' as const,
    url: '/webmention',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  };
}

async function get(
  port: number,
  path: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const answer = await requestOverSocket(port, path, { headers: { host: 'review.example' } });
  return { ...answer, body: answer.body.toString('utf8') };
}

for (const kind of DATABASE_KINDS) {
  describe(`webmentions on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let articleId: number;
    const sources = new SourceSite();
    const logLines: Array<Record<string, unknown>> = [];

    const send = (source: string, target = TARGET) => app.inject(mentionForm({ source, target }));
    /** Runs due jobs with a logger whose lines are returned. */
    const runJobsLogged = async () => {
      const lines: Array<Record<string, unknown>> = [];
      const log = pino(
        { level: 'info' },
        new Writable({
          write(chunk, _encoding, done) {
            lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
            done();
          },
        }),
      );
      await jobRunnerFor({ ...t.wiring, log }).runDue();
      return lines;
    };
    const runJobs = () => jobRunnerFor(t.wiring).runDue();
    const mentionBy = async (source: string) =>
      (await mentionsOf(t.wiring, articleId)).find((m) => m.source === source);

    before(async () => {
      t = await createTestWiring(kind, {
        siteUrl: SITE,
        webmention: { allowPrivateAddresses: true, rateLimitPerMinute: 1000 },
      });
      const stream = new Writable({
        write(chunk, _encoding, done) {
          for (const line of String(chunk).split('\n').filter(Boolean))
            logLines.push(JSON.parse(line) as Record<string, unknown>);
          done();
        },
      });
      app = await buildApp(t.wiring, { log: { stream, level: 'info' } });
      articleId = await addArticle(t.wiring, {
        slug: 'dams',
        title: 'The dams',
        body: 'The dam is 40 m high.',
        publishedAt: '2026-11-01T10:00:00.000Z',
      });
      await addArticle(t.wiring, {
        slug: 'draft-dams',
        title: 'Unfinished',
        body: 'Not yet.',
        status: 'draft',
        publishedAt: '2026-11-01T10:00:00.000Z',
      });
      await t.wiring.store.redirects.put(
        { fromPath: '/articles/old-dams', toPath: '/articles/dams', statusCode: 301 },
        new Date().toISOString(),
      );
      await sources.start();
    });
    after(async () => {
      await app.close();
      await sources.stop();
      await t.cleanup();
    });

    test('a page that links to the article is verified, stored and listed in the admin', async () => {
      sources.html('/reply', linkingPage('A reply about dams'));
      const source = sources.url('/reply');
      const answer = await send(source);
      assert.equal(answer.statusCode, 202, answer.body);
      assert.equal(await mentionBy(source), undefined, 'nothing is stored before the check runs');
      assert.equal(await runJobs(), 1);
      const mention = await mentionBy(source);
      assert.equal(mention?.status, 'verified');
      assert.equal(mention?.sourceTitle, 'A reply about dams');
      assert.equal(mention?.target, TARGET);
      assert.ok(mention?.firstVerifiedAt);
      assert.equal(mention?.lastVerifiedAt, mention?.firstVerifiedAt);

      const editor = await clientAs(
        app,
        t.wiring,
        await makeUser(t.wiring, 'editor'),
        sessionCookieName(SITE),
      );
      const page = await editor.get(`/admin/articles/${articleId}/mentions`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /A reply about dams/);
      assert.match(page.body, /Verified/);
      // A contributor who is not on the byline may not read it.
      const contributor = await clientAs(
        app,
        t.wiring,
        await makeUser(t.wiring, 'contributor'),
        sessionCookieName(SITE),
      );
      assert.equal((await contributor.get(`/admin/articles/${articleId}/mentions`)).statusCode, 403);
    });

    test('the mentions page says how many there are when it lists only the latest', async () => {
      const busy = await addArticle(t.wiring, {
        slug: 'much-discussed',
        title: 'Much discussed',
        body: 'Text.',
        publishedAt: '2026-11-01T10:00:00.000Z',
      });
      const total = MAX_MENTIONS_LISTED + 10;
      for (let i = 0; i < total; i++) {
        const at = new Date(Date.UTC(2026, 10, 2, 0, 0, i)).toISOString();
        await t.wiring.store.webmentions.save({
          articleId: busy,
          source: `https://blog${i}.example/post`,
          target: `${SITE}/articles/much-discussed`,
          status: 'verified',
          sourceTitle: `Post ${i}`,
          reason: null,
          firstVerifiedAt: at,
          lastVerifiedAt: at,
          receivedAt: at,
          updatedAt: at,
        });
      }
      const editor = await clientAs(
        app,
        t.wiring,
        await makeUser(t.wiring, 'editor'),
        sessionCookieName(SITE),
      );
      const page = await editor.get(`/admin/articles/${busy}/mentions`);
      assert.equal(page.statusCode, 200);
      assert.match(
        page.body,
        /data-mentions="510">510 mentions\. The 500 most recently checked are listed\./,
      );
      assert.equal(page.body.match(/<td data-label="Page">/g)?.length, MAX_MENTIONS_LISTED);
      assert.match(page.body, /Post 509/);
      assert.doesNotMatch(page.body, />Post 9</);
    });

    test('a link through an old address of the article, relative links and an <img src> count', async () => {
      sources.html('/old-address', linkingPage('Via the old slug', `${SITE}/articles/old-dams`));
      const viaOld = sources.url('/old-address');
      assert.equal((await send(viaOld, `${SITE}/articles/old-dams`)).statusCode, 202);
      sources.html('/image', `<html><body><img src="${SITE}/articles/dams#top" alt=""></body></html>`);
      const viaImage = sources.url('/image');
      assert.equal((await send(viaImage)).statusCode, 202);
      await runJobs();
      assert.equal((await mentionBy(viaOld))?.status, 'verified');
      assert.equal((await mentionBy(viaImage))?.status, 'verified');
    });

    test('relative links resolve against the source’s <base href>, when it is an http(s) URL', async () => {
      sources.html(
        '/based',
        `<html><head><title>Based</title><base href="${SITE}/articles/"></head><body><a href="dams">the review</a></body></html>`,
      );
      // Without the base, "dams" would point at the source's own site.
      sources.html(
        '/bad-base',
        `<html><head><base href="javascript:void(0)/"><base href="${SITE}/articles/"></head><body><a href="/articles/dams">ours</a></body></html>`,
      );
      // A <base> that names the target is not a link to it.
      sources.html('/base-only', `<html><head><base href="${TARGET}"></head><body>Nothing.</body></html>`);
      const based = sources.url('/based');
      const badBase = sources.url('/bad-base');
      const baseOnly = sources.url('/base-only');
      for (const source of [based, badBase, baseOnly]) assert.equal((await send(source)).statusCode, 202);
      await runJobs();
      assert.equal((await mentionBy(based))?.status, 'verified');
      // The first <base> is not http(s): links resolve against the page, on 127.0.0.1.
      assert.equal((await mentionBy(badBase))?.status, 'refused');
      assert.equal((await mentionBy(baseOnly))?.status, 'refused');
    });

    test('a page that does not link back is not verified, and the reason is recorded and logged', async () => {
      sources.html(
        '/no-link',
        `<html><head><title>Elsewhere</title></head><body><p>The review at ${TARGET} says so.</p><script>var a = '<a href="${TARGET}">';</script><!-- <a href="${TARGET}"> --></body></html>`,
      );
      const source = sources.url('/no-link');
      assert.equal((await send(source)).statusCode, 202);
      const lines: Array<Record<string, unknown>> = [];
      const log = pino(
        { level: 'info' },
        new Writable({
          write(chunk, _encoding, done) {
            lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
            done();
          },
        }),
      );
      await jobRunnerFor({ ...t.wiring, log }).runDue();
      const mention = await mentionBy(source);
      assert.equal(mention?.status, 'refused');
      assert.equal(mention?.firstVerifiedAt, null);
      assert.match(mention?.reason ?? '', /does not link to the target/);
      assert.ok(
        lines.some(
          (l) => l.msg === 'webmention not verified' && l.source === source && l.module === 'webmentions',
        ),
        'the refusal is logged',
      );
    });

    test('an oversized source is refused, and reading stops at the limit', async () => {
      const total = 24 * 1024 * 1024;
      let written = 0;
      let isClosedEarly = false;
      const finished = new Promise<void>((resolve) => {
        sources.pages.set('/huge', (response) => {
          response.writeHead(200, { 'content-type': 'text/html' });
          response.write(linkingPage('Huge'));
          const chunk = Buffer.alloc(64 * 1024, 'x');
          const pump = () => {
            while (written < total) {
              written += chunk.length;
              if (!response.write(chunk)) return void response.once('drain', pump);
            }
            response.end();
          };
          response.once('close', () => {
            isClosedEarly = written < total;
            resolve();
          });
          pump();
        });
      });
      const source = sources.url('/huge');
      assert.equal((await send(source)).statusCode, 202);
      await runJobs();
      await finished;
      const mention = await mentionBy(source);
      assert.equal(mention?.status, 'refused');
      assert.match(mention?.reason ?? '', /larger than 1048576 bytes/);
      assert.ok(isClosedEarly, 'the connection was closed before the whole body was sent');
      // The limit plus what socket buffers took in before the close.
      assert.ok(written < 8 * 1024 * 1024, `only ${written} bytes were written`);
    });

    test('a redirect chain within the limit is followed; one beyond it is refused', async () => {
      sources.html('/chain-end', linkingPage('After three redirects'));
      sources.redirect('/a1', '/a2');
      sources.redirect('/a2', sources.url('/a3'));
      sources.redirect('/a3', '/chain-end');
      const within = sources.url('/a1');
      sources.html('/far-end', linkingPage('After four redirects'));
      sources.redirect('/b1', '/b2');
      sources.redirect('/b2', '/b3');
      sources.redirect('/b3', '/b4');
      sources.redirect('/b4', '/far-end');
      const beyond = sources.url('/b1');
      assert.equal((await send(within)).statusCode, 202);
      assert.equal((await send(beyond)).statusCode, 202);
      await runJobs();
      assert.equal((await mentionBy(within))?.status, 'verified');
      const refused = await mentionBy(beyond);
      assert.equal(refused?.status, 'refused');
      assert.match(refused?.reason ?? '', /more than 3 redirects/);
      assert.equal(sources.hits.get('/b4'), 1, 'the third redirect is followed');
      assert.equal(sources.hits.get('/far-end') ?? 0, 0, 'the fourth is not');
    });

    test('a source that removes the link, or is gone, withdraws its mention when sent again', async () => {
      sources.html('/changing', linkingPage('First draft'));
      const changing = sources.url('/changing');
      await send(changing);
      await runJobs();
      const first = await mentionBy(changing);
      assert.equal(first?.status, 'verified');

      t.setNow(new Date('2026-11-21T12:00:00.000Z'));
      sources.html(
        '/changing',
        '<html><head><title>Second draft</title></head><body>No link now.</body></html>',
      );
      assert.equal((await send(changing)).statusCode, 202);
      await runJobs();
      const removed = await mentionBy(changing);
      assert.equal(removed?.status, 'removed');
      assert.equal(removed?.firstVerifiedAt, first?.firstVerifiedAt, 'when it was first verified is kept');
      assert.equal(removed?.lastVerifiedAt, first?.lastVerifiedAt);
      assert.match(removed?.reason ?? '', /does not link/);

      // Linking again brings it back; a 410 then withdraws it.
      sources.html('/changing', linkingPage('Third draft'));
      await send(changing);
      await runJobs();
      const back = await mentionBy(changing);
      assert.equal(back?.status, 'verified');
      assert.equal(back?.firstVerifiedAt, first?.firstVerifiedAt);
      assert.equal(back?.lastVerifiedAt, '2026-11-21T12:00:00.000Z');
      sources.html('/changing', 'Gone', 410);
      await send(changing);
      await runJobs();
      const gone = await mentionBy(changing);
      assert.equal(gone?.status, 'removed');
      assert.match(gone?.reason ?? '', /410/);
    });

    test('a source that cannot answer now is tried again later, and nothing is recorded meanwhile', async () => {
      sources.html('/busy', 'Busy', 503);
      const source = sources.url('/busy');
      assert.equal((await send(source)).statusCode, 202);
      const lines = await runJobsLogged();
      assert.equal(lines.filter((l) => l.kind === 'verify-webmention').length, 1);
      assert.equal(await mentionBy(source), undefined);
      const retry = lines.find((l) => l.msg === 'job failed' && l.kind === 'verify-webmention');
      assert.equal(retry?.level, 40, 'another site’s trouble is a warning');
      assert.match(String(retry?.reason), /the page answered 503/);
      assert.equal(retry?.err, undefined, 'without a stack');
      assert.ok(!lines.some((l) => Number(l.level) >= 50), 'nothing at error level');
      const [job] = (await t.wiring.store.jobs.list({ status: 'pending', limit: 10 })).filter(
        (j) => (j.payload as { source?: string }).source === source,
      );
      assert.match(job?.lastError ?? '', /could not be fetched now: the page answered 503/);
      assert.equal(job?.attempts, 1);
      await t.wiring.store.jobs.cancel(job?.dedupeKey ?? '');
    });

    test('a source whose host does not resolve is refused at once, without a retry or an error log', async () => {
      // .invalid never resolves (RFC 6761).
      const source = 'http://no-such-source.invalid/reply';
      assert.equal((await send(source)).statusCode, 202);
      const lines = await runJobsLogged();
      const mention = await mentionBy(source);
      assert.equal(mention?.status, 'refused');
      assert.match(mention?.reason ?? '', /source host does not resolve \(no-such-source\.invalid\)/);
      const pending = (await t.wiring.store.jobs.list({ status: 'pending', limit: 50 })).filter(
        (j) => (j.payload as { source?: string }).source === source,
      );
      assert.deepEqual(pending, [], 'not queued again');
      const refusal = lines.find((l) => l.msg === 'webmention not verified' && l.source === source);
      assert.equal(refusal?.level, 40);
      assert.equal(refusal?.err, undefined);
      assert.ok(!lines.some((l) => Number(l.level) >= 50), 'nothing at error level');
      assert.ok(!lines.some((l) => 'err' in l), 'no stack');
    });

    test('keeps at most MAX_UNLISTED_MENTIONS refused and as many removed mentions per article, the newest', async () => {
      const other = await addArticle(t.wiring, {
        slug: 'floods',
        title: 'The floods',
        body: 'Water.',
        publishedAt: '2026-11-01T10:00:00.000Z',
      });
      const target = `${SITE}/articles/floods`;
      const fetcher = new SafeFetcher({ allowPrivateAddresses: true });
      const links = (path: string, isLinking: boolean) =>
        sources.html(path, isLinking ? `<a href="${target}">x</a>` : '<p>nothing</p>');
      const check = async (source: string, minute: number) => {
        t.setNow(new Date(Date.UTC(2026, 10, 22, 0, minute)));
        return verifyWebmention(t.wiring, fetcher, {
          articleId: other,
          source,
          target,
          receivedAt: new Date(Date.UTC(2026, 10, 22, 0, minute)).toISOString(),
        });
      };
      const extra = 5;
      try {
        // Listed once, then withdrawn: removed mentions, beyond the cap too.
        for (let i = 0; i < MAX_UNLISTED_MENTIONS + extra; i++) {
          links(`/gone/${i}`, true);
          assert.equal(await check(sources.url(`/gone/${i}`), i), 'verified');
          links(`/gone/${i}`, false);
          assert.equal(await check(sources.url(`/gone/${i}`), i), 'removed');
        }
        // Never linked: refused ones, past the cap.
        for (let i = 0; i < MAX_UNLISTED_MENTIONS + extra; i++) {
          links(`/spam/${i}`, false);
          assert.equal(await check(sources.url(`/spam/${i}`), 300 + i), 'refused');
        }
        links('/kept', true);
        assert.equal(await check(sources.url('/kept'), 600), 'verified');
      } finally {
        t.setNow(new Date('2026-11-20T12:00:00.000Z'));
      }
      const mentions = await mentionsOf(t.wiring, other);
      const of = (status: string) => mentions.filter((m) => m.status === status).map((m) => m.source);
      assert.equal(of('refused').length, MAX_UNLISTED_MENTIONS);
      assert.equal(of('removed').length, MAX_UNLISTED_MENTIONS);
      assert.deepEqual(of('verified'), [sources.url('/kept')]);
      for (let i = 0; i < extra; i++) {
        assert.ok(!of('refused').includes(sources.url(`/spam/${i}`)), 'the oldest refused go first');
        assert.ok(!of('removed').includes(sources.url(`/gone/${i}`)), 'the oldest removed go first');
      }
      assert.ok(of('refused').includes(sources.url(`/spam/${MAX_UNLISTED_MENTIONS + extra - 1}`)));
      // Another article's mentions are not touched.
      assert.ok((await mentionsOf(t.wiring, articleId)).length > 0);
    });

    test('bad input is refused with 400 naming the field', async () => {
      const cases: Array<[Record<string, string>, string]> = [
        [{ target: TARGET }, 'source'],
        [{ source: sources.url('/reply') }, 'target'],
        [{ source: 'not a url', target: TARGET }, 'source'],
        [{ source: 'ftp://example.org/x', target: TARGET }, 'source'],
        [{ source: sources.url('/reply'), target: 'javascript:alert(1)' }, 'target'],
        [{ source: TARGET, target: TARGET }, 'source'],
        [{ source: `${SITE}/articles/dams#comments`, target: TARGET }, 'source'],
        [{ source: sources.url('/reply'), target: 'https://elsewhere.example/articles/dams' }, 'target'],
        [{ source: sources.url('/reply'), target: `${SITE}/about` }, 'target'],
        [{ source: sources.url('/reply'), target: `${SITE}/articles/no-such-article` }, 'target'],
        [{ source: sources.url('/reply'), target: `${SITE}/articles/draft-dams` }, 'target'],
        // An escaped NUL, in a slug or an old address: no address of ours (PostgreSQL refuses to compare one).
        [{ source: sources.url('/reply'), target: `${SITE}/articles/da%00ms` }, 'target'],
        [{ source: sources.url('/reply'), target: `${SITE}/etc/passwd%00` }, 'target'],
      ];
      for (const [fields, field] of cases) {
        const answer = await app.inject(mentionForm(fields));
        assert.equal(answer.statusCode, 400, `${JSON.stringify(fields)}: ${answer.body}`);
        const body = answer.json() as { code: string; message: string; details: { field: string }[] };
        assert.equal(body.code, 'VALIDATION_FAILED');
        assert.equal(body.details[0]?.field, field, JSON.stringify(fields));
        assert.ok(body.message.length > 0);
      }
      const empty = await app.inject({ method: 'POST', url: '/webmention' });
      assert.equal(empty.statusCode, 400);
      const jobs = await t.wiring.store.jobs.list({ status: 'pending', limit: 50 });
      assert.equal(jobs.length, 0, 'nothing refused was queued');
    });

    test('takes no CSRF token and ignores the session cookie', async () => {
      const admin = await clientAs(app, t.wiring, await makeUser(t.wiring, 'admin'), sessionCookieName(SITE));
      sources.html('/cookie', linkingPage('With a cookie'));
      const answer = await app.inject({
        ...mentionForm({ source: sources.url('/cookie'), target: TARGET }),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: admin.cookieHeader(),
          origin: 'https://elsewhere.example',
        },
      });
      assert.equal(answer.statusCode, 202, answer.body);
      assert.equal(answer.headers['set-cookie'], undefined);
      assert.equal(answer.headers['cache-control'], 'no-store');
    });

    test('every article advertises the endpoint in its head and a Link header, cached answers too', async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const first = await get(port, '/articles/dams');
      const second = await get(port, '/articles/dams');
      for (const answer of [first, second]) {
        assert.equal(answer.status, 200);
        assert.equal(answer.headers.link, `<${SITE}/webmention>; rel="webmention"`);
        assert.match(answer.body, /<link rel="webmention" href="https:\/\/review\.example\/webmention">/);
      }
      assert.ok(
        logLines.some(
          (l) => l.fromCache === true && (l.req as { url?: string } | undefined)?.url === '/articles/dams',
        ),
        'the second answer came from the kept page',
      );
      // Other reader pages do not claim to receive mentions.
      const home = await get(port, '/');
      assert.equal(home.headers.link, undefined);
    });

    test('a sender that hangs up in the middle of its body is logged as gone, not as an unknown refusal', async () => {
      if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const before = logLines.length;
      const socket = connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(
        'POST /webmention HTTP/1.1\r\nHost: review.example\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
          'Content-Length: 100\r\n\r\nsource=https%3A%2F%2Fblog.example%2F',
      );
      // Once the server has the headers and part of the body, the sender goes.
      for (let i = 0; i < 50 && !logLines.slice(before).some((l) => l.msg === 'incoming request'); i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      socket.destroy();
      const isGone = (l: Record<string, unknown>) =>
        l.msg === 'the client closed the connection before its request arrived whole';
      for (let i = 0; i < 100 && !logLines.slice(before).some(isGone); i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const lines = logLines.slice(before);
      assert.ok(lines.some(isGone), JSON.stringify(lines.map((l) => l.msg)));
      assert.ok(!lines.some((l) => l.msg === 'a refusal with no code of ours'));
      assert.ok(!lines.some((l) => Number(l.level) >= 40), 'nothing at warning level or above');
      assert.ok(!lines.some((l) => 'err' in l), 'no stack');
    });
  });

  describe(`webmention sources on private addresses on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const sources = new SourceSite();

    before(async () => {
      t = await createTestWiring(kind, { siteUrl: SITE });
      app = await buildApp(t.wiring, { shouldLog: false });
      await addArticle(t.wiring, {
        slug: 'dams',
        title: 'The dams',
        body: 'The dam is 40 m high.',
        publishedAt: '2026-11-01T10:00:00.000Z',
      });
      await sources.start();
    });
    after(async () => {
      await app.close();
      await sources.stop();
      await t.cleanup();
    });

    test('are refused without a request reaching them, however the address is written', async () => {
      sources.html('/reply', linkingPage('Local'));
      const addresses = [
        sources.url('/reply'),
        sources.url('/reply', 'localhost'),
        sources.url('/reply', '[::ffff:127.0.0.1]'),
        sources.url('/reply', '0x7f.1'),
        // 6to4 and Teredo addresses that carry 127.0.0.1, and IPv4-translated 169.254.169.254.
        sources.url('/reply', '[2002:7f00:1::1]'),
        sources.url('/reply', '[2001:0:4136:e378:8000:63bf:80ff:fffe]'),
        sources.url('/reply', '[::ffff:0:a9fe:a9fe]'),
      ];
      for (const source of addresses) {
        const answer = await app.inject(mentionForm({ source, target: TARGET }));
        assert.equal(answer.statusCode, 202, answer.body);
      }
      await jobRunnerFor(t.wiring).runDue();
      const article = await t.wiring.store.articles.findBySlug('dams');
      const mentions = await mentionsOf(t.wiring, article?.id ?? 0);
      assert.equal(mentions.length, addresses.length);
      for (const mention of mentions) {
        assert.equal(mention.status, 'refused', mention.source);
        assert.match(mention.reason ?? '', /not a public address/, mention.source);
      }
      assert.equal(sources.totalHits(), 0, 'no request reached the local server');
    });

    test('each address may send only so many a minute', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) {
        const answer = await app.inject({
          ...mentionForm({ source: 'nope', target: TARGET }),
          remoteAddress: '203.0.113.9',
        });
        statuses.push(answer.statusCode);
      }
      assert.deepEqual(statuses.slice(0, 20), Array(20).fill(400));
      assert.deepEqual(statuses.slice(20), Array(5).fill(429));
      const other = await app.inject({
        ...mentionForm({ source: 'nope', target: TARGET }),
        remoteAddress: '203.0.113.10',
      });
      assert.equal(other.statusCode, 400, 'another address is not held back');
    });
  });

  describe(`a backlog of webmentions on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const sources = new SourceSite();

    before(async () => {
      t = await createTestWiring(kind, {
        siteUrl: SITE,
        webmention: { allowPrivateAddresses: true, rateLimitPerMinute: 1000, maxWaiting: 2 },
      });
      app = await buildApp(t.wiring, { shouldLog: false });
      await addArticle(t.wiring, {
        slug: 'dams',
        title: 'The dams',
        body: 'The dam is 40 m high.',
        publishedAt: '2026-11-01T10:00:00.000Z',
      });
      await sources.start();
    });
    after(async () => {
      await app.close();
      await sources.stop();
      await t.cleanup();
    });

    test('past the most that may wait, a new mention is refused until the queue works through them', async () => {
      for (const path of ['/one', '/two', '/three']) sources.html(path, linkingPage(path));
      const send = (path: string) => app.inject(mentionForm({ source: sources.url(path), target: TARGET }));
      assert.equal((await send('/one')).statusCode, 202);
      assert.equal((await send('/two')).statusCode, 202);
      const refused = await send('/three');
      assert.equal(refused.statusCode, 503, refused.body);
      assert.equal((refused.json() as { code: string }).code, 'WEBMENTIONS_BACKLOG');
      assert.equal(
        (await t.wiring.store.jobs.list({ status: 'pending', limit: 10 })).length,
        2,
        'the refused one was not queued',
      );
      assert.equal(await jobRunnerFor(t.wiring).runDue(), 2);
      assert.equal((await send('/three')).statusCode, 202, 'taken again once the queue caught up');
    });
  });
}
