// What an anonymous body can cost the event loop: a body sent to an address no route takes is
// never parsed, and no form or JSON body holds more fields or values than any of ours has
// (a 1 MB form of 75,000 tiny fields cost about a second to read and check, per request).
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { MAX_FORM_FIELDS } from '../../src/web/form-body.ts';
import { clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { parse, send } from '../helpers/raw-http.ts';

const manyFields = (count: number) => Array.from({ length: count }, (_, i) => `k${i}=v${i}`).join('&');

for (const kind of DATABASE_KINDS) {
  describe(`bodies that cost too much are refused before they are walked (${kind})`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let port: number;
    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      await app.listen({ port: 0, host: '127.0.0.1' });
      port = (app.server.address() as AddressInfo).port;
    });
    /** Sends the whole request, head and body, at once over a real socket. */
    const post = async (url: string, type: string, body: string) =>
      parse(
        await send(
          port,
          `POST ${url} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        ),
      );
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('a body sent to an address no route takes gets the 404 unparsed', async () => {
      for (const url of ['/no-such-page', '/feed.xml', '/search', '/']) {
        const json = await post(url, 'application/json', '{not json');
        assert.equal(json.status, 404, `${url}: a 404, not the parser's 400`);
      }
      const started = performance.now();
      const form = await post('/no-such-page', 'application/x-www-form-urlencoded', manyFields(75_000));
      const ms = performance.now() - started;
      assert.equal(form.status, 404);
      // Read and checked, such a body took 0.7 to 1.4 s on this machine.
      assert.ok(ms < 250, `answered in ${Math.round(ms)} ms`);
    });

    test('a form with more fields than any of ours is refused, naming the limit', async () => {
      const within = await app.inject({
        method: 'POST',
        url: '/admin/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: manyFields(MAX_FORM_FIELDS),
      });
      assert.notEqual(within.statusCode, 500);
      assert.doesNotMatch(within.body, /fields or values/);
      const over = await app.inject({
        method: 'POST',
        url: '/admin/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: manyFields(MAX_FORM_FIELDS + 1),
      });
      assert.equal(over.statusCode, 400);
      assert.match(over.body, /more than 2,000 fields or values/);
    });

    test('a JSON body with more values than any of ours is refused before it is walked', async () => {
      const payload = JSON.stringify({ email: Array.from({ length: 10_001 }, () => 0) });
      const over = await app.inject({
        method: 'POST',
        url: '/admin/login',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        payload,
      });
      assert.equal(over.statusCode, 400);
      assert.match(
        JSON.parse(over.body).message + JSON.stringify(JSON.parse(over.body)),
        /more than 10,000 fields or values/,
      );
    });

    test('a JSON body of 300,000 tiny members is refused before it is parsed; commas inside strings are no values', async () => {
      const user = await makeUser(t.wiring, 'contributor', 'json-members@costs.example');
      const writer = await clientAs(app, t.wiring, user, sessionCookieName(t.wiring.siteUrl));
      await writer.get('/admin/articles/new');
      const members = Array.from({ length: 300_000 }, (_, i) => `"k${i}":0`).join(',');
      const payload = `{${members},"markdown":"x","_csrf":"${writer.csrf}"}`;
      const cpuBefore = process.threadCpuUsage();
      const over = await app.inject({
        method: 'POST',
        url: '/admin/preview',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          cookie: writer.cookieHeader(),
        },
        payload,
      });
      const cpuMs =
        (process.threadCpuUsage(cpuBefore).user + process.threadCpuUsage(cpuBefore).system) / 1000;
      assert.equal(over.statusCode, 400);
      assert.match(over.body, /more than 10,000 fields or values/);
      // Parsed first, as it was, such a body cost 0.6 to 1.9 s of this thread.
      assert.ok(cpuMs < 300, `${Math.round(cpuMs)} ms of this thread`);
      const wordy = await app.inject({
        method: 'POST',
        url: '/admin/preview',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          cookie: writer.cookieHeader(),
        },
        payload: JSON.stringify({ markdown: ',[{'.repeat(20_000), _csrf: writer.csrf }),
      });
      assert.equal(wordy.statusCode, 200, wordy.body.slice(0, 300));
    });

    test('a multipart boundary longer than 70 characters is refused with a 400, not a 500', async () => {
      for (const length of [71, 253, 1000]) {
        const boundary = 'b'.repeat(length);
        const refused = await post(
          '/admin/media',
          `multipart/form-data; boundary=${boundary}`,
          `--${boundary}\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n--${boundary}--\r\n`,
        );
        assert.equal(refused.status, 400, `${length}`);
        assert.match(refused.body, /boundary longer than 70 characters/);
      }
    });

    test('a long boundary written any way the multipart parser reads it is refused with a 400, not a 500', async () => {
      const user = await makeUser(t.wiring, 'contributor', 'boundary-forms@costs.example');
      const writer = await clientAs(app, t.wiring, user, sessionCookieName(t.wiring.siteUrl));
      await writer.get('/admin/articles/new');
      const long = 'b'.repeat(300);
      // Each of these gives the parser a 300-character boundary (past its 256, it throws), while
      // a plain `boundary=` match finds none, or a short one.
      const types = [
        `multipart/form-data; boundary*=utf-8''${long}`,
        `multipart/form-data; boundary="\\"${long}"`,
        `multipart/form-data; boundary =${long}`,
        `multipart/form-data; note="a;boundary=x"; boundary=${long}`,
      ];
      for (const url of ['/admin/media', '/admin/articles/upload']) {
        for (const type of types) {
          const answer = await app.inject({
            method: 'POST',
            url,
            headers: { 'content-type': type, accept: 'application/json', cookie: writer.cookieHeader() },
            payload: `--${long}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${writer.csrf}\r\n--${long}--\r\n`,
          });
          assert.equal(answer.statusCode, 400, `${url} ${type.slice(0, 45)}: ${answer.body.slice(0, 200)}`);
        }
      }
      // An ordinary type with a 70-character boundary and a charset is not refused for its length.
      const boundary = 'c'.repeat(70);
      const ordinary = await app.inject({
        method: 'POST',
        url: '/admin/media',
        headers: {
          'content-type': `multipart/form-data; charset=utf-8; boundary="${boundary}"`,
          accept: 'application/json',
          cookie: writer.cookieHeader(),
        },
        payload: `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${writer.csrf}\r\n--${boundary}--\r\n`,
      });
      assert.doesNotMatch(ordinary.body, /content-type/, ordinary.body.slice(0, 200));
      assert.notEqual(ordinary.statusCode, 500);
    });
  });
}
