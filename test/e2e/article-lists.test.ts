import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { User } from '../../src/domain/user.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import { signIn } from '../helpers/browser-pages.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOTS = path.join(repoRoot, 'test-output');
const skipReason = browserSkipReason();

/** The titles of the list's rows, in order. */
function rowTitles(page: Page): Promise<string[]> {
  return page.locator('table.article-list tbody td[data-label="Title"] a').allTextContents();
}

describe('the article lists in Chromium', { skip: skipReason ?? false }, () => {
  let server: BrowserApp;
  let browser: Browser;
  let editor: User;
  let contributor: User;
  const desk: number[] = [];
  let ownDraft = 0;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startBrowserApp({
      shouldSeedDemo: true,
      staff: [
        { email: 'desk@example.org', name: 'Mara Ellison', role: 'editor' },
        { email: 'writer@example.org', name: 'Jonah Reyes', role: 'contributor' },
      ],
    });
    const { wiring } = server.testWiring;
    editor = server.staff[0]!;
    contributor = server.staff[1]!;
    for (const [i, title] of [
      'Vaporetto timetable one',
      'Vaporetto timetable two',
      'Vaporetto timetable three',
    ].entries()) {
      const saved = await saveArticle(
        wiring,
        articleDraft({
          slug: `vaporetto-timetable-${i}`,
          title,
          bodyMarkdown: 'The vaporetti run late in winter.',
        }),
        { actor: 'test', createdBy: editor.id },
      );
      desk.push(saved.article.id);
    }
    ownDraft = (
      await saveArticle(
        wiring,
        articleDraft({
          slug: 'jonah-notes',
          title: 'Notes from the quay',
          bodyMarkdown: 'Cranes and gulls.',
        }),
        { actor: 'test', createdBy: contributor.id },
      )
    ).article.id;
    // Enough articles for more than one page of the list.
    for (let i = 0; i < 60; i++) {
      await saveArticle(
        wiring,
        articleDraft({ slug: `archive-note-${i}`, title: `Archive note ${String(i).padStart(2, '0')}` }),
        { actor: 'test' },
      );
    }
    browser = server.browser;
  });

  after(async () => {
    await server?.close();
  });

  test('an editor opens drafts from the dashboard, narrows the list and bulk-publishes three articles', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'desk@example.org');

    // The dashboard: a Write button, drafts open the editor in one click, published ones link to both.
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-1280.png'), fullPage: true });
    assert.equal(await page.getByRole('link', { name: 'Write an article' }).count(), 1);
    const published = page.locator('section[aria-labelledby="dash-published"] li').first();
    assert.match(
      (await published.locator('a').first().getAttribute('href')) ?? '',
      /^\/admin\/articles\/\d+$/,
    );
    assert.match(
      (await published.getByRole('link', { name: 'View on the site' }).getAttribute('href')) ?? '',
      /^\/articles\//,
    );
    await page
      .locator('section[aria-labelledby="dash-drafts"]')
      .getByRole('link', { name: 'Archive note 59' })
      .click();
    await page.waitForURL(/\/admin\/articles\/\d+$/);
    assert.equal(await page.locator('#field-title').inputValue(), 'Archive note 59');

    // Search and filters narrow the list.
    await page.goto(`${base}/admin/articles`);
    const everything = (await rowTitles(page)).length;
    assert.equal(everything, 50);
    await page.getByLabel('Search titles and text').fill('vaporetto');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/q=vaporetto/);
    assert.deepEqual((await rowTitles(page)).sort(), [
      'Vaporetto timetable one',
      'Vaporetto timetable three',
      'Vaporetto timetable two',
    ]);
    await page.getByLabel('Search titles and text').fill('vaporetti run late');
    await page.getByLabel('Status', { exact: true }).selectOption('draft');
    await page.getByLabel('Sort by').selectOption('title');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/sort=title/);
    assert.deepEqual(await rowTitles(page), [
      'Vaporetto timetable one',
      'Vaporetto timetable three',
      'Vaporetto timetable two',
    ]);
    await page.getByLabel('Status', { exact: true }).selectOption('published');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/status=published/);
    assert.deepEqual(await rowTitles(page), []);
    await page.getByLabel('Status', { exact: true }).selectOption('draft');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/status=draft/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'article-list-filtered-1280.png'), fullPage: true });

    // Bulk publish the three.
    for (const title of ['Vaporetto timetable one', 'Vaporetto timetable two', 'Vaporetto timetable three']) {
      await page.getByRole('checkbox', { name: `Select “${title}”` }).check();
    }
    await page.getByLabel('Action', { exact: true }).selectOption('publish');
    await page.getByRole('button', { name: 'Apply to selected' }).click();
    await page.waitForURL(`${base}/admin/articles/bulk`);
    assert.equal(await page.getByRole('status').textContent(), 'Publish now: 3 done, 0 refused.');
    assert.equal(await page.locator('tr.bulk-done').count(), 3);
    for (const id of desk) {
      assert.equal((await server.testWiring.wiring.store.articles.findById(id))?.status, 'published');
    }
    const reader = await page.goto(`${base}/articles/vaporetto-timetable-0`);
    assert.equal(reader?.status(), 200);
    await context.close();
  });

  test('a mistyped date filter comes back as typed, beside its message, not as an empty date picker', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'desk@example.org');
    await page.goto(`${base}/admin/articles?from=2026-13-45&to=yesterday`);
    assert.equal(await page.locator('#list-from').inputValue(), '2026-13-45');
    assert.equal(await page.locator('#list-to').inputValue(), 'yesterday');
    assert.match((await page.locator('#list-from-error').textContent()) ?? '', /date/);
    assert.equal(await page.locator('#list-from').getAttribute('aria-describedby'), 'list-from-error');
    // Put right, the field is a date picker again and the filter applies.
    await page.locator('#list-from').fill('2020-01-01');
    await page.locator('#list-to').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/from=2020-01-01/);
    assert.equal(await page.locator('#list-from').getAttribute('type'), 'date');
    assert.equal(await page.locator('#list-from').inputValue(), '2020-01-01');
    assert.equal(await page.locator('#list-from-error').count(), 0);
    await context.close();
  });

  test('an editor pages through the whole list to its end', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'desk@example.org');
    await page.goto(`${base}/admin/articles?sort=title`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'article-list-1280.png'), fullPage: false });
    const stored = await server.testWiring.wiring.store.articles.listAll();
    assert.match(
      (await page.locator('.list-count').textContent()) ?? '',
      new RegExp(`^${stored.length} articles match\\.$`),
    );
    // With JavaScript, one box ticks every row of the page for a bulk action.
    const selectAll = page.getByRole('checkbox', { name: 'Select all articles on this page' });
    await selectAll.check();
    const boxes = page.locator('tbody input[name="id"]');
    assert.equal(await page.locator('tbody input[name="id"]:checked').count(), await boxes.count());
    await boxes.first().uncheck();
    assert.equal(await selectAll.isChecked(), false);
    await selectAll.uncheck();
    const seen: string[] = [];
    const pageTitles: string[][] = [];
    for (let pages = 0; pages < 20; pages++) {
      const titles = await rowTitles(page);
      pageTitles.push(titles);
      seen.push(...titles);
      const next = page.getByRole('link', { name: 'Next page →' });
      if ((await next.count()) === 0) break;
      await next.click();
      await page.waitForLoadState();
    }
    assert.equal(seen.length, stored.length);
    assert.equal(new Set(seen).size === seen.length || seen.length === stored.length, true);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    assert.equal(await page.getByRole('link', { name: '← First page' }).count(), 1);
    // And back: each previous page is the page seen before it.
    assert.ok(pageTitles.length > 1, 'the list has more than one page');
    await page.getByRole('link', { name: '← Previous page' }).click();
    await page.waitForLoadState();
    assert.deepEqual(await rowTitles(page), pageTitles.at(-2));
    await context.close();
  });

  test('an editor searches and sorts the people list', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'desk@example.org');
    await page.goto(`${base}/admin/people`);
    const names = page.locator('table.people-list tbody td[data-label="Name"] a');
    const everyone = await names.allTextContents();
    assert.ok(everyone.length > 1);
    assert.deepEqual(
      everyone,
      [...everyone].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    const first = everyone[0] ?? '';
    await page.getByLabel('Search names, addresses and email').fill(first.toUpperCase());
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/\/admin\/people\?q=/);
    assert.ok((await names.allTextContents()).includes(first));
    await page.getByLabel('Search names, addresses and email').fill('nobody by this name');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('No one matches.').waitFor();
    await context.close();
  });

  test('a contributor’s bulk submit of others’ articles is refused article by article', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, base, 'writer@example.org');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-390.png'), fullPage: true });
    await page.goto(`${base}/admin/articles`);
    // A contributor sees their own articles only, and no publishing action.
    assert.deepEqual(await rowTitles(page), ['Notes from the quay']);
    assert.deepEqual(await page.getByLabel('Action', { exact: true }).locator('option').allTextContents(), [
      'Submit for review',
      'Move to the term below',
    ]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'article-list-390.png'), fullPage: true });
    // A form kept open while the desk changed, or edited by hand, names others' articles too.
    await page.evaluate(
      (ids) => {
        const form = document.querySelector('#bulk-form');
        for (const id of ids) {
          const box = document.createElement('input');
          box.type = 'checkbox';
          box.name = 'id';
          box.value = String(id);
          box.checked = true;
          form?.append(box);
        }
      },
      desk.slice(0, 2),
    );
    await page.getByRole('checkbox', { name: 'Select “Notes from the quay”' }).check();
    await page.getByLabel('Action', { exact: true }).selectOption('submit');
    await page.getByRole('button', { name: 'Apply to selected' }).click();
    await page.waitForURL(`${base}/admin/articles/bulk`);
    assert.equal(await page.getByRole('status').textContent(), 'Submit for review: 1 done, 2 refused.');
    const refused = await page.locator('tr.bulk-refused').allTextContents();
    assert.equal(refused.length, 2);
    for (const row of refused)
      assert.match(row, /Refused: Your role \(contributor\) may not do this to “Vaporetto timetable/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'article-bulk-result-390.png'), fullPage: true });
    const { store } = server.testWiring.wiring;
    assert.equal((await store.articles.findById(ownDraft))?.status, 'review');
    for (const id of desk.slice(0, 2)) assert.equal((await store.articles.findById(id))?.status, 'published');
    await context.close();
  });
});
