import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { SaxesParser } from 'saxes';
import { buildApp } from '../../src/app.ts';
import { FEED_ITEMS } from '../../src/services/discovery/feeds.ts';
import { sitemapFile, sitemapIndex } from '../../src/services/discovery/sitemaps.ts';
import { WebSubPinger } from '../../src/services/discovery/websub.ts';
import { updateSettings } from '../../src/services/settings.ts';
import { createWiring } from '../../src/wiring.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle, feedparse, hasFeedparser, toSeconds } from '../helpers/discovery-fixtures.ts';
import { atomProblems, jsonFeedProblems } from '../helpers/feed-schemas.ts';
import { skipUnlessCI } from '../helpers/prerequisites.ts';

// Where CI is set, a missing feedparser fails the file instead of weakening these checks.
const feedparserMissing = skipUnlessCI(hasFeedparser() ? undefined : 'python3-feedparser absent');

for (const kind of DATABASE_KINDS) {
  describe(`feeds and sitemaps on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;

    /** What a feed of the scope should hold: published articles, newest first, as the database has them. */
    async function expected(filter: { termSlug?: string; personSlug?: string } = {}) {
      const repos = t.wiring.store;
      let termIds: number[] | undefined;
      let personId: number | undefined;
      if (filter.termSlug) {
        const region = (await repos.taxonomies.listTaxonomies()).find((x) => x.slug === 'region')!;
        termIds = [(await repos.taxonomies.findTerm(region.id, filter.termSlug))!.id];
      }
      if (filter.personSlug) personId = (await repos.people.findBySlug(filter.personSlug))!.id;
      const { articles } = await repos.articles.listPublished({
        now: t.wiring.now().toISOString(),
        limit: FEED_ITEMS,
        offset: 0,
        ...(termIds ? { termIds } : {}),
        ...(personId !== undefined ? { personId } : {}),
      });
      return articles;
    }

    before(async () => {
      t = await createTestWiring(kind);
      const w = t.wiring;
      for (let i = 1; i <= 33; i++) {
        await addArticle(w, {
          slug: `bulk-${i}`,
          title: `Bulk article number ${i}`,
          body: `Paragraph ${i} about ports and trade.`,
          publishedAt: new Date(Date.UTC(2026, 8, i % 28 || 1, 8, i)).toISOString(),
          authors: ['Bulk Writer'],
          terms: { region: [i % 2 ? 'Africa' : 'Asia'] },
        });
      }
      await addArticle(w, {
        slug: 'law-and-order',
        title: 'Law & Order: <b>not</b> “bold” & free',
        summary: 'Courts, <script>, and the rule of law & its limits.',
        body: 'The **body** of a law article.\n\nSecond paragraph.',
        publishedAt: '2026-11-19T10:00:00.000Z',
        authors: ['Ana Reis', 'Tom Li'],
        terms: { region: ['Europe'], theme: ['Law and Justice'] },
        featuredImage: '/media/courthouse.jpg',
      });
      await addArticle(w, {
        slug: 'hidden-draft',
        title: 'Hidden draft',
        body: 'Not yet.',
        publishedAt: '2026-11-19T11:00:00.000Z',
        status: 'draft',
        authors: ['Ana Reis'],
        terms: { region: ['Europe'] },
      });
      await addArticle(w, {
        slug: 'scheduled-later',
        title: 'Scheduled for later',
        body: 'Later.',
        publishedAt: '2027-01-01T00:00:00.000Z',
        authors: ['Ana Reis'],
        terms: { region: ['Europe'] },
      });
      app = await buildApp(w, { shouldLog: false });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    for (const [file, type] of [
      ['/feed.xml', 'application/rss+xml'],
      ['/feed.atom', 'application/atom+xml'],
    ] as const) {
      test(`${file} parses in feedparser with the database's items, titles, links and dates`, async (c) => {
        if (feedparserMissing) return c.skip('python3-feedparser absent');
        const res = await app.inject(file);
        assert.equal(res.statusCode, 200);
        assert.match(res.headers['content-type'] as string, new RegExp(type.replace('+', '\\+')));
        const parsed = feedparse(res.body);
        assert.equal(parsed.bozo, false, parsed.bozoMessage);
        const articles = await expected();
        assert.equal(articles.length, FEED_ITEMS);
        assert.deepEqual(
          parsed.entries.map((e) => e.title),
          articles.map((a) => a.title),
        );
        assert.deepEqual(
          parsed.entries.map((e) => e.link),
          articles.map((a) => `https://review.example/articles/${a.slug}`),
        );
        assert.deepEqual(
          parsed.entries.map((e) => e.published),
          articles.map((a) => toSeconds(a.publishedAt!)),
        );
        if (file === '/feed.atom') {
          assert.deepEqual(
            parsed.entries.map((e) => e.updated),
            articles.map((a) => toSeconds(a.updatedAt)),
          );
        }
        const law = parsed.entries.find((e) => e.link.endsWith('/law-and-order'))!;
        assert.deepEqual(law.authors.slice(0, 2), ['Ana Reis', 'Tom Li']);
        assert.ok(law.tags.includes('Europe') && law.tags.includes('Law and Justice'), law.tags.join());
        assert.deepEqual(law.enclosures, ['https://review.example/media/courthouse.jpg']);
        assert.equal(law.hasContent, true);
      });
    }

    test('the Atom feed has every element RFC 4287 requires', async () => {
      const res = await app.inject('/feed.atom');
      assert.deepEqual(atomProblems(res.body), []);
      const term = await app.inject('/region/europe/feed.atom');
      assert.deepEqual(atomProblems(term.body), []);
    });

    test('the JSON Feed passes the 1.1 schema and lists what the database has', async () => {
      const res = await app.inject('/feed.json');
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /application\/feed\+json/);
      const feed = JSON.parse(res.body) as {
        items: {
          title: string;
          url: string;
          date_published: string;
          authors?: { name: string }[];
          image?: string;
        }[];
      };
      assert.deepEqual(jsonFeedProblems(feed), []);
      const articles = await expected();
      assert.deepEqual(
        feed.items.map((i) => [i.title, i.url, i.date_published]),
        articles.map((a) => [a.title, `https://review.example/articles/${a.slug}`, a.publishedAt]),
      );
      const law = feed.items.find((i) => i.url.endsWith('/law-and-order'))!;
      assert.deepEqual(
        law.authors?.map((a) => a.name),
        ['Ana Reis', 'Tom Li'],
      );
      assert.equal(law.image, 'https://review.example/media/courthouse.jpg');
    });

    test('term and author feeds hold only their articles; drafts and scheduled articles never appear', async (c) => {
      for (const [url, filter] of [
        ['/region/europe/feed.xml', { termSlug: 'europe' }],
        ['/authors/ana-reis/feed.atom', { personSlug: 'ana-reis' }],
        ['/region/africa/feed.atom', { termSlug: 'africa' }],
      ] as const) {
        const res = await app.inject(url);
        assert.equal(res.statusCode, 200, url);
        assert.doesNotMatch(res.body, /Hidden draft|Scheduled for later/);
        const articles = await expected(filter);
        if (feedparserMissing) {
          c.diagnostic('python3-feedparser absent: counted by pattern only');
          continue;
        }
        const parsed = feedparse(res.body);
        assert.equal(parsed.bozo, false, `${url}: ${parsed.bozoMessage}`);
        assert.deepEqual(
          parsed.entries.map((e) => e.title),
          articles.map((a) => a.title),
          url,
        );
      }
      const json = JSON.parse((await app.inject('/authors/ana-reis/feed.json')).body) as { items: unknown[] };
      assert.equal(json.items.length, 1);
      assert.deepEqual(jsonFeedProblems(json), []);
      assert.equal((await app.inject('/region/atlantis/feed.xml')).statusCode, 404);
      assert.equal((await app.inject('/authors/nobody/feed.xml')).statusCode, 404);
      assert.equal((await app.inject('/region/europe/feed.html')).statusCode, 404);
    });

    test('answers conditional GETs with 304 and changes the ETag when an article is published', async () => {
      const first = await app.inject('/feed.xml');
      const etag = first.headers.etag as string;
      const lastModified = first.headers['last-modified'] as string;
      assert.ok(etag && lastModified);
      assert.equal(
        (await app.inject({ url: '/feed.xml', headers: { 'if-none-match': etag } })).statusCode,
        304,
      );
      assert.equal(
        (await app.inject({ url: '/feed.xml', headers: { 'if-modified-since': lastModified } })).statusCode,
        304,
      );
      assert.equal(
        (
          await app.inject({
            url: '/feed.xml',
            headers: { 'if-modified-since': 'Tue, 01 Jan 2019 00:00:00 GMT' },
          })
        ).statusCode,
        200,
      );
      await addArticle(t.wiring, {
        slug: 'fresh-news',
        title: 'Fresh news',
        body: 'Just in.',
        publishedAt: '2026-11-20T11:00:00.000Z',
        authors: ['Ana Reis'],
        terms: { region: ['Europe'] },
      });
      const after = await app.inject({ url: '/feed.xml', headers: { 'if-none-match': etag } });
      assert.equal(after.statusCode, 200);
      assert.notEqual(after.headers.etag, etag);
      assert.match(after.body, /Fresh news/);
    });

    test('feeds and search read the HTML of the articles they show, never their Markdown', async () => {
      // A feed holds 30 bodies: reading each article's Markdown as well doubled what every
      // uncached feed moved out of the database (about 3.5 KB an article, more on PostgreSQL,
      // which must also unpack it).
      const seen: string[] = [];
      const observed = await createWiring({
        config: { ...t.wiring.config, cache: { ...t.wiring.config.cache, maxPages: 0 } },
        log: pino({ level: 'silent' }),
        now: t.wiring.now,
        shouldShareChanges: false,
        onQuery: (query) => {
          seen.push(query.sql);
        },
      });
      const observedApp = await buildApp(observed, { shouldLog: false });
      try {
        for (const url of [
          '/feed.xml',
          '/feed.atom',
          '/feed.json',
          '/region/europe/feed.xml',
          '/authors/ana-reis/feed.atom',
          '/search?q=ports',
        ]) {
          seen.length = 0;
          const res = await observedApp.inject(url);
          assert.equal(res.statusCode, 200, url);
          const articleReads = seen.filter((q) => /\bfrom "articles"/i.test(q));
          assert.ok(articleReads.length > 0, `${url} read no articles`);
          for (const q of articleReads) {
            assert.doesNotMatch(q, /select \*|body_markdown/i, `${url}: ${q}`);
          }
        }
        const search = await observedApp.inject('/search?q=ports');
        assert.match(search.body, /<mark>ports<\/mark>/i);
      } finally {
        await observedApp.close();
        await observed.close();
      }
    });

    test('sends summaries only when feed_full_text is off', async (c) => {
      await updateSettings(t.wiring, { feed_full_text: 'false' }, 'test');
      const rss = (await app.inject('/feed.xml')).body;
      assert.doesNotMatch(rss, /content:encoded/);
      const json = JSON.parse((await app.inject('/feed.json')).body) as { items: Record<string, unknown>[] };
      assert.ok(json.items.every((i) => i.content_html === undefined && typeof i.content_text === 'string'));
      assert.deepEqual(jsonFeedProblems(json), []);
      if (!feedparserMissing) assert.equal(feedparse(rss).bozo, false);
      else c.diagnostic('python3-feedparser absent');
      await updateSettings(t.wiring, { feed_full_text: 'true' }, 'test');
      assert.match((await app.inject('/feed.xml')).body, /content:encoded/);
    });

    test('full text travels as character data and reads back exactly, a stored "]]>" too', async () => {
      await addArticle(t.wiring, {
        slug: 'character-data',
        title: 'Character data',
        body: 'Placeholder.',
        publishedAt: '2026-11-20T11:30:00.000Z',
        authors: ['Ana Reis'],
      });
      // As an older version or a direct edit could have left it: markup, entities, a CDATA end.
      const stored =
        '<p>a ]]> b &amp; <em>c</em> x]]]]>y &lt;tag&gt; ]]</p><pre><code>if (a[b[0]]>1) {}</code></pre>';
      await t.wiring.database.db
        .updateTable('articles')
        .set({ body_html: stored })
        .where('slug', '=', 'character-data')
        .execute();
      for (const [url, item, content] of [
        ['/feed.xml', 'item', 'content:encoded'],
        ['/feed.atom', 'entry', 'content'],
      ] as const) {
        const fresh = await buildApp(t.wiring, { shouldLog: false });
        try {
          const res = await fresh.inject(url);
          assert.equal(res.statusCode, 200);
          assert.match(res.body, /<!\[CDATA\[/, `${url} holds character data`);
          // Read as any XML parser would, the item's content is the stored HTML, unchanged.
          const contents: string[] = [];
          let depth = 0;
          let inContent = false;
          let text = '';
          const parser = new SaxesParser({ xmlns: false });
          parser.on('opentag', (tag) => {
            if (tag.name === item) depth++;
            if (depth > 0 && tag.name === content) {
              inContent = true;
              text = '';
            }
          });
          parser.on('text', (chunk) => {
            if (inContent) text += chunk;
          });
          parser.on('cdata', (chunk) => {
            if (inContent) text += chunk;
          });
          parser.on('closetag', (tag) => {
            if (tag.name === content && inContent) {
              contents.push(text);
              inContent = false;
            }
            if (tag.name === item) depth--;
          });
          parser.write(res.body).close();
          assert.equal(contents[0], stored, url);
        } finally {
          await fresh.close();
        }
      }
    });

    test('pages announce their feeds with autodiscovery links', async () => {
      const home = (await app.inject('/')).body;
      assert.match(
        home,
        /<link rel="alternate" type="application\/rss\+xml" title="[^"]+" href="\/feed.xml">/,
      );
      assert.match(home, /<link rel="alternate" type="application\/atom\+xml" [^>]*href="\/feed.atom">/);
      assert.match(home, /<link rel="alternate" type="application\/feed\+json" [^>]*href="\/feed.json">/);
      const term = (await app.inject('/region/europe')).body;
      assert.match(term, /href="\/region\/europe\/feed.xml"/);
      const author = (await app.inject('/authors/ana-reis')).body;
      assert.match(author, /href="\/authors\/ana-reis\/feed.atom"/);
    });

    test('the sitemap index names a sitemap per kind and per month, and robots.txt names it', async () => {
      const index = (await app.inject('/sitemap.xml')).body;
      for (const part of ['pages', 'terms', 'authors', 'news', 'articles-2026-09', 'articles-2026-11']) {
        assert.match(index, new RegExp(`<loc>https://review.example/sitemaps/${part}.xml</loc>`), part);
      }
      const month = await app.inject('/sitemaps/articles-2026-11.xml');
      assert.equal(month.statusCode, 200);
      assert.match(month.body, /<loc>https:\/\/review.example\/articles\/law-and-order<\/loc>/);
      assert.doesNotMatch(month.body, /hidden-draft|scheduled-later/);
      assert.match(month.body, /<image:loc>https:\/\/review.example\/media\/courthouse.jpg<\/image:loc>/);
      const terms = (await app.inject('/sitemaps/terms.xml')).body;
      assert.match(terms, /\/region\/europe</);
      const authors = (await app.inject('/sitemaps/authors.xml')).body;
      assert.match(authors, /\/authors\/ana-reis</);
      assert.match((await app.inject('/sitemaps/pages.xml')).body, /<loc>https:\/\/review.example\/<\/loc>/);
      assert.equal((await app.inject('/sitemaps/articles-1999-01.xml')).statusCode, 404);
      assert.equal((await app.inject('/sitemaps/nonsense.xml')).statusCode, 404);
      const robots = (await app.inject('/robots.txt')).body;
      assert.match(robots, /^Sitemap: https:\/\/review.example\/sitemap.xml$/m);
      assert.match(robots, /^Sitemap: https:\/\/review.example\/sitemaps\/news.xml$/m);
    });

    test('splits a month into several sitemaps when it has more URLs than a file may hold', async () => {
      const index = await sitemapIndex(t.wiring, { maxUrls: 10 });
      assert.match(index, /articles-2026-09.xml/);
      assert.match(index, /articles-2026-09-4.xml/);
      assert.doesNotMatch(index, /articles-2026-09-5.xml/);
      const parts = await Promise.all(
        [
          'articles-2026-09.xml',
          'articles-2026-09-2.xml',
          'articles-2026-09-3.xml',
          'articles-2026-09-4.xml',
        ].map((name) => sitemapFile(t.wiring, name, { maxUrls: 10 })),
      );
      const urls = parts.flatMap((p) => [...(p ?? '').matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]));
      assert.equal(urls.length, 33);
      assert.equal(new Set(urls).size, 33);
    });

    test('the news sitemap lists only articles of the last two days', async () => {
      const news = (await app.inject('/sitemaps/news.xml')).body;
      assert.match(
        news,
        /<news:title>Law &amp; Order: &lt;b&gt;not&lt;\/b&gt; “bold” &amp; free<\/news:title>/,
      );
      assert.match(news, /fresh-news/);
      assert.doesNotMatch(news, /bulk-/);
      assert.match(news, /<news:publication_date>2026-11-19T10:00:00.000Z<\/news:publication_date>/);
    });

    test('pings the WebSub hub with the site, term and author feeds an article appears in', async () => {
      const posts: { url: string; body: string }[] = [];
      const pinger = new WebSubPinger(t.wiring, 'https://hub.example/', {
        post: async (url, init) => {
          posts.push({ url, body: init.body });
          return { ok: true, status: 202 };
        },
      });
      const law = (await t.wiring.store.articles.findBySlug('law-and-order'))!;
      await pinger.onChange({ kind: 'article', id: law.id, slugs: [law.slug] });
      assert.equal(await pinger.flush(), posts.length);
      const topics = posts.map((p) => new URLSearchParams(p.body).get('hub.url'));
      assert.ok(posts.every((p) => new URLSearchParams(p.body).get('hub.mode') === 'publish'));
      for (const topic of [
        'https://review.example/feed.xml',
        'https://review.example/feed.json',
        'https://review.example/region/europe/feed.atom',
        'https://review.example/theme/law-and-justice/feed.xml',
        'https://review.example/authors/tom-li/feed.xml',
      ]) {
        assert.ok(topics.includes(topic), topic);
      }
      const draft = (await t.wiring.store.articles.findBySlug('hidden-draft'))!;
      await pinger.onChange({ kind: 'article', id: draft.id, slugs: [draft.slug] });
      assert.equal(await pinger.flush(), 0);
    });
  });
}

