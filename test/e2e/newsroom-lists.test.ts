import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { countWords, readingMinutes } from '../../src/domain/article.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { addTerm, articleDraft } from '../../src/services/testing/fixtures.ts';
import { signIn } from '../helpers/browser-pages.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';

const skipReason = browserSkipReason();
const BODY = 'The gauges agree on the **trend**. '.repeat(60);
/** Where the screenshots go when asked for (they are looked at, not compared). */
const SCREENSHOTS = process.env.SCREENSHOT_DIR;

async function shoot(page: Page, name: string, options: { isFullPage?: boolean } = {}): Promise<void> {
  if (SCREENSHOTS)
    await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: options.isFullPage ?? true });
}

function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/** Serious accessibility problems axe-core finds on the page (none when axe-core is absent). */
async function seriousViolations(page: Page): Promise<string[]> {
  let source: string;
  try {
    source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  } catch {
    return [];
  }
  await page.addScriptTag({ content: source });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the newsroom’s lists, pickers, search fields and captions in Chromium', {
  skip: skipReason ?? false,
}, () => {
  let server: BrowserApp;
  let browser: Browser;
  let articleId = 0;

  before(async () => {
    server = await startBrowserApp({
      shouldSeedDemo: true,
      staff: [{ email: 'lists@example.org', name: 'Iris Calder', role: 'editor' }],
    });
    const { wiring } = server.testWiring;
    const region = (await wiring.store.taxonomies.listTaxonomies()).find((t) => t.slug === 'region')!;
    await wiring.store.transaction(async (repos) => {
      for (let i = 0; i < 60; i++) {
        await addTerm(repos, {
          taxonomyId: region.id,
          slug: `district-${String(i).padStart(2, '0')}`,
          name: `District ${String(i).padStart(2, '0')}`,
        });
      }
    });
    const person = await wiring.store.people.insert({
      slug: 'odile-varga',
      name: 'Odile Varga',
      bio: null,
      bioHtml: null,
      email: null,
      website: null,
      links: [],
      photo: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    articleId = (
      await saveArticle(
        wiring,
        articleDraft({
          slug: 'tidal-records',
          title: 'Tidal records of the lagoon',
          summary: 'A century of high water, read from the gauges.',
          bodyMarkdown: BODY,
          authorIds: [person],
        }),
        { actor: 'test' },
      )
    ).article.id;
    browser = server.browser;
  });

  after(async () => {
    await server?.close();
  });

  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 390, height: 844 },
  ]) {
    test(`the term and page lists search, sort and page at ${viewport.width} px`, async () => {
      const base = server.baseUrl;
      // axe-core is added as an inline script, which the admin's CSP would refuse.
      const context = await browser.newContext({ viewport, bypassCSP: true });
      const page = await context.newPage();
      await signIn(page, base, 'lists@example.org');
      await page.goto(`${base}/admin/taxonomies/region`);
      const names = page.locator('table.term-list tbody td[data-label="Name"] a');
      assert.equal(await names.count(), 50);
      assert.equal(await horizontalOverflow(page), 0);
      assert.deepEqual(await seriousViolations(page), []);
      await shoot(page, `terms-list-${viewport.width}`);
      await page.getByRole('link', { name: 'Next page →' }).click();
      await page.waitForURL(/after=/);
      assert.ok((await names.count()) > 0);
      await page.getByLabel('Names beginning with').fill('district 4');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.waitForURL(/q=district/);
      assert.deepEqual(
        await names.allTextContents(),
        Array.from({ length: 10 }, (_, i) => `District 4${i}`),
      );
      await shoot(page, `terms-search-${viewport.width}`);
      // A term's parent is typed, with suggestions from its own taxonomy.
      await names.first().click();
      await page.waitForURL(/\/admin\/terms\/\d+$/);
      await page.getByLabel('Parent').pressSequentially('district 1');
      await page.locator('#field-parent-options option').first().waitFor({ state: 'attached' });
      assert.equal(await page.locator('#field-parent-options option').count(), 10);
      assert.equal(await page.locator('select').count(), 0, 'no list of every term');
      assert.equal(await horizontalOverflow(page), 0);
      await shoot(page, `term-edit-${viewport.width}`);
      await page.goto(`${base}/admin/pages?sort=updated`);
      assert.equal(await horizontalOverflow(page), 0);
      assert.deepEqual(await seriousViolations(page), []);
      await shoot(page, `pages-list-${viewport.width}`);
      await context.close();
    });

    test(`the article list’s author and term pickers suggest as one types at ${viewport.width} px`, async () => {
      const base = server.baseUrl;
      // axe-core is added as an inline script, which the admin's CSP would refuse.
      const context = await browser.newContext({ viewport, bypassCSP: true });
      const page = await context.newPage();
      await signIn(page, base, 'lists@example.org');
      await page.goto(`${base}/admin/articles`);
      const author = page.getByLabel('Author', { exact: true });
      await author.pressSequentially('odi');
      await page.locator('#list-author-options option[value="Odile Varga"]').waitFor({ state: 'attached' });
      const term = page.getByLabel('Term', { exact: true });
      await term.pressSequentially('district 0');
      await page.locator('#list-term-options option').first().waitFor({ state: 'attached' });
      assert.equal(await page.locator('#list-term-options option').count(), 10);
      assert.equal(await horizontalOverflow(page), 0);
      await shoot(page, `article-list-pickers-${viewport.width}`);
      await author.fill('Odile Varga');
      await term.fill('');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.waitForURL(/author=Odile/);
      assert.deepEqual(
        await page.locator('table.article-list tbody td[data-label="Title"] a').allTextContents(),
        ['Tidal records of the lagoon'],
      );
      assert.deepEqual(await seriousViolations(page), []);
      await context.close();
    });

    test(`the editor previews the search result and social card and counts words as one types at ${viewport.width} px`, async () => {
      const base = server.baseUrl;
      // axe-core is added as an inline script, which the admin's CSP would refuse.
      const context = await browser.newContext({ viewport, bypassCSP: true });
      const page = await context.newPage();
      await signIn(page, base, 'lists@example.org');
      await page.goto(`${base}/admin/articles/${articleId}`);
      const count = page.locator('#word-count');
      const words = countWords(BODY);
      assert.equal(await count.textContent(), `${words} words · ${readingMinutes(words)} min read`);
      await page.getByLabel('Search title').fill('Lagoon tides: a hundred years of records');
      await page.getByLabel('Search description').fill('What the gauges say about the water, year by year.');
      await page.getByLabel('Social image').fill('https://images.example.org/lagoon.jpg');
      const previews = page.locator('.seo-previews');
      assert.equal(
        await previews.locator('.search-preview__title').textContent(),
        'Lagoon tides: a hundred years of records',
      );
      assert.equal(
        await previews.locator('.social-preview__description').textContent(),
        'What the gauges say about the water, year by year.',
      );
      assert.equal(
        await previews.locator('.social-preview__image').getAttribute('src'),
        'https://images.example.org/lagoon.jpg',
      );
      const body = page.getByLabel('Body (Markdown)');
      await body.fill('Four words right here.');
      await page.getByText('4 words · 1 min read').waitFor();
      // An empty body has no reading time to speak of.
      await body.fill('');
      await page.locator('#word-count', { hasText: /^0 words$/ }).waitFor();
      await body.fill('Four words right here.');
      assert.equal(await horizontalOverflow(page), 0);
      // The card shows no broken image for an address that does not load.
      await page.locator('.social-preview__image[hidden]').waitFor({ state: 'attached' });
      await page.locator('.seo-previews').scrollIntoViewIfNeeded();
      await shoot(page, `editor-search-social-${viewport.width}`, { isFullPage: false });
      await context.close();
    });
  }

  test('a caption written in the library comes into the article with the image, and shows as its caption', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'lists@example.org');
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#2a6f97' } })
      .png()
      .toBuffer();
    await page.goto(`${base}/admin/media`);
    await page
      .locator('#upload-file')
      .setInputFiles({ name: 'lagoon.png', mimeType: 'image/png', buffer: png });
    await page.getByLabel('Description (alt text)').fill('The lagoon at high water');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.waitForURL(/uploaded=/);
    await page.getByLabel('Caption').first().fill('High water at the Arsenale, November 2026');
    await page.getByRole('button', { name: 'Save description and caption' }).first().click();
    await page.waitForURL(/notice=described/);
    assert.equal(await horizontalOverflow(page), 0);
    await shoot(page, 'media-caption-1280');

    await page.goto(`${base}/admin/articles/${articleId}`);
    const body = page.getByLabel('Body (Markdown)');
    await body.fill('The water rose.');
    await body.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(el.value.length, el.value.length));
    await page.getByRole('button', { name: 'Insert an image from the library' }).click();
    await page
      .getByRole('dialog', { name: 'Insert an image' })
      .getByRole('button', { name: /^Choose: The lagoon at high water/ })
      .click();
    assert.match(
      await body.inputValue(),
      /!\[The lagoon at high water\]\(\/media\/[^)]+\.png\)\n\*High water at the Arsenale, November 2026\*/,
    );
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/notice=saved/);
    // The social card previews an image from the library, as it loads.
    const uploaded = /\((\/media\/[^)]+\.png)\)/.exec(await body.inputValue())?.[1] ?? '';
    await page.getByLabel('Social image').fill(uploaded);
    // Shown, and loaded: the address is set at once, the picture arrives after.
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.social-preview__image');
      return img !== null && !img.hidden && img.complete && img.naturalWidth > 0;
    });
    await page.locator('.seo-previews').scrollIntoViewIfNeeded();
    await shoot(page, 'editor-social-card-1280', { isFullPage: false });
    const article = await server.testWiring.wiring.store.articles.findById(articleId);
    assert.match(
      article?.bodyHtml ?? '',
      /<figure><img [^>]*alt="The lagoon at high water"[^>]*\/><figcaption>High water at the Arsenale, November 2026<\/figcaption><\/figure>/,
    );
    await context.close();
  });
});
