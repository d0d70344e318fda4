import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  browserSkipReason,
  launchChromium,
  type ReaderServer,
  startReaderServer,
} from '../helpers/reader-server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOTS = path.join(repoRoot, 'test-output');

const ARTICLE = {
  path: '/articles/velmar-basin-water-accounts',
  title: "Counting Every Cubic Metre: Inside the Velmar Basin's Water Accounts",
  authorPath: '/authors/nadia-korvell',
  authorName: 'Nadia Korvell',
};
const REPUBLISHED = {
  path: '/articles/municipal-broadband-after-the-pilot',
  sourceName: 'The Harbour Quarterly',
  sourceUrl: 'https://example.org/harbour-quarterly/municipal-broadband-after-the-pilot',
};

/** One DESIGN.md article-page element: the first `selector` match (after the previous element) whose text contains `text`. */
interface ElementSpec {
  item: number;
  name: string;
  selector: string;
  text?: string;
  /** Text must be the element's whole (trimmed) text. */
  isExact?: boolean;
}

const ARTICLE_ELEMENTS: ElementSpec[] = [
  { item: 1, name: 'title', selector: 'h1', text: ARTICLE.title, isExact: true },
  { item: 1, name: 'byline', selector: 'p, div', text: `By ${ARTICLE.authorName}` },
  { item: 1, name: 'byline link to the author page', selector: `a[href="${ARTICLE.authorPath}"]` },
  { item: 1, name: 'publication name', selector: 'span, p', text: 'The Meridian Review', isExact: true },
  { item: 1, name: 'date', selector: 'time[datetime^="2026-10-09"]', text: '2026' },
  { item: 2, name: 'Region label', selector: 'dt, span, strong', text: 'Region' },
  { item: 2, name: 'Region link', selector: 'a[href="/region/east-africa"]', text: 'East Africa' },
  { item: 2, name: 'Theme label', selector: 'dt, span, strong', text: 'Theme' },
  {
    item: 2,
    name: 'Theme link (Environment)',
    selector: 'a[href="/theme/environment"]',
    text: 'Environment',
  },
  { item: 2, name: 'Theme link (Economy)', selector: 'a[href="/theme/economy"]', text: 'Economy' },
  { item: 2, name: 'In-depth Report label', selector: 'dt, span, strong', text: 'In-depth Report' },
  {
    item: 2,
    name: 'In-depth Report link',
    selector: 'a[href="/report/the-water-ledger"]',
    text: 'The Water Ledger',
  },
  {
    item: 3,
    name: 'epigraph quotation',
    selector: 'blockquote',
    text: 'The river remembers every promise made upstream.',
  },
  { item: 3, name: 'epigraph attribution', selector: 'figcaption, cite, p', text: 'ferry pilots' },
  { item: 4, name: 'body paragraph', selector: 'p', text: 'When the four riparian states' },
  { item: 4, name: 'bold name in the body', selector: 'strong', text: 'Agnes Obuya', isExact: true },
  { item: 4, name: 'italic quote in the body', selector: 'em', text: 'The sensor is the easy part' },
  { item: 4, name: 'quoted passage in the body', selector: 'blockquote', text: 'A shared number' },
  { item: 4, name: 'link in the body', selector: 'a[href="https://example.org/velmar/raw-data-pilot"]' },
  { item: 5, name: 'separator', selector: 'hr' },
  { item: 5, name: 'note to readers', selector: 'p', text: 'If you found this article useful' },
  { item: 5, name: 'share by email', selector: 'a[href^="mailto:"]', text: 'Email' },
  { item: 5, name: 'share on Mastodon', selector: 'a[href^="/share/mastodon"]', text: 'Mastodon' },
  { item: 5, name: 'share on Bluesky', selector: 'a[href^="https://bsky.app/"]', text: 'Bluesky' },
  {
    item: 5,
    name: 'forward to email lists',
    selector: 'a',
    text: 'Forward this article to your email lists',
  },
  { item: 5, name: 'cross-post', selector: 'a', text: 'Cross-post it on your blog or forum' },
  {
    item: 6,
    name: 'author blurb',
    selector: 'p',
    text: 'Nadia Korvell is the Meridian Review\u2019s senior editor',
  },
  { item: 6, name: 'author contact', selector: 'a[href="mailto:nadia.korvell@example.org"]' },
  {
    item: 7,
    name: 'original source line',
    selector: 'p',
    text: 'The original source of this article is The Meridian Review',
  },
  {
    item: 7,
    name: 'copyright line',
    selector: 'p',
    text: 'Copyright © Nadia Korvell, The Meridian Review, 2026',
  },
  { item: 8, name: 'comment link', selector: 'a', text: 'Join the discussion' },
  { item: 8, name: 'become a member link', selector: 'a', text: 'become a member' },
  { item: 8, name: 'Articles by', selector: 'li, p', text: `Articles by: ${ARTICLE.authorName}` },
  { item: 9, name: 'About the author heading', selector: 'h2', text: 'About the author' },
  {
    item: 9,
    name: 'About the author name',
    selector: `a[href="${ARTICLE.authorPath}"]`,
    text: ARTICLE.authorName,
  },
  {
    item: 9,
    name: 'About the author bio',
    selector: 'p',
    text: 'has spent a decade reporting on shared rivers',
  },
  { item: 9, name: 'About the author links', selector: 'a[href="https://example.org/people/nadia-korvell"]' },
  { item: 10, name: 'disclaimer', selector: 'p', text: 'who alone are responsible for its content' },
  {
    item: 10,
    name: 'republishing permission',
    selector: 'p',
    text: 'Non-commercial cross-posting is permitted',
  },
  { item: 10, name: 'fair-use notice', selector: 'p', text: 'fair use' },
  { item: 10, name: 'media inquiries', selector: 'p', text: 'For media inquiries' },
];

