import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ParsedMail } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { createIssue, sendIssue } from '../../src/services/newsletters/issues.ts';
import { checkReaderPage, shoot } from '../helpers/browser-pages.ts';
import type { TestWiring } from '../helpers/databases.ts';
import { type BrowserApp, browserSkipReason, startBrowserApp } from '../helpers/reader-server.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

const EMAIL = 'rosa@quarterly.example';

describe('newsletter choices in Chromium', { skip: browserSkipReason() }, () => {
  let server: BrowserApp;
  let t: TestWiring;
  let smtp: SmtpCapture;
  let browser: Browser;
  let siteUrl: string;
  const ids = { daily: 0, weekly: 0, climate: 0 };

  before(async () => {
    smtp = await startSmtpCapture();
    server = await startBrowserApp({
      wiring: {
        mail: { host: '127.0.0.1', port: smtp.port, from: 'Review Desk <desk@review.example>' },
        newsletter: { messagesPerSecond: 0 },
      },
      prepare: async (wiring) => {
        const at = new Date().toISOString();
        const store = wiring.store.newsletters;
        ids.daily = await store.createNewsletter(
          { slug: 'daily', name: 'The Daily Digest', kind: 'daily' },
          at,
        );
        ids.weekly = await store.createNewsletter({ slug: 'weekly', name: 'The Week', kind: 'weekly' }, at);
        ids.climate = await store.createNewsletter({ slug: 'climate', name: 'Climate', kind: 'term' }, at);
      },
    });
    ({ testWiring: t, baseUrl: siteUrl, browser } = server);
  });
  after(async () => {
    await server?.close();
    await smtp?.close();
  });

  const runJobs = () => jobRunnerFor(t.wiring, { workerId: 'e2e' }).runDue();
  const lastMail = (subject: RegExp): ParsedMail => {
    const mail = smtp.messages.filter((m) => subject.test(m.subject ?? '')).at(-1);
    assert.ok(mail, `a mail with subject ${subject}`);
    return mail;
  };

  const checkPage = (reader: Page, url: string) => checkReaderPage(browser, reader, url);

  test('without JavaScript: choose at sign-up, change on the account page, then again from a received newsletter’s link', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const reader = await context.newPage();
    await reader.goto(`${siteUrl}/members/join`);
    assert.equal(
      await reader.getByLabel(/The Daily Digest/).isChecked(),
      true,
      'the daily digest is ticked at first',
    );
    await reader.getByLabel('Your email address').fill(EMAIL);
    await reader.getByLabel(/Climate/).check();
    await shoot(reader, 'subscriptions-join');
    await checkPage(reader, `${siteUrl}/members/join`);
    await reader.getByRole('button', { name: 'Join' }).click();
    await reader.waitForURL(`${siteUrl}/members/check-inbox`);

    await runJobs();
    const link = /http:\/\/\S+\/members\/confirm\?token=[\w%-]+/.exec(
      lastMail(/Confirm your membership/).text ?? '',
    )?.[0];
    assert.ok(link);
    await reader.goto(link);
    await reader.getByRole('button', { name: 'Confirm and sign in' }).click();
    await reader.waitForURL(/\/members\/account\?notice=welcome/);
    const section = reader.getByRole('region', { name: 'Newsletters' });
    assert.equal(await section.getByLabel(/The Daily Digest/).isChecked(), true);
    assert.equal(await section.getByLabel(/Climate/).isChecked(), true);
    assert.equal(await section.getByLabel(/The Week/).isChecked(), false);

    await section.getByLabel(/The Daily Digest/).uncheck();
    await section.getByLabel(/The Week/).check();
    await section.getByRole('button', { name: 'Save my newsletters' }).click();
    await reader.waitForURL(/notice=newsletters-saved/);
    await reader.getByText('Your newsletter choices are saved.').waitFor();
    assert.equal(await section.getByLabel(/The Week/).isChecked(), true);
    assert.equal(await section.getByLabel(/The Daily Digest/).isChecked(), false);
    await shoot(reader, 'subscriptions-account');
    await checkPage(reader, `${siteUrl}/members/account`);

    const issueId = await createIssue(t.wiring, {
      newsletterId: ids.weekly,
      subject: 'This week',
      articleIds: [],
    });
    await sendIssue(t.wiring, issueId);
    await runJobs();
    const issue = lastMail(/This week/);
    // The link as a reader follows it: from the HTML part, in a browser with no session at all.
    const stranger = await browser.newContext({ javaScriptEnabled: false });
    const mailPage = await stranger.newPage();
    await mailPage.setContent(String(issue.html));
    const href = await mailPage.getByRole('link', { name: 'Choose your newsletters' }).getAttribute('href');
    assert.ok(href?.startsWith(`${siteUrl}/newsletters/preferences?token=`), String(href));
    await mailPage.goto(href ?? '');
    assert.equal(await mailPage.locator('h1').textContent(), 'Your newsletters');
    assert.equal(await mailPage.getByLabel(/The Week/).isChecked(), true);
    await mailPage.getByLabel(/Climate/).uncheck();
    await mailPage.getByRole('button', { name: 'Save my choices' }).click();
    await mailPage.getByText('Your newsletter choices are saved.').waitFor();
    assert.equal(await mailPage.getByLabel(/Climate/).isChecked(), false);
    await shoot(mailPage, 'subscriptions-preferences');
    await checkPage(mailPage, mailPage.url());
    const member = await t.wiring.store.members.findByEmail(EMAIL);
    const chosen = (await t.wiring.store.newsletters.listSubscriptionsOf(member?.id ?? 0)).map(
      (s) => s.newsletterId,
    );
    assert.deepEqual(chosen, [ids.weekly]);
    await stranger.close();
    await context.close();
  });
});
