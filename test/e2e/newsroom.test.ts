import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { signIn } from '../helpers/browser-pages.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOTS = path.join(repoRoot, 'test-output');
const skipReason = browserSkipReason();

/** Serious or critical accessibility problems axe-core finds (none checked when axe-core is absent). */
async function seriousViolations(page: Page): Promise<string[]> {
  let source: string;
  try {
    source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  } catch {
    return [];
  }
  await page.addScriptTag({ content: source });
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(): Promise<{
            violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
          }>;
        };
      }
    ).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describe('the newsroom in Chromium', { skip: skipReason ?? false }, () => {
  let server: BrowserApp;
  let browser: Browser;
  let articleUrl = '';

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startBrowserApp({
      shouldSeedDemo: true,
      staff: [
        { email: 'writer@example.org', name: 'Jonah Reyes', role: 'contributor' },
        { email: 'desk@example.org', name: 'Mara Ellison', role: 'editor' },
        { email: 'columnist@example.org', name: 'Ines Okafor', role: 'author' },
      ],
    });
    browser = server.browser;
  });

  after(async () => {
    await server?.close();
  });

  test('a contributor writes with the toolbar and clean paste, fixes a mistake, and submits; the rest is refused', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'writer@example.org');
    const nav = await page.getByRole('navigation', { name: 'Admin' }).getByRole('link').allTextContents();
    assert.deepEqual(nav, ['Dashboard', 'Articles', 'Images', 'Your account']);

    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Articles' }).click();
    await page.getByRole('link', { name: 'Write an article' }).click();
    await page.waitForURL(`${base}/admin/articles/new`);
    // Bad input first: no title and a malformed canonical URL.
    await page.locator('#field-body').fill('The tide gauges disagree.');
    await page.locator('#author-0').fill('Jonah Reyes');
    await page.locator('#field-canonical_url').fill('not a link');
    await page.getByRole('button', { name: 'Create draft' }).click();
    assert.equal(await page.locator('#field-title-error').textContent(), 'Must not be empty');
    assert.equal(
      await page.locator('#field-canonical_url-error').textContent(),
      'Must be an http or https URL',
    );
    assert.equal(await page.locator('#field-body').inputValue(), 'The tide gauges disagree.');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'newsroom-editor-errors.png'), fullPage: true });

    await page.locator('#field-title').fill('Tide gauges and the sinking coast');
    await page.locator('#field-canonical_url').fill('');
    await page.locator('#field-subtitle').fill('Why the instruments disagree');
    await page.locator('#field-epigraph_text').fill('The sea keeps its own books.');
    await page.locator('#field-epigraph_attribution').fill('a harbour master');
    // The autosave may have made it a draft already (the button then reads Save).
    await page.locator('#article-form button.save-button').click();
    await page.waitForURL(/\/admin\/articles\/\d+\?notice=(created|saved)/);
    const editorUrl = page.url().split('?')[0] ?? '';

    // The toolbar: select a word and make it bold.
    const body = page.locator('#field-body');
    await body.evaluate((el: HTMLTextAreaElement) => {
      const start = el.value.indexOf('tide gauges');
      el.focus();
      el.setSelectionRange(start, start + 'tide gauges'.length);
    });
    await page.getByRole('button', { name: 'Bold' }).click();
    assert.equal(await body.inputValue(), 'The **tide gauges** disagree.');

    // Paste from a word processor: Google Docs-style HTML becomes clean Markdown.
    await body.evaluate((el: HTMLTextAreaElement) => {
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
      const data = new DataTransfer();
      data.setData(
        'text/html',
        '<b style="font-weight:normal"><p><span style="font-weight:700">Ground truth</span><span> comes from </span><span style="font-style:italic">satellites</span>.</p></b>',
      );
      data.setData('text/plain', 'Ground truth comes from satellites.');
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await page.waitForFunction(() =>
      (document.querySelector('#field-body') as HTMLTextAreaElement).value.includes('**Ground truth**'),
    );
    assert.match(await body.inputValue(), /\*\*Ground truth\*\* comes from \*satellites\*\./);

    // Word's clipboard: list paragraphs, bidi-styled bold and a table without a heading row.
    const wordHtml = readFileSync(path.join(repoRoot, 'test/fixtures/paste/word-list-table.html'), 'utf8');
    await body.evaluate((el: HTMLTextAreaElement, html: string) => {
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
      const data = new DataTransfer();
      data.setData('text/html', html);
      data.setData('text/plain', 'Harbour levies rose by a third in 2025.');
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, wordHtml);
    await page.waitForFunction(() =>
      (document.querySelector('#field-body') as HTMLTextAreaElement).value.includes('**Harbour levies**'),
    );
    const pasted = await body.inputValue();
    assert.match(pasted, /^- {3}Container fees\n {4}- {3}Reefer surcharge\n- {3}Berth fees$/m);
    assert.match(pasted, /^1\. {2}Audit the ledger$/m);
    assert.match(pasted, /^\| Port \| Levy \|\n\| --- \| --- \|\n\| Mombasa \| 4\.2% \|$/m);

    // Live preview renders the Markdown.
    await page.getByRole('button', { name: 'Preview' }).first().click();
    await page.locator('.md-preview strong', { hasText: 'tide gauges' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'newsroom-editor.png'), fullPage: true });

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/notice=saved/);
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.waitForURL(/notice=submit/);
    assert.equal(await page.getByRole('status').first().textContent(), 'Submitted for review.');
    assert.equal(await page.getByRole('button', { name: 'Publish now' }).count(), 0);
    articleUrl = editorUrl;

    for (const refused of ['/admin/taxonomies/theme', '/admin/people', '/admin/users', '/admin/settings']) {
      const response = await page.goto(`${base}${refused}`);
      assert.equal(response?.status(), 403, refused);
    }
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'newsroom-contributor-refused.png'),
      fullPage: true,
    });
    await context.close();
  });

  test('an editor reviews, uploads an image by drag and drop, schedules, publishes, corrects and restores a revision', async () => {
    assert.ok(articleUrl, 'the contributor test ran first');
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'desk@example.org');

    await page.goto(`${base}/admin/articles?status=review`);
    assert.equal(await page.locator('h1').textContent(), 'Review queue');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'newsroom-review-queue.png'), fullPage: true });
    await page.getByRole('link', { name: 'Tide gauges and the sinking coast' }).click();
    await page.waitForURL(articleUrl);

    // Drag and drop an image onto the body: it is uploaded, resized, and inserted as Markdown.
    const png = await sharp({ create: { width: 1400, height: 900, channels: 3, background: '#2a6f97' } })
      .png()
      .toBuffer();
    await page.locator('#field-body').evaluate(
      (el: HTMLTextAreaElement, bytes: number[]) => {
        el.focus();
        el.setSelectionRange(el.value.length, el.value.length);
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], 'gauge.png', { type: 'image/png' }));
        el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      [...png],
    );
    await page.waitForFunction(() =>
      /!\[[^\]]*\]\(\/media\/.+\.png\)/.test(
        (document.querySelector('#field-body') as HTMLTextAreaElement).value,
      ),
    );
    const withImage = await page.locator('#field-body').inputValue();
    const imageUrl = /\((\/media\/[^)]+)\)/.exec(withImage)?.[1] ?? '';
    await page
      .locator('#field-body')
      .fill(withImage.replace('![Describe the image]', '![A tide gauge on a pier]'));
    await page.locator('#field-featured_image').fill(imageUrl);
    await page.locator('#field-featured_image_alt').fill('A tide gauge on a pier');
    await page.locator('label', { hasText: 'Environment' }).first().click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/notice=saved/);
    const image = await page.request.get(`${base}${imageUrl.replace(/\.png$/, '.png')}`);
    assert.equal(image.status(), 200);

    // Preview the unpublished article as readers will see it.
    const preview = await context.newPage();
    await preview.goto(`${articleUrl}/preview`);
    assert.match(
      (await preview.locator('.preview-banner').textContent()) ?? '',
      /Preview of a review article/,
    );
    assert.equal(await preview.locator('h1').first().textContent(), 'Tide gauges and the sinking coast');
    await preview.screenshot({ path: path.join(SCREENSHOTS, 'newsroom-preview.png'), fullPage: true });
    await preview.close();

    // Schedule: a time in the past is refused next to the field, then a future one works.
    await page.locator('#field-publish_at').fill('2020-01-01T08:00');
    await page.getByRole('button', { name: 'Schedule' }).click();
    assert.equal(await page.locator('#field-publish_at-error').textContent(), 'Must be in the future');
    await page.locator('#field-publish_at').fill('2026-11-21T07:30');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.waitForURL(/notice=schedule/);
    assert.match((await page.locator('.workflow').textContent()) ?? '', /Goes live .* 07:30 UTC/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'newsroom-scheduled.png'), fullPage: true });

    // The scheduled job fires once its time comes (the server's clock is moved forward).
    server.testWiring.setNow(new Date('2026-11-21T07:31:00Z'));
    assert.equal(await jobRunnerFor(server.testWiring.wiring).runDue(), 1);
    assert.equal(await jobRunnerFor(server.testWiring.wiring).runDue(), 0);
    await page.reload();
    assert.match((await page.locator('#workflow-heading').textContent()) ?? '', /Published/);

    // Unpublish and publish again by hand.
    await page.getByRole('button', { name: 'Unpublish' }).click();
    await page.waitForURL(/notice=unpublish/);
    // The Status panel's Publish saves the form and asks, as the form's own Publish does.
    await page.locator('section.workflow').getByRole('button', { name: 'Publish now' }).click();
    await page
      .getByRole('dialog', { name: 'Before publishing' })
      .getByRole('button', { name: 'Publish now' })
      .click();
    await page.waitForURL(/notice=publish/);

    // A public correction.
    await page
      .getByLabel('Public note')
      .fill('An earlier version gave the wrong year for the gauge’s installation.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.waitForURL(/notice=corrected/);
    const slug = await page.locator('#field-slug').inputValue();
    const publicPage = await context.newPage();
    await publicPage.goto(`${base}/articles/${slug}`);
    assert.match(await publicPage.content(), /An earlier version gave the wrong year/);
    const jsonLd = await publicPage.locator('script[type="application/ld+json"]').first().textContent();
    assert.match(jsonLd ?? '', /wrong year/);
    await publicPage.screenshot({
      path: path.join(SCREENSHOTS, 'newsroom-published-article.png'),
      fullPage: true,
    });
    await publicPage.close();

    // History: compare the first version with the current one, then restore it.
    await page.getByRole('link', { name: /History/ }).click();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'newsroom-history.png'), fullPage: true });
    const compare = page.getByRole('link', { name: 'Compare with current' });
    await compare.last().click();
    assert.ok(await page.locator('.diff-removed').first().isVisible());
    assert.ok(await page.locator('.diff-added').first().isVisible());
    await page.screenshot({ path: path.join(SCREENSHOTS, 'newsroom-diff.png'), fullPage: true });
    await page.getByRole('button', { name: /Restore version 1/ }).click();
    await page.waitForURL(/notice=restored/);
    assert.equal(await page.locator('#field-body').inputValue(), 'The tide gauges disagree.');
    assert.match((await page.locator('#workflow-heading').textContent()) ?? '', /Published/);

    // Editors cannot open admin-only pages.
    assert.equal((await page.goto(`${base}/admin/users`))?.status(), 403);
    assert.equal((await page.goto(`${base}/admin/settings`))?.status(), 403);

    for (const [name, url] of [
      ['taxonomies', '/admin/taxonomies/region'],
      ['people', '/admin/people'],
      ['pages', '/admin/pages'],
      ['media', '/admin/media'],
      ['articles', '/admin/articles'],
    ] as const) {
      await page.goto(`${base}${url}`);
      await page.screenshot({ path: path.join(SCREENSHOTS, `newsroom-${name}.png`), fullPage: true });
    }
    await context.close();
  });

  test("an author publishes their own article at once but may not edit a colleague's or manage taxonomies", async () => {
    assert.ok(articleUrl, 'the contributor test ran first');
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'columnist@example.org');
    await page.goto(`${base}/admin/articles/new`);
    await page.locator('#field-title').fill('A column written and published by its author');
    await page.locator('#field-body').fill('Authors publish **their own** work without review.');
    await page.locator('#article-form button.save-button').click();
    await page.waitForURL(/\/admin\/articles\/\d+\?notice=(created|saved)/);
    await page.locator('section.workflow').getByRole('button', { name: 'Publish now' }).click();
    await page
      .getByRole('dialog', { name: 'Before publishing' })
      .getByRole('button', { name: 'Publish now' })
      .click();
    await page.waitForURL(/notice=publish/);
    const published = await page.goto(`${base}/articles/a-column-written-and-published-by-its-author`);
    assert.equal(published?.status(), 200);
    assert.match((await page.locator('.byline').textContent()) ?? '', /By Ines Okafor/);

    // The contributor's article (by Jonah Reyes) is someone else's: an author may not open it to edit.
    const colleague = await page.goto(articleUrl);
    assert.equal(colleague?.status(), 403);
    for (const refused of ['/admin/taxonomies/theme', '/admin/users', '/admin/settings']) {
      const response = await page.goto(`${base}${refused}`);
      assert.equal(response?.status(), 403, refused);
    }
    await context.close();
  });

  test('an editor puts co-authors in byline order with the keyboard and by dragging', async () => {
    const base = server.baseUrl;
    // bypassCSP: the accessibility check at the end injects axe-core as an inline script.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    try {
      await signIn(page, base, 'desk@example.org');
      await page.goto(`${base}/admin/articles/new`);
      await page.locator('#field-title').fill('Three hands on one ledger');
      await page.locator('#field-body').fill('Written together.');
      for (const [index, name] of ['Ada Brennan', 'Bo Lindqvist', 'Cato Mwangi'].entries())
        await page.locator(`#author-${index}`).fill(name);
      const names = () =>
        page
          .locator('input[name="author"]')
          .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));

      // Keyboard: the third author moves up twice; focus follows the name moved.
      await page.getByRole('button', { name: 'Move author 3 up' }).focus();
      await page.keyboard.press('Enter');
      assert.deepEqual(await names(), ['Ada Brennan', 'Cato Mwangi', 'Bo Lindqvist']);
      assert.equal(
        await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
        'Move author 2 up',
      );
      await page.keyboard.press('Enter');
      assert.deepEqual(await names(), ['Cato Mwangi', 'Ada Brennan', 'Bo Lindqvist']);
      assert.match(
        (await page.getByRole('status').filter({ hasText: 'is now author' }).textContent()) ?? '',
        /Cato Mwangi is now author 1 of 3/,
      );

      // Drag: the first row's handle dropped on the last row (in view, clear of the sticky buttons).
      await page.locator('.author-list').evaluate((el) => el.scrollIntoView({ block: 'center' }));
      const handle = await page.locator('.author-list__row').nth(0).locator('.author-handle').boundingBox();
      const target = await page.locator('.author-list__row').nth(2).boundingBox();
      assert.ok(handle && target);
      await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
      await page.mouse.down();
      await page.mouse.move(handle.x + handle.width / 2, handle.y + 20, { steps: 5 });
      await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 10 });
      await page.mouse.up();
      assert.deepEqual(await names(), ['Ada Brennan', 'Bo Lindqvist', 'Cato Mwangi']);
      await page.getByRole('button', { name: 'Move author 1 down' }).click();
      assert.deepEqual(await names(), ['Bo Lindqvist', 'Ada Brennan', 'Cato Mwangi']);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'newsroom-author-order.png') });

      await page.locator('#article-form button.save-button').click();
      await page.waitForURL(/\/admin\/articles\/\d+\?notice=(created|saved)/);
      const id = Number(/\/admin\/articles\/(\d+)/.exec(page.url())?.[1]);
      const wiring = server.testWiring.wiring;
      const saved = await wiring.store.articles.findById(id);
      const people = await wiring.store.people.findByIds(saved?.authorIds ?? []);
      assert.deepEqual(
        people.map((p) => p.name),
        ['Bo Lindqvist', 'Ada Brennan', 'Cato Mwangi'],
      );
      assert.deepEqual(await seriousViolations(page), []);
    } finally {
      await context.close();
    }
  });

  test('the newsroom screens fit a phone-sized screen', async () => {
    const base = server.baseUrl;
    // axe is injected inline, which the admin's CSP forbids, so this context bypasses CSP.
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, base, 'desk@example.org');
    for (const [name, url] of [
      ['editor', articleUrl.replace(base, '')],
      ['articles', '/admin/articles'],
      ['history', `${articleUrl.replace(base, '')}/revisions`],
      ['taxonomies', '/admin/taxonomies/region'],
      ['media', '/admin/media'],
      ['people', '/admin/people/new'],
      ['pages', '/admin/pages/new'],
      ['diff', `${articleUrl.replace(base, '')}/revisions`],
    ] as const) {
      await page.goto(`${base}${url}`);
      if (name === 'diff') await page.getByRole('link', { name: 'Compare with current' }).last().click();
      const overflow = await horizontalOverflow(page);
      assert.ok(overflow <= 0, `${name} is ${overflow}px wider than a 375px screen`);
      await page.screenshot({ path: path.join(SCREENSHOTS, `newsroom-${name}-375.png`), fullPage: true });
      assert.deepEqual(await seriousViolations(page), [], `${name} has accessibility problems`);
    }
    await context.close();
  });
  test('publishing a new article makes one article, even when a change arrives while the server is answering', async () => {
    const base = server.baseUrl;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, base, 'desk@example.org');
    await page.goto(`${base}/admin/articles/new`);
    // Nothing has autosaved yet when Publish is pressed; the server then takes its time.
    const autosaves: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/autosave')) autosaves.push(request.url());
    });
    await page.route(`${base}/admin/articles`, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await route.continue();
    });
    await page.locator('#field-title').fill('One publish, one article');
    await page.locator('#field-body').fill('Published while a late change arrives.');
    await page.getByRole('button', { name: 'Publish…' }).click();
    await page.getByRole('button', { name: 'Publish now' }).waitFor();
    // Clicked from the page, so the test goes on while the answer is awaited: then a late change
    // arrives (a picked image's field filled after the click, say).
    await page.evaluate(() => {
      document.querySelector<HTMLButtonElement>('.confirm-publish')?.click();
      document.querySelector('#field-body')?.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForURL(/notice=publish/, { timeout: 20_000 });
    assert.deepEqual(autosaves, [], 'no autosave once the form was sent');
    const made = (await server.testWiring.wiring.store.articles.listAll()).filter(
      (a) => a.title === 'One publish, one article',
    );
    assert.deepEqual(
      made.map((a) => [a.slug, a.status]),
      [['one-publish-one-article', 'published']],
    );
    await context.close();
  });
});
