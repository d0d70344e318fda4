import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { inputOf, updateArticle } from '../../src/services/newsroom/editor.ts';
import { updateSettings } from '../../src/services/settings.ts';
import { addAuthorPhoto, addFeaturedImages } from '../helpers/featured-images.ts';
import { addStaff } from '../helpers/newsroom.ts';
import {
  browserSkipReason,
  launchChromium,
  type ReaderServer,
  startReaderServer,
} from '../helpers/reader-server.ts';

/** An older article given a featured image too, besides the newest four. */
const ARTICLE = 'velmar-basin-water-accounts';

/** Every kind of reader page, each of which must carry the header. */
const READER_PAGES = [
  '/',
  '/?page=2',
  '/articles',
  '/articles/velmar-basin-water-accounts',
  '/theme/environment',
  '/authors/nadia-korvell',
  '/region',
  '/about',
  '/search?q=water',
  '/no-such-page',
];

const LISTINGS_WITH_FEEDS = [
  { path: '/', feedBase: '' },
  { path: '/theme/environment', feedBase: '/theme/environment' },
  { path: '/authors/nadia-korvell', feedBase: '/authors/nadia-korvell' },
];

const skipReason = browserSkipReason();
const SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-output');

for (const javaScript of [true, false]) {
  describe(`reader site with JavaScript ${javaScript ? 'on' : 'off'}`, { skip: skipReason ?? false }, () => {
    let server: ReaderServer;
    let browser: Browser;
    let desktop: BrowserContext;
    let phone: BrowserContext;
    let dark: BrowserContext;

    before(async () => {
      server = await startReaderServer({
        prepare: async (wiring) => {
          // Three to a page, so the demo's listings have second pages.
          await updateSettings(wiring, { page_size: '3' }, 'test');
          const published = await wiring.store.articles.findSummariesByIds(
            await wiring.store.articles.publishedIds({
              now: wiring.now().toISOString(),
              limit: 4,
              offset: 0,
            }),
          );
          mkdirSync(SCREENSHOTS, { recursive: true });
          await addAuthorPhoto(wiring, 'nadia-korvell');
          const images = await addFeaturedImages(wiring, [
            ...new Set([...published.map((a) => a.slug), ARTICLE]),
          ]);
          // The article's body shows another upload, as an editor inserts one from the library.
          const other = [...images.entries()].find(([slug]) => slug !== ARTICLE)?.[1];
          const article = await wiring.store.articles.findBySlug(ARTICLE);
          if (!other || !article) throw new Error('no upload for the body');
          const editor = await addStaff(wiring, 'editor', 'Body picture editor');
          await updateArticle(wiring, editor, {
            id: article.id,
            expectedVersion: article.version,
            article: {
              ...inputOf(article),
              bodyMarkdown: `${article.bodyMarkdown}\n\n![A chart of the basin's accounts](${other})\n`,
            },
          });
        },
      });
      browser = await launchChromium();
      desktop = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        javaScriptEnabled: javaScript,
      });
      phone = await browser.newContext({
        viewport: { width: 390, height: 844 },
        javaScriptEnabled: javaScript,
        isMobile: true,
        hasTouch: true,
      });
      dark = await browser.newContext({
        viewport: { width: 390, height: 844 },
        javaScriptEnabled: javaScript,
        colorScheme: 'dark',
      });
    });

    after(async () => {
      await browser?.close();
      await server?.close();
    });

    async function open(context: BrowserContext, path: string): Promise<Page> {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}${path}`);
      return page;
    }

    test('every reader page has a search box in its header that searches without scripts', async () => {
      for (const path of READER_PAGES) {
        const page = await open(desktop, path);
        try {
          const form = page.locator('header.site-header form[role="search"]');
          assert.equal(await form.count(), 1, `${path}: one search form in the header`);
          assert.equal(await form.getAttribute('action'), '/search', path);
          assert.equal(await form.getAttribute('method'), 'get', path);
          const box = page.getByRole('searchbox', { name: 'Search the site' }).first();
          assert.ok(await box.isVisible(), `${path}: the search box is visible`);
        } finally {
          await page.close();
        }
      }
      const page = await open(phone, '/articles/velmar-basin-water-accounts');
      try {
        await page.locator('header.site-header input[name="q"]').fill('water accounts');
        await Promise.all([page.waitForURL(/\/search\?q=water\+accounts$/), page.keyboard.press('Enter')]);
        assert.ok(await page.locator('.search-result').first().isVisible());
        assert.match((await page.locator('.search-result__title').first().textContent()) ?? '', /Velmar/);
      } finally {
        await page.close();
      }
    });

    test('home, term and author pages show links to their RSS, Atom and JSON feeds', async () => {
      for (const { path, feedBase } of LISTINGS_WITH_FEEDS) {
        const page = await open(desktop, path);
        try {
          const links = page.locator('.subscribe a');
          assert.deepEqual(await links.allTextContents(), ['RSS', 'Atom', 'JSON Feed'], path);
          for (const link of await links.all()) assert.ok(await link.isVisible(), `${path}: visible`);
          const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
          assert.deepEqual(hrefs, [`${feedBase}/feed.xml`, `${feedBase}/feed.atom`, `${feedBase}/feed.json`]);
          for (const href of hrefs) {
            const response = await page.request.get(`${server.baseUrl}${href}`);
            assert.equal(response.status(), 200, `${href}`);
          }
        } finally {
          await page.close();
        }
      }
    });

    test('listings show thumbnails in AVIF or WebP at sizes to fit, sized, lazy below the first', async () => {
      for (const context of [desktop, phone]) {
        const page = await open(context, '/articles');
        try {
          const pictures = page.locator('.card picture.card__image');
          assert.ok((await pictures.count()) >= 3, 'the first page shows thumbnails');
          const first = pictures.first();
          assert.deepEqual(
            await first.locator('source').evaluateAll((s) => s.map((e) => e.getAttribute('type'))),
            ['image/avif', 'image/webp'],
          );
          const img = first.locator('img');
          assert.match((await img.getAttribute('srcset')) ?? '', / 480w, .* 960w/);
          assert.equal(await img.getAttribute('width'), '1200');
          assert.equal(await img.getAttribute('height'), '800');
          assert.equal(await img.getAttribute('loading'), null, 'the first image loads at once');
          for (const later of (await pictures.all()).slice(1)) {
            assert.equal(await later.locator('img').getAttribute('loading'), 'lazy');
          }
          await img.evaluate((el: HTMLImageElement) => el.decode());
          // Chromium takes the AVIF copy, and for a card (at most 22rem wide here) never the largest.
          assert.match(await img.evaluate((el: HTMLImageElement) => el.currentSrc), /-(480|960)\.avif$/);
        } finally {
          await page.close();
        }
      }
    });

    test("an upload in an article's body is a sized picture that loads lazily", async () => {
      const page = await open(phone, '/articles/velmar-basin-water-accounts');
      try {
        const picture = page.locator('.article__body picture');
        assert.equal(await picture.count(), 1);
        assert.deepEqual(
          await picture.locator('source').evaluateAll((s) => s.map((e) => e.getAttribute('type'))),
          ['image/avif', 'image/webp'],
        );
        const img = picture.locator('img');
        assert.equal(await img.getAttribute('alt'), "A chart of the basin's accounts");
        assert.equal(await img.getAttribute('loading'), 'lazy');
        assert.equal(await img.getAttribute('width'), '1200');
        assert.equal(await img.getAttribute('height'), '800');
        await img.scrollIntoViewIfNeeded();
        await img.evaluate((el: HTMLImageElement) => el.decode());
        // A phone's column is narrower than the largest copy: Chromium takes a smaller AVIF one.
        assert.match(await img.evaluate((el: HTMLImageElement) => el.currentSrc), /-(480|960)\.avif$/);
      } finally {
        await page.close();
      }
    });

    test("an article's featured image is a sized picture that loads at once", async () => {
      const page = await open(phone, '/articles/velmar-basin-water-accounts');
      try {
        const img = page.locator('picture.article__image img');
        assert.equal(await img.count(), 1);
        assert.equal(await img.getAttribute('loading'), null);
        assert.equal(await img.getAttribute('width'), '1200');
        assert.equal(
          await img.getAttribute('alt'),
          "Illustration for Counting Every Cubic Metre: Inside the Velmar Basin's Water Accounts",
        );
        await img.evaluate((el: HTMLImageElement) => el.decode());
        assert.match(await img.evaluate((el: HTMLImageElement) => el.currentSrc), /\.avif$/);
      } finally {
        await page.close();
      }
    });

    test("an author's photo is a sized picture beside the byline and on their page", async () => {
      for (const [address, selector, size] of [
        ['/articles/velmar-basin-water-accounts', 'picture.byline__photo img', 40],
        ['/authors/nadia-korvell', 'picture.author-header__photo img', 128],
      ] as const) {
        for (const [context, width] of [
          [desktop, 1280],
          [phone, 390],
        ] as const) {
          const page = await open(context, address);
          try {
            const img = page.locator(selector);
            assert.equal(await img.count(), 1, address);
            assert.equal(await img.getAttribute('width'), '600');
            assert.equal(await img.getAttribute('alt'), '');
            await img.evaluate((el: HTMLImageElement) => el.decode());
            assert.match(await img.evaluate((el: HTMLImageElement) => el.currentSrc), /\.avif$/);
            const box = await img.boundingBox();
            assert.equal(Math.round(box?.width ?? 0), size, `${address} shows the photo at ${size} px`);
            const name = address.startsWith('/authors') ? 'author-page' : 'byline';
            await page.screenshot({
              path: path.join(SCREENSHOTS, `author-photo-${name}-${width}${javaScript ? '' : '-nojs'}.png`),
            });
          } finally {
            await page.close();
          }
        }
      }
    });

    test('the archive and second pages of home and term listings are reached by links', async () => {
      const page = await open(desktop, '/');
      try {
        await Promise.all([
          page.waitForURL(/\/articles$/),
          page.getByRole('link', { name: 'All articles' }).first().click(),
        ]);
        assert.equal(await page.locator('h1').textContent(), 'All articles');
        const seen = new Set<string>();
        for (let n = 1; n <= 3; n += 1) {
          const titles = await page.locator('.card__title').allTextContents();
          assert.ok(titles.length > 0 && titles.length <= 3, `archive page ${n} holds a page of articles`);
          for (const t of titles) {
            assert.ok(!seen.has(t), `${t} is listed once`);
            seen.add(t);
          }
          assert.match(
            (await page.locator('.pagination span').textContent()) ?? '',
            new RegExp(`Page ${n} of`),
          );
          if (n === 3) break;
          await Promise.all([
            page.waitForURL(/\/articles\?page=\d+&after=/),
            page.getByRole('link', { name: 'Older →' }).click(),
          ]);
        }
        assert.equal(
          await page.getByRole('link', { name: 'Older →' }).count(),
          0,
          'the last page has no older link',
        );
        assert.ok(seen.size > 6, 'three pages hold more than two pages of articles');

        for (const start of ['/', '/theme/environment']) {
          await page.goto(`${server.baseUrl}${start}`);
          // The home page's own list is its latest; featured and report blocks are extras of page 1.
          const list = start === '/' ? '.latest .card__title' : '.card__title';
          const first = await page.locator(list).allTextContents();
          await Promise.all([
            page.waitForURL(/\?page=2&after=/),
            page.getByRole('link', { name: 'Older →' }).click(),
          ]);
          const second = await page.locator(list).allTextContents();
          assert.ok(second.length > 0, `${start}: page 2 lists articles`);
          assert.ok(
            second.every((t) => !first.includes(t)),
            `${start}: page 2 shows other articles`,
          );
          await Promise.all([
            page.waitForURL((url) => url.search === ''),
            page.getByRole('link', { name: '← Newer' }).click(),
          ]);
        }
      } finally {
        await page.close();
      }
    });

    test('the header leaves a phone screen to the content', async () => {
      const page = await open(phone, '/');
      try {
        const header = await page.locator('.site-header').boundingBox();
        assert.ok(header);
        assert.ok(header.height <= 160, `the header is ${header.height} px tall on a 844 px screen`);
        const firstTitle = await page.locator('main h2, main h1:not(.visually-hidden)').first().boundingBox();
        assert.ok(firstTitle && firstTitle.y < 220, 'content starts near the top');
        // Every section link is still there, on one line that scrolls sideways.
        const nav = page.locator('.site-nav a');
        assert.deepEqual((await nav.allTextContents()).slice(0, 3), [
          'Regions',
          'Themes',
          'In-depth Reports',
        ]);
        const rows = new Set(
          await nav.evaluateAll((as) => as.map((a) => Math.round(a.getBoundingClientRect().top))),
        );
        assert.equal(rows.size, 1, 'the section links sit on one line');
        assert.equal(
          await page.evaluate(() => document.documentElement.scrollWidth),
          390,
          'the page itself does not scroll sideways',
        );
      } finally {
        await page.close();
      }
    });

    test('dark mode follows the system setting', async () => {
      for (const path of ['/', '/articles/velmar-basin-water-accounts']) {
        const light = await open(desktop, path);
        const night = await open(dark, path);
        try {
          const luminance = (p: Page) =>
            p.evaluate(() => {
              const [r = 0, g = 0, b = 0] = (
                getComputedStyle(document.body).backgroundColor.match(/\d+/g) ?? []
              ).map(Number);
              return (r + g + b) / 3;
            });
          assert.ok((await luminance(light)) > 200, `${path}: light paper by default`);
          assert.ok((await luminance(night)) < 40, `${path}: dark paper when the system is dark`);
        } finally {
          await light.close();
          await night.close();
        }
      }
    });

    test('a page with its stylesheets and scripts transfers at most 30 KiB, compressed, before images', async () => {
      for (const path of [
        '/',
        '/articles',
        '/articles/velmar-basin-water-accounts',
        '/theme/environment',
        '/authors/nadia-korvell',
      ]) {
        const context = await browser.newContext({ javaScriptEnabled: javaScript });
        const page = await context.newPage();
        const sizes: { url: string; type: string; bytes: number; encoding?: string; cache?: string }[] = [];
        page.on('requestfinished', async (request) => {
          const response = await request.response();
          const type = request.resourceType();
          if (!response || type === 'image') return;
          const headers = await response.allHeaders();
          const timing = await request.sizes();
          sizes.push({
            url: request.url(),
            type,
            bytes: timing.responseBodySize + timing.responseHeadersSize,
            encoding: headers['content-encoding'],
            cache: headers['cache-control'],
          });
        });
        try {
          await page.goto(`${server.baseUrl}${path}`, { waitUntil: 'networkidle' });
          const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
          assert.ok(total <= 30 * 1024, `${path}: ${total} bytes (${JSON.stringify(sizes)})`);
          for (const asset of sizes.filter((s) => s.type === 'stylesheet' || s.type === 'script')) {
            assert.equal(asset.encoding, 'br', `${asset.url} is compressed`);
            assert.match(asset.cache ?? '', /max-age=31536000, immutable/, `${asset.url} is kept a year`);
          }
          assert.ok(sizes.some((s) => s.type === 'stylesheet'));
        } finally {
          await context.close();
        }
      }
    });
  });
}