interface ElementResult {
  name: string;
  item: number;
  status: 'in order' | 'out of order' | 'missing';
}

// Kept as source text so the function reaches the page exactly as written.
const ELEMENT_ORDER_SCRIPT = `(list) => {
  const normalize = (s) => (s || '').replace(/\\s+/g, ' ').trim();
  const root = document.querySelector('main') || document.body;
  let previous = null;
  return list.map((spec) => {
    const candidates = [...root.querySelectorAll(spec.selector)].filter((el) => {
      if (spec.text === undefined) return true;
      const text = normalize(el.textContent);
      return spec.isExact ? text === spec.text : text.includes(spec.text);
    });
    const next = candidates.find(
      (el) => previous === null || previous === el || Boolean(previous.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING),
    );
    if (next) {
      previous = next;
      return { name: spec.name, item: spec.item, status: 'in order' };
    }
    return { name: spec.name, item: spec.item, status: candidates.length ? 'out of order' : 'missing' };
  });
}`;

// <noscript> holds raw text when scripts run and elements when they do not, so it is left out.
// The comments a script brings into an article page are left out: without scripts, the page's
// "comment" link leads to the same thread on a page of its own.
const MAIN_TEXT_SCRIPT = `(() => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('noscript, .article__comments').forEach((n) => n.remove());
  return main.textContent;
})()`;

/** Looks for each element after the one before it, so passing means "present and in document order". */
function checkElementOrder(page: Page, specs: ElementSpec[]): Promise<ElementResult[]> {
  return page.evaluate(`(${ELEMENT_ORDER_SCRIPT})(${JSON.stringify(specs)})`) as Promise<ElementResult[]>;
}

function assertAllInOrder(results: ElementResult[]): void {
  const problems = results.filter((r) => r.status !== 'in order');
  assert.deepEqual(
    problems.map((p) => `item ${p.item}, ${p.name}: ${p.status}`),
    [],
    'every element of the DESIGN.md article page is present, in order',
  );
}

const skipReason = browserSkipReason();

