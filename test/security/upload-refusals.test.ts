// Uploads and other large bodies that will be refused are refused before they are sent or read:
// `Expect: 100-continue` is answered by the app, not by Node ahead of it; a refused body closes
// its connection rather than being read to the end; a declared length over the route's limit is
// refused at once; and uploads are taken a few at a time. Over real sockets, on SQLite and (when
// TEST_DATABASE_URL is set) PostgreSQL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { buildApp } from '../../src/app.ts';
import { MAX_UPLOAD_BYTES } from '../../src/services/newsroom/media.ts';
import { MAX_UPLOADS, MAX_UPLOADS_PER_USER } from '../../src/web/newsroom/index.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { parse, send } from '../helpers/raw-http.ts';

/** A connection kept open by the test: what it has received, and whether the server closed it. */
interface Held {
  socket: Socket;
  received: () => string;
  /** Resolves with the milliseconds from opening until the server closed the connection. */
  closed: Promise<number>;
  /** Resolves once `text` has been received. */
  receivedText: (text: string) => Promise<string>;
}

function open(port: number, head: string): Held {
  const started = performance.now();
  const socket = connect(port, '127.0.0.1');
  // Written at once (sent on connecting), so that what the test writes next follows it.
  socket.write(head);
  const chunks: Buffer[] = [];
  const waiters: (() => void)[] = [];
  socket.on('data', (data: Buffer) => {
    chunks.push(data);
    for (const wake of waiters.splice(0)) wake();
  });
  socket.on('error', () => {});
  const received = () => Buffer.concat(chunks).toString('latin1');
  const closed = new Promise<number>((resolve) =>
    socket.on('close', () => {
      for (const wake of waiters.splice(0)) wake();
      resolve(performance.now() - started);
    }),
  );
  const receivedText = async (text: string): Promise<string> => {
    while (!received().includes(text) && !socket.destroyed) await new Promise<void>((r) => waiters.push(r));
    return received();
  };
  return { socket, received, closed, receivedText };
}

/** The first answer's head in what a connection received (the first status line and headers). */
const statusLines = (text: string) => text.split('\r\n').filter((line) => line.startsWith('HTTP/1.1 '));

