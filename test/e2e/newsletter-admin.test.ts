import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { saveArticle } from '../../src/services/articles.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import { seriousViolations, shoot, signIn } from '../helpers/browser-pages.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

describe('composing a newsletter issue in Chromium', { skip: browserSkipReason() }, () => {
  let server: BrowserApp;
  let browser: Browser;
  let smtp: SmtpCapture;
  let siteUrl: string;

  before(async () => {
    smtp = await startSmtpCapture();
    server = await startBrowserApp({
      wiring: { mail: { host: '127.0.0.1', port: smtp.port, from: 'Desk <desk@review.example>' } },
      prepare: async (wiring) => {
        const publishedAt = new Date(wiring.now().getTime() - 3_600_000).toISOString();
        for (const [slug, title, extra] of [
          ['harbour-dredging', 'Harbour dredging starts', { isFeatured: true }],
          ['river-ledger', 'The river keeps a ledger', { isFeatured: true, visibility: 'members' as const }],
          ['school-roofs', 'School roofs, one winter on', {}],
        ] as const)
          await saveArticle(
            wiring,
            articleDraft({ slug, title, status: 'published', publishedAt, ...extra }),
            {
              actor: 'cli',
            },
          );
      },
      staff: [{ email: 'desk@example.org', name: 'Desk Editor', role: 'editor' }],
    });
    ({ baseUrl: siteUrl, browser } = server);
  });
  after(async () => {
    await server?.close();
    await smtp?.close();
  });

  test('an editor makes a newsletter, composes from the featured articles, previews, tests and schedules', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, siteUrl, 'desk@example.org');
    await page.getByRole('link', { name: 'Newsletters', exact: true }).click();
    await page.waitForURL(`${siteUrl}/admin/newsletters`);
    await page.getByLabel('Slug').fill('evening-brief');
    await page.getByLabel('Name').fill('The Evening Brief');
    await page.getByRole('button', { name: 'Create newsletter' }).click();
    await page.waitForURL(/\/admin\/newsletters\/\d+\?notice=created/);
    await page.getByRole('link', { name: 'Compose from today’s featured articles' }).click();
    assert.equal(await page.getByLabel(/Harbour dredging starts/).isChecked(), true);
    assert.equal(await page.getByLabel(/The river keeps a ledger/).isChecked(), true);
    assert.equal(await page.getByLabel(/School roofs/).isChecked(), false);
    await page.getByLabel('Subject').fill('Tonight: <the harbour> & the river');
    await page.getByLabel('Introduction').fill('Two stories tonight.\n\nOne of them <b>for members</b>.');
    await shoot(page, 'newsletter-admin-compose');
    await page.getByRole('button', { name: 'Save issue' }).click();
    await page.waitForURL(/\/admin\/newsletter-issues\/\d+\?notice=saved/);
    assert.deepEqual(await seriousViolations(page), []);

    const frame = page.frameLocator('iframe.email-preview');
    await frame.getByText('Harbour dredging starts').waitFor();
    assert.equal((await frame.getByText('Tonight: <the harbour> & the river').count()) > 0, true);
    assert.equal(
      await frame.locator('b', { hasText: 'for members' }).count(),
      1,
      'the intro is Markdown: its safe HTML is kept',
    );
    await shoot(page, 'newsletter-admin-preview');
    const own = await context.newPage();
    const preview = await own.goto(`${page.url().split('?')[0]}/preview`);
    assert.match(preview?.headers()['content-security-policy'] ?? '', /sandbox/);
    await own.getByText('Harbour dredging starts').waitFor();
    await shoot(own, 'newsletter-admin-preview-page');
    await own.close();

    await page.getByRole('button', { name: 'Send a test email to me' }).click();
    await page.waitForURL(/notice=tested/);
    const mail = await smtp.nextMessage();
    assert.equal(mail.subject, '[Test] Tonight: <the harbour> & the river');
    const email = await context.newPage();
    await email.setContent(String(mail.html));
    assert.equal(await email.getByText('The river keeps a ledger', { exact: true }).count(), 1);
    assert.equal(await email.getByText('For members', { exact: true }).count(), 1);
    await shoot(email, 'newsletter-admin-email-html');

    await page.getByLabel(/Send at/).fill('2030-01-01T09:00');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.waitForURL(/notice=scheduled/);
    assert.match(
      (await page.getByRole('heading', { level: 2, name: /Status/ }).textContent()) ?? '',
      /scheduled/,
    );
    await shoot(page, 'newsletter-admin-scheduled');
    await context.close();
  });
});
