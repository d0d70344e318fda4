import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { signIn } from '../helpers/browser-pages.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';

const skipReason = browserSkipReason();
const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-output');
const PHONE = { width: 390, height: 844 };

describe('the reader header and the editor on a 390 px phone in Chromium', {
  skip: skipReason ?? false,
}, () => {
  let server: BrowserApp;
  let browser: Browser;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startBrowserApp({
      shouldSeedDemo: true,
      // More sections than a phone's width holds, as a publication with a few pages has.
      staff: [{ email: 'phone@example.org', name: 'Ines Prado', role: 'editor' }],
    });
    browser = server.browser;
  });

  after(async () => {
    await server?.close();
  });

  test('the sections line that runs past the edge shows that it scrolls, with or without JavaScript', async () => {
    // Without JavaScript the header is the same stylesheet's: looked at in a screenshot.
    const plain = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const noScript = await plain.newPage();
    await noScript.goto(server.baseUrl);
    await noScript.screenshot({ path: path.join(SCREENSHOTS, 'phone-header-no-js.png') });
    await plain.close();
    const context = await browser.newContext({ viewport: PHONE, bypassCSP: true });
    const page = await context.newPage();
    try {
      await page.goto(server.baseUrl);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'phone-header-js.png') });
      const list = page.locator('.site-nav ul');
      const overflow = await list.evaluate((ul) => ({ scroll: ul.scrollWidth, client: ul.clientWidth }));
      assert.ok(
        overflow.scroll > overflow.client,
        `the demo's sections overflow at 390 px: ${JSON.stringify(overflow)}`,
      );
      // The sections' names hidden, so that only the line's own background is compared: the far
      // edge is shaded while more sections lie beyond it, and plain once scrolled to the end.
      await page.addStyleTag({ content: '.site-nav a { color: transparent !important; }' });
      const box = await list.boundingBox();
      assert.ok(box);
      const pixel = () =>
        page.screenshot({
          clip: { x: box.x + box.width - 3, y: box.y + box.height / 2, width: 1, height: 1 },
        });
      const before = await pixel();
      await list.evaluate((ul) => {
        ul.scrollLeft = ul.scrollWidth;
      });
      const atEnd = await pixel();
      assert.notDeepEqual(before, atEnd, 'the edge looks different while more sections lie beyond it');
    } finally {
      await context.close();
    }
  });

  test('the editor’s action bar stays compact on a phone', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    try {
      await signIn(page, server.baseUrl, 'phone@example.org');
      await page.goto(`${server.baseUrl}/admin/articles/new`);
      await page.locator('#field-title').fill('A phone draft');
      await page.locator('#field-body').fill('Written on the train.');
      const bar = page.locator('.sticky-actions');
      const box = await bar.boundingBox();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'phone-editor-actions.png') });
      assert.ok(box);
      assert.ok(box.height <= 84, `the action bar is ${box.height} px of 844`);
      for (const name of ['Create draft', 'Publish…', /Preview/]) {
        const button = bar.getByRole('button', { name });
        const b = await button.boundingBox();
        assert.ok(b && b.height >= 24 && b.width >= 24, `${String(name)} stays a target to tap (WCAG 2.5.8)`);
      }
    } finally {
      await context.close();
    }
  });

  test('the lists’ “Select all” is visible and ticks every row on a phone', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    try {
      await signIn(page, server.baseUrl, 'phone@example.org');
      for (const list of ['/admin/articles', '/admin/pages', '/admin/people']) {
        await page.goto(`${server.baseUrl}${list}`);
        const all = page.getByRole('checkbox', { name: /^Select all/ });
        await all.waitFor({ state: 'visible' });
        const box = await all.boundingBox();
        assert.ok(
          box && box.width >= 12 && box.x >= 0 && box.x + box.width <= PHONE.width,
          `${list}: ${JSON.stringify(box)}`,
        );
        const field = await page.locator('.select-all-field').boundingBox();
        assert.ok(
          field && field.height >= 24,
          `${list}: the “Select all” field is a target to tap (WCAG 2.5.8)`,
        );
        await all.scrollIntoViewIfNeeded();
        if (list === '/admin/articles')
          await page.screenshot({ path: path.join(SCREENSHOTS, 'phone-article-list.png') });
        await page.getByText('Select all', { exact: true }).click();
        const rows = page.locator('tbody input[type="checkbox"][name="id"]');
        assert.ok((await rows.count()) > 0, list);
        for (const row of await rows.all()) assert.equal(await row.isChecked(), true, list);
      }
    } finally {
      await context.close();
    }
  });

  test('before an article has a slug, the search preview shows the address its title will give it', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    try {
      await signIn(page, server.baseUrl, 'phone@example.org');
      await page.goto(`${server.baseUrl}/admin/articles/new`);
      const url = page.locator('.search-preview__url');
      assert.doesNotMatch((await url.textContent()) ?? '', /your-article/);
      await page.locator('#field-title').fill('Tides & Storms of São Tomé');
      await page.waitForFunction(() =>
        document.querySelector('.search-preview__url')?.textContent?.includes('tides-storms-of-sao-tome'),
      );
      await page.locator('#field-slug').fill('tides');
      await page.waitForFunction(() =>
        document.querySelector('.search-preview__url')?.textContent?.endsWith('› tides'),
      );
    } finally {
      await context.close();
    }
  });
});