for (const kind of DATABASE_KINDS) {
  test(`feeds escape markup and quotes in text and attributes, and leave plain values as they are, on ${kind}`, async () => {
    const t = await createTestWiring(kind);
    const app = await buildApp(t.wiring, { shouldLog: false });
    try {
      await addArticle(t.wiring, {
        slug: 'quoted-term',
        title: 'Plain title',
        body: 'Body.',
        publishedAt: '2026-11-19T10:00:00.000Z',
        authors: ['Ann "Quill" O’Neil & Co <x>'],
        terms: { theme: ['Say "when" & <go>'] },
      });
      const rss = (await app.inject('/feed.xml')).body;
      assert.match(rss, /<title>Plain title<\/title>/);
      assert.match(rss, /<dc:creator>Ann "Quill" O’Neil &amp; Co &lt;x&gt;<\/dc:creator>/);
      assert.match(rss, /<category domain="[^"]+">Say "when" &amp; &lt;go&gt;<\/category>/);
      const atom = (await app.inject('/feed.atom')).body;
      assert.match(
        atom,
        /<category label="Say &quot;when&quot; &amp; &lt;go&gt;" term="[^"&<>]+" scheme="[^"]+"\/>/,
      );
      assert.match(atom, /<name>Ann "Quill" O’Neil &amp; Co &lt;x&gt;<\/name>/);
      for (const body of [rss, atom]) {
        const parser = new SaxesParser();
        parser.write(body).close();
      }
    } finally {
      await app.close();
      await t.cleanup();
    }
  });
}
