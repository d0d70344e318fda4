import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { isValidSlug, RESERVED_SLUGS } from '../../src/domain/slug.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

/**
 * The first segment of every route the app registers at the top of the site, parameters left
 * out: read from Fastify's own route tree, so a route added later is checked without anyone
 * remembering to list it here.
 */
function topLevelSegments(app: FastifyInstance): string[] {
  const tree = app.printRoutes({ commonPrefix: false });
  const segments = new Set<string>();
  // The root's children sit one level in: "    ├── sitemaps/:file (GET, HEAD)".
  for (const match of tree.matchAll(/^ {4}[├└]── ([^\s(]+)/gmu)) {
    const segment = (match[1] ?? '').split('/')[0] ?? '';
    if (segment && !segment.startsWith(':') && !segment.startsWith('*')) segments.add(segment);
  }
  return [...segments];
}

for (const kind of DATABASE_KINDS) {
  describe(`reserved slugs on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      await app.ready();
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('reserves every top-level route segment a page or taxonomy could otherwise take as its slug', () => {
      const segments = topLevelSegments(app);
      // The tree was read: the routes every site has are among the segments found.
      for (const known of ['admin', 'articles', 'healthz', 'sitemaps'])
        assert.ok(segments.includes(known), known);
      const unreserved = segments.filter((segment) => isValidSlug(segment) && !RESERVED_SLUGS.has(segment));
      assert.deepEqual(unreserved, [], `route segments a slug could shadow: ${unreserved.join(', ')}`);
    });
  });
}
