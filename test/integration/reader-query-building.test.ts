import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DefaultQueryCompiler } from 'kysely';
import { buildApp } from '../../src/app.ts';
import { seedDemo } from '../../src/services/demo.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

/**
 * Reader pages send queries compiled once per shape (storage/compiled-query.ts), not built
 * anew by Kysely on every request: building a query (its node tree, frozen, then walked to
 * write the SQL) cost more than SQLite took to run it, and two comment counts built per
 * request took a third of an uncached article page's processor time. Every reader page kind
 * is rendered once to compile its shapes, then again while Kysely's compiler is watched.
 * Search pages are left out: their SQL is a few raw texts (sql templates), whose writing
 * costs microseconds beside the full-text match's milliseconds.
 */
const READER_PAGES = [
  '/',
  '/articles/velmar-basin-water-accounts',
  '/articles/velmar-basin-water-accounts/comments',
  '/articles/velmar-basin-water-accounts/comments/fragment',
  '/region',
  '/region/europe',
  '/report/the-water-ledger',
  '/authors/nadia-korvell',
  '/articles',
  '/feed.xml',
  '/feed.atom',
  '/feed.json',
  '/region/europe/feed.atom',
  '/sitemap.xml',
  '/sitemaps/news.xml',
  '/sitemaps/articles-2026-11.xml',
];

/** The SQL of every query Kysely compiles while `run` runs. */
async function queriesBuiltDuring(run: () => Promise<unknown>): Promise<string[]> {
  const compileQuery = DefaultQueryCompiler.prototype.compileQuery;
  const built: string[] = [];
  DefaultQueryCompiler.prototype.compileQuery = function (this: DefaultQueryCompiler, ...args) {
    const query = compileQuery.apply(this, args);
    built.push(query.sql.replace(/\s+/g, ' ').trim());
    return query;
  };
  try {
    await run();
  } finally {
    DefaultQueryCompiler.prototype.compileQuery = compileQuery;
  }
  return built;
}

for (const kind of DATABASE_KINDS) {
  describe(`reader pages' queries on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;

    before(async () => {
      t = await createTestWiring(kind, { cache: { maxPages: 0 } });
      const report = await seedDemo(t.wiring);
      assert.equal(report.failed, 0, JSON.stringify(report.outcomes));
      app = await buildApp(t.wiring, { shouldLog: false });
    });

    after(async () => {
      await app?.close();
      await t?.cleanup();
    });

    for (const url of READER_PAGES) {
      test(`${url} builds no query when rendered again`, async () => {
        const first = await app.inject(url);
        assert.equal(first.statusCode, 200, `${url}: ${first.body.slice(0, 300)}`);
        const built = await queriesBuiltDuring(async () => {
          const again = await app.inject(url);
          assert.equal(again.statusCode, 200);
        });
        assert.deepEqual(built, [], `${url} built ${built.length} queries on a second render`);
      });
    }
  });
}
