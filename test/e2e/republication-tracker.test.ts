import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { republicationsOf } from '../../src/services/republishing/tracker.ts';
import { clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import type { TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';
import { type BrowserApp, browserSkipReason, freePort, startBrowserApp } from '../helpers/reader-server.ts';

// Headless Chromium says so in its user agent, and the tracker rightly takes that for a robot.
const PERSON =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

describe('republication tracker in Chromium', { skip: browserSkipReason() }, () => {
  let server: BrowserApp;
  let t: TestWiring;
  let other: Server;
  let browser: Browser;
  let siteUrl: string;
  let otherOrigin: string;
  let articleId: number;

  before(async () => {
    server = await startBrowserApp({
      prepare: async (wiring) => {
        articleId = await addArticle(wiring, {
          slug: 'travelling-story',
          title: 'A travelling story',
          body: 'Text worth republishing.',
          publishedAt: '2026-11-01T00:00:00.000Z',
        });
      },
    });
    ({ testWiring: t, baseUrl: siteUrl, browser } = server);
    // Another site on another origin, showing the article with its tracking image as the kit gives it.
    other = createServer((request, response) => {
      if (!request.url?.startsWith('/republished.html')) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html lang="en"><head><title>Republished</title></head><body>
<h1>A travelling story</h1><p>Text worth republishing.</p>
<img src="${siteUrl}/r/${articleId}.gif" alt="" width="1" height="1" referrerpolicy="no-referrer-when-downgrade">
</body></html>`);
    });
    const otherPort = await freePort();
    await new Promise<void>((resolve) => other.listen(otherPort, '127.0.0.1', resolve));
    otherOrigin = `http://127.0.0.1:${otherPort}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => (other ? other.close(() => resolve()) : resolve()));
    await server?.close();
  });

  test('lists the other origin’s page, counted once per display', async () => {
    const context = await browser.newContext({ userAgent: PERSON });
    const page = await context.newPage();
    const gifAnswers: number[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/r/')) gifAnswers.push(response.status());
    });
    await page.goto(`${otherOrigin}/republished.html?utm_source=kit#top`, { waitUntil: 'load' });
    assert.equal(await page.evaluate(() => document.images[0]?.naturalWidth), 1);
    await server.app.tracker.flush();
    const host = new URL(otherOrigin).host;
    assert.deepEqual(
      (await republicationsOf(t.wiring, articleId)).map((r) => [r.host, r.page, r.views]),
      [[host, `${otherOrigin}/republished.html`, 1]],
    );
    await page.reload({ waitUntil: 'load' });
    await server.app.tracker.flush();
    assert.deepEqual(
      (await republicationsOf(t.wiring, articleId)).map((r) => [r.host, r.page, r.views]),
      [[host, `${otherOrigin}/republished.html`, 2]],
    );
    // no-store: the reload asked again rather than reusing the image.
    assert.deepEqual(gifAnswers, [200, 200]);
    await context.close();

    const editor = await makeUser(t.wiring, 'editor');
    const client = await clientAs(server.app, t.wiring, editor, sessionCookieName(siteUrl));
    const listing = await client.get(`/admin/articles/${articleId}/republications`);
    assert.equal(listing.statusCode, 200);
    assert.match(listing.body, new RegExp(`<td data-label="Site">${host.replace('.', '\\.')}</td>`));
    assert.match(listing.body, /<td data-label="Views" data-views>2<\/td>/);
  });
});
