import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { toIsoTimestamp } from '../../src/domain/article.ts';
import { findOrCreatePerson } from '../../src/services/people.ts';
import { signIn } from '../helpers/browser-pages.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';

const skipReason = browserSkipReason();
const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-output');

describe('the byline of a new article in Chromium', { skip: skipReason ?? false }, () => {
  let server: BrowserApp;
  let browser: Browser;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startBrowserApp({
      shouldSeedDemo: true,
      staff: [
        { email: 'byline@example.org', name: 'Lena Marsh', role: 'editor' },
        { email: 'writer@example.org', name: 'Oskar Lind', role: 'author' },
      ],
    });
    const wiring = server.testWiring.wiring;
    const user = server.staff[0]!;
    const now = wiring.now();
    const person = await wiring.store.transaction((repos) =>
      findOrCreatePerson(repos, { name: 'Lena Marsh' }, now),
    );
    await wiring.store.users.update(user.id, { personId: person.id }, toIsoTimestamp(now));
    const writer = server.staff[1]!;
    const own = await wiring.store.transaction((repos) =>
      findOrCreatePerson(repos, { name: 'Oskar Lind' }, now),
    );
    await wiring.store.users.update(writer.id, { personId: own.id }, toIsoTimestamp(now));
    browser = server.browser;
  });

  /** A saved article's byline, by name. */
  const bylineOf = async (id: number): Promise<string[]> => {
    const { store } = server.testWiring.wiring;
    const article = await store.articles.findById(id);
    return (await store.people.findByIds(article?.authorIds ?? [])).map((p) => p.name);
  };

  for (const javaScript of [false, true]) {
    test(`reorders co-authors, JavaScript ${javaScript ? 'on (buttons)' : 'off (place numbers)'}`, async () => {
      const base = server.baseUrl;
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        javaScriptEnabled: javaScript,
      });
      const page = await context.newPage();
      try {
        await signIn(page, base, 'byline@example.org');
        await page.goto(`${base}/admin/articles/new`);
        const byline = page.getByRole('group', { name: 'Authors, in byline order' });
        await byline.locator('input[name="author"]:not([type="hidden"])').first().fill('Pia Second');
        await byline.locator('input[name="author"]:not([type="hidden"])').nth(1).fill('Quinn Third');
        await page.locator('#field-title').fill(`Three bylines, JavaScript ${javaScript ? 'on' : 'off'}`);
        await page.locator('#field-body').fill('Three hands.');
        await page.locator('#article-form button.save-button').click();
        await page.waitForURL(/\/admin\/articles\/\d+\?notice=created/);
        const id = Number(/\/admin\/articles\/(\d+)/.exec(page.url())?.[1]);
        assert.deepEqual(await bylineOf(id), ['Lena Marsh', 'Pia Second', 'Quinn Third']);
        if (javaScript) {
          // The script's move buttons reorder; the place numbers are gone.
          assert.equal(await byline.getByRole('spinbutton').count(), 0);
          await page.getByRole('button', { name: 'Move author 3 up' }).click();
          await page.getByRole('button', { name: 'Move author 2 up' }).focus();
          await page.keyboard.press('Enter');
        } else {
          await byline.getByRole('spinbutton', { name: 'Place of Quinn Third in the byline' }).fill('1');
          await byline.getByRole('spinbutton', { name: 'Place of Lena Marsh in the byline' }).fill('3');
          await byline.getByRole('spinbutton', { name: 'Place of Pia Second in the byline' }).fill('2');
        }
        await page.locator('#article-form button.save-button').click();
        await page.waitForURL(/\/admin\/articles\/\d+\?notice=saved/);
        const expected = javaScript
          ? ['Quinn Third', 'Lena Marsh', 'Pia Second']
          : ['Quinn Third', 'Pia Second', 'Lena Marsh'];
        assert.deepEqual(await bylineOf(id), expected);
        assert.deepEqual(
          (await page.locator('.author-chip .author-chip__name').allTextContents()).map((n) => n.trim()),
          expected,
        );
      } finally {
        await context.close();
      }
    });
  }

  test('an author’s refused new co-author is not shown as chosen: it stays typed, beside the message', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    try {
      await signIn(page, base, 'writer@example.org');
      await page.goto(`${base}/admin/articles/new`);
      const byline = () => page.getByRole('group', { name: 'Authors, in byline order' });
      await byline().locator('input[name="author"]:not([type="hidden"])').first().fill('Rhea Stranger');
      await page.locator('#field-title').fill('A claim of authorship');
      await page.locator('#field-body').fill('One hand.');
      await page.locator('#article-form button.save-button').click();
      await page.waitForLoadState();
      assert.match(
        (await page.locator('#field-author-error').textContent()) ?? '',
        /“Rhea Stranger” is not one of the site’s people/,
      );
      assert.deepEqual(
        (await byline().locator('.author-chip .author-chip__name').allTextContents()).map((n) => n.trim()),
        ['Oskar Lind'],
      );
      const entry = byline().locator('input[name="author"]:not([type="hidden"])').first();
      assert.equal(await entry.inputValue(), 'Rhea Stranger');
      assert.equal(await entry.getAttribute('aria-invalid'), 'true');
      // Cleared, the save goes through with the byline shown.
      await entry.fill('');
      await page.locator('#article-form button.save-button').click();
      await page.waitForURL(/\/admin\/articles\/\d+\?notice=created/);
      const id = Number(/\/admin\/articles\/(\d+)/.exec(page.url())?.[1]);
      assert.deepEqual(await bylineOf(id), ['Oskar Lind']);
    } finally {
      await context.close();
    }
  });

  after(async () => {
    await server?.close();
  });

  for (const javaScript of [true, false]) {
    test(`shows the writer as a chosen author beside an empty field for a co-author, JavaScript ${javaScript ? 'on' : 'off'}`, async () => {
      const base = server.baseUrl;
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        javaScriptEnabled: javaScript,
      });
      const page = await context.newPage();
      try {
        await signIn(page, base, 'byline@example.org');
        await page.goto(`${base}/admin/articles/new`);
        const byline = page.getByRole('group', { name: 'Authors, in byline order' });
        // The writer's own name is a chosen entry, not text in a field one types into.
        // A field with suggestions is a combobox to the browser, a plain text box without JavaScript.
        const entry = byline.locator('input[name="author"]:not([type="hidden"])').first();
        assert.equal(await entry.inputValue(), '');
        assert.equal(await entry.getAttribute('placeholder'), 'Add a co-author');
        assert.match((await byline.locator('.author-chip').first().textContent()) ?? '', /Lena Marsh/);
        await entry.click();
        await byline.screenshot({
          path: path.join(SCREENSHOTS, `newsroom-byline-chip-${javaScript ? 'js' : 'no-js'}.png`),
        });
        await page.keyboard.type(`Co Author ${javaScript ? 'One' : 'Two'}`);
        await page.locator('#field-title').fill(`Written by two, JavaScript ${javaScript ? 'on' : 'off'}`);
        await page.locator('#field-body').fill('Two hands.');
        await page.locator('#article-form button.save-button').click();
        await page.waitForURL(/\/admin\/articles\/\d+\?notice=(created|saved)/);
        const id = Number(/\/admin\/articles\/(\d+)/.exec(page.url())?.[1]);
        const wiring = server.testWiring.wiring;
        const saved = await wiring.store.articles.findById(id);
        const people = await wiring.store.people.findByIds(saved?.authorIds ?? []);
        assert.deepEqual(
          people.map((p) => p.name),
          ['Lena Marsh', `Co Author ${javaScript ? 'One' : 'Two'}`],
        );

        // Removing a chosen author works without JavaScript too.
        await page
          .getByRole('group', { name: 'Authors, in byline order' })
          .getByRole('checkbox', { name: 'Remove Lena Marsh from the byline' })
          .check();
        await page.locator('#article-form button.save-button').click();
        await page.waitForURL(/\/admin\/articles\/\d+\?notice=saved/);
        const after = await wiring.store.articles.findById(id);
        const left = await wiring.store.people.findByIds(after?.authorIds ?? []);
        assert.deepEqual(
          left.map((p) => p.name),
          [`Co Author ${javaScript ? 'One' : 'Two'}`],
        );
      } finally {
        await context.close();
      }
    });
  }
});