for (const kind of DATABASE_KINDS) {
  describe(`uploads refused before they are sent or read (${kind})`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let port: number;
    let cookieName: string;
    let editor: AdminClient;
    let contributor: AdminClient;
    before(async () => {
      // A 15 MB body at the slowest pace waited for would be given 1 + 15 seconds: a connection
      // closed well before that was not read to the end.
      t = await createTestWiring(kind, {
        siteUrl: 'http://127.0.0.1',
        server: { headersTimeoutSeconds: 1, bodyTimeoutSeconds: 1, minBodyKilobytesPerSecond: 1024 },
      });
      app = await buildApp(t.wiring, { shouldLog: false });
      await app.listen({ port: 0, host: '127.0.0.1' });
      port = (app.server.address() as AddressInfo).port;
      cookieName = sessionCookieName(t.wiring.siteUrl);
      editor = await clientAs(app, t.wiring, await makeUser(t.wiring, 'editor'), cookieName);
      contributor = await clientAs(app, t.wiring, await makeUser(t.wiring, 'contributor'), cookieName);
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    const boundary = 'pressroomtestboundary';
    /** The head of a POST from `client` (none: a visitor) declaring a body of `length` bytes. */
    const headOf = (input: {
      target: string;
      client?: AdminClient;
      length: number;
      type?: string;
      extra?: string[];
    }) =>
      [
        `POST ${input.target} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        `Origin: http://127.0.0.1:${port}`,
        ...(input.client ? [`Cookie: ${input.client.cookieHeader()}`] : []),
        'Accept: application/json',
        `Content-Type: ${input.type ?? `multipart/form-data; boundary=${boundary}`}`,
        `Content-Length: ${input.length}`,
        ...(input.extra ?? []),
        '',
        '',
      ].join('\r\n');

    /** A whole multipart upload of `png` by `client`. */
    const uploadBody = (client: AdminClient, png: Buffer) =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${client.csrf}\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dot.png"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        png,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    const smallPng = () =>
      sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
        .png()
        .toBuffer();

    test('an Expect other than 100-continue gets our 417, page or JSON, with the protective headers', async () => {
      // The home page read first, so that it is kept and could be answered from the cache.
      for (let i = 0; i < 2; i++) {
        const home = parse(
          await send(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
        );
        assert.equal(home.status, 200);
      }
      const page = parse(
        await send(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: foo\r\nConnection: close\r\n\r\n`),
      );
      assert.equal(page.status, 417);
      assert.match(page.headers['content-type'] ?? '', /^text\/html/);
      assert.match(page.body, /100-continue/);
      assert.match(page.body, /<html/);
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      assert.ok(page.headers['content-security-policy'], 'the page carries the content security policy');
      const api = parse(
        await send(
          port,
          `GET /api/search?q=x HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: foo\r\nConnection: close\r\n\r\n`,
        ),
      );
      assert.equal(api.status, 417);
      const body = JSON.parse(api.body) as { code: string; details: { field: string }[] };
      assert.equal(body.code, 'EXPECTATION_FAILED');
      assert.equal(body.details[0]?.field, 'expect');
      assert.equal(api.headers['x-content-type-options'], 'nosniff');
    });

    test('a request that will be refused is refused without 100 Continue, and its connection closes', async () => {
      const expect = ['Expect: 100-continue'];
      const cases: [string, string][] = [
        ['anonymous upload', headOf({ target: '/admin/media', length: MAX_UPLOAD_BYTES, extra: expect })],
        [
          'upload over the limit',
          headOf({ target: '/admin/media', client: editor, length: 20 * 1024 * 1024, extra: expect }),
        ],
        [
          'a role that may not use the route',
          headOf({
            target: '/admin/settings',
            client: contributor,
            length: 900_000,
            type: 'application/x-www-form-urlencoded',
            extra: expect,
          }),
        ],
      ];
      const seen: string[] = [];
      for (const [name, head] of cases) {
        const held = open(port, head);
        const closedAfter = await held.closed;
        const lines = statusLines(held.received());
        seen.push(
          `${name}: ${lines.join(' | ')}${closedAfter < 3_000 ? '' : ` (held ${Math.round(closedAfter)} ms)`}`,
        );
      }
      assert.deepEqual(seen, [
        'anonymous upload: HTTP/1.1 401 Unauthorized',
        'upload over the limit: HTTP/1.1 413 Payload Too Large',
        'a role that may not use the route: HTTP/1.1 403 Forbidden',
      ]);
    });

    test('an accepted upload sent with Expect: 100-continue is told to go on and arrives', async () => {
      await editor.get('/admin/media');
      const body = uploadBody(editor, await smallPng());
      const held = open(
        port,
        headOf({
          target: '/admin/media',
          client: editor,
          length: body.length,
          extra: ['Expect: 100-continue'],
        }),
      );
      await held.receivedText('100 Continue\r\n\r\n');
      held.socket.write(body);
      const text = await held.receivedText('"url":"/media/');
      held.socket.destroy();
      assert.deepEqual(
        statusLines(text).map((line) => line.slice(0, 12)),
        ['HTTP/1.1 100', 'HTTP/1.1 200'],
      );
    });

    test('a form with more fields or files than an upload takes is told which, not that it is too large', async () => {
      const part = (name: string, value: string, file = '') =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file}"\r\nContent-Type: image/png` : ''}\r\n\r\n${value}\r\n`;
      const post = (parts: string[]) =>
        app.inject({
          method: 'POST',
          url: '/admin/media',
          headers: {
            cookie: editor.cookieHeader(),
            origin: 'http://127.0.0.1',
            accept: 'application/json',
            'content-type': `multipart/form-data; boundary=${boundary}`,
          },
          payload: [part('_csrf', editor.csrf), ...parts, `--${boundary}--\r\n`].join(''),
        });
      const fields = await post(Array.from({ length: 40 }, (_, i) => part(`f${i}`, 'x')));
      assert.equal(fields.statusCode, 413, fields.body);
      assert.match(fields.json().message, /more form fields than this address takes/);
      const files = await post([part('file', 'a', 'a.png'), part('file', 'b', 'b.png')]);
      assert.equal(files.statusCode, 413, files.body);
      assert.match(files.json().message, /more files than this address takes/);
    });

    test('a declared length over the upload limit is refused at once, naming the limit', async () => {
      const held = open(port, headOf({ target: '/admin/media', client: editor, length: 20 * 1024 * 1024 }));
      held.socket.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n`,
      );
      const closedAfter = await held.closed;
      const answer = parse(held.received());
      assert.equal(answer.status, 413, held.received().slice(0, 1500));
      assert.ok(closedAfter < 900, `answered and closed after ${Math.round(closedAfter)} ms`);
      const body = JSON.parse(answer.body) as { code: string; message: string };
      assert.equal(body.code, 'BODY_TOO_LARGE');
      assert.match(body.message, /16 MB at most/);
    });

    test('a refused upload closes its connection at once while readers are answered', async () => {
      // An anonymous 15 MB upload, sent on steadily: refused, and the connection closed, not
      // drained until its body deadline.
      const held = open(port, headOf({ target: '/admin/media', length: MAX_UPLOAD_BYTES }));
      const pump = setInterval(() => {
        if (!held.socket.destroyed) held.socket.write(randomBytes(16 * 1024));
      }, 20);
      try {
        await held.receivedText('\r\n\r\n');
        const reader = parse(
          await send(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
        );
        assert.equal(reader.status, 200, 'a reader on another connection is answered');
        const closedAfter = await Promise.race([
          held.closed,
          new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), 5_000)),
        ]);
        const answer = parse(held.received());
        assert.equal(answer.status, 401);
        assert.equal(answer.headers.connection, 'close');
        assert.ok(closedAfter < 3_000, `the connection was closed after ${closedAfter} ms`);
      } finally {
        clearInterval(pump);
        held.socket.destroy();
      }
    });

    test('a body sent to an address no route answers gets its 404 before the body is read', async () => {
      // Within the body limit, and only its first kilobyte sent: the answer must not wait for the rest.
      for (const target of ['/no-such-page', '/admin/no-such-form', '/articles']) {
        const held = open(port, headOf({ target, client: editor, length: 512 * 1024, type: 'text/plain' }));
        try {
          held.socket.write(randomBytes(1024));
          const answered = await Promise.race([
            held.receivedText('\r\n\r\n').then(() => true),
            new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 800)),
          ]);
          assert.ok(answered, `${target}: answered before the body arrived`);
          const answer = parse(held.received());
          assert.equal(answer.status, 404, target);
          assert.equal(answer.headers.connection, 'close', target);
        } finally {
          held.socket.destroy();
        }
      }
    });

    test('uploads are taken a few at a time per person and in all; past that a 503 with Retry-After', async () => {
      const uploaders = [
        editor,
        ...(await Promise.all([1, 2].map(() => makeUser(t.wiring, 'author'))).then((users) =>
          Promise.all(users.map((u) => clientAs(app, t.wiring, u, cookieName))),
        )),
      ];
      const helds: Held[] = [];
      /** An upload whose body is announced and only begun: it holds its slot until closed. */
      const begin = (client: AdminClient) => {
        const held = open(port, headOf({ target: '/admin/media', client, length: MAX_UPLOAD_BYTES }));
        held.socket.write(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n`);
        helds.push(held);
        return held;
      };
      /**
       * Of uploads begun together, the one answered (whichever arrived last): it must be the only
       * one, for the others wait for their bodies, due long after.
       */
      const refusedAmong = async (group: Held[]) => {
        const answered = await Promise.race([
          ...group.map((held) => held.receivedText('\r\n\r\n').then(() => held)),
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5_000)),
        ]);
        assert.ok(answered, 'none of them was answered within 5 seconds');
        await answered.closed;
        assert.deepEqual(
          group.map((held) => held !== answered && held.received() !== ''),
          group.map(() => false),
          'only one was answered',
        );
        const answer = parse(answered.received());
        return { status: answer.status, retryAfter: answer.headers['retry-after'], body: answer.body };
      };
      try {
        const own = await refusedAmong(Array.from({ length: MAX_UPLOADS_PER_USER + 1 }, () => begin(editor)));
        assert.equal(own.status, 503);
        assert.equal(own.retryAfter, '5');
        assert.match(JSON.parse(own.body).message, /Your other uploads/);
        // Others fill the rest of the server's slots, each within their own bound; one more
        // from anyone is refused.
        const others = uploaders.slice(1);
        const all = await refusedAmong(
          Array.from({ length: MAX_UPLOADS - MAX_UPLOADS_PER_USER + 1 }, (_, i) =>
            begin(others[i % others.length] as AdminClient),
          ),
        );
        assert.equal(all.status, 503);
        assert.equal(all.retryAfter, '5');
        assert.match(JSON.parse(all.body).message, /busy with other people.{1,6}s uploads/);
      } finally {
        for (const held of helds) held.socket.destroy();
      }
      // The slots are given back when the connections close (the server sees that in a moment).
      await editor.get('/admin/media');
      const body = uploadBody(editor, await smallPng());
      let status = 0;
      let answer = '';
      for (let attempt = 0; attempt < 10 && status !== 200; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const last = open(
          port,
          headOf({
            target: '/admin/media',
            client: editor,
            length: body.length,
            extra: ['Connection: close'],
          }),
        );
        last.socket.write(body);
        await last.closed;
        answer = last.received();
        status = parse(answer).status;
        if (status !== 503) break;
      }
      assert.equal(status, 200, answer.slice(0, 600));
    });
  });
}
