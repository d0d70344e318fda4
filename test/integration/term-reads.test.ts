import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery } from 'kysely';
import pino from 'pino';
import { parseConfig } from '../../src/config.ts';
import { WebSubPinger } from '../../src/services/discovery/websub.ts';
import { SiteStructure } from '../../src/services/site-structure.ts';
import { findOrCreateTerm } from '../../src/services/taxonomies.ts';
import { addTerm } from '../../src/services/testing/fixtures.ts';
import { createWiring, type Wiring } from '../../src/wiring.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';

const TAGS = 3_000;

for (const kind of DATABASE_KINDS) {
  describe(`reads of terms on a site with ${TAGS} tags, on ${kind}`, () => {
    let database: TestDatabase;
    let wiring: Wiring;
    let seen: CompiledQuery[] | null = null;
    const lineage = new Map<string, number>();
    let articleId = 0;

    before(async () => {
      database = await createTestDatabase(kind);
      wiring = await createWiring({
        config: parseConfig({
          database: { url: database.url },
          data: { dir: database.dataDir },
          site: { url: 'https://terms.example' },
          log: { level: 'silent' },
        }),
        log: pino({ level: 'silent' }),
        now: () => new Date('2026-11-20T12:00:00.000Z'),
        onQuery: (query) => {
          seen?.push(CompiledQuery.raw(query.sql, [...query.parameters]));
        },
      });
      const taxonomies = await wiring.store.taxonomies.listTaxonomies();
      const region = taxonomies.find((t) => t.slug === 'region');
      const tag = taxonomies.find((t) => t.slug === 'tag');
      assert.ok(region && tag);
      await wiring.store.transaction(async (repos) => {
        let parentId: number | undefined;
        for (const name of ['World', 'Europe', 'Portugal']) {
          parentId = await addTerm(repos, {
            taxonomyId: region.id,
            slug: name.toLowerCase(),
            name,
            ...(parentId ? { parentId } : {}),
          });
          lineage.set(name.toLowerCase(), parentId);
        }
      });
      articleId = await addArticle(wiring, {
        slug: 'lisbon-port',
        title: 'Lisbon port',
        body: 'Ships.',
        publishedAt: '2026-11-01T10:00:00.000Z',
        terms: { region: ['Portugal'] },
      });
      const now = '2026-11-20T12:00:00.000Z';
      // Tags, and as many regions with no parent: the region tree is one of many terms.
      for (const [taxonomyId, prefix] of [
        [tag.id, 'tag'],
        [region.id, 'place'],
      ] as const)
        for (let from = 0; from < TAGS; from += 500) {
          await wiring.database.db
            .insertInto('terms')
            .values(
              Array.from({ length: 500 }, (_, i) => ({
                taxonomy_id: taxonomyId,
                slug: `${prefix}-${from + i}`,
                name: `${prefix} ${from + i}`,
                parent_id: null,
                description: null,
                position: 0,
                created_at: now,
                updated_at: now,
              })) as never,
            )
            .execute();
        }
    });
    after(async () => {
      await wiring.close();
      await database.drop();
    });

    /** The rows the SELECTs `work` sends read, each run again afterwards and its rows counted. */
    const rowsRead = async <T>(work: () => Promise<T>): Promise<{ result: T; rows: number }> => {
      seen = [];
      const result = await work();
      const queries = seen.filter((q) => /^\s*(select|with)/i.test(q.sql));
      seen = null;
      let rows = 0;
      for (const query of queries) rows += (await wiring.database.db.executeQuery(query)).rows.length;
      return { result, rows };
    };

    it('tells the hub of the feeds of a published article’s terms and their parents, reading only those terms', async () => {
      const pinger = new WebSubPinger(wiring, 'https://hub.example/');
      const { result: topics, rows } = await rowsRead(() => pinger.topicsForArticle(articleId));
      for (const slug of ['portugal', 'europe', 'world'])
        assert.ok(
          topics.some((topic) => topic.includes(`/region/${slug}/`)),
          `${slug}: ${topics.join(' ')}`,
        );
      assert.ok(rows < 40, `read ${rows} rows`);
    });

    it('works out the terms readers may see from the published ones and their parents, not from every term', async () => {
      const { result: listed, rows } = await rowsRead(() => SiteStructure.of(wiring).listedTermIds());
      assert.deepEqual(
        [...listed].sort((a, b) => a - b),
        [...lineage.values()].sort((a, b) => a - b),
      );
      assert.ok(rows < 40, `read ${rows} rows`);
    });

    it('moves an imported term under another parent checking for a cycle along that parent’s ancestors only', async () => {
      const region = (await wiring.store.taxonomies.listTaxonomies()).find((t) => t.slug === 'region');
      assert.ok(region);
      const { result: moved, rows } = await rowsRead(() =>
        wiring.store.transaction((repos) =>
          findOrCreateTerm(repos, region, { name: 'Portugal', parentName: 'World' }, wiring.now()),
        ),
      );
      assert.equal(moved.parentId, lineage.get('world'));
      assert.ok(rows < 40, `read ${rows} rows`);
      await assert.rejects(
        wiring.store.transaction((repos) =>
          findOrCreateTerm(repos, region, { name: 'World', parentName: 'Portugal' }, wiring.now()),
        ),
        (error: Error & { code?: string }) => error.code === 'TERM_CYCLE',
      );
    });
  });
}
