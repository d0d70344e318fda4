import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { horizontalOverflow, seriousViolations, shoot, signIn } from '../helpers/browser-pages.ts';
import type { TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';
import { type BrowserApp, browserSkipReason, freePort, startBrowserApp } from '../helpers/reader-server.ts';

// Headless Chromium says so in its user agent, and the view counter rightly takes that for a robot.
const PERSON =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

describe('reach in Chromium', { skip: browserSkipReason() }, () => {
  let server: BrowserApp;
  let t: TestWiring;
  let other: Server;
  let browser: Browser;
  let siteUrl: string;
  let otherHost: string;
  let articleId: number;

  before(async () => {
    server = await startBrowserApp({
      prepare: async (wiring) => {
        articleId = await addArticle(wiring, {
          slug: 'far-travelled',
          title: 'A far-travelled story',
          body: 'Text worth reading.',
          publishedAt: '2026-10-01T00:00:00.000Z',
        });
        const second = await addArticle(wiring, {
          slug: 'second',
          title: 'A second story',
          body: 'More text.',
          publishedAt: '2026-10-01T00:00:00.000Z',
        });
        // A month of reads (the test clock stands at 2026-11-20), some through other sites' links.
        const counts = [];
        for (let i = 0; i < 30; i++) {
          const day = new Date(Date.parse('2026-11-20T00:00:00Z') - i * 86_400_000)
            .toISOString()
            .slice(0, 10);
          const views = 20 + ((i * 37) % 50);
          counts.push({ articleId, day, count: views, referrer: null });
          counts.push({
            articleId,
            day,
            count: 1 + (i % 7),
            referrer: i % 3 ? 'news.example.org' : 'social.example',
          });
          counts.push({ articleId: second, day, count: 5 + (i % 4), referrer: null });
        }
        await wiring.store.views.add(counts);
        await wiring.store.republications.add([
          {
            articleId,
            host: 'partner.example',
            page: 'https://partner.example/world/far-travelled',
            day: '2026-11-12',
            count: 42,
            firstAt: '2026-11-12T07:00:00.000Z',
            lastAt: '2026-11-12T18:30:00.000Z',
          },
        ]);
      },
      staff: [{ email: 'desk@example.org', name: 'Desk Editor', role: 'editor' }],
    });
    ({ testWiring: t, baseUrl: siteUrl, browser } = server);
    // Another site linking to the article.
    other = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html lang="en"><head><title>Links</title></head><body>
<p><a href="${siteUrl}/articles/far-travelled">Read the story</a></p></body></html>`);
    });
    const otherPort = await freePort();
    await new Promise<void>((resolve) => other.listen(otherPort, '127.0.0.1', resolve));
    otherHost = `127.0.0.1:${otherPort}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => (other ? other.close(() => resolve()) : resolve()));
    await server?.close();
  });

  test('a reader following another site’s link is counted with that site’s host only', async () => {
    const context = await browser.newContext({ userAgent: PERSON });
    const page = await context.newPage();
    await page.goto(`http://${otherHost}/`);
    await Promise.all([
      page.waitForURL(`${siteUrl}/articles/far-travelled`),
      page.getByText('Read the story').click(),
    ]);
    await page.waitForLoadState('networkidle');
    await context.close();
    await server.app.viewCounter.flush();
    const referrers = await t.wiring.store.reach.topReferrers({
      since: '2026-11-20',
      until: '2026-11-20',
      articleId,
      limit: 10,
    });
    assert.ok(
      referrers.some((r) => r.host === otherHost && r.views === 1),
      JSON.stringify(referrers),
    );
  });

  test('an editor reads the chart and its table on /admin/reach, then one article’s reach', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, siteUrl, 'desk@example.org');
    await page.getByRole('link', { name: 'Reach', exact: true }).click();
    await page.waitForURL(`${siteUrl}/admin/reach`);
    const chart = page.getByRole('img', { name: /Views per day/ });
    assert.equal(await chart.count(), 1);
    assert.ok(((await chart.boundingBox())?.height ?? 0) > 100, 'the chart is drawn');
    assert.equal(await page.locator('.reach-chart rect').count(), 30);
    await page.getByText('Views per day as a table').click();
    assert.equal(await page.locator('.reach-table tbody tr').count(), 30);
    assert.ok(await page.getByRole('cell', { name: 'news.example.org' }).isVisible());
    assert.ok(await page.getByRole('cell', { name: 'partner.example' }).isVisible());
    assert.deepEqual(await seriousViolations(page), []);
    await shoot(page, 'reach-site');

    await page.getByLabel('Period', { exact: true }).selectOption('7');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(`${siteUrl}/admin/reach?days=7&from=&to=`);
    assert.equal(await page.locator('.reach-chart rect').count(), 7);

    await page.getByRole('link', { name: 'A far-travelled story' }).first().click();
    await page.waitForURL(`${siteUrl}/admin/articles/${articleId}/reach?days=7`);
    assert.equal(await page.getByRole('img', { name: /Views per day/ }).count(), 1);
    await page.getByLabel('Period', { exact: true }).selectOption('30');
    await page.getByRole('button', { name: 'Show' }).click();
    assert.ok(
      await page.getByRole('link', { name: 'https://partner.example/world/far-travelled' }).isVisible(),
    );
    assert.deepEqual(await seriousViolations(page), []);
    await shoot(page, 'reach-article');

    await page.setViewportSize({ width: 360, height: 800 });
    assert.ok((await horizontalOverflow(page)) <= 0, 'no sideways scrolling on a phone');
    await shoot(page, 'reach-article-phone');
    await context.close();
  });
});
