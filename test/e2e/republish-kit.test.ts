import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { saveArticle } from '../../src/services/articles.ts';
import { republicationsOf } from '../../src/services/republishing/tracker.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import type { TestWiring } from '../helpers/databases.ts';
import { type BrowserApp, browserSkipReason, freePort, startBrowserApp } from '../helpers/reader-server.ts';

// Headless Chromium says so in its user agent, and the tracker rightly takes that for a robot.
const PERSON =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

describe('republish kit in Chromium', { skip: browserSkipReason() }, () => {
  let server: BrowserApp;
  let t: TestWiring;
  let other: Server;
  let browser: Browser;
  let context: BrowserContext;
  let siteUrl: string;
  let otherOrigin: string;
  let articleId: number;
  /** What the other site shows, by path: a page as a republisher would make it from the kit. */
  const otherPages = new Map<string, string>();

  before(async () => {
    server = await startBrowserApp({
      prepare: async (wiring) => {
        const { article } = await saveArticle(
          wiring,
          articleDraft({
            slug: 'travelling-story',
            title: 'A travelling story',
            bodyMarkdown: 'Text worth *republishing*.',
            license: 'cc-by-4.0',
            status: 'published',
            publishedAt: '2026-11-01T00:00:00.000Z',
          }),
          { actor: 'cli' },
        );
        articleId = article.id;
      },
    });
    ({ testWiring: t, baseUrl: siteUrl, browser } = server);
    other = createServer((request, response) => {
      const page = otherPages.get(request.url?.split('?')[0] ?? '');
      if (page === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page);
    });
    const otherPort = await freePort();
    await new Promise<void>((resolve) => other.listen(otherPort, '127.0.0.1', resolve));
    otherOrigin = `http://127.0.0.1:${otherPort}`;
    context = await browser.newContext({ userAgent: PERSON });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: siteUrl });
  });
  after(async () => {
    await context?.close();
    await new Promise<void>((resolve) => (other ? other.close(() => resolve()) : resolve()));
    await server?.close();
  });

  test('the kit’s HTML, pasted into a page on another origin, is listed with that host, counted once', async () => {
    const page = await context.newPage();
    await page.goto(`${siteUrl}/articles/travelling-story`);
    await page.getByRole('link', { name: 'Republish this article' }).click();
    await page.waitForURL(`${siteUrl}/articles/travelling-story/republish`);
    const kitHtml = await page.inputValue('#kit-html');
    const canonical = await page.inputValue('#kit-canonical');
    // The copy button shows only with scripts, and copies the field whole.
    const copy = page.locator('button[data-copy="#kit-html"]');
    await copy.click();
    await page.waitForFunction(
      () => document.querySelector('[data-copy="#kit-html"]')?.textContent === 'Copied',
    );
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), kitHtml);

    otherPages.set(
      '/republished.html',
      `<!doctype html><html lang="en"><head><title>Republished</title>${canonical}</head><body>${kitHtml}</body></html>`,
    );
    const gifAnswers: number[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(`${siteUrl}/r/`)) gifAnswers.push(response.status());
    });
    await page.goto(`${otherOrigin}/republished.html`, { waitUntil: 'load' });
    assert.equal(await page.locator('h1').textContent(), 'A travelling story');
    assert.equal(
      await page.evaluate(() => document.querySelector('link[rel=canonical]')?.getAttribute('href')),
      `${siteUrl}/articles/travelling-story`,
    );
    assert.deepEqual(gifAnswers, [200]);
    await server.app.tracker.flush();
    const host = new URL(otherOrigin).host;
    assert.deepEqual(
      (await republicationsOf(t.wiring, articleId)).map((r) => [r.host, r.page, r.views]),
      [[host, `${otherOrigin}/republished.html`, 1]],
    );
    await page.close();
  });

  test('the plain-text kit carries the article’s address, which a reader on another origin can follow', async () => {
    const page = await context.newPage();
    await page.goto(`${siteUrl}/articles/travelling-story/republish`);
    const text = await page.inputValue('#kit-text');
    const link = /https?:\/\/\S+/.exec(text)?.[0];
    assert.equal(link, `${siteUrl}/articles/travelling-story`);
    // A forum or newsletter shows the text as it is and makes its address a link.
    otherPages.set(
      '/forum-post.html',
      `<!doctype html><html lang="en"><head><title>Forum</title></head><body><pre>${escapeText(text).replace(
        /https?:\/\/\S+/,
        (address) => `<a href="${address}">${address}</a>`,
      )}</pre></body></html>`,
    );
    await page.goto(`${otherOrigin}/forum-post.html`);
    await page.getByRole('link', { name: link ?? '' }).click();
    await page.waitForURL(link ?? '');
    assert.equal(await page.locator('h1.article__title').textContent(), 'A travelling story');
    await page.close();
  });
});
