import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { savePage } from '../../src/services/newsroom/page-admin.ts';
import { savePerson } from '../../src/services/newsroom/people-admin.ts';
import { horizontalOverflow, seriousViolations, shoot, signIn } from '../helpers/browser-pages.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';

const skipReason = browserSkipReason();
/** What the names of each viewport's people and pages begin with, so that each test has its own. */
const PREFIXES: Record<number, string> = { 1280: 'Wide', 390: 'Narrow' };

describe('bulk actions and deletion on the people and pages lists in Chromium', {
  skip: skipReason ?? false,
}, () => {
  let server: BrowserApp;
  let browser: Browser;

  before(async () => {
    server = await startBrowserApp({
      shouldSeedDemo: true,
      staff: [{ email: 'bulk-lists@example.org', name: 'Iris Calder', role: 'editor' }],
    });
    const { wiring } = server.testWiring;
    const editor = server.staff[0]!;
    await addArticle(wiring, {
      slug: 'estuary-notes',
      title: 'Estuary notes',
      body: 'Text.',
      publishedAt: '2026-11-02T08:00:00.000Z',
      authors: ['Nadia Korvell'],
    });
    for (const prefix of Object.values(PREFIXES)) {
      for (const name of ['Guest', 'Intern']) {
        await savePerson(wiring, editor, {
          name: `${prefix} ${name}`,
          slug: '',
          bio: '',
          email: '',
          website: '',
          links: [],
          photo: '',
        });
      }
      for (const title of ['Masthead', 'Ethics']) {
        await savePage(wiring, editor, {
          title: `${prefix} ${title}`,
          slug: '',
          bodyMarkdown: `${title}.`,
          status: 'published',
          showInNavigation: true,
          position: 0,
        });
      }
    }
    browser = server.browser;
  });

  after(async () => {
    await server?.close();
  });

  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 390, height: 844 },
  ]) {
    test(`pages are hidden from the navigation in bulk, and people deleted in bulk after a confirmation, at ${viewport.width} px`, async () => {
      const base = server.baseUrl;
      const { width } = viewport;
      const prefix = PREFIXES[width] ?? '';
      const slug = prefix.toLowerCase();
      // axe-core is added as an inline script, which the admin's CSP would refuse.
      const context = await browser.newContext({ viewport, bypassCSP: true });
      const page = await context.newPage();
      await signIn(page, base, 'bulk-lists@example.org');

      await page.goto(`${base}/admin/pages?q=${prefix}`);
      // "Select all" ticks the rows of this page of the list.
      // On a phone the list's rows stack and its header, with "Select all", is out of sight.
      if (width > 600) await page.getByLabel('Select all pages on this page of the list').check();
      else
        for (const title of ['Masthead', 'Ethics'])
          await page.getByLabel(`Select “${prefix} ${title}”`).check();
      assert.equal(await page.locator('input[form="pages-bulk"]:checked').count(), 2);
      assert.equal(await horizontalOverflow(page), 0);
      assert.deepEqual(await seriousViolations(page), []);
      await shoot(page, `pages-bulk-list-${width}`);
      await page.getByLabel('With the selected pages').selectOption('hide');
      await page.getByRole('button', { name: 'Apply to selected' }).click();
      await page.getByText('Hidden from the navigation: 2 done, 0 refused.').waitFor();
      assert.equal(await horizontalOverflow(page), 0);
      await shoot(page, `pages-bulk-result-${width}`);
      await page.getByRole('link', { name: '← Back to the pages' }).click();
      await page.waitForURL(`${base}/admin/pages?q=${prefix}`);
      const home = await (await fetch(`${base}/`)).text();
      assert.doesNotMatch(home, new RegExp(`href="/${slug}-masthead"`));

      await page.goto(`${base}/admin/people?q=${prefix}`);
      await page.getByLabel(`Select “${prefix} Guest”`).check();
      await page.getByLabel(`Select “${prefix} Intern”`).check();
      assert.equal(await horizontalOverflow(page), 0);
      assert.deepEqual(await seriousViolations(page), []);
      await shoot(page, `people-bulk-list-${width}`);
      await page.getByRole('button', { name: 'Delete the selected…' }).click();
      await page.getByRole('heading', { name: 'Delete these 2 people?' }).waitFor();
      assert.equal(await horizontalOverflow(page), 0);
      await shoot(page, `people-bulk-confirm-${width}`);
      await page.getByRole('button', { name: 'Delete these 2 people' }).click();
      await page.getByText('Deleted: 2 done, 0 refused.').waitFor();
      assert.equal(await horizontalOverflow(page), 0);
      assert.deepEqual(await seriousViolations(page), []);
      await shoot(page, `people-bulk-result-${width}`);
      assert.equal((await fetch(`${base}/authors/${slug}-guest`)).status, 410);

      // One at a time: a person on a byline is refused before anything is sent, and says why.
      await page.goto(`${base}/admin/people?q=nadia`);
      await page.getByRole('link', { name: 'Delete…' }).click();
      await shoot(page, `person-delete-refused-${width}`);
      await page.getByText(/^Nadia Korvell is on the byline of “/).waitFor();
      assert.equal(await page.getByRole('button', { name: /^Delete/ }).count(), 0);
      assert.equal(await horizontalOverflow(page), 0);
      await shoot(page, `person-delete-refused-${width}`);
      await context.close();
    });
  }
});
