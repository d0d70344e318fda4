// Faults the server must survive without a restart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import { createTestWiring, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';

const adminUrl = process.env.TEST_DATABASE_URL;

describe('PostgreSQL connections lost and back', {
  skip: adminUrl ? false : 'TEST_DATABASE_URL is not set',
}, () => {
  let t: TestWiring;
  let app: FastifyInstance;

  before(async () => {
    t = await createTestWiring('postgres');
    await addArticle(t.wiring, {
      slug: 'still-here',
      title: 'Still here',
      body: 'Text.',
      publishedAt: '2026-11-01T00:00:00.000Z',
    });
    app = await buildApp(t.wiring, { shouldLog: false });
  });
  after(async () => {
    await app?.close();
    await t?.cleanup();
  });

  test('the app recovers by itself after every one of its backends is terminated', async () => {
    assert.equal((await app.inject('/healthz')).statusCode, 200);
    assert.equal((await app.inject('/articles/still-here')).statusCode, 200);
    const database = new URL(t.database.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const { rowCount } = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      );
      assert.ok((rowCount ?? 0) > 0, 'some connections were terminated');
    } finally {
      await admin.end();
    }
    // A request that lands on a dead connection may fail cleanly (503 from /healthz, never a
    // hang); the pool replaces the connection and the next requests succeed.
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await app.inject('/healthz');
      statuses.push(res.statusCode);
      assert.ok(res.statusCode === 200 || res.statusCode === 503, `health ${res.statusCode}`);
      if (res.statusCode === 200 && statuses.filter((s) => s === 200).length >= 3) break;
    }
    assert.equal(statuses.at(-1), 200, `health after the loss: ${statuses.join(',')}`);
    const page = await app.inject('/search?q=still');
    assert.equal(page.statusCode, 200);
    await addArticle(t.wiring, {
      slug: 'written-after',
      title: 'Written after',
      body: 'Text.',
      publishedAt: '2026-11-02T00:00:00.000Z',
    });
    assert.ok(await t.wiring.store.articles.findBySlug('written-after'), 'writes work again');
  });
});
