import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listingScope } from '../../src/domain/listing.ts';
import type { ArticleRecord } from '../../src/domain/ports/article-store.ts';
import type { Store } from '../../src/domain/ports/store.ts';
import { parseSearchQuery } from '../../src/domain/search-query.ts';
import { createMemoryStore } from '../../src/services/testing/in-memory-store.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

// The services' unit tests run on the in-memory stores; these checks run the same calls on
// them and on the real repositories, so the two cannot drift apart unnoticed.

const AT = '2026-03-01T00:00:00.000Z';

function record(slug: string, overrides: Partial<ArticleRecord> = {}): ArticleRecord {
  return {
    slug,
    title: slug,
    subtitle: null,
    summary: null,
    epigraph: null,
    bodyMarkdown: '',
    bodyHtml: '',
    previewHtml: null,
    status: 'published',
    publishedAt: AT,
    createdAt: AT,
    updatedAt: AT,
    source: null,
    canonicalUrl: null,
    license: null,
    language: 'en',
    featuredImage: null,
    featuredImageAlt: null,
    seoTitle: null,
    seoDescription: null,
    socialImage: null,
    visibility: 'public',
    isFeatured: false,
    hasComments: true,
    wordCount: 0,
    version: 1,
    createdBy: null,
    ...overrides,
  };
}

const person = (slug: string, name: string) => ({
  slug,
  name,
  bio: null,
  bioHtml: null,
  email: null,
  website: null,
  links: [],
  photo: null,
  createdAt: AT,
  updatedAt: AT,
});

const KINDS = ['memory', ...DATABASE_KINDS] as const;

