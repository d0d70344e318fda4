import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { draftOf, saveArticle } from '../../src/services/articles.ts';
import { seedDemo } from '../../src/services/demo.ts';
import { pastedHtmlToMarkdown } from '../../src/services/newsroom/paste-html.ts';
import { updateSettings } from '../../src/services/settings.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

/** Positions of each marker in the page; -1 where missing. */
function positions(body: string, markers: string[]): number[] {
  return markers.map((m) => body.indexOf(m));
}

for (const kind of DATABASE_KINDS) {
  describe(`reader site on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    before(async () => {
      t = await createTestWiring(kind);
      const report = await seedDemo(t.wiring);
      assert.equal(report.failed, 0, JSON.stringify(report.outcomes.filter((o) => o.status === 'failed')));
      app = await buildApp(t.wiring, { shouldLog: false });
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    test('the demo publication fills the home page', async () => {
      const res = await app.inject('/');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<title>The Meridian Review<\/title>/);
      assert.match(res.body, /Featured/);
      assert.match(res.body, /In-depth Report: <a href="\/report\/the-water-ledger">The Water Ledger<\/a>/);
      assert.match(res.headers['content-security-policy'] as string, /script-src 'self'/);
    });

    test('an article page shows every element of the reference page in order', async () => {
      const res = await app.inject('/articles/velmar-basin-water-accounts');
      assert.equal(res.statusCode, 200);
      const body = res.body;
      const order = positions(body, [
        'class="article__title"',
        'class="byline">By <a rel="author" href="/authors/nadia-korvell">Nadia Korvell</a>',
        'class="publication">The Meridian Review',
        '<time datetime="2026-10-09T08:30:00.000Z">',
        '<dt>Region:</dt>',
        '<dt>Theme:</dt>',
        '<dt>In-depth Report:</dt>',
        'class="epigraph"',
        'class="article__body"',
        'class="separator"',
        'class="note-to-readers"',
        'class="author-blurb"',
        'The original source of this article is',
        'Copyright ©',
        'class="article__links"',
        'Articles by: <a href="/authors/nadia-korvell">',
        'About the author',
        '>Disclaimer<',
        '>Republishing<',
        '>Fair use notice<',
        '>Media inquiries<',
      ]);
      assert.ok(
        order.every((p) => p >= 0),
        `missing element at index ${order.indexOf(-1)}`,
      );
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
        'elements are out of order',
      );
      assert.match(
        body,
        /<link rel="canonical" href="https:\/\/review.example\/articles\/velmar-basin-water-accounts">/,
      );
      assert.match(body, /<meta property="og:type" content="article">/);
      assert.match(body, /<meta name="twitter:card"/);
      const jsonLd = JSON.parse(
        /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(body)?.[1] ?? '{}',
      );
      assert.equal(jsonLd['@type'], 'NewsArticle');
      assert.equal(jsonLd.author[0].name, 'Nadia Korvell');
      assert.equal(jsonLd.publisher.name, 'The Meridian Review');
      assert.ok(jsonLd.articleSection.includes('The Water Ledger'));
      for (const network of [
        'mailto:?subject=',
        '/share/mastodon?text=',
        'bsky.app',
        'x.com/intent',
        'facebook.com/sharer',
        't.me/share',
        'wa.me',
        'linkedin.com/sharing',
      ]) {
        assert.ok(body.includes(network), `share link ${network}`);
      }
    });

    test('a republished article points its canonical link and attribution at the original', async () => {
      const res = await app.inject('/articles/municipal-broadband-after-the-pilot');
      assert.equal(res.statusCode, 200);
      const canonical = /<link rel="canonical" href="([^"]+)">/.exec(res.body)?.[1];
      assert.match(canonical ?? '', /^https:\/\/example\.org\/harbour-quarterly\//);
      assert.match(
        res.body,
        /The original source of this article is <a href="https:\/\/example\.org\/harbour-quarterly\/[^"]+" rel="noopener">The Harbour Quarterly<\/a>/,
      );
    });

    test('term pages list their articles and a parent region includes its children', async () => {
      const africa = await app.inject('/region/africa');
      assert.equal(africa.statusCode, 200);
      assert.match(africa.body, /<a href="\/region\/east-africa">East Africa<\/a>/);
      assert.match(africa.body, /velmar-basin-water-accounts/);
      const theme = await app.inject('/theme/law-and-justice');
      assert.match(theme.body, /the-adjournment-economy/);
      assert.equal((await app.inject('/theme')).statusCode, 200);
    });

    test('author pages show the bio and the articles by the author', async () => {
      const res = await app.inject('/authors/nadia-korvell');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Articles by Nadia Korvell/);
      assert.match(res.body, /velmar-basin-water-accounts/);
      assert.match(res.body, /senior editor/);
    });

    test('static pages and the 404 page render in the site layout', async () => {
      assert.equal((await app.inject('/about')).statusCode, 200);
      const missing = await app.inject('/no-such-page');
      assert.equal(missing.statusCode, 404);
      assert.match(missing.body, /Page not found/);
      assert.match(missing.body, /<nav class="site-nav"/);
      assert.equal((await app.inject('/articles/no-such-article')).statusCode, 404);
    });

    test('bad query parameters get a clear 400 page, and the API answers JSON', async () => {
      const res = await app.inject('/?page=abc');
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /page/);
      assert.doesNotMatch(res.body, /at .*\.ts:\d+/);
      const api = await app.inject({ url: '/?page=0', headers: { accept: 'application/json' } });
      assert.equal(api.statusCode, 400);
      assert.equal(api.json().code, 'VALIDATION_FAILED');
    });

    test('answers 304 when the browser has the current page', async () => {
      const first = await app.inject('/articles/the-adjournment-economy');
      const etag = first.headers.etag as string;
      assert.ok(etag);
      const second = await app.inject({
        url: '/articles/the-adjournment-economy',
        headers: { 'if-none-match': etag },
      });
      assert.equal(second.statusCode, 304);
    });

    test('an edit shows at once, and a renamed slug redirects with 301', async () => {
      await app.inject('/articles/shade-as-infrastructure');
      const article = (await t.wiring.store.articles.findBySlug('shade-as-infrastructure'))!;
      await saveArticle(
        t.wiring,
        { ...draftOf(article), title: 'Shade <b>Is</b> Infrastructure', slug: 'shade-is-infrastructure' },
        { actor: 'test', id: article.id },
      );
      const moved = await app.inject('/articles/shade-as-infrastructure');
      assert.equal(moved.statusCode, 301);
      assert.equal(moved.headers.location, '/articles/shade-is-infrastructure');
      const page = await app.inject('/articles/shade-is-infrastructure');
      assert.match(page.body, /<h1 class="article__title">Shade &lt;b&gt;Is&lt;\/b&gt; Infrastructure<\/h1>/);
      const home = await app.inject('/');
      assert.match(home.body, /shade-is-infrastructure/);
    });

    test('a pasted superscript, subscript and struck-through word show on the article page', async () => {
      assert.equal((await app.inject('/articles/shade-is-infrastructure')).statusCode, 200);
      const article = (await t.wiring.store.articles.findBySlug('shade-is-infrastructure'))!;
      const pasted = pastedHtmlToMarkdown(
        '<p>CO<sub>2</sub> at 10<span style="vertical-align:super">6</span> tonnes, <s>estimated</s> measured.</p>',
      );
      await saveArticle(
        t.wiring,
        { ...draftOf(article), bodyMarkdown: pasted },
        { actor: 'test', id: article.id },
      );
      const page = await app.inject('/articles/shade-is-infrastructure');
      assert.match(
        page.body,
        /<p>CO<sub>2<\/sub> at 10<sup>6<\/sup> tonnes, <s>estimated<\/s> measured\.<\/p>/,
      );
    });

    test('site-wide texts come from settings, and a change shows at once', async () => {
      await app.inject('/articles/the-adjournment-economy');
      await updateSettings(t.wiring, { disclaimer: 'A brand new disclaimer text.' }, 'test');
      const res = await app.inject('/articles/the-adjournment-economy');
      assert.match(res.body, /A brand new disclaimer text\./);
    });

    test('the Mastodon share form sends the reader to their own server', async () => {
      const form = await app.inject('/share/mastodon?text=Hello');
      assert.equal(form.statusCode, 200);
      // What a browser sends when the reader submits our own form.
      const fromForm = { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'navigate' };
      for (const typed of [
        'social.example',
        'https://social.example',
        'Social.Example/',
        ' social.example ',
      ]) {
        const go = await app.inject({
          url: `/share/mastodon?text=Hello%20world&instance=${encodeURIComponent(typed)}`,
          headers: fromForm,
        });
        assert.equal(go.statusCode, 303, typed);
        assert.equal(go.headers.location, 'https://social.example/share?text=Hello%20world', typed);
      }
    });

    test('a share link made elsewhere never redirects: the reader sees where it leads and chooses', async () => {
      for (const headers of [{}, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' }]) {
        const res = await app.inject({
          url: '/share/mastodon?text=Hello&instance=evil.example',
          headers,
        });
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers.location, undefined);
        assert.equal(res.headers['cache-control'], 'no-store');
        assert.match(
          res.body,
          /<a [^>]*href="https:\/\/evil\.example\/share\?text=Hello"[^>]*>[^<]*evil\.example/,
        );
        assert.match(res.body, /name="robots" content="noindex/);
      }
    });

    test('an instance that is not a plain server name is refused with a message, never followed', async () => {
      const fromForm = { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'navigate' };
      for (const bad of [
        'javascript:alert(1)',
        'evil.example/path',
        'https://evil.example/share?x=',
        '//evil.example',
        'https://good.example@evil.example',
        'evil.example\\@good.example',
        'evil.example:8443',
        'ftp://evil.example',
        'localhost',
        '127.0.0.1',
        '10.0.0.1',
        '[::1]',
        'evil..example',
        '-evil.example',
        'evil.example.',
        'evil.example\tx',
        'evil.example%0d%0aSet-Cookie:x',
      ]) {
        const res = await app.inject({
          url: `/share/mastodon?text=x&instance=${encodeURIComponent(bad)}`,
          headers: fromForm,
        });
        assert.equal(res.statusCode, 400, bad);
        assert.equal(res.headers.location, undefined, bad);
        assert.match(res.body, /Enter the name of your server/, bad);
        assert.doesNotMatch(res.body, /href="https?:\/\/evil/, bad);
      }
    });
  });
}
