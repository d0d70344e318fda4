import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { encodeListingPosition, listingScope } from '../../src/domain/listing.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { updateSettings } from '../../src/services/settings.ts';
import { addTerm, articleDraft } from '../../src/services/testing/fixtures.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const PAGE_SIZE = 3;

/** The slugs a listing page lists, in order (the featured and report blocks of home left out). */
function listedSlugs(body: string): string[] {
  const start = body.indexOf('id="latest-title"');
  const listing = body.slice(start === -1 ? 0 : start, body.indexOf('<footer'));
  return [...listing.matchAll(/class="card__title"><a href="\/articles\/([^"]+)"/g)].map((m) => m[1] ?? '');
}

function olderLink(body: string): string | undefined {
  return /<a rel="next" href="([^"]+)"/.exec(body)?.[1]?.replaceAll('&amp;', '&');
}

for (const kind of DATABASE_KINDS) {
  describe(`listing pages read by keyset on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    /** Every published article, as listings order them: newest first, the higher id first on a tie. */
    let articles: { slug: string; id: number; at: string; termIds: number[]; authorIds: number[] }[] = [];
    const ids = { theme: 0, europe: 0, portugal: 0, spain: 0, ana: 0, ben: 0 };

    before(async () => {
      t = await createTestWiring(kind, { now: NOW });
      await updateSettings(t.wiring, { page_size: String(PAGE_SIZE) }, 'test');
      const taxonomies = new Map(
        (await t.wiring.store.taxonomies.listTaxonomies()).map((x) => [x.slug, x.id]),
      );
      await t.wiring.store.transaction(async (repos) => {
        const person = (slug: string, name: string) =>
          repos.people.insert({
            slug,
            name,
            bio: null,
            bioHtml: null,
            email: null,
            website: null,
            links: [],
            photo: null,
            createdAt: NOW.toISOString(),
            updatedAt: NOW.toISOString(),
          });
        ids.ana = await person('ana-reis', 'Ana Reis');
        ids.ben = await person('ben-okafor', 'Ben Okafor');
        const region = taxonomies.get('region') ?? 0;
        ids.theme = await addTerm(repos, {
          taxonomyId: taxonomies.get('theme') ?? 0,
          slug: 'water',
          name: 'Water',
        });
        ids.europe = await addTerm(repos, { taxonomyId: region, slug: 'europe', name: 'Europe' });
        ids.portugal = await addTerm(repos, {
          taxonomyId: region,
          slug: 'portugal',
          name: 'Portugal',
          parentId: ids.europe,
        });
        ids.spain = await addTerm(repos, {
          taxonomyId: region,
          slug: 'spain',
          name: 'Spain',
          parentId: ids.europe,
        });
      });
      // 23 articles, three to a timestamp (ties), saved in an order unlike their dates; every
      // fourth is filed under both Portugal and Spain, some under Europe itself.
      for (let i = 0; i < 23; i++) {
        const n = (i * 7) % 23;
        const regions =
          n % 4 === 0
            ? [ids.portugal, ids.spain]
            : n % 4 === 1
              ? [ids.portugal]
              : n % 4 === 2
                ? [ids.spain]
                : [ids.europe];
        await saveArticle(
          t.wiring,
          articleDraft({
            slug: `story-${n}`,
            title: `Story ${n}`,
            status: 'published',
            publishedAt: new Date(Date.UTC(2026, 0, 1 + Math.floor(n / 3))).toISOString(),
            isFeatured: n === 22,
            authorIds: n % 5 === 0 ? [ids.ben, ids.ana] : [ids.ana],
            termIds: [ids.theme, ...regions],
          }),
          { actor: 'test' },
        );
      }
      // Neither dated later nor unpublished articles are listed, nor reachable by a cursor.
      await saveArticle(
        t.wiring,
        articleDraft({
          slug: 'next-year',
          title: 'Next year',
          status: 'published',
          publishedAt: '2027-01-01T00:00:00.000Z',
          authorIds: [ids.ana],
          termIds: [ids.theme],
        }),
        { actor: 'test' },
      );
      for (let n = 0; n < 23; n++) {
        const article = await t.wiring.store.articles.findBySlug(`story-${n}`);
        assert.ok(article?.publishedAt);
        articles.push({
          slug: article.slug,
          id: article.id,
          at: article.publishedAt,
          termIds: article.termIds,
          authorIds: article.authorIds,
        });
      }
      articles = articles.sort((a, b) => (a.at === b.at ? b.id - a.id : a.at < b.at ? 1 : -1));
      app = await buildApp(t.wiring, { shouldLog: false });
    });
    after(async () => {
      await app?.close();
      await t?.cleanup();
    });

    /** Follows "Older" from the first page to the end; returns what each page listed. */
    async function follow(first: string): Promise<{ slugs: string[]; pages: string[] }> {
      const slugs: string[] = [];
      const pages: string[] = [];
      let url: string | undefined = first;
      while (url) {
        assert.ok(pages.length < 20, 'the pages never end');
        const response: { statusCode: number; body: string } = await app.inject({ method: 'GET', url });
        assert.equal(response.statusCode, 200, `${url}: ${response.body.slice(0, 300)}`);
        assert.match(response.body, new RegExp(`Page ${pages.length + 1} of`));
        slugs.push(...listedSlugs(response.body));
        pages.push(url);
        url = olderLink(response.body);
        if (url) assert.match(url, new RegExp(`\\?page=${pages.length + 1}&after=[\\w-]+$`));
      }
      return { slugs, pages };
    }

    test('following "Older" through a term visits every article once, in order, ties included', async () => {
      const { slugs, pages } = await follow('/theme/water');
      assert.deepEqual(
        slugs,
        articles.map((a) => a.slug),
      );
      assert.equal(pages.length, Math.ceil(articles.length / PAGE_SIZE));
      // The pages read by keyset hold what the numbered pages hold.
      for (const [index, url] of pages.entries()) {
        const numbered = await app.inject({ method: 'GET', url: `/theme/water?page=${index + 1}` });
        const byCursor = await app.inject({ method: 'GET', url });
        assert.deepEqual(listedSlugs(byCursor.body), listedSlugs(numbered.body), url);
      }
    });

    test('a term with sub-terms lists an article filed under two of them once', async () => {
      const { slugs } = await follow('/region/europe');
      assert.deepEqual(
        slugs,
        articles.map((a) => a.slug),
      );
      const { slugs: portugal } = await follow('/region/portugal');
      assert.deepEqual(
        portugal,
        articles.filter((a) => a.termIds.includes(ids.portugal)).map((a) => a.slug),
      );
    });

    test('an author page and the home page are followed to the end the same way', async () => {
      const { slugs: ben } = await follow('/authors/ben-okafor');
      assert.deepEqual(
        ben,
        articles.filter((a) => a.authorIds.includes(ids.ben)).map((a) => a.slug),
      );
      const { slugs: home } = await follow('/');
      // The first page leaves out the newest article, featured above it; from there on every
      // article comes once (numbered pages, counted from the top, would repeat one).
      assert.deepEqual(
        home,
        articles.filter((a) => a.slug !== 'story-22').map((a) => a.slug),
      );
    });

    test('a page read by keyset is cached under its one URL and names itself canonical', async () => {
      const second = olderLink((await app.inject({ method: 'GET', url: '/theme/water' })).body);
      assert.ok(second);
      const first = await app.inject({ method: 'GET', url: second });
      const again = await app.inject({ method: 'GET', url: second });
      assert.equal(again.headers.etag, first.headers.etag);
      assert.ok(
        first.body.includes(
          `<link rel="canonical" href="https://review.example${second.replace('&', '&amp;')}">`,
        ),
      );
      assert.match(first.body, /<a rel="prev" href="\/theme\/water">/);
    });

    test('a listing counts its articles up to now: one dated later is left out of every count', async () => {
      const now = '2026-11-20T12:00:00.000Z';
      const counts = t.wiring.store.listings;
      assert.equal((await counts.get(listingScope.site, now)).count, 23);
      assert.equal((await counts.get(listingScope.term(ids.theme), now)).count, 23);
      assert.equal((await counts.get(listingScope.person(ids.ana), now)).count, 23);
      assert.equal((await counts.get(listingScope.term(ids.theme))).count, 24, 'without a time, all');
    });

    test('a forged, mistyped or foreign cursor is a 400 naming the page, never a 500', async () => {
      const [newest, second] = articles;
      assert.ok(newest && second);
      const future = { at: '2027-01-01T00:00:00.000Z', id: newest.id };
      const europeOnly = articles.find(
        (a) => a.termIds.includes(ids.europe) && !a.termIds.includes(ids.portugal),
      );
      assert.ok(europeOnly);
      const cursors = [
        'not-a-cursor',
        '',
        `${encodeListingPosition(second)}=`,
        encodeListingPosition({ at: second.at, id: 999_999 }),
        encodeListingPosition({ at: '2026-01-05T00:00:00.000Z', id: second.id }),
        encodeListingPosition({ at: "x' OR 1=1 --", id: second.id }),
        encodeListingPosition(future),
      ];
      for (const cursor of cursors) {
        const response = await app.inject({ method: 'GET', url: `/theme/water?page=2&after=${cursor}` });
        assert.equal(response.statusCode, 400, `${cursor}: ${response.statusCode}`);
        assert.match(response.body, /This link to page 2 does not name a place in this listing/);
      }
      const overlong = await app.inject({
        method: 'GET',
        url: `/theme/water?page=2&after=${'A'.repeat(300)}`,
      });
      assert.equal(overlong.statusCode, 400);
      assert.match(overlong.body, /after must NOT have more than 200 characters/);
      // A real position of another listing.
      const foreign = await app.inject({
        method: 'GET',
        url: `/region/portugal?page=2&after=${encodeListingPosition(europeOnly)}`,
      });
      assert.equal(foreign.statusCode, 400);
      // A cursor leads to page 2 or later; the first page has no position to start from.
      const onFirst = await app.inject({
        method: 'GET',
        url: `/theme/water?page=1&after=${encodeListingPosition(second)}`,
      });
      assert.equal(onFirst.statusCode, 400);
      const twice = await app.inject({
        method: 'GET',
        url: `/authors/ana-reis?page=2&after=${encodeListingPosition(second)}&after=${encodeListingPosition(newest)}`,
      });
      assert.equal(twice.statusCode, 400);
      const onHome = await app.inject({ method: 'GET', url: '/?page=2&after=%00' });
      assert.equal(onHome.statusCode, 400);
    });

    test('a cursor past the end is the same 404 as a page past the end', async () => {
      const oldest = articles.at(-1);
      assert.ok(oldest);
      const past = await app.inject({
        method: 'GET',
        url: `/theme/water?page=3&after=${encodeListingPosition(oldest)}`,
      });
      assert.equal(past.statusCode, 404);
      const numbered = await app.inject({ method: 'GET', url: '/theme/water?page=99' });
      assert.equal(numbered.statusCode, 404);
      assert.equal(past.body.replace(/req-[\w-]+/g, ''), numbered.body.replace(/req-[\w-]+/g, ''));
    });
  });
}
