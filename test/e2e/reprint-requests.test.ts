import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import type { Wiring } from '../../src/wiring.ts';
import { makeUser } from '../helpers/admin.ts';
import { horizontalOverflow, seriousViolations, shoot, signIn } from '../helpers/browser-pages.ts';
import { createTestWiring, type TestWiring } from '../helpers/databases.ts';
import { browserSkipReason, freePort, launchChromium } from '../helpers/reader-server.ts';
import { mailerTo, type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

describe('reprint requests in Chromium', { skip: browserSkipReason() }, () => {
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
    const mailer = mailerTo(smtp);
    wiring = { ...t.wiring, mailer };
    await saveArticle(
      wiring,
      articleDraft({
        slug: 'closed-book',
        title: 'The closed book',
        bodyMarkdown: 'Words kept close.',
        license: 'all-rights-reserved',
        status: 'published',
        publishedAt: '2026-11-01T00:00:00.000Z',
      }),
      { actor: 'cli' },
    );
    await makeUser(wiring, 'editor', 'desk@example.org');
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

  test('a reader without JavaScript asks for a translation; an editor approves it and the reply is mailed', async () => {
    const readerContext = await browser.newContext({ javaScriptEnabled: false });
    const reader = await readerContext.newPage();
    await reader.goto(`${siteUrl}/articles/closed-book`);
    await reader.getByRole('link', { name: 'Ask to reprint or translate this article' }).click();
    await reader.waitForURL(`${siteUrl}/articles/closed-book/reprint-request`);
    await reader.getByLabel('A translation').check();
    await reader.getByLabel('Your name').fill('Inês Duarte');
    await reader.getByLabel('Your email address').fill('not-an-address');
    await reader.getByLabel('Language of the translation').fill('Portuguese');
    await reader.getByLabel('How you would use the article').fill('For our quarterly review, 2,000 copies.');
    await reader.getByRole('button', { name: 'Send the request' }).click();
    // Refused and shown again, with what was typed kept and the field named.
    await reader.getByText('Must be an email address').first().waitFor();
    assert.equal(await reader.getByLabel('Your name').inputValue(), 'Inês Duarte');
    assert.equal(await reader.getByLabel('A translation').isChecked(), true);
    await shoot(reader, 'reprint-form-error');
    await reader.getByLabel('Your email address').fill('ines@quarterly.example');
    await reader.getByLabel('Publication or outlet').fill('The Quarterly Review');
    await shoot(reader, 'reprint-form');
    await reader.getByRole('button', { name: 'Send the request' }).click();
    await reader.waitForURL(`${siteUrl}/articles/closed-book/reprint-request/sent`);
    assert.match((await reader.locator('h1').textContent()) ?? '', /your request is sent/);
    await readerContext.close();

    const editorContext = await browser.newContext({ bypassCSP: true });
    const editor = await editorContext.newPage();
    // axe needs scripts, which the reader had off: the form is checked here.
    await editor.goto(`${siteUrl}/articles/closed-book/reprint-request`);
    assert.deepEqual(await seriousViolations(editor), []);
    await editor.setViewportSize({ width: 360, height: 800 });
    assert.equal(await horizontalOverflow(editor), 0, 'no sideways scrolling on a phone');
    await editor.setViewportSize({ width: 1280, height: 800 });
    await signIn(editor, siteUrl, 'desk@example.org');
    await editor.getByRole('link', { name: 'Reprint requests' }).click();
    await editor.waitForURL(`${siteUrl}/admin/reprint-requests`);
    assert.deepEqual(await seriousViolations(editor), []);
    await shoot(editor, 'reprint-queue');
    await editor.getByRole('link', { name: 'Inês Duarte' }).click();
    const reply = editor.getByLabel('Approval emailed to Inês Duarte');
    assert.match(
      await reply.inputValue(),
      /permission for a translation into Portuguese of “The closed book” in The Quarterly Review/,
    );
    assert.deepEqual(await seriousViolations(editor), []);
    assert.equal(await horizontalOverflow(editor), 0);
    await shoot(editor, 'reprint-detail');
    await reply.fill('Dear Inês,\n\nYes, with credit and a link to the original.\n\nThe desk');
    await editor.getByRole('button', { name: 'Approve and send the reply' }).click();
    await editor.waitForURL(`${siteUrl}/admin/reprint-requests?status=pending&notice=approved`);
    await editor.getByText('Request approved').waitFor();
    await editor.getByRole('link', { name: /Approved \(1\)/ }).click();
    await editor.getByRole('link', { name: 'Inês Duarte' }).waitFor();
    await editorContext.close();

    await jobRunnerFor(wiring).runDue();
    const mails = smtp.messages.filter(
      (m) => (m.to && !Array.isArray(m.to) ? m.to.text : '') === 'ines@quarterly.example',
    );
    assert.equal(mails.length, 1);
    assert.match(mails[0]?.text ?? '', /Yes, with credit and a link to the original\./);
  });
});
