import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { toIsoTimestamp } from '../../src/domain/article.ts';
import { findOrCreatePerson } from '../../src/services/people.ts';
import { addTerm } from '../../src/services/testing/fixtures.ts';
import { horizontalOverflow, seriousViolations, shoot, signIn } from '../helpers/browser-pages.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';

const skipReason = browserSkipReason();
const EMAIL = 'details@example.org';

describe('the newsroom’s smaller details, in Chromium', { skip: skipReason ?? false }, () => {
  let server: BrowserApp;
  let browser: Browser;
  const termIds = new Map<string, number>();

  before(async () => {
    server = await startBrowserApp({
      shouldSeedDemo: true,
      staff: [{ email: EMAIL, name: 'Tove Lindqvist', role: 'admin' }],
    });
    const wiring = server.testWiring.wiring;
    const user = server.staff[0]!;
    const now = wiring.now();
    const person = await wiring.store.transaction((repos) =>
      findOrCreatePerson(repos, { name: 'Tove Lindqvist' }, now),
    );
    await wiring.store.users.update(user.id, { personId: person.id }, toIsoTimestamp(now));
    const tagId = (await wiring.store.taxonomies.listTaxonomies()).find((x) => x.slug === 'tag')!.id;
    for (const [slug, name] of [
      ['coastal-erosion', 'Coastal erosion'],
      ['erosion', 'Erosion'],
      ['soil-loss', 'Soil loss'],
      ['sediment', 'Sediment'],
    ] as const) {
      termIds.set(
        name,
        await wiring.store.transaction((repos) => addTerm(repos, { taxonomyId: tagId, slug, name })),
      );
    }
    browser = server.browser;
  });

  after(async () => {
    await server?.close();
  });

  /** A signed-in page in a fresh context; axe needs the CSP bypassed. */
  const signedIn = async (options: BrowserContextOptions = {}): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      bypassCSP: true,
      ...options,
    });
    const page = await context.newPage();
    await signIn(page, server.baseUrl, EMAIL);
    return page;
  };

  test('an element with the hidden attribute stays hidden, buttons included, with and without JavaScript', async () => {
    for (const javaScriptEnabled of [false, true]) {
      const page = await signedIn({ javaScriptEnabled });
      try {
        for (const path of ['/admin/articles/new', '/admin/articles', '/admin/people/new']) {
          await page.goto(`${server.baseUrl}${path}`);
          const shown = await page.evaluate(() =>
            [...document.querySelectorAll('[hidden]')]
              .filter((el) => getComputedStyle(el).display !== 'none')
              .map((el) => el.outerHTML.slice(0, 80)),
          );
          assert.deepEqual(shown, [], `${path}, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`);
        }
        if (!javaScriptEnabled) {
          await page.goto(`${server.baseUrl}/admin/articles/new`);
          assert.equal(await page.getByRole('button', { name: 'Choose featured image' }).count(), 0);
        }
      } finally {
        await page.context().close();
      }
    }
  });

  test('the merge picker finds a name by any part of it, and merging asks first in a dialog naming both', async () => {
    const page = await signedIn();
    try {
      const base = server.baseUrl;
      const from = termIds.get('Coastal erosion')!;
      await page.goto(`${base}/admin/terms/${from}`);
      const field = page.getByLabel('Merge “Coastal erosion” into');
      await field.pressSequentially('rosi', { delay: 30 });
      const options = page.locator(`#${await field.getAttribute('data-suggest-list')} option`);
      await page.waitForFunction(
        (id) => (document.getElementById(id ?? '')?.children.length ?? 0) > 0,
        await field.getAttribute('data-suggest-list'),
      );
      const values = await options.evaluateAll((list) => list.map((o) => (o as HTMLOptionElement).value));
      assert.ok(values.includes('Erosion'), `“rosi” finds “Erosion”: ${values.join(', ')}`);
      await field.fill('Erosion');
      await page.getByRole('button', { name: 'Merge', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Merge “Coastal erosion” into “Erosion”?' });
      await dialog.waitFor();
      await shoot(page, 'merge-dialog-1280');
      assert.deepEqual(await seriousViolations(page), []);
      // Cancel leaves everything as it was.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      assert.ok(await server.testWiring.wiring.store.taxonomies.findTermById(from));
      await page.getByRole('button', { name: 'Merge', exact: true }).click();
      await dialog.getByRole('button', { name: 'Merge into “Erosion”' }).click();
      await page.waitForURL(/notice=merged/);
      assert.equal(await server.testWiring.wiring.store.taxonomies.findTermById(from), undefined);

      // The list's bulk merge names every term ticked.
      await page.goto(`${base}/admin/taxonomies/tag`);
      await page.getByLabel('Select “Soil loss”').check();
      await page.getByLabel('Select “Sediment”').check();
      await page.getByLabel('Merge the selected tags into').fill('Erosion');
      await page.getByRole('button', { name: 'Merge the selected' }).click();
      const bulk = page.getByRole('dialog', { name: 'Merge “Soil loss” and “Sediment” into “Erosion”?' });
      await bulk.waitFor();
      await bulk.getByRole('button', { name: 'Cancel' }).click();
    } finally {
      await page.context().close();
    }
  });

  test('without JavaScript, merging shows a page that names both and asks to confirm', async () => {
    const page = await signedIn({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    try {
      const from = termIds.get('Soil loss')!;
      await page.goto(`${server.baseUrl}/admin/terms/${from}`);
      await page.getByLabel('Merge “Soil loss” into').fill('erosion');
      await page.getByRole('button', { name: 'Merge', exact: true }).click();
      await page.getByRole('heading', { name: 'Merge “Soil loss” into “Erosion”?' }).waitFor();
      assert.ok(await server.testWiring.wiring.store.taxonomies.findTermById(from), 'not merged yet');
      assert.equal(await horizontalOverflow(page), 0);
      await shoot(page, 'merge-confirm-390-nojs');
      await page.getByRole('button', { name: 'Merge into “Erosion”' }).click();
      await page.waitForURL(/notice=merged/);
      assert.equal(await server.testWiring.wiring.store.taxonomies.findTermById(from), undefined);
    } finally {
      await page.context().close();
    }
  });

  test('an autosave while a new co-author is half typed creates no one; the save creates the whole name', async () => {
    const page = await signedIn();
    try {
      const { store } = server.testWiring.wiring;
      const called = async (name: string) =>
        (await store.people.list()).filter((p) => p.name === name).length;
      await page.goto(`${server.baseUrl}/admin/articles/new`);
      await page.getByLabel('Title', { exact: true }).fill('Half-typed byline');
      const byline = page.getByRole('group', { name: 'Authors, in byline order' });
      await byline.locator('input[name="author"]:not([type="hidden"])').first().pressSequentially('Ines Alv');
      // The writer pauses mid-name: the first autosave makes the draft.
      await page.waitForURL(/\/admin\/articles\/\d+$/);
      await page.getByText(/Draft saved at/).waitFor();
      assert.equal(await called('Ines Alv'), 0);
      await byline.locator('input[name="author"]:not([type="hidden"])').first().pressSequentially('arado');
      await page.keyboard.press('Control+s');
      await page.waitForURL(/notice=saved/);
      assert.equal(await called('Ines Alvarado'), 1);
      assert.equal(await called('Ines Alv'), 0);
    } finally {
      await page.context().close();
    }
  });

  test('no leave-page prompt after a successful save', async () => {
    const page = await signedIn();
    try {
      await page.goto(`${server.baseUrl}/admin/articles/new`);
      await page.getByLabel('Title', { exact: true }).fill('Saved and left');
      await page.getByLabel('Body (Markdown)').fill('Words enough.');
      await page.getByText(/Draft saved at/).waitFor();
      await page.getByLabel('Body (Markdown)').fill('Words enough, and more.');
      await page.keyboard.press('Control+s');
      await page.waitForURL(/notice=saved/);
      await page.waitForLoadState('load');
      // The editor as the save left it: a click anywhere, then away.
      await page.getByLabel('Body (Markdown)').click();
      let prompts = 0;
      page.on('dialog', async (dialog) => {
        prompts += 1;
        await dialog.accept();
      });
      await page.getByRole('link', { name: 'Articles', exact: true }).first().click();
      await page.waitForURL(/\/admin\/articles$/);
      assert.equal(prompts, 0, 'no prompt after a save');
    } finally {
      await page.context().close();
    }
  });

  test('“Writes as” fits a phone: the author list and its button stay inside the row, at 390 px', async () => {
    const page = await signedIn({ viewport: { width: 390, height: 844 } });
    try {
      await page.goto(`${server.baseUrl}/admin/users`);
      await shoot(page, 'users-390');
      assert.equal(await horizontalOverflow(page), 0);
      const boxes = await page.evaluate(() =>
        [...document.querySelectorAll('td[data-label="Writes as"]')].map((cell) => {
          const td = (cell.closest('.panel') ?? cell).getBoundingClientRect();
          const select = cell.querySelector('select')?.getBoundingClientRect();
          const button = cell.querySelector('button')?.getBoundingClientRect();
          return {
            td: td.right,
            select: select?.right ?? 0,
            button: button?.right ?? 0,
            selectWidth: select?.width ?? 0,
          };
        }),
      );
      assert.ok(boxes.length > 0);
      for (const box of boxes) {
        assert.ok(box.select <= box.td + 0.5 && box.button <= box.td + 0.5, JSON.stringify(box));
        assert.ok(box.selectWidth >= 150, `the list is wide enough to read: ${JSON.stringify(box)}`);
      }
      assert.deepEqual(await seriousViolations(page), []);
    } finally {
      await page.context().close();
    }
  });
});
