import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { signIn } from '../helpers/browser-pages.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOTS = path.join(repoRoot, 'test-output');
const skipReason = browserSkipReason();

describe('the editor on a site with thousands of tags and people, in Chromium', {
  skip: skipReason ?? false,
}, () => {
  let server: BrowserApp;
  let browser: Browser;
  let articleId = 0;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startBrowserApp({
      shouldSeedDemo: true,
      staff: [{ email: 'desk@example.org', name: 'Mara Ellison', role: 'editor' }],
      prepare: async (wiring) => {
        const tag = (await wiring.store.taxonomies.listTaxonomies()).find((t) => t.slug === 'tag');
        assert.ok(tag);
        const now = '2026-11-20T12:00:00.000Z';
        const db = wiring.database.db;
        for (let from = 0; from < 2_000; from += 500)
          await db
            .insertInto('terms')
            .values(
              Array.from({ length: 500 }, (_, i) => ({
                taxonomy_id: tag.id,
                slug: `dock-${from + i}`,
                name: `Dock ${from + i}`,
                parent_id: null,
                description: null,
                position: 0,
                created_at: now,
                updated_at: now,
              })) as never,
            )
            .execute();
        await db
          .insertInto('people')
          .values(
            Array.from({ length: 500 }, (_, i) => ({
              slug: `pilot-${i}`,
              name: `Pilot ${i}`,
              created_at: now,
              updated_at: now,
            })) as never,
          )
          .execute();
      },
    });
    const [article] = (await server.testWiring.wiring.store.articles.listAll()).filter(
      (a) => a.status === 'published',
    );
    assert.ok(article);
    articleId = article.id;
    browser = server.browser;
  });

  after(async () => {
    await server?.close();
  });

  test('an editor adds a co-author and tags from suggestions as they type', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'desk@example.org');
    await page.goto(`${base}/admin/articles/${articleId}`);
    // Not every tag and person is on the page: only the article's own, and suggestions.
    assert.equal(await page.locator('option[value="Pilot 7"]').count(), 0);
    assert.equal(await page.locator('label', { hasText: 'Dock 7' }).count(), 0);

    const authors = page.locator('input[name="author"]');
    const empty = (
      await authors.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))
    ).indexOf('');
    const coAuthor = authors.nth(empty);
    await coAuthor.pressSequentially('Pilot 4');
    // Suggestions come a moment after typing stops; earlier ones (for "P") may show first.
    const authorOptions = page.locator(`#author-${empty}-options option`);
    await page.waitForFunction(
      (id) => document.querySelector(`#author-${id}-options option`)?.getAttribute('value') === 'Pilot 4',
      empty,
    );
    assert.ok((await authorOptions.count()) > 1);
    await coAuthor.fill('Pilot 42');

    const addTags = page.getByLabel('Add tags');
    await addTags.pressSequentially('Dock 1');
    await page.waitForFunction(
      () => document.querySelector('#field-new_terms_tag-options option')?.getAttribute('value') === 'Dock 1',
    );
    // A second name after a comma: suggestions complete the whole line.
    await addTags.fill('Dock 1,');
    await addTags.pressSequentially(' Dock 19');
    await page.waitForFunction(() =>
      document
        .querySelector('#field-new_terms_tag-options option')
        ?.getAttribute('value')
        ?.startsWith('Dock 1, Dock 19'),
    );
    await addTags.fill('Dock 1, dock-1999');
    const filing = page.locator('section', { has: page.getByRole('heading', { name: 'Byline and filing' }) });
    await filing.screenshot({ path: path.join(SCREENSHOTS, 'editor-pickers-1280.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await filing.screenshot({ path: path.join(SCREENSHOTS, 'editor-pickers-390.png') });
    await page.locator('#article-form button.save-button').click();
    await page.waitForURL(/notice=saved/);

    const article = await server.testWiring.wiring.store.articles.findById(articleId);
    assert.ok(article);
    const terms = await server.testWiring.wiring.store.taxonomies.findTermsByIds(article.termIds);
    assert.ok(terms.some((t) => t.slug === 'dock-1'));
    assert.ok(terms.some((t) => t.slug === 'dock-1999'));
    const people = await server.testWiring.wiring.store.people.findByIds(article.authorIds);
    assert.ok(people.some((p) => p.slug === 'pilot-42'));
    // The tags added show ticked, to untick.
    assert.equal(await page.getByLabel('Dock 1999').isChecked(), true);
    await context.close();
  });

  test('without JavaScript, tags typed by name or slug are added', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    await signIn(page, base, 'desk@example.org');
    await page.goto(`${base}/admin/articles/${articleId}`);
    await page.getByLabel('Add tags').fill('dock-77, Dock 78');
    await page.locator('#article-form button.save-button').click();
    await page.waitForURL(/notice=saved/);
    assert.equal(await page.getByLabel('Dock 77').isChecked(), true);
    assert.equal(await page.getByLabel('Dock 78').isChecked(), true);
    await context.close();
  });
});
