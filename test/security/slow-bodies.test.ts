import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { buildApp } from '../../src/app.ts';
import { MAX_UPLOAD_BYTES } from '../../src/services/newsroom/media.ts';
import { bodyDeadlineMs } from '../../src/web/body-deadline.ts';
import { clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, type TestWiring } from '../helpers/databases.ts';

/** What a socket received until the server closed it (or `waitMs` passed), and when it closed. */
interface Exchange {
  text: string;
  closedAfterMs: number | null;
}

/**
 * Sends `head` and then `body` over a raw socket, `chunkBytes` every `everyMs`, until the body is
 * sent, the server closes the connection or `waitMs` passes.
 */
function exchange(
  port: number,
  input: { head: string; body: Buffer; chunkBytes: number; everyMs: number; waitMs: number },
): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket: Socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (closedAfterMs: number | null) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ text: Buffer.concat(received).toString('latin1'), closedAfterMs });
    };
    const giveUp = setTimeout(() => finish(null), input.waitMs);
    socket.on('data', (data: Buffer) => received.push(data));
    socket.on('error', () => {});
    socket.on('close', () => finish(Math.round(performance.now() - started)));
    socket.on('connect', () => {
      socket.write(input.head);
      timer = setInterval(() => {
        if (sent >= input.body.length || socket.destroyed) return;
        const piece = input.body.subarray(sent, sent + input.chunkBytes);
        sent += piece.length;
        socket.write(piece);
      }, input.everyMs);
    });
  });
}

describe('slow request bodies over a real socket', () => {
  let t: TestWiring;
  let app: FastifyInstance;
  let port: number;
  before(async () => {
    // A short grace and a brisk minimum rate, so that the test sees both sides in seconds.
    t = await createTestWiring('sqlite', {
      siteUrl: 'http://127.0.0.1',
      server: { headersTimeoutSeconds: 2, bodyTimeoutSeconds: 2, minBodyKilobytesPerSecond: 1024 },
    });
    app = await buildApp(t.wiring, { shouldLog: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  test('a body dribbled a byte at a time is cut off with 408 once its time is up', async () => {
    const body = Buffer.from(`email=a%40example.org&password=${'x'.repeat(1900)}`);
    const result = await exchange(port, {
      head: [
        'POST /admin/login HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        `Origin: http://127.0.0.1:${port}`,
        'Content-Type: application/x-www-form-urlencoded',
        `Content-Length: ${body.length}`,
        '',
        '',
      ].join('\r\n'),
      body,
      chunkBytes: 1,
      everyMs: 200,
      waitMs: 12_000,
    });
    assert.ok(result.closedAfterMs !== null, 'the server still held the connection after 12 seconds');
    // Two seconds of grace and 2 KB at 1 MB/s, checked once a second.
    assert.ok(result.closedAfterMs < 6_000, `closed after ${result.closedAfterMs} ms`);
    assert.match(result.text, /^HTTP\/1\.1 408 /);
  });

  test('a slow body to an address that answers before reading it is cut off all the same', async () => {
    const body = Buffer.alloc(2000, 'x');
    const result = await exchange(port, {
      head: [
        'POST /no-such-page HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Content-Type: text/plain',
        `Content-Length: ${body.length}`,
        '',
        '',
      ].join('\r\n'),
      body,
      chunkBytes: 1,
      everyMs: 200,
      waitMs: 12_000,
    });
    assert.ok(result.closedAfterMs !== null, 'the server still held the connection after 12 seconds');
    assert.ok(result.closedAfterMs < 6_000, `closed after ${result.closedAfterMs} ms`);
  });

  test('headers dribbled a line at a time are cut off once the headers timeout passes', async () => {
    const result = await exchange(port, {
      head: `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`,
      body: Buffer.from(Array.from({ length: 100 }, (_, i) => `X-Slow-${i}: still coming\r\n`).join('')),
      chunkBytes: 25,
      everyMs: 250,
      waitMs: 12_000,
    });
    assert.ok(result.closedAfterMs !== null, 'the server still held the connection after 12 seconds');
    assert.ok(result.closedAfterMs < 6_000, `closed after ${result.closedAfterMs} ms`);
    assert.match(result.text, /^HTTP\/1\.1 408 /);
  });

  test('a large upload sent steadily for longer than the grace still arrives whole', async () => {
    const editor = await makeUser(t.wiring, 'editor', 'uploader@slow.example');
    const client = await clientAs(app, t.wiring, editor, sessionCookieName(t.wiring.siteUrl));
    await client.get('/admin/media');
    // Noise does not compress: a PNG about as large as an upload may be.
    const side = Math.floor(Math.sqrt((MAX_UPLOAD_BYTES * 0.55) / 3));
    const png = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    assert.ok(png.length > MAX_UPLOAD_BYTES / 2 && png.length < MAX_UPLOAD_BYTES, `${png.length} bytes`);
    const boundary = `----pressroom${randomBytes(8).toString('hex')}`;
    const field = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const body = Buffer.concat([
      Buffer.from(field('_csrf', client.csrf) + field('alt', 'Noise')),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="noise.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    // About 4 MB a second: over the 2-second grace, well within what the body's size allows.
    const started = performance.now();
    const result = await exchange(port, {
      head: [
        'POST /admin/media HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        `Origin: http://127.0.0.1:${port}`,
        `Cookie: ${client.cookieHeader()}`,
        'Accept: application/json',
        'Connection: close',
        `Content-Type: multipart/form-data; boundary=${boundary}`,
        `Content-Length: ${body.length}`,
        '',
        '',
      ].join('\r\n'),
      body,
      chunkBytes: 200 * 1024,
      everyMs: 50,
      waitMs: 60_000,
    });
    assert.ok(performance.now() - started > 2_000, 'the upload was sent faster than the grace');
    assert.match(result.text, /^HTTP\/1\.1 200 /, result.text.slice(0, 300));
    assert.match(result.text, /"url":"\/media\//);
  });
});

test('by default a small body has tens of seconds, a full upload minutes, and Node backs both up', async () => {
  const t = await createTestWiring('sqlite');
  const app = await buildApp(t.wiring, { shouldLog: false });
  try {
    await app.ready();
    const { server } = t.wiring.config;
    const pace = {
      graceMs: server.bodyTimeoutSeconds * 1000,
      minBytesPerSecond: server.minBodyKilobytesPerSecond * 1024,
    };
    const form = bodyDeadlineMs(2048, pace);
    assert.ok(form >= 10_000 && form < 60_000, `a sign-in form gets ${form} ms`);
    const upload = bodyDeadlineMs(MAX_UPLOAD_BYTES, pace);
    assert.ok(upload > 120_000 && upload < 600_000, `a full upload gets ${upload} ms`);
    assert.equal(app.server.headersTimeout, server.headersTimeoutSeconds * 1000);
    assert.ok(app.server.requestTimeout > server.headersTimeoutSeconds * 1000 + upload);
    assert.ok(app.server.requestTimeout < 600_000, `requestTimeout ${app.server.requestTimeout} ms`);
    assert.equal(app.server.timeout, server.idleTimeoutSeconds * 1000);
    assert.equal(app.server.keepAliveTimeout, server.keepAliveTimeoutSeconds * 1000);
  } finally {
    await app.close();
    await t.cleanup();
  }
});
