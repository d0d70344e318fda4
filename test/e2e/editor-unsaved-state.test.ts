import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { toIsoTimestamp } from '../../src/domain/article.ts';
import { findOrCreatePerson } from '../../src/services/people.ts';
import { signIn } from '../helpers/browser-pages.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';

const skipReason = browserSkipReason();

describe('the editor keeps its unsaved state, in Chromium', { skip: skipReason ?? false }, () => {
  let server: BrowserApp;
  let browser: Browser;

  before(async () => {
    server = await startBrowserApp({
      shouldSeedDemo: true,
      staff: [{ email: 'first@example.org', name: 'Lena Marsh', role: 'editor' }],
    });
    const wiring = server.testWiring.wiring;
    const user = server.staff[0]!;
    const now = wiring.now();
    const person = await wiring.store.transaction((repos) =>
      findOrCreatePerson(repos, { name: 'Lena Marsh' }, now),
    );
    await wiring.store.users.update(user.id, { personId: person.id }, toIsoTimestamp(now));
    browser = server.browser;
  });

  after(async () => {
    await server?.close();
  });

  const bylineOf = async (id: number): Promise<string[]> => {
    const { store } = server.testWiring.wiring;
    const article = await store.articles.findById(id);
    return (await store.people.findByIds(article?.authorIds ?? [])).map((p) => p.name);
  };

  test('keeps the byline chosen before the first autosave, in its order, on the page and in the saved draft', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, base, 'first@example.org');
      await page.goto(`${base}/admin/articles/new`);
      const byline = page.getByRole('group', { name: 'Authors, in byline order' });
      // A new co-author typed and moved above the writer, before anything is saved.
      await byline.locator('input[name="author"]:not([type="hidden"])').first().fill('Pia Early');
      await page.getByRole('button', { name: 'Move author 2 up' }).click();
      // And every other kind of field: text, checkboxes, a term.
      await page.getByLabel('Subtitle').fill('Set early');
      await page.getByLabel('Summary').fill('A summary typed first.');
      await page.getByLabel('Search title').fill('Early search title');
      await page.getByLabel('Featured on the home page').check();
      await page.getByLabel('Comments on').uncheck();
      const term = page.locator('input[name="term"]').first();
      await term.check();
      const termId = Number(await term.getAttribute('value'));
      await page.getByLabel('Body (Markdown)').fill('Before any save.');
      await page.waitForURL(/\/admin\/articles\/\d+$/);
      await page.getByText(/Draft saved at/).waitFor();
      const id = Number(/\/admin\/articles\/(\d+)$/.exec(page.url())?.[1]);
      // The autosave makes the draft but no person from a typed name: the save below does.
      assert.deepEqual(await bylineOf(id), ['Lena Marsh']);
      const draft = await server.testWiring.wiring.store.articles.findById(id);
      assert.equal(draft?.subtitle, 'Set early');
      assert.equal(draft?.summary, 'A summary typed first.');
      assert.equal(draft?.seoTitle, 'Early search title');
      assert.equal(draft?.isFeatured, true);
      assert.equal(draft?.hasComments, false);
      assert.deepEqual(draft?.termIds, [termId]);
      assert.equal(draft?.bodyMarkdown, 'Before any save.');
      // The page still holds that byline, in that order.
      const names = async () =>
        (
          await page
            .locator('#article-form input[name="author"]')
            .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))
        ).filter(Boolean);
      assert.deepEqual(await names(), ['Pia Early', 'Lena Marsh']);
      await page.getByLabel('Title', { exact: true }).fill('Early bylines');
      await page.getByText(/Autosaved at/).waitFor();
      await page.keyboard.press('Control+s');
      await page.waitForURL(/notice=saved/);
      assert.deepEqual(await bylineOf(id), ['Pia Early', 'Lena Marsh']);
      assert.deepEqual(await names(), ['Pia Early', 'Lena Marsh']);
    } finally {
      await context.close();
    }
  });

  test('publishing from the Status panel saves the unsaved edits first and shows the checklist', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, base, 'first@example.org');
      await page.goto(`${base}/admin/articles/new`);
      await page.getByLabel('Title', { exact: true }).fill('Status panel draft');
      await page.getByLabel('Body (Markdown)').fill('First words.');
      await page.locator('#article-form button.save-button').click();
      await page.waitForURL(/\/admin\/articles\/\d+\?notice=created/);
      const id = Number(/\/admin\/articles\/(\d+)/.exec(page.url())?.[1]);

      // Edited, not saved, then published from the Status panel rather than the form's button.
      await page.getByLabel('Title', { exact: true }).fill('Status panel, edited');
      await page.getByLabel('Body (Markdown)').fill('Edited words.');
      const panel = page.locator('section.workflow');
      await panel.getByRole('button', { name: 'Publish now' }).click();
      const check = page.getByRole('dialog', { name: 'Before publishing' });
      await check.getByText(/things are missing|One thing is missing|Everything is in place/).waitFor();
      // Not published before the checklist is confirmed.
      assert.equal((await server.testWiring.wiring.store.articles.findById(id))?.status, 'draft');
      await check.getByRole('button', { name: 'Publish now' }).click();
      await page.waitForURL(/\/admin\/articles\/\d+\?notice=publish/);
      const article = await server.testWiring.wiring.store.articles.findById(id);
      assert.equal(article?.status, 'published');
      assert.equal(article?.title, 'Status panel, edited');
      assert.equal(article?.bodyMarkdown, 'Edited words.');
    } finally {
      await context.close();
    }
  });

  test('without JavaScript, the Status panel’s Publish saves the form and asks to confirm the checklist', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    try {
      await signIn(page, base, 'first@example.org');
      await page.goto(`${base}/admin/articles/new`);
      await page.getByLabel('Title', { exact: true }).fill('No script draft');
      await page.getByLabel('Body (Markdown)').fill('First words.');
      await page.locator('#article-form button.save-button').click();
      await page.waitForURL(/\/admin\/articles\/\d+\?notice=created/);
      const id = Number(/\/admin\/articles\/(\d+)/.exec(page.url())?.[1]);
      // Enter in a field still saves, not publishes (the panel's button comes first on the page).
      await page.getByLabel('Title', { exact: true }).fill('No script, entered');
      await page.getByLabel('Title', { exact: true }).press('Enter');
      await page.waitForURL(/notice=saved/);
      assert.equal((await server.testWiring.wiring.store.articles.findById(id))?.title, 'No script, entered');
      await page.getByLabel('Title', { exact: true }).fill('No script, edited');
      await page.locator('section.workflow').getByRole('button', { name: 'Publish now' }).click();
      await page.waitForURL(new RegExp(`/admin/articles/${id}/publish$`));
      assert.equal((await server.testWiring.wiring.store.articles.findById(id))?.title, 'No script, edited');
      assert.equal((await server.testWiring.wiring.store.articles.findById(id))?.status, 'draft');
      assert.match((await page.locator('main').textContent()) ?? '', /Summary/);
    } finally {
      await context.close();
    }
  });

  test('the preview of unsaved state shows a byline name typed for a person not saved yet, in its place', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, base, 'first@example.org');
      await page.goto(`${base}/admin/articles/new`);
      const byline = page.getByRole('group', { name: 'Authors, in byline order' });
      await byline.locator('input[name="author"]:not([type="hidden"])').first().fill('Noor Unsaved');
      await page.getByRole('button', { name: 'Move author 2 up' }).click();
      const [preview] = await Promise.all([
        context.waitForEvent('page'),
        page.getByRole('button', { name: /^Preview in a new tab/ }).click(),
      ]);
      await preview.waitForLoadState();
      const shown = (await preview.locator('.byline').first().textContent()) ?? '';
      assert.match(shown, /Noor Unsaved.*Lena Marsh/s);
      await preview.close();
      // Nobody was made by the preview itself.
      const people = await server.testWiring.wiring.store.people.list();
      assert.equal(people.filter((p) => p.name === 'Noor Unsaved').length <= 1, true);
    } finally {
      await context.close();
    }
  });
});
