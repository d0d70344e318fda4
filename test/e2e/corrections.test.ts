import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { signIn } from '../helpers/browser-pages.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOTS = path.join(repoRoot, 'test-output');
const skipReason = browserSkipReason();

/** The `correction` list of the page's NewsArticle JSON-LD. */
async function ldCorrections(page: Page): Promise<{ text: string; dateModified?: string }[]> {
  const text = await page.locator('script[type="application/ld+json"]').first().textContent();
  const data = JSON.parse(text ?? '{}') as Record<string, unknown>;
  const graph = (Array.isArray(data['@graph']) ? data['@graph'] : [data]) as Record<string, unknown>[];
  const article = graph.find((node) => node['@type'] === 'NewsArticle') ?? {};
  return (article.correction ?? []) as { text: string; dateModified?: string }[];
}

describe('corrections in Chromium', { skip: skipReason ?? false }, () => {
  let server: BrowserApp;
  let browser: Browser;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startBrowserApp({
      shouldSeedDemo: true,
      staff: [{ email: 'desk@example.org', name: 'Mara Ellison', role: 'editor' }],
    });
    browser = server.browser;
  });

  after(async () => {
    await server?.close();
  });

  test('an editor corrects, edits then withdraws a note; the reader page without JavaScript and its JSON-LD follow', async () => {
    const base = server.baseUrl;
    const [article] = (await server.testWiring.wiring.store.articles.listAll()).filter(
      (a) => a.status === 'published',
    );
    assert.ok(article);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'desk@example.org');
    await page.goto(`${base}/admin/articles/${article.id}`);
    const panel = page.locator('section', { has: page.locator('#corrections-heading') });
    await panel.getByLabel('Public note').fill('An earlier version put the dam at 400 m.');
    await panel.getByRole('button', { name: 'Add note' }).click();
    await page.waitForURL(/notice=corrected/);

    await panel.locator('summary').first().click();
    await panel
      .locator('li.correction textarea[name="note"]')
      .fill('An earlier version put the dam at 400 m; it is 40 m.');
    await panel.getByRole('button', { name: 'Save the change' }).click();
    await page.waitForURL(/notice=correction-edited/);

    const readers = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled: false,
    });
    const reader = await readers.newPage();
    await reader.goto(`${base}/articles/${article.slug}`);
    const aside = reader.locator('aside.corrections');
    assert.match((await aside.textContent()) ?? '', /it is 40 m\.\s*\(edited/);
    let ld = await ldCorrections(reader);
    assert.equal(ld.length, 1);
    assert.equal(ld[0]?.text, 'An earlier version put the dam at 400 m; it is 40 m.');
    assert.ok(ld[0]?.dateModified);
    await aside.screenshot({ path: path.join(SCREENSHOTS, 'corrections-reader-edited-1280.png') });

    // Withdrawing asks why: the empty form is refused, with the form open and the field named.
    await page.locator('li.correction summary').first().click();
    await page.getByRole('button', { name: 'Withdraw' }).click();
    await page.waitForLoadState();
    const reason = page.getByLabel('Why withdraw it (shown to readers)');
    assert.equal(await reason.getAttribute('aria-invalid'), 'true');
    await reason.fill('The dam was measured again: 400 m was right.');
    await page.setViewportSize({ width: 390, height: 844 });
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'corrections-editor-withdraw-390.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'corrections-editor-withdraw-1280.png') });
    await page.getByRole('button', { name: 'Withdraw' }).click();
    await page.waitForURL(/notice=correction-withdrawn/);
    assert.match((await panel.textContent()) ?? '', /withdrawn/);
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'corrections-editor-withdrawn-1280.png') });

    await reader.reload();
    const shown = (await aside.textContent()) ?? '';
    assert.doesNotMatch(shown, /it is 40 m/);
    assert.match(shown, /A correction of .+ was withdrawn: The dam was measured again: 400 m was right\./);
    ld = await ldCorrections(reader);
    assert.equal(ld.length, 1);
    assert.match(ld[0]?.text ?? '', /was withdrawn: The dam was measured again/);
    await aside.screenshot({ path: path.join(SCREENSHOTS, 'corrections-reader-withdrawn-1280.png') });
    await reader.setViewportSize({ width: 390, height: 844 });
    await aside.screenshot({ path: path.join(SCREENSHOTS, 'corrections-reader-withdrawn-390.png') });

    await page.goto(`${base}/admin/articles/${article.id}/revisions`);
    const history = (await page.locator('main').textContent()) ?? '';
    assert.match(history, /Withdrew a correction/);
    assert.match(history, /Edited a correction/);
    assert.match(history, /Added a correction/);
    await readers.close();
    await context.close();
  });
});