for (const kind of KINDS) {
  describe(`store contract on ${kind}`, () => {
    let store: Store;
    let wiring: TestWiring | undefined;

    before(async () => {
      if (kind === 'memory') {
        store = createMemoryStore();
      } else {
        wiring = await createTestWiring(kind);
        store = wiring.wiring.store;
      }
    });
    after(async () => {
      await wiring?.cleanup();
    });

    it("keeps related lists one at a time or many at once, each replacing the article's list", async () => {
      const a = await store.articles.insert(record('related-a', { status: 'draft', publishedAt: null }));
      const b = await store.articles.insert(record('related-b', { status: 'draft', publishedAt: null }));
      await store.related.put(a, { articleIds: [b], computedAt: AT });
      await store.related.putMany(
        new Map([
          [a, { articleIds: [b, 7, 9], computedAt: '2026-03-02T00:00:00.000Z' }],
          [b, { articleIds: [], computedAt: AT }],
        ]),
      );
      assert.deepEqual(await store.related.get(a), {
        articleIds: [b, 7, 9],
        computedAt: '2026-03-02T00:00:00.000Z',
      });
      assert.deepEqual(await store.related.get(b), { articleIds: [], computedAt: AT });
      await store.related.forget([a, b]);
      assert.equal(await store.related.get(a), undefined);
    });

    it('lists published articles newest first, filtered by term, person, feature and exclusion', async () => {
      const taxonomyId = await store.taxonomies.insertTaxonomy({
        slug: 'contract',
        name: 'Contract',
        pluralName: 'Contracts',
        isHierarchical: false,
        isMultiple: true,
        position: 99,
      });
      const term = await store.taxonomies.insertTerm(
        {
          taxonomyId,
          slug: 'kept',
          name: 'Kept',
          description: null,
          descriptionHtml: null,
          parentId: null,
          position: 0,
        },
        AT,
      );
      const ana = await store.people.insert(person('contract-ana', 'Contract Ana'));
      const old = await store.articles.insert(record('c-old', { publishedAt: '2026-01-01T00:00:00.000Z' }));
      const mid = await store.articles.insert(
        record('c-mid', { publishedAt: '2026-02-01T00:00:00.000Z', isFeatured: true }),
      );
      const recent = await store.articles.insert(
        record('c-new', { publishedAt: '2026-02-20T00:00:00.000Z' }),
      );
      await store.articles.insert(record('c-draft', { status: 'draft', publishedAt: null }));
      await store.articles.insert(record('c-later', { publishedAt: '2026-04-01T00:00:00.000Z' }));
      await store.articles.setTerms(old, [term]);
      await store.articles.setTerms(recent, [term]);
      await store.articles.setAuthors(mid, [ana]);
      // Written around article saves: listings are worked out again, as after an import.
      await store.listings.rebuild();
      const slugs = async (query: Partial<Parameters<Store['articles']['listPublished']>[0]>) => {
        const { articles } = await store.articles.listPublished({ now: AT, limit: 10, offset: 0, ...query });
        return articles.map((a) => a.slug);
      };
      assert.deepEqual(await slugs({}), ['c-new', 'c-mid', 'c-old']);
      assert.deepEqual(await slugs({ limit: 1, offset: 1 }), ['c-mid']);
      assert.deepEqual(await slugs({ termIds: [term] }), ['c-new', 'c-old']);
      assert.deepEqual(await slugs({ personId: ana }), ['c-mid']);
      assert.deepEqual(await slugs({ isFeatured: true }), ['c-mid']);
      assert.deepEqual(await slugs({ excludeIds: [recent] }), ['c-mid', 'c-old']);
      // Counts include every published article, the one dated later too (c-later).
      assert.deepEqual(await store.taxonomies.publishedCounts(), new Map([[term, 2]]));
      assert.equal((await store.listings.get(listingScope.person(ana))).count, 1);
      assert.equal((await store.listings.get(listingScope.site)).count, 4);
      assert.equal(await store.articles.update(mid, record('c-mid', { version: 2 }), 7), false);
      assert.equal(await store.articles.update(mid, record('c-mid', { version: 2 }), 1), true);
    });

    it('reads summaries (everything but the bodies) in the order asked, skipping unknown ids', async () => {
      const first = await store.articles.insert(
        record('c-summary-1', {
          bodyMarkdown: 'Some *text*',
          bodyHtml: '<p>Some <em>text</em></p>',
          summary: 'S',
        }),
      );
      const second = await store.articles.insert(record('c-summary-2', { bodyHtml: '<p>Other</p>' }));
      const summaries = await store.articles.findSummariesByIds([second, 999_999, first]);
      const full = await store.articles.findByIds([second, first]);
      assert.deepEqual(
        summaries,
        full.map(
          ({ bodyMarkdown: _markdown, bodyHtml: _html, previewHtml: _preview, ...summary }) => summary,
        ),
      );
      assert.equal('bodyHtml' in (summaries[0] ?? {}), false);
      assert.equal('previewHtml' in (summaries[0] ?? {}), false);
      assert.deepEqual(await store.articles.findSummariesByIds([]), []);
    });

    it('keeps the preview of a gated article, and hands it to reads for readers', async () => {
      const id = await store.articles.insert(
        record('c-preview', { visibility: 'members', bodyHtml: '<p>All</p>', previewHtml: '<p>Start</p>' }),
      );
      assert.equal((await store.articles.findById(id))?.previewHtml, '<p>Start</p>');
      const [forReaders] = await store.articles.findForReadersByIds([id]);
      assert.equal(forReaders?.previewHtml, '<p>Start</p>');
      assert.equal(forReaders?.visibility, 'members');
    });

    it('claims a due scheduled article once', async () => {
      const id = await store.articles.insert(
        record('c-scheduled', { status: 'scheduled', publishedAt: '2026-02-28T00:00:00.000Z' }),
      );
      assert.deepEqual(await store.articles.listDueScheduled(AT, 10), [
        { id, publishedAt: '2026-02-28T00:00:00.000Z' },
      ]);
      assert.deepEqual(
        await store.articles.listDueScheduled(AT, 10, { id, publishedAt: '2026-02-28T00:00:00.000Z' }),
        [],
      );
      assert.equal(await store.articles.claimDueScheduled(id, AT), true);
      assert.equal(await store.articles.claimDueScheduled(id, AT), false);
      assert.equal((await store.articles.findById(id))?.status, 'published');
    });

    it('hides a deleted article from every read, frees its slug, and brings it back under it', async () => {
      const id = await store.articles.insert(record('c-deleted', { status: 'draft', publishedAt: null }));
      const change = { status: 'draft' as const, publishedAt: null, updatedAt: AT };
      assert.equal(await store.articles.markDeleted(id, { ...change, version: 2, deletedAt: AT }, 5), false);
      assert.equal(await store.articles.markDeleted(id, { ...change, version: 2, deletedAt: AT }, 1), true);
      assert.equal(await store.articles.markDeleted(id, { ...change, version: 3, deletedAt: AT }, 2), false);
      assert.equal(await store.articles.findById(id), undefined);
      assert.equal(await store.articles.findBySlug('c-deleted'), undefined);
      assert.deepEqual(await store.articles.findByIds([id]), []);
      assert.deepEqual(await store.articles.findSummariesByIds([id]), []);
      assert.ok(!(await store.articles.listAll()).some((a) => a.id === id));
      const deleted = await store.articles.findDeleted(id);
      assert.equal(deleted?.article.slug, 'c-deleted');
      assert.equal(deleted?.article.version, 2);
      assert.equal(deleted?.deletedAt, AT);
      assert.deepEqual(
        (await store.articles.listDeleted(10)).map((d) => d.article.id),
        [id],
      );
      // The slug is free: another article takes it, and the deleted one cannot come back under it.
      const other = await store.articles.insert(record('c-deleted', { status: 'draft', publishedAt: null }));
      assert.equal((await store.articles.findBySlug('c-deleted'))?.id, other);
      await store.articles.update(
        other,
        record('c-other', { status: 'draft', publishedAt: null, version: 2 }),
        1,
      );
      const back = { ...change, slug: 'c-deleted', version: 3 };
      assert.equal(await store.articles.restoreDeleted(id, back, 1), false);
      assert.equal(await store.articles.restoreDeleted(id, back, 2), true);
      assert.equal((await store.articles.findBySlug('c-deleted'))?.id, id);
      assert.equal(await store.articles.findDeleted(id), undefined);
      assert.deepEqual(await store.articles.listDeleted(10), []);
    });

    it('records a gone address, leaving the redirects that led to it', async () => {
      await store.redirects.put({ fromPath: '/c/older', toPath: '/c/current', statusCode: 301 }, AT);
      await store.redirects.markGone('/c/current', AT);
      assert.deepEqual(await store.redirects.find('/c/current'), {
        fromPath: '/c/current',
        toPath: '',
        statusCode: 410,
      });
      assert.equal((await store.redirects.find('/c/older'))?.toPath, '/c/current');
      await store.redirects.put({ fromPath: '/c/current', toPath: '/c/elsewhere', statusCode: 301 }, AT);
      assert.equal((await store.redirects.find('/c/older'))?.toPath, '/c/elsewhere');
      assert.equal((await store.redirects.find('/c/current'))?.statusCode, 301);
      await store.redirects.remove('/c/current');
      assert.equal(await store.redirects.find('/c/current'), undefined);
    });

    it('finds people by name whatever the case, and lists them by name', async () => {
      await store.people.insert(person('c-zoe', 'Contract Zoë'));
      assert.equal((await store.people.findByName('contract ana'))?.slug, 'contract-ana');
      const names = (await store.people.list()).map((p) => p.name).filter((n) => n.startsWith('Contract'));
      assert.deepEqual(names, ['Contract Ana', 'Contract Zoë']);
    });

    it('repoints older redirects so none chains, lists revisions newest first, and finds one by id', async () => {
      await store.redirects.put({ fromPath: '/c/a', toPath: '/c/b', statusCode: 301 }, AT);
      await store.redirects.put({ fromPath: '/c/b', toPath: '/c/c', statusCode: 301 }, AT);
      assert.equal((await store.redirects.find('/c/a'))?.toPath, '/c/c');
      assert.equal((await store.redirects.find('/c/b'))?.toPath, '/c/c');
      await store.redirects.put({ fromPath: '/c/c', toPath: '/c/a', statusCode: 301 }, AT);
      assert.equal(await store.redirects.find('/c/a'), undefined);
      for (const version of [1, 2, 3]) {
        await store.revisions.add({
          entityType: 'page',
          entityId: 4242,
          version,
          actor: 'cli',
          note: null,
          snapshot: { version },
          createdAt: AT,
        });
      }
      const history = await store.revisions.list('page', 4242);
      assert.deepEqual(
        history.map((r) => [r.version, r.snapshot]),
        [
          [3, { version: 3 }],
          [2, { version: 2 }],
          [1, { version: 1 }],
        ],
      );
      const summaries = await store.revisions.listSummaries('page', 4242);
      assert.deepEqual(
        summaries.map((r) => [r.version, 'snapshot' in r]),
        [
          [3, false],
          [2, false],
          [1, false],
        ],
      );
      const oldest = summaries[2]!;
      assert.deepEqual((await store.revisions.find('page', 4242, oldest.id))?.snapshot, { version: 1 });
      assert.equal(await store.revisions.find('page', 4243, oldest.id), undefined, 'another entity’s');
      assert.equal(await store.revisions.find('article', 4242, oldest.id), undefined, 'another kind’s');
    });

    it('re-arms a job with the same key, cancels only pending ones, and gives up after the last attempt', async () => {
      const first = await store.jobs.put(
        { kind: 'c', dedupeKey: 'c:1', payload: { n: 1 }, runAt: AT, maxAttempts: 1 },
        AT,
      );
      const again = await store.jobs.put(
        { kind: 'c', dedupeKey: 'c:1', payload: { n: 2 }, runAt: AT, maxAttempts: 1 },
        AT,
      );
      assert.equal(again, first);
      assert.deepEqual((await store.jobs.findByKey('c:1'))?.payload, { n: 2 });
      const claimed = await store.jobs.claim(first, 'w', AT, '2026-03-01T00:05:00.000Z');
      assert.equal(claimed?.attempts, 1);
      assert.equal(await store.jobs.claim(first, 'other', AT, '2026-03-01T00:05:00.000Z'), undefined);
      await store.jobs.cancel('c:1');
      assert.equal((await store.jobs.findById(first))?.status, 'running');
      await store.jobs.fail(first, 'w', 'boom', '2026-03-01T00:10:00.000Z', AT);
      const failed = await store.jobs.findById(first);
      assert.equal(failed?.status, 'failed');
      assert.equal(failed?.lastError, 'boom');
    });

    it('undoes everything a failed transaction wrote', async () => {
      await assert.rejects(
        store.transaction(async (repos) => {
          await repos.people.insert(person('c-ghost', 'Contract Ghost'));
          throw new Error('stop');
        }),
        /stop/,
      );
      assert.equal(await store.people.findBySlug('c-ghost'), undefined);
    });

    it('searches the index by words and prefixes, title matches first', async () => {
      const doc = (articleId: number, title: string, body: string) => ({
        articleId,
        config: 'simple',
        title,
        subtitleSummary: '',
        body,
        people: '',
        terms: '',
        publishedAt: '2026-02-01T00:00:00.000Z',
        termIds: [],
        personIds: [],
      });
      const [a, b, c] = await Promise.all(
        ['c-s1', 'c-s2', 'c-s3'].map((slug) => store.articles.insert(record(slug))),
      );
      await store.search.put(doc(a as number, 'river ledger', 'nothing else'));
      await store.search.put(doc(b as number, 'budget', 'the river basin'));
      await store.search.put(doc(c as number, 'courts', 'justice'));
      const result = await store.search.search({
        query: parseSearchQuery('river'),
        configs: ['simple'],
        now: AT,
        limit: 10,
        offset: 0,
      });
      assert.deepEqual(
        result.hits.map((h) => [h.articleId, h.isTitleMatch]),
        [
          [a, true],
          [b, false],
        ],
      );
      const prefixed = await store.search.search({
        query: parseSearchQuery('jus*'),
        configs: ['simple'],
        now: AT,
        limit: 10,
        offset: 0,
      });
      assert.deepEqual(
        prefixed.hits.map((h) => h.articleId),
        [c],
      );
    });
  });
}
