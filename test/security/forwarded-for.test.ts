// Behind a proxy (server.trustProxy), each request's address comes from X-Forwarded-For. A proxy
// appends the address it saw to whatever the client sent, so only the entries the proxies
// added may be believed: a client that writes its own X-Forwarded-For must not become a new
// sender for every request, escaping the limits kept per address.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { Visitor } from '../helpers/visitor.ts';

const PER_MINUTE = 3;

for (const kind of DATABASE_KINDS) {
  describe(`forged X-Forwarded-For behind a trusted proxy on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;

    before(async () => {
      t = await createTestWiring(kind, {
        siteUrl: 'https://review.example',
        server: { trustProxy: true },
        members: { rateLimitPerMinute: PER_MINUTE, dailyLinksPerAddress: 0, dailyLinksPerEmail: 0 },
      });
      app = await buildApp(t.wiring, { shouldLog: false });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('a client writing a new X-Forwarded-For on each request is still one sender to the per-minute limit', async () => {
      // The proxy runs on this machine (127.0.0.1) and appends the client's real address.
      const browser = new Visitor(app, '127.0.0.1');
      await browser.get('/members/signin');
      const statuses = [];
      for (let i = 0; i < PER_MINUTE + 2; i++) {
        const answer = await browser.post(
          '/members/signin',
          { email: `someone${i}@example.org` },
          { 'x-forwarded-for': `192.0.2.${i + 1}, 203.0.113.50` },
        );
        statuses.push(answer.statusCode);
      }
      assert.deepEqual(statuses, [...Array(PER_MINUTE).fill(303), 429, 429]);
    });

    test('a client that reaches the server directly, not through a proxy, cannot name its own address', async () => {
      const browser = new Visitor(app, '198.51.100.7');
      await browser.get('/members/signin');
      const statuses = [];
      for (let i = 0; i < PER_MINUTE + 1; i++) {
        const answer = await browser.post(
          '/members/signin',
          { email: `direct${i}@example.org` },
          { 'x-forwarded-for': `192.0.2.${100 + i}` },
        );
        statuses.push(answer.statusCode);
      }
      assert.deepEqual(statuses, [...Array(PER_MINUTE).fill(303), 429]);
    });
  });
}

for (const kind of DATABASE_KINDS) {
  describe(`X-Forwarded-For from a proxy listed in server.trustedProxies (a CDN on a public address) on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;

    before(async () => {
      t = await createTestWiring(kind, {
        siteUrl: 'https://review.example',
        server: { trustProxy: true, trustedProxies: '198.51.100.0/24, 2001:db8:cd::1' },
        members: { rateLimitPerMinute: PER_MINUTE, dailyLinksPerAddress: 0, dailyLinksPerEmail: 0 },
      });
      app = await buildApp(t.wiring, { shouldLog: false });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('each client behind the listed proxy is its own sender; the proxy itself is none of them', async () => {
      const edge = new Visitor(app, '198.51.100.7');
      await edge.get('/members/signin');
      const statuses = [];
      for (let i = 0; i < PER_MINUTE + 2; i++) {
        const answer = await edge.post(
          '/members/signin',
          { email: `behind-cdn${i}@example.org` },
          { 'x-forwarded-for': `192.0.2.${i + 1}` },
        );
        statuses.push(answer.statusCode);
      }
      assert.deepEqual(statuses, Array(PER_MINUTE + 2).fill(303));
    });

    test('a client writing its own X-Forwarded-For through the listed proxy is still one sender', async () => {
      const edge = new Visitor(app, '2001:db8:cd::1');
      await edge.get('/members/signin');
      const statuses = [];
      for (let i = 0; i < PER_MINUTE + 1; i++) {
        const answer = await edge.post(
          '/members/signin',
          { email: `forger${i}@example.org` },
          { 'x-forwarded-for': `192.0.2.${100 + i}, 203.0.113.99` },
        );
        statuses.push(answer.statusCode);
      }
      assert.deepEqual(statuses, [...Array(PER_MINUTE).fill(303), 429]);
    });

    test('an address outside the list is not believed', async () => {
      const direct = new Visitor(app, '198.51.101.7');
      await direct.get('/members/signin');
      const statuses = [];
      for (let i = 0; i < PER_MINUTE + 1; i++) {
        const answer = await direct.post(
          '/members/signin',
          { email: `outside${i}@example.org` },
          { 'x-forwarded-for': `192.0.2.${200 + i}` },
        );
        statuses.push(answer.statusCode);
      }
      assert.deepEqual(statuses, [...Array(PER_MINUTE).fill(303), 429]);
    });
  });
}
