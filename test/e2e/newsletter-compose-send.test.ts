import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ParsedMail } from 'mailparser';
import type { Browser } from 'playwright-core';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import { seriousViolations, shoot, signIn } from '../helpers/browser-pages.ts';
import { DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addMembers, subscribeMembers } from '../helpers/newsletters.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

const ARCHIVE = 120;
const SUBSCRIBERS = 4;

function recipientOf(mail: ParsedMail): string {
  const to = mail.to && !Array.isArray(mail.to) ? mail.to : undefined;
  return to?.value[0]?.address ?? '';
}

for (const kind of DATABASE_KINDS) {
  describe(`an issue found, composed, tested and sent now, in Chromium, on ${kind}`, {
    skip: browserSkipReason(),
  }, () => {
    let server: BrowserApp;
    let t: TestWiring;
    let browser: Browser;
    let smtp: SmtpCapture;
    let siteUrl: string;

    before(async () => {
      smtp = await startSmtpCapture();
      server = await startBrowserApp({
        kind,
        wiring: {
          mail: { host: '127.0.0.1', port: smtp.port, from: 'Desk <desk@review.example>' },
          newsletter: { messagesPerSecond: 0 },
        },
        prepare: async (wiring) => {
          const now = wiring.now().getTime();
          // The one to find is the oldest: the 50 latest the form lists at first leave it out.
          await saveArticle(
            wiring,
            articleDraft({
              slug: 'lighthouse-ledger',
              title: 'The lighthouse keeper’s ledger',
              bodyMarkdown: 'Forty winters of weather, written down by the keepers of the cape.',
              status: 'published',
              publishedAt: new Date(now - 400 * 86_400_000).toISOString(),
            }),
            { actor: 'cli' },
          );
          for (let i = 0; i < ARCHIVE; i++)
            await saveArticle(
              wiring,
              articleDraft({
                slug: `archive-${i}`,
                title: `Archive piece ${i}`,
                status: 'published',
                publishedAt: new Date(now - (ARCHIVE - i) * 3_600_000).toISOString(),
              }),
              { actor: 'cli' },
            );
        },
        staff: [{ email: 'desk@example.org', name: 'Desk Editor', role: 'editor' }],
      });
      ({ testWiring: t, baseUrl: siteUrl, browser } = server);
    });
    after(async () => {
      await server?.close();
      await smtp?.close();
    });

    test('the picker finds an old article by its words, keeps what was typed and ticked; a test goes to the editor; sending now reaches every subscriber and the history counts them', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
      const page = await context.newPage();
      await signIn(page, siteUrl, 'desk@example.org');
      await page.goto(`${siteUrl}/admin/newsletters`);
      await page.getByLabel('Slug').fill('cape-weekly');
      await page.getByLabel('Name').fill('The Cape Weekly');
      await page.getByRole('button', { name: 'Create newsletter' }).click();
      await page.waitForURL(/\/admin\/newsletters\/\d+\?notice=created/);
      const newsletterId = Number(/\/admin\/newsletters\/(\d+)/.exec(page.url())?.[1]);
      const members = await addMembers(t.wiring.database.db, { count: SUBSCRIBERS, prefix: 'cape' });
      await subscribeMembers(t.wiring.database.db, newsletterId, members);

      await page
        .getByRole('link', { name: /Compose/ })
        .first()
        .click();
      assert.equal(await page.getByLabel('Archive piece 119').count(), 1, 'the latest are listed');
      assert.equal(await page.getByLabel(/lighthouse keeper/).count(), 0, 'the oldest is not');
      await page.getByLabel('Subject').fill('Weather at the cape');
      await page.getByLabel('Introduction').fill('From the archive this week.');
      await page.getByLabel('Archive piece 119').check();
      await page.getByLabel('Find published articles').fill('winters keepers');
      await page.getByRole('button', { name: 'Find articles' }).click();
      await page.getByLabel(/lighthouse keeper/).waitFor();
      assert.match((await page.locator('#article-search-status').textContent()) ?? '', /One article matches/);
      assert.equal(
        await page.getByLabel('Subject').inputValue(),
        'Weather at the cape',
        'what was typed is kept',
      );
      assert.equal(await page.getByLabel('Introduction').inputValue(), 'From the archive this week.');
      assert.equal(await page.getByLabel('Archive piece 119').isChecked(), true, 'what was ticked is kept');
      assert.deepEqual(await seriousViolations(page), []);
      await shoot(page, 'newsletter-compose-search');
      await page.getByLabel(/lighthouse keeper/).check();
      await page.getByRole('button', { name: 'Save issue' }).click();
      await page.waitForURL(/\/admin\/newsletter-issues\/\d+\?notice=saved/);
      const issueUrl = page.url().split('?')[0] ?? '';

      // Also found from the issue's own page, and without a script: the same form, posted.
      const frame = page.frameLocator('iframe.email-preview');
      await frame.getByText('The lighthouse keeper’s ledger').waitFor();
      await frame.getByText('Archive piece 119').waitFor();

      await page.getByRole('button', { name: 'Send a test email to me' }).click();
      await page.waitForURL(/notice=tested/);
      const test = await smtp.nextMessage();
      assert.equal(test.subject, '[Test] Weather at the cape');
      assert.equal(recipientOf(test), 'desk@example.org');
      assert.match(String(test.text), /lighthouse keeper/);

      await page.getByLabel(/I have checked the preview/).check();
      await page.getByRole('button', { name: 'Send now' }).click();
      await page.waitForURL(new RegExp(`${issueUrl.replace(/[/.?]/g, '\\$&')}`));
      await jobRunnerFor(t.wiring).runDue();
      const received: ParsedMail[] = [];
      for (let i = 0; i < SUBSCRIBERS; i++) received.push(await smtp.nextMessage());
      assert.deepEqual(
        received.map(recipientOf).sort(),
        members.map((_, i) => `cape-${i}@readers.example`).sort(),
      );
      for (const mail of received) {
        assert.equal(mail.subject, 'Weather at the cape');
        assert.match(String(mail.text), /lighthouse keeper/);
        assert.ok(
          mail.headerLines.some((line) => line.key === 'list-unsubscribe'),
          'each copy carries its unsubscribe link',
        );
      }

      await page.goto(`${siteUrl}/admin/newsletters/${newsletterId}`);
      const row = page.getByRole('row', { name: /Weather at the cape/ });
      assert.match((await row.textContent()) ?? '', /sent/);
      assert.match(
        (await row.textContent()) ?? '',
        new RegExp(`${SUBSCRIBERS} sent · 0 failed · 0 bounced of ${SUBSCRIBERS}`),
      );
      await shoot(page, 'newsletter-sent-history');
      await context.close();
    });

    /** An editor's new browser on the composer of The Cape Weekly (made by the first test). */
    const openComposer = async (options: { javaScriptEnabled: boolean }) => {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      await signIn(page, siteUrl, 'desk@example.org');
      await page.goto(`${siteUrl}/admin/newsletters`);
      await page.getByRole('link', { name: 'The Cape Weekly' }).click();
      await page
        .getByRole('link', { name: /Compose/ })
        .first()
        .click();
      return { context, page };
    };

    test('the picker answers a search in the issue page without a script, and a search that finds nothing says so', async () => {
      const { context, page } = await openComposer({ javaScriptEnabled: false });
      await page.getByLabel('Find published articles').fill('zeppelin');
      await page.getByRole('button', { name: 'Find articles' }).click();
      await page.locator('#article-search-status').waitFor();
      assert.match((await page.locator('#article-search-status').textContent()) ?? '', /No articles match/);
      await page.getByLabel('Find published articles').fill('lighthouse');
      await page.getByRole('button', { name: 'Find articles' }).click();
      await page.getByLabel(/lighthouse keeper/).waitFor();
      // Enter in the subject saves the issue, as in any form, rather than searching.
      await page.getByLabel('Subject').fill('Saved by Enter');
      await page.getByLabel('Subject').press('Enter');
      await page.waitForURL(/\/admin\/newsletter-issues\/\d+\?notice=saved/);
      await context.close();
    });

    test('with a script, Enter in the search field searches and Enter in the subject saves', async () => {
      const { context, page } = await openComposer({ javaScriptEnabled: true });
      await page.getByLabel('Subject').fill('Found, then saved');
      await page.getByLabel('Find published articles').fill('lighthouse');
      await page.getByLabel('Find published articles').press('Enter');
      await page.getByLabel(/lighthouse keeper/).waitFor();
      assert.equal(page.url().includes('notice=saved'), false, 'the search did not save');
      assert.equal(await page.getByLabel('Subject').inputValue(), 'Found, then saved');
      await page.getByLabel(/lighthouse keeper/).check();
      await page.getByLabel('Subject').press('Enter');
      await page.waitForURL(/\/admin\/newsletter-issues\/\d+\?notice=saved/);
      await context.close();
    });
  });
}
