import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { createUser } from '../../src/services/users.ts';
import { TEST_PASSWORD } from '../helpers/admin.ts';
import { signIn } from '../helpers/browser-pages.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';

const skipReason = browserSkipReason();

describe('what an outside review of the newsroom found, in Chromium', { skip: skipReason ?? false }, () => {
  let server: BrowserApp;
  let browser: Browser;

  before(async () => {
    server = await startBrowserApp({
      shouldSeedDemo: true,
      // As `pressroom user create --role author` makes one: an account with no person yet.
      staff: [{ email: 'au@example.org', name: 'Aul Author', role: 'author' }],
    });
    browser = server.browser;
  });

  after(async () => {
    await server?.close();
  });

  const withPage = async (run: (page: Page) => Promise<void>) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await run(page);
    } finally {
      await context.close();
    }
  };

  /** Writes a new article as the author, with the byline left empty, and publishes it through the checklist. */
  const writeAndPublish = async (page: Page, title: string): Promise<{ id: number; checklist: string }> => {
    await page.goto(`${server.baseUrl}/admin/articles/new`);
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('Body (Markdown)').fill('The tide came in at noon.');
    await page.waitForURL(/\/admin\/articles\/\d+$/);
    await page.getByText(/Draft saved at/).waitFor();
    const id = Number(/\/admin\/articles\/(\d+)$/.exec(page.url())?.[1]);
    await page.locator('#article-form').getByRole('button', { name: 'Publish…' }).click();
    const check = page.getByRole('dialog', { name: 'Before publishing' });
    await check.getByText(/things are missing|One thing is missing|Everything is in place/).waitFor();
    const checklist = (await check.locator('.checklist').textContent()) ?? '';
    await check.getByRole('button', { name: 'Publish now' }).click();
    await page.waitForURL(/\/admin\/articles\/\d+\?notice=publish/);
    return { id, checklist };
  };

  test('an author with no person who leaves the byline empty publishes under their own name', async () => {
    await withPage(async (page) => {
      await signIn(page, server.baseUrl, 'au@example.org');
      const { id } = await writeAndPublish(page, 'Harbour wall notes');
      const { store } = server.testWiring.wiring;
      const article = await store.articles.findById(id);
      assert.equal(article?.status, 'published');
      const byline = await store.people.findByIds(article?.authorIds ?? []);
      assert.deepEqual(
        byline.map((p) => p.name),
        ['Aul Author'],
      );
      const authorPage = await page.goto(`${server.baseUrl}/authors/${byline[0]?.slug}`);
      assert.equal(authorPage?.status(), 200);
      await page.goto(`${server.baseUrl}/admin`);
      assert.equal(await page.getByText('Nothing published yet').count(), 0);
    });
  });

  test('a title whose address another article holds: the checklist names the free one, and it is published there', async () => {
    await withPage(async (page) => {
      await signIn(page, server.baseUrl, 'au@example.org');
      const { id, checklist } = await writeAndPublish(page, 'Harbour wall notes');
      assert.match(checklist, /Address \(done\): \/articles\/harbour-wall-notes-2: /);
      assert.match(checklist, /“Harbour wall notes”/);
      const article = await server.testWiring.wiring.store.articles.findById(id);
      assert.equal(article?.status, 'published');
      assert.equal(article?.slug, 'harbour-wall-notes-2');
    });
  });

  test('a paste the server cannot clean keeps the text, and says so', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
    const page = await context.newPage();
    try {
      await signIn(page, server.baseUrl, 'au@example.org');
      await page.goto(`${server.baseUrl}/admin/articles/new`);
      await page.route('**/admin/paste', (route) =>
        route.fulfill({ status: 503, contentType: 'application/json', body: '{"message":"Busy"}' }),
      );
      // A real paste (Ctrl+V): its clipboard data is readable only while the event is handled.
      await page.evaluate(async () => {
        const item = new ClipboardItem({
          'text/html': new Blob(['<p>Port <b>levies</b> rose.</p>'], { type: 'text/html' }),
          'text/plain': new Blob(['Port levies rose.'], { type: 'text/plain' }),
        });
        await navigator.clipboard.write([item]);
      });
      const body = page.getByLabel('Body (Markdown)');
      await body.fill('Before. ');
      await body.press('End');
      await body.press('Control+V');
      await page.getByText(/Pasted as plain text/).waitFor();
      assert.equal(await body.inputValue(), 'Before. Port levies rose.');
    } finally {
      await context.close();
    }
  });

  test('the media picker’s images stay readable when hovered and focused', async () => {
    await createUser(server.testWiring.wiring, {
      email: 'desk@example.org',
      name: 'Mara Ellison',
      role: 'editor',
      password: TEST_PASSWORD,
    });
    await withPage(async (page) => {
      await signIn(page, server.baseUrl, 'desk@example.org');
      const png = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#2a6f97' } })
        .png()
        .toBuffer();
      await page.goto(`${server.baseUrl}/admin/media`);
      await page
        .locator('#upload-file')
        .setInputFiles({ name: 'gauge.png', mimeType: 'image/png', buffer: png });
      await page.getByLabel('Description (alt text)').fill('A tide gauge');
      await page.getByRole('button', { name: 'Upload' }).click();
      await page.waitForURL(/uploaded=/);
      await page.goto(`${server.baseUrl}/admin/articles/new`);
      await page.getByRole('button', { name: 'Choose featured image' }).click();
      const picker = page.getByRole('dialog', { name: 'Choose the featured image' });
      const item = picker.getByRole('button', { name: /^Choose: A tide gauge/ });
      await item.waitFor();
      const contrast = () =>
        item.evaluate((button) => {
          const luminance = (css: string) => {
            const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
              const c = Number(v) / 255;
              return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
          };
          const text = button.querySelector('.picker-alt') ?? button;
          const [a, b] = [
            luminance(getComputedStyle(button).backgroundColor),
            luminance(getComputedStyle(text).color),
          ];
          return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        });
      assert.ok((await contrast()) >= 4.5, `at rest: ${await contrast()}`);
      await item.hover();
      assert.ok((await contrast()) >= 4.5, `hovered: ${await contrast()}`);
      await page.mouse.move(0, 0);
      await item.focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      assert.equal(await item.evaluate((button) => button.matches(':focus-visible')), true);
      assert.ok((await contrast()) >= 4.5, `focused: ${await contrast()}`);
      assert.notEqual(await item.evaluate((button) => getComputedStyle(button).outlineStyle), 'none');
    });
  });
});
