import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { signIn } from '../helpers/browser-pages.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';

const skipReason = browserSkipReason();
/** Where the screenshots go when asked for (they are looked at, not compared). */
const SCREENSHOTS = process.env.SCREENSHOT_DIR;

async function shoot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: false });
}

describe('the editor with the image library, in Chromium', { skip: skipReason ?? false }, () => {
  let server: BrowserApp;
  let browser: Browser;

  before(async () => {
    server = await startBrowserApp({
      shouldSeedDemo: true,
      staff: [{ email: 'desk@example.org', name: 'Mara Ellison', role: 'editor' }],
    });
    browser = server.browser;
  });

  after(async () => {
    await server?.close();
  });

  test('an editor publishes a new article with a featured image picked from the library in six actions', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'desk@example.org');

    // The library already holds an image, described there.
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#2a6f97' } })
      .png()
      .toBuffer();
    await page.goto(`${base}/admin/media`);
    await page
      .locator('#upload-file')
      .setInputFiles({ name: 'gauge.png', mimeType: 'image/png', buffer: png });
    await page.getByLabel('Description (alt text)').fill('A tide gauge');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.waitForURL(/uploaded=/);
    // Its description is edited in the library, and its address can be copied.
    await page.locator('.media-describe textarea').first().fill('A tide gauge on the harbour wall');
    await page.getByRole('button', { name: 'Save description' }).first().click();
    await page.waitForURL(/notice=described/);
    assert.equal(await page.getByRole('button', { name: 'Copy address' }).first().isVisible(), true);
    await page.getByLabel('Search images').fill('harbour');
    await page.getByRole('button', { name: 'Search' }).click();
    assert.equal(await page.locator('.media-grid li').count(), 1);

    await page.goto(`${base}/admin/articles/new`);
    let actions = 0;
    const act = async (step: Promise<unknown>) => {
      actions++;
      await step;
    };
    await act(page.getByLabel('Title', { exact: true }).fill('The harbour wall holds'));
    await act(page.getByLabel('Body (Markdown)').fill('Engineers say the **new wall** will last a century.'));
    await act(page.getByRole('button', { name: 'Choose featured image' }).click());
    const picker = page.getByRole('dialog', { name: 'Choose the featured image' });
    await picker.getByRole('button', { name: /^Choose: A tide gauge on the harbour wall/ }).waitFor();
    await shoot(page, 'editor-media-picker-1280');
    await act(picker.getByRole('button', { name: /^Choose: A tide gauge on the harbour wall/ }).click());
    assert.match(await page.locator('#field-featured_image').inputValue(), /^\/media\/.+\.png$/);
    assert.equal(
      await page.locator('#field-featured_image_alt').inputValue(),
      'A tide gauge on the harbour wall',
    );
    await act(page.getByRole('button', { name: 'Publish…' }).click());
    const check = page.getByRole('dialog', { name: 'Before publishing' });
    await check.getByText(/things are missing|One thing is missing|Everything is in place/).waitFor();
    const checklist = (await check.locator('.checklist').textContent()) ?? '';
    assert.match(checklist, /Summary \(missing\)/);
    assert.match(checklist, /Featured image \(done\)/);
    assert.match(checklist, /At least one region or theme \(missing\)/);
    assert.match(checklist, /\/articles\/the-harbour-wall-holds/);
    await shoot(page, 'editor-publish-check-1280');
    await act(check.getByRole('button', { name: 'Publish now' }).click());
    await page.waitForURL(/\/admin\/articles\/\d+\?notice=publish/);
    assert.ok(actions <= 6, `${actions} actions`);
    assert.match((await page.locator('#workflow-heading').textContent()) ?? '', /Published/);

    const published = await context.newPage();
    const response = await published.goto(`${base}/articles/the-harbour-wall-holds`);
    assert.equal(response?.status(), 200);
    assert.equal(
      (await published.locator('img[alt="A tide gauge on the harbour wall"]').count()) > 0,
      true,
      'the featured image is shown with its description',
    );
    await published.close();
    // One article, not a draft from the autosave and another from the publication.
    const titles = (await server.testWiring.wiring.store.articles.listAll()).filter(
      (a) => a.title === 'The harbour wall holds',
    );
    assert.equal(titles.length, 1);

    // Deleting the image from the library first warns where it is used.
    await page.goto(`${base}/admin/media`);
    await page.getByRole('link', { name: /^Delete image A tide gauge on the harbour wall/ }).click();
    const warning = (await page.getByRole('alert').textContent()) ?? '';
    assert.match(warning, /used in one place/);
    assert.match(
      (await page.locator('main .list').textContent()) ?? '',
      /The harbour wall holds — article \(published\), as its featured image/,
    );
    await shoot(page, 'media-delete-warning-1280');
    await page.getByRole('link', { name: 'Keep it' }).click();
    await page.waitForURL(`${base}/admin/media`);
    await context.close();
  });

  test('a new article autosaves into a draft from the first keystroke, previews unsaved, inserts images and saves with Ctrl+S', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'desk@example.org');
    await page.goto(`${base}/admin/articles/new`);

    // Preview before any save: the form as it is now.
    await page.getByLabel('Epigraph', { exact: true }).fill('The sea keeps its own books.');
    await page.getByLabel('Body (Markdown)').fill('Surges are **rising**.');
    const [preview] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('button', { name: /^Preview in a new tab/ }).click(),
    ]);
    await preview.waitForLoadState();
    assert.match(await preview.content(), /The sea keeps its own books/);
    assert.match(await preview.content(), /<strong>rising<\/strong>/);
    // Not saved yet, or already the draft the first autosave made.
    assert.match(
      (await preview.locator('.preview-banner').textContent()) ?? '',
      /not saved yet|unsaved changes to a draft/,
    );
    await preview.close();

    // The first autosave makes it a draft even before it has a title: the address changes, and
    // it is stored as an untitled draft.
    await page.waitForURL(/\/admin\/articles\/\d+$/);
    await page.getByText(/Draft saved at .*Untitled draft/).waitFor();
    const draftId = Number(/\/admin\/articles\/(\d+)$/.exec(page.url())?.[1]);
    const draft = await server.testWiring.wiring.store.articles.findById(draftId);
    assert.equal(draft?.title, 'Untitled draft');
    assert.equal(draft?.status, 'draft');
    assert.equal(draft?.bodyMarkdown, 'Surges are **rising**.');

    // Typing the title then goes on autosaving that draft, the cursor kept.
    const title = page.getByLabel('Title', { exact: true });
    assert.equal(await title.getAttribute('placeholder'), 'Untitled draft');
    await title.focus();
    await page.keyboard.type('Storm surge today');
    await page.getByText(/Autosaved at/).waitFor();
    assert.match(page.url(), new RegExp(`/admin/articles/${draftId}$`));
    // Written as the newsroom writes times: 24-hour, in the site's zone, named; no AM/PM.
    assert.match(
      (await page.locator('.autosave-status').textContent()) ?? '',
      /(Draft saved|Autosaved) at \d\d:\d\d UTC\b/,
    );
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-title');
    assert.equal(await title.inputValue(), 'Storm surge today');
    await shoot(page, 'editor-autosaved-1280');

    // The toolbar's image button inserts a library image with its description.
    const body = page.getByLabel('Body (Markdown)');
    await body.fill('The gauges agree.');
    await body.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(el.value.length, el.value.length));
    await page.getByRole('button', { name: 'Insert an image from the library' }).click();
    await page
      .getByRole('dialog', { name: 'Insert an image' })
      .getByRole('button', { name: /^Choose: A tide gauge/ })
      .click();
    assert.match(await body.inputValue(), /!\[A tide gauge on the harbour wall\]\(\/media\/.+\.png\)/);

    // Unsaved changes to a saved draft show in the preview, not the saved version.
    await title.fill('Storm surge, changed');
    const [changed] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('button', { name: /^Preview in a new tab/ }).click(),
    ]);
    await changed.waitForLoadState();
    assert.equal(await changed.locator('h1').first().textContent(), 'Storm surge, changed');
    await changed.close();

    await body.focus();
    await page.keyboard.press('Control+s');
    await page.waitForURL(/notice=saved/);
    assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), 'Storm surge, changed');
    await context.close();
  });

  test('uploading in the featured-image picker asks for a description, picks the new image and says so', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, base, 'desk@example.org');
      await page.goto(`${base}/admin/articles/new`);
      await page.getByLabel('Title', { exact: true }).fill('Dredging the channel');
      await page.getByRole('button', { name: 'Choose featured image' }).click();
      const picker = page.getByRole('dialog', { name: 'Choose the featured image' });
      await picker.getByLabel('Description of a new image (alt text)').fill('A dredger at dawn');
      const png = await sharp({ create: { width: 640, height: 400, channels: 3, background: '#2a6f97' } })
        .png()
        .toBuffer();
      await picker
        .locator('.picker-upload input[type="file"]')
        .setInputFiles({ name: 'dredger.png', mimeType: 'image/png', buffer: png });
      await picker.waitFor({ state: 'hidden' });
      const featured = await page.getByLabel('Featured image', { exact: true }).inputValue();
      assert.match(featured, /^\/media\/.+\.png$/);
      assert.equal(await page.getByLabel('Featured image description').inputValue(), 'A dredger at dawn');
      assert.equal(await page.locator('.featured-thumb').getAttribute('src'), featured);
      assert.match(
        (await page.locator('.autosave-status').textContent()) ?? '',
        /Uploaded dredger\.png and chose it as the featured image/,
      );
      await shoot(page, 'editor-featured-uploaded-1280');
      // The description is the library's too, for the next article that uses the image.
      const found = await page.evaluate(
        async () =>
          (
            await (
              await fetch('/admin/media/picker?q=dredger', { headers: { accept: 'application/json' } })
            ).json()
          ).images,
      );
      assert.equal(found[0]?.alt, 'A dredger at dawn');
    } finally {
      await context.close();
    }
  });

  test('the editor and the picker fit a phone', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, base, 'desk@example.org');
    await page.goto(`${base}/admin/articles/new`);
    await shoot(page, 'editor-390');
    await page.getByRole('button', { name: 'Choose featured image' }).click();
    const picker = page.getByRole('dialog', { name: 'Choose the featured image' });
    await picker
      .getByRole('button', { name: /^Choose: / })
      .first()
      .waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0);
    await shoot(page, 'editor-media-picker-390');
    await picker.getByRole('button', { name: 'Close' }).click();
    await context.close();
  });

  test('a person created from the byline is offered a bio and a photo picked from the library', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, base, 'desk@example.org');
      await page.goto(`${base}/admin/articles/new`);
      await page.getByLabel('Title', { exact: true }).fill('Guest column on tides');
      await page.getByLabel('Body (Markdown)').fill('A guest writes.');
      const byline = page.getByRole('group', { name: 'Authors, in byline order' });
      await byline.locator('input[name="author"]:not([type="hidden"])').first().click();
      await page.keyboard.type('Ines Okafor');
      await page.locator('#article-form button.save-button').click();
      await page.waitForURL(/\/admin\/articles\/\d+\?notice=(created|saved)/);
      const offer = page.locator('.notice').getByRole('link', { name: 'add Ines Okafor’s bio and photo' });
      await offer.click();
      await page.waitForURL(/\/admin\/people\/\d+$/);

      await page.getByRole('button', { name: 'Choose a photo' }).click();
      await page
        .getByRole('dialog', { name: 'Choose a photo' })
        .getByRole('button', { name: /^Choose: A tide gauge/ })
        .click();
      const photo = await page.getByLabel('Photo', { exact: true }).inputValue();
      assert.match(photo, /^\/media\/.+\.png$/);
      assert.equal(await page.locator('.featured-thumb').getAttribute('src'), photo);
      await page.getByLabel('Bio').fill('Ines Okafor studies coasts.');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(/notice=saved/);
      const person = (await server.testWiring.wiring.store.people.list()).find(
        (p) => p.name === 'Ines Okafor',
      );
      assert.equal(person?.photo, photo);
      assert.equal(person?.bio, 'Ines Okafor studies coasts.');
    } finally {
      await context.close();
    }
  });

  for (const javaScript of [false, true]) {
    test(`uploading from the editor keeps the unsaved article and finds the image by its file name, JavaScript ${javaScript ? 'on' : 'off'}`, async () => {
      const base = server.baseUrl;
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        javaScriptEnabled: javaScript,
      });
      const page = await context.newPage();
      try {
        await signIn(page, base, 'desk@example.org');
        await page.goto(`${base}/admin/articles/new`);
        // The library opens beside the editor, never in its place.
        if (!javaScript) {
          const library = page.getByRole('link', { name: /^Open the image library/ });
          assert.equal(await library.getAttribute('target'), '_blank');
          assert.equal(await library.getAttribute('rel'), 'noopener');
        }
        const name = javaScript ? 'breakwater-js' : 'breakwater-nojs';
        await page.getByLabel('Title', { exact: true }).fill(`The ${name} article`);
        await page.getByLabel('Body (Markdown)').fill('Typed before the upload.');
        const png = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#97702a' } })
          .png()
          .toBuffer();
        await page
          .locator('#upload-file')
          .setInputFiles({ name: `${name}-2026.png`, mimeType: 'image/png', buffer: png });
        await page.getByLabel('Description (alt text)').fill('');
        await page.getByRole('button', { name: 'Save and upload' }).click();
        await page.waitForURL(/\/admin\/articles\/\d+\?uploaded=/);
        assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), `The ${name} article`);
        assert.equal(await page.getByLabel('Body (Markdown)').inputValue(), 'Typed before the upload.');
        const address = (await page.locator('.notice code').first().textContent()) ?? '';
        assert.match(address, /^\/media\/.+\.png$/);

        // The image has no description: its file name finds it, in the picker and the library.
        const found = await page.evaluate(
          async (q) =>
            (
              await (
                await fetch(`/admin/media/picker?q=${q}`, { headers: { accept: 'application/json' } })
              ).json()
            ).images,
          name,
        );
        assert.deepEqual(
          found.map((image: { url: string }) => image.url),
          [address],
        );
        await page.goto(`${base}/admin/media?q=${name}-2026`);
        assert.equal(await page.locator('.media-grid li').count(), 1);
      } finally {
        await context.close();
      }
    });
  }
});
