import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { draftOf, saveArticle } from '../../src/services/articles.ts';
import { rebuildSearchIndex, Search } from '../../src/services/discovery/search.ts';
import { SEARCH_TUNING } from '../../src/storage/search-index.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';

for (const kind of DATABASE_KINDS) {
  describe(`search on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let search: Search;
    const titles = async (q: string, extra: Record<string, unknown> = {}) =>
      (await search.search({ q, ...extra })).results.map((r) => r.card.article.slug);

    before(async () => {
      t = await createTestWiring(kind);
      const w = t.wiring;
      await addArticle(w, {
        slug: 'aquifer-title',
        title: 'The aquifer accounts',
        body: 'A short text about budgets.',
        publishedAt: '2026-10-01T09:00:00.000Z',
        authors: ['Ana Reis'],
        terms: { region: ['Europe'], theme: ['Water'] },
      });
      await addArticle(w, {
        slug: 'aquifer-body',
        title: 'Budget season',
        body: 'The aquifer, the aquifer and again the aquifer: every paragraph mentions the aquifer.',
        publishedAt: '2026-11-01T09:00:00.000Z',
        authors: ['Tom Li'],
        terms: { region: ['Asia'], theme: ['Water'] },
      });
      for (const [slug, date] of [
        ['tie-old', '2026-01-01T00:00:00.000Z'],
        ['tie-new', '2026-06-01T00:00:00.000Z'],
      ]) {
        await addArticle(w, {
          slug: slug!,
          title: 'Identical headline',
          body: 'Zanzibar cloves and trade winds.',
          publishedAt: date!,
          authors: ['Ana Reis'],
        });
      }
      await addArticle(w, {
        slug: 'phrase-yes',
        title: 'Notes',
        body: 'The water ledger was closed in spring.',
        publishedAt: '2026-09-01T09:00:00.000Z',
        authors: ['Tom Li'],
      });
      await addArticle(w, {
        slug: 'phrase-no',
        title: 'Other notes',
        body: 'The ledger of the water board was open.',
        publishedAt: '2026-09-02T09:00:00.000Z',
        authors: ['Tom Li'],
      });
      await addArticle(w, {
        slug: 'cafe',
        title: 'Café society in São Paulo',
        body: 'Économie des cafés, naïve résumés.',
        publishedAt: '2026-08-01T09:00:00.000Z',
        authors: ['José Núñez'],
        terms: { region: ['South America'] },
      });
      await addArticle(w, {
        slug: 'moscow',
        title: 'Москва и вода',
        body: 'Статья о реке Москве.',
        publishedAt: '2026-08-02T09:00:00.000Z',
        authors: ['Иван Петров'],
        language: 'ru',
      });
      await addArticle(w, {
        slug: 'athens',
        title: 'Η Αθήνα και το νερό',
        body: 'Άρθρο για την Αθήνα.',
        publishedAt: '2026-08-03T09:00:00.000Z',
        authors: ['Ana Reis'],
        language: 'el',
      });
      await addArticle(w, {
        slug: 'secret-draft',
        title: 'Aquifer secret draft',
        body: 'aquifer aquifer',
        publishedAt: '2026-11-01T09:00:00.000Z',
        status: 'draft',
        authors: ['Ana Reis'],
      });
      await addArticle(w, {
        slug: 'aquifer-future',
        title: 'Aquifer of the future',
        body: 'aquifer',
        publishedAt: '2027-03-01T09:00:00.000Z',
        authors: ['Ana Reis'],
      });
      search = new Search(w);
      app = await buildApp(w, { shouldLog: false });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('ranks title matches above body matches, and newer above older when relevance ties', async () => {
      assert.deepEqual(await titles('aquifer'), ['aquifer-title', 'aquifer-body']);
      assert.deepEqual(await titles('zanzibar'), ['tie-new', 'tie-old']);
      assert.deepEqual(await titles('identical headline'), ['tie-new', 'tie-old']);
    });

    test('never shows drafts or articles scheduled for later', async () => {
      const slugs = await titles('aquifer');
      assert.ok(!slugs.includes('secret-draft') && !slugs.includes('aquifer-future'));
      assert.deepEqual(await titles('secret'), []);
    });

    test('matches quoted phrases only in that order', async () => {
      assert.deepEqual(await titles('"water ledger"'), ['phrase-yes']);
      assert.deepEqual((await titles('water ledger')).sort(), ['phrase-no', 'phrase-yes']);
    });

    test('matches the beginning of words ending with *', async () => {
      assert.deepEqual(await titles('aqui*'), ['aquifer-title', 'aquifer-body']);
      assert.deepEqual(await titles('aqui'), []);
      assert.deepEqual(await titles('zanz*'), ['tie-new', 'tie-old']);
    });

    test('stems words in the article language', async () => {
      assert.deepEqual(await titles('ledgers'), kind === 'postgres' ? ['phrase-no', 'phrase-yes'] : []);
    });

    test('filters by term (with descendants), author and date range', async () => {
      assert.deepEqual(await titles('aquifer', { terms: { region: 'asia' } }), ['aquifer-body']);
      assert.deepEqual(await titles('aquifer', { terms: { theme: 'water' } }), [
        'aquifer-title',
        'aquifer-body',
      ]);
      assert.deepEqual(await titles('aquifer', { author: 'ana-reis' }), ['aquifer-title']);
      assert.deepEqual(await titles('aquifer', { from: '2026-10-15', to: '2026-11-01' }), ['aquifer-body']);
      assert.deepEqual(await titles('aquifer', { to: '2026-10-01' }), ['aquifer-title']);
      const unknown = await search.search({ q: 'aquifer', terms: { region: 'atlantis' } });
      assert.equal(unknown.results.length, 0);
      assert.match(unknown.message ?? '', /no region called “atlantis”/);
      await assert.rejects(search.search({ q: 'aquifer', from: '2026-13-45' }), /YYYY-MM-DD/);
    });

    test('finds words with or without accents, and in non-Latin scripts', async () => {
      assert.deepEqual(await titles('cafe'), ['cafe']);
      assert.deepEqual(await titles('CAFÉ'), ['cafe']);
      assert.deepEqual(await titles('sao paulo'), ['cafe']);
      assert.deepEqual(await titles('nunez'), ['cafe']);
      assert.deepEqual(await titles('naive'), ['cafe']);
      assert.deepEqual(await titles('Москва'), ['moscow']);
      assert.deepEqual(await titles('петров'), ['moscow']);
      assert.deepEqual(await titles('Αθήνα'), ['athens']);
      assert.deepEqual(await titles('αθηνα'), ['athens']);
    });

    test('highlights the matched words in snippets', async () => {
      const [first] = (await search.search({ q: 'aquifer' })).results;
      assert.ok(first);
      const outcome = await search.search({ q: 'aquifer', author: 'tom-li' });
      const marked = outcome.results[0]?.snippet.filter((p) => p.isMatch).map((p) => p.text);
      assert.deepEqual([...new Set(marked)], ['aquifer']);
      const res = await app.inject('/search?q=aquifer');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<mark>aquifer<\/mark>/);
      assert.match(res.body, /2 articles found/);
    });

    test('pages through results', async () => {
      const first = await search.search({ q: 'aquifer', pageSize: 1 });
      const second = await search.search({ q: 'aquifer', pageSize: 1, page: 2 });
      assert.equal(first.pagination.pageCount, 2);
      assert.equal(first.results[0]?.card.article.slug, 'aquifer-title');
      assert.equal(second.results[0]?.card.article.slug, 'aquifer-body');
      const page2 = await app.inject('/api/search?q=aquifer&page=2');
      assert.equal(JSON.parse(page2.body).results.length, 0);
    });

    test('answers hostile queries with results or a clear message, never a server error', async () => {
      const articlesBefore = await t.wiring.store.articles.count();
      const hostile = [
        "'; DROP TABLE articles; --",
        '" OR 1=1 --',
        'aquifer) OR (1=1',
        'NEAR(aquifer budget) AND NOT OR',
        '{title}: aquifer ^ - + : * ""',
        'aquifer:* & !budget | <-> \\',
        '***',
        '"unbalanced quote aquifer',
        '%00\u0000\u202e',
        'title:aquifer',
        'x'.repeat(10_000),
        'aquifer '.repeat(1_000),
      ];
      for (const q of hostile) {
        for (const path of ['/search', '/api/search']) {
          const res = await app.inject({ url: path, query: { q } });
          assert.ok(
            res.statusCode === 200 || res.statusCode === 400,
            `${path} ${q.slice(0, 40)}: ${res.statusCode}`,
          );
          if (res.statusCode === 400) {
            // Too long, or holding a NUL (refused for every route before search sees it).
            const expected = q.includes('\u0000') ? /NUL character/ : /limited to 500 characters/;
            if (path === '/api/search') assert.match(JSON.parse(res.body).message, expected);
            else assert.match(res.body, expected);
          }
        }
      }
      // Brackets and OR are not operators here: every word must match, and no article has a "1".
      assert.deepEqual(await titles('aquifer) OR (1=1'), []);
      assert.deepEqual(await titles('aquifer*'), ['aquifer-title', 'aquifer-body']);
      assert.equal(await t.wiring.store.articles.count(), articlesBefore, 'no query changed the archive');
      const json = JSON.parse(
        (await app.inject({ url: '/api/search', query: { q: '"unbalanced quote aquifer' } })).body,
      );
      assert.equal(json.total, 0);
      const api = JSON.parse((await app.inject({ url: '/api/search', query: { q: 'aquifer' } })).body);
      assert.deepEqual(
        api.results.map((r: { url: string }) => r.url),
        ['https://review.example/articles/aquifer-title', 'https://review.example/articles/aquifer-body'],
      );
      assert.match(api.results[1].snippetHtml, /<mark>aquifer<\/mark>/i);
    });

    test('keeps the index in step with publish, edit and unpublish, and rebuilds it', async () => {
      const id = await addArticle(t.wiring, {
        slug: 'kept-in-step',
        title: 'Quetzal migration',
        body: 'Birds.',
        publishedAt: '2026-11-10T09:00:00.000Z',
        authors: ['Ana Reis'],
      });
      assert.deepEqual(await titles('quetzal'), ['kept-in-step']);
      const article = (await t.wiring.store.articles.findById(id))!;
      await saveArticle(t.wiring, { ...draftOf(article), title: 'Toucan migration' }, { actor: 'test', id });
      assert.deepEqual(await titles('quetzal'), []);
      assert.deepEqual(await titles('toucan'), ['kept-in-step']);
      const edited = (await t.wiring.store.articles.findById(id))!;
      await saveArticle(t.wiring, { ...draftOf(edited), status: 'unpublished' }, { actor: 'test', id });
      assert.deepEqual(await titles('toucan'), []);
      const before = await t.wiring.store.search.count();
      await t.wiring.store.transaction((repos) => repos.search.clear());
      assert.deepEqual(await titles('aquifer'), []);
      const { indexed } = await rebuildSearchIndex(t.wiring);
      assert.equal(indexed, before);
      assert.deepEqual(await titles('aquifer'), ['aquifer-title', 'aquifer-body']);
    });

    test('with more matches than it ranks, pages on through older matches', async () => {
      for (let i = 1; i <= 7; i++) {
        await addArticle(t.wiring, {
          slug: `pangolin-${i}`,
          title: i % 3 === 0 ? `Pangolin ${i}` : `Scales ${i}`,
          body: 'The pangolin walks.',
          publishedAt: i === 7 ? '2027-01-01T00:00:00.000Z' : `2026-07-0${i}T00:00:00.000Z`,
          authors: [i % 2 ? 'Ana Reis' : 'Tom Li'],
        });
      }
      const everything = (await search.search({ q: 'pangolin', pageSize: 50 })).results.map(
        (r) => r.card.article.slug,
      );
      assert.equal(everything.length, 6);
      const before = { ...SEARCH_TUNING };
      Object.assign(SEARCH_TUNING, {
        rankedCandidates: 2,
        postgresRankedCandidates: 2,
        postgresCountLimit: 4,
      });
      try {
        const first = await search.search({ q: 'pangolin', pageSize: 2 });
        assert.ok(first.pagination.total >= 2);
        if (first.isTotalExact) assert.equal(first.pagination.total, 6);
        const seen: string[] = [];
        for (let page = 1; page <= 4; page++) {
          const outcome = await search.search({ q: 'pangolin', pageSize: 2, page });
          seen.push(...outcome.results.map((r) => r.card.article.slug));
        }
        assert.deepEqual([...seen].sort(), [...everything].sort());
        assert.ok(!seen.includes('pangolin-7'));
        const dated: string[] = [];
        for (let page = 1; page <= 3; page++) {
          const outcome = await search.search({ q: 'pangolin', from: '2026-07-02', pageSize: 2, page });
          dated.push(...outcome.results.map((r) => r.card.article.slug));
        }
        assert.deepEqual(dated.sort(), [
          'pangolin-2',
          'pangolin-3',
          'pangolin-4',
          'pangolin-5',
          'pangolin-6',
        ]);
        const byAuthor = await search.search({ q: 'pangolin', author: 'tom-li', pageSize: 50 });
        assert.deepEqual(byAuthor.results.map((r) => r.card.article.slug).sort(), [
          'pangolin-2',
          'pangolin-4',
          'pangolin-6',
        ]);
      } finally {
        Object.assign(SEARCH_TUNING, before);
      }
    });

    test('suggests related articles by shared terms and words', async () => {
      const article = (await t.wiring.store.articles.findBySlug('aquifer-title'))!;
      const id = article.id;
      const related = await search.related(article);
      assert.equal(related[0]?.article.slug, 'aquifer-body');
      assert.ok(related.every((c) => c.article.status === 'published' && c.article.id !== id));
      const page = await app.inject('/articles/aquifer-title');
      assert.match(page.body, /Related articles[\s\S]*href="\/articles\/aquifer-body"/);
    });
  });
}
