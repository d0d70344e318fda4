import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import type { Wiring } from '../../src/wiring.ts';
import { checkReaderPage, shoot } from '../helpers/browser-pages.ts';
import { createTestWiring, type TestWiring } from '../helpers/databases.ts';
import { browserSkipReason, freePort, launchChromium } from '../helpers/reader-server.ts';
import { mailerTo, type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

describe('members in Chromium', { skip: browserSkipReason() }, () => {
  let t: TestWiring;
  let smtp: SmtpCapture;
  let wiring: Wiring;
  let app: FastifyInstance;
  let browser: Browser;
  let siteUrl: string;

  before(async () => {
    const port = await freePort();
    siteUrl = `http://127.0.0.1:${port}`;
    t = await createTestWiring('sqlite', { siteUrl });
    smtp = await startSmtpCapture();
    wiring = { ...t.wiring, mailer: mailerTo(smtp) };
    await saveArticle(
      wiring,
      articleDraft({
        slug: 'open-letter',
        title: 'An open letter',
        bodyMarkdown: 'Words for everyone.',
        status: 'published',
        publishedAt: '2026-11-01T00:00:00.000Z',
      }),
      { actor: 'cli' },
    );
    app = await buildApp(wiring, { shouldLog: false });
    await app.listen({ port, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    wiring?.mailer.close();
    await smtp?.close();
    await t?.cleanup();
  });

  /** The link in the last mail to an address, once the queue has sent it. */
  const mailedLink = async (email: string): Promise<string> => {
    await jobRunnerFor(wiring).runDue();
    const mail = smtp.messages
      .filter((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '') === email)
      .at(-1);
    const link = /http:\/\/\S+\/members\/confirm\?token=[\w%-]+/.exec(mail?.text ?? '')?.[0];
    assert.ok(link, `a link mailed to ${email}`);
    return link;
  };

  const checkPage = (reader: Page, path: string) => checkReaderPage(browser, reader, `${siteUrl}${path}`);

  test('a reader without JavaScript joins from an article, confirms by the mailed link, and uses the account page', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const reader = await context.newPage();
    await reader.goto(`${siteUrl}/articles/open-letter`);
    await reader.getByRole('link', { name: /become a member/i }).click();
    await reader.waitForURL(`${siteUrl}/members/join`);
    await reader.getByLabel('Your email address').fill('not-an-address');
    await reader.getByLabel('Your name').fill('Inês Duarte');
    await reader.getByRole('button', { name: 'Join' }).click();
    await reader.getByText('Must be an email address').first().waitFor();
    assert.equal(await reader.getByLabel('Your name').inputValue(), 'Inês Duarte');
    await shoot(reader, 'members-auth-join-error');
    await reader.getByLabel('Your email address').fill('Ines@Quarterly.example');
    await shoot(reader, 'members-auth-join');
    await reader.getByRole('button', { name: 'Join' }).click();
    await reader.waitForURL(`${siteUrl}/members/check-inbox`);
    assert.equal(await reader.locator('h1').textContent(), 'Check your inbox');
    await checkPage(reader, '/members/join');

    await reader.goto(await mailedLink('ines@quarterly.example'));
    assert.equal(await reader.locator('h1').textContent(), 'Confirm your membership');
    await shoot(reader, 'members-auth-confirm');
    await reader.getByRole('button', { name: 'Confirm and sign in' }).click();
    await reader.waitForURL(`${siteUrl}/members/account?notice=welcome`);
    await reader.getByText('your membership is confirmed').waitFor();
    assert.match((await reader.locator('main').textContent()) ?? '', /Signed in as ines@quarterly\.example/);
    assert.equal(await reader.getByLabel('Your name').inputValue(), 'Inês Duarte');
    await shoot(reader, 'members-auth-account');
    await checkPage(reader, '/members/account');

    await reader.getByLabel('Your name').fill('Inês M. Duarte');
    await reader.getByRole('button', { name: 'Save the name' }).click();
    await reader.waitForURL(`${siteUrl}/members/account?notice=name-saved`);
    assert.equal(await reader.getByLabel('Your name').inputValue(), 'Inês M. Duarte');

    await reader.getByLabel('New email address').fill('ines@elsewhere.example');
    await reader.getByRole('button', { name: 'Change the address' }).click();
    await reader.waitForURL(`${siteUrl}/members/account?notice=email-sent`);
    await reader.goto(await mailedLink('ines@elsewhere.example'));
    await reader.getByRole('button', { name: 'Confirm the new address' }).click();
    await reader.waitForURL(`${siteUrl}/members/account?notice=email-changed`);
    assert.match((await reader.locator('main').textContent()) ?? '', /Signed in as ines@elsewhere\.example/);

    const download = reader.waitForEvent('download');
    await reader.getByRole('button', { name: 'Download my data' }).click();
    const file = await download;
    assert.match(file.suggestedFilename(), /\.json$/);

    await reader.getByRole('button', { name: 'Sign out' }).click();
    await reader.waitForURL(`${siteUrl}/`);
    await reader.goto(`${siteUrl}/members/account`);
    await reader.waitForURL(`${siteUrl}/members/signin`);
    await checkPage(reader, '/members/signin');
    await context.close();
  });
});