describe('reader site in Chromium', { skip: skipReason ?? false }, () => {
  let server: ReaderServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const foreignRequests: string[] = [];
  const watchRequests = (watched: BrowserContext) =>
    watched.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.hostname !== '127.0.0.1') foreignRequests.push(request.url());
    });

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startReaderServer();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    watchRequests(context);
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the article page shows every element of DESIGN.md, in order', async () => {
    const response = await page.goto(`${server.baseUrl}${ARTICLE.path}`);
    assert.equal(response?.status(), 200);
    assert.equal(await page.title(), `${ARTICLE.title} | The Meridian Review`);
    assertAllInOrder(await checkElementOrder(page, ARTICLE_ELEMENTS));
    const canonical = await page.locator('link[rel="canonical"]').getAttribute('href');
    assert.equal(canonical, `${server.baseUrl}${ARTICLE.path}`);
    const looks = (await page.evaluate(`(() => {
      const epigraph = [...document.querySelectorAll('main blockquote')].find((b) => b.textContent.includes('The river remembers'));
      const separator = document.querySelector('main hr');
      const body = document.querySelector('main h1');
      return {
        epigraphStyle: getComputedStyle(epigraph).fontStyle,
        separatorWidth: separator.getBoundingClientRect().width,
        textWidth: body.getBoundingClientRect().width,
      };
    })()`)) as { epigraphStyle: string; separatorWidth: number; textWidth: number };
    assert.equal(looks.epigraphStyle, 'italic', 'the epigraph is in italics');
    assert.ok(looks.separatorWidth < looks.textWidth / 3, 'the separator is short');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'article-desktop.png'), fullPage: true });
  });

  test('the article page reads well on a 375px phone screen', async () => {
    const phone = await browser.newContext({
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    watchRequests(phone);
    try {
      const mobile = await phone.newPage();
      await mobile.goto(`${server.baseUrl}${ARTICLE.path}`);
      const overflow = await mobile.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.equal(overflow, 0, 'no horizontal scrolling');
      assertAllInOrder(await checkElementOrder(mobile, ARTICLE_ELEMENTS));
      await mobile.screenshot({ path: path.join(SCREENSHOTS, 'article-mobile.png'), fullPage: true });
    } finally {
      await phone.close();
    }
  });

  test('the byline leads to the author page, which lists the article', async () => {
    await page.goto(`${server.baseUrl}${ARTICLE.path}`);
    await page.locator('.byline a', { hasText: ARTICLE.authorName }).first().click();
    await page.waitForURL(`${server.baseUrl}${ARTICLE.authorPath}`);
    assert.equal(await page.locator('h1').textContent(), ARTICLE.authorName);
    assert.ok(await page.getByText(`Articles by ${ARTICLE.authorName}`).isVisible());
    assert.equal((await page.locator(`main a[href="${ARTICLE.path}"]`).count()) > 0, true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'author.png'), fullPage: true });
  });

  test('going back and following a theme link leads to a term page that lists the article', async () => {
    await page.goBack();
    await page.waitForURL(`${server.baseUrl}${ARTICLE.path}`);
    await page.locator('a[href="/theme/environment"]').first().click();
    await page.waitForURL(`${server.baseUrl}/theme/environment`);
    assert.equal(await page.locator('h1').textContent(), 'Environment');
    assert.ok(await page.locator(`main a[href="${ARTICLE.path}"]`).first().isVisible());
    await page.screenshot({ path: path.join(SCREENSHOTS, 'term.png'), fullPage: true });
  });

  test('the home page lists the latest articles and the report series', async () => {
    await page.goto(`${server.baseUrl}/`);
    assert.ok(await page.locator(`main a[href="${ARTICLE.path}"]`).first().isVisible());
    assert.ok(await page.locator('main a[href="/report/the-water-ledger"]').first().isVisible());
    await page.screenshot({ path: path.join(SCREENSHOTS, 'home.png'), fullPage: true });
  });

  test('co-authors each get a byline link and an About the authors entry', async () => {
    await page.goto(`${server.baseUrl}/articles/drought-clauses-that-trigger`);
    const byline = page.locator('.byline');
    assert.equal(await byline.textContent(), 'By Halvard Ostmere and Nadia Korvell');
    assert.equal(await byline.locator('a[href="/authors/halvard-ostmere"]').count(), 1);
    assert.equal(await byline.locator(`a[href="${ARTICLE.authorPath}"]`).count(), 1);
    assert.ok(await page.getByRole('heading', { name: 'About the authors' }).isVisible());
    const copyright = (await page.locator('main').textContent()) ?? '';
    assert.match(copyright, /Copyright © Halvard Ostmere and Nadia Korvell, The Meridian Review, 2026/);
  });

  test('a republished article points its canonical link and attribution at the original outlet', async () => {
    await page.goto(`${server.baseUrl}${REPUBLISHED.path}`);
    const canonical = await page.locator('link[rel="canonical"]').getAttribute('href');
    assert.equal(canonical, REPUBLISHED.sourceUrl);
    const sourceLine = page.locator('main p', { hasText: 'The original source of this article is' });
    assert.match((await sourceLine.textContent()) ?? '', new RegExp(`is ${REPUBLISHED.sourceName}\\.`));
    assert.equal(
      await sourceLine.locator(`a[href="${REPUBLISHED.sourceUrl}"]`).textContent(),
      REPUBLISHED.sourceName,
    );
    assert.match(
      (await sourceLine.textContent()) ?? '',
      /Copyright © Priya Solenne, The Harbour Quarterly, 2026/,
    );
  });

  test('the first Tab stop is a visible skip link that moves focus to the content', async () => {
    await page.goto(`${server.baseUrl}${ARTICLE.path}`);
    await page.keyboard.press('Tab');
    const skip = page.locator(':focus');
    assert.equal(await skip.textContent(), 'Skip to content');
    const box = await skip.boundingBox();
    assert.ok(box && box.y >= 0 && box.height > 0, 'the focused skip link is on screen');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'main');
  });

  test('pages read the same with JavaScript disabled', async () => {
    const noScript = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
    });
    watchRequests(noScript);
    try {
      const bare = await noScript.newPage();
      for (const target of [ARTICLE.path, '/', '/theme/environment', ARTICLE.authorPath, '/about']) {
        await page.goto(`${server.baseUrl}${target}`);
        await bare.goto(`${server.baseUrl}${target}`);
        const withScript = (await page.evaluate(MAIN_TEXT_SCRIPT)) as string;
        const withoutScript = (await bare.evaluate(MAIN_TEXT_SCRIPT)) as string;
        assert.ok(withoutScript && withoutScript.length > 200, `${target} has content without JavaScript`);
        assert.equal(withoutScript, withScript, `${target} shows the same text without JavaScript`);
      }
      await bare.goto(`${server.baseUrl}${ARTICLE.path}`);
      assertAllInOrder(await checkElementOrder(bare, ARTICLE_ELEMENTS));
    } finally {
      await noScript.close();
    }
  });

  test('no page asks any host other than the publication for anything', () => {
    assert.deepEqual(foreignRequests, []);
  });
});
