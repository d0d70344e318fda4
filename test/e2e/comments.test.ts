import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import type { User } from '../../src/domain/user.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { editSettings } from '../../src/services/settings.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import { memberCookieName } from '../../src/web/public/member-cookie.ts';
import type { Wiring } from '../../src/wiring.ts';
import { makeUser } from '../helpers/admin.ts';
import { horizontalOverflow, seriousViolations, shoot, signIn } from '../helpers/browser-pages.ts';
import { createTestWiring, type TestWiring } from '../helpers/databases.ts';
import { addSignedInMember } from '../helpers/member-sessions.ts';
import { browserSkipReason, freePort, launchChromium } from '../helpers/reader-server.ts';

describe('comments in Chromium', { skip: browserSkipReason() }, () => {
  let t: TestWiring;
  let wiring: Wiring;
  let app: FastifyInstance;
  let browser: Browser;
  let siteUrl: string;
  let admin: User;
  /** Every dialog any page opened: a comment that ran script would open one. */
  const dialogs: string[] = [];
  const article = () => `${siteUrl}/articles/harbour-talks`;

  /** A browser signed in as a new member. */
  const memberBrowser = async (
    name: string,
    options: { javaScriptEnabled?: boolean } = {},
  ): Promise<{ context: BrowserContext; page: Page }> => {
    const email = `${name.split(' ')[0]?.toLowerCase()}@readers.example`;
    const token = await addSignedInMember(wiring.database.db, {
      email,
      name,
      isPaid: false,
      now: wiring.now(),
    });
    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      bypassCSP: true,
      ...options,
    });
    await context.addCookies([{ name: memberCookieName(siteUrl), value: token, url: siteUrl }]);
    const page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return { context, page };
  };

  before(async () => {
    const port = await freePort();
    siteUrl = `http://127.0.0.1:${port}`;
    t = await createTestWiring('sqlite', { siteUrl });
    wiring = t.wiring;
    await saveArticle(
      wiring,
      articleDraft({
        slug: 'harbour-talks',
        title: 'Harbour talks',
        bodyMarkdown: 'What the harbour board said.',
        status: 'published',
        publishedAt: '2026-11-01T00:00:00.000Z',
      }),
      { actor: 'cli' },
    );
    admin = await makeUser(wiring, 'admin', 'owner@example.org');
    await makeUser(wiring, 'editor', 'desk@example.org');
    await makeUser(wiring, 'author', 'writer@example.org');
    app = await buildApp(wiring, { shouldLog: false });
    await app.listen({ port, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await t?.cleanup();
  });

  test('a member comments from the article page; it is held until an editor approves it, then everyone sees it', async () => {
    const ana = await memberBrowser('Ana Reis');
    await ana.page.goto(article());
    // The comments come into the cached page from the fragment, with the form.
    await ana.page.getByRole('heading', { name: 'Comments' }).waitFor();
    await ana.page.getByLabel('Your comment').fill('The board *never* published the minutes.');
    await ana.page.getByLabel('Email me when someone replies').check();
    await ana.page.getByRole('button', { name: 'Post comment' }).click();
    await ana.page.waitForURL(`${article()}#comments`);
    await ana.page.getByText('Waiting for an editor, seen only by you').waitFor();
    assert.match(
      (await ana.page.locator('.comments__held .comment__body').textContent()) ?? '',
      /The board never published the minutes\./,
    );
    assert.deepEqual(await seriousViolations(ana.page), []);
    await shoot(ana.page, 'comments-held');

    const readerContext = await browser.newContext();
    const reader = await readerContext.newPage();
    reader.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await reader.goto(article());
    await reader.getByText('No comments yet.').waitFor();
    assert.equal(await reader.getByText('never published the minutes').count(), 0);

    const desk = await (await browser.newContext({ bypassCSP: true })).newPage();
    await signIn(desk, siteUrl, 'desk@example.org');
    await desk.getByRole('link', { name: /^Comments/ }).click();
    await desk.waitForURL(`${siteUrl}/admin/comments`);
    assert.match((await desk.locator('.comment-queue__item').textContent()) ?? '', /Ana Reis[\s\S]*never/);
    assert.deepEqual(await seriousViolations(desk), []);
    await shoot(desk, 'comments-queue');
    await desk.getByRole('button', { name: 'Approve the comment by Ana Reis' }).click();
    await desk.getByText('Comment approved: readers see it now.').waitFor();

    await reader.goto(article());
    await reader.locator('.comment__author', { hasText: 'Ana Reis' }).waitFor();
    assert.match((await reader.locator('.article__comments-link').textContent()) ?? '', /\(1 comment\)/);
    await readerContext.close();
    await ana.context.close();
    await desk.context().close();
  });

  test('a reply threads under the comment it answers', async () => {
    await editSettings(wiring, admin, { comments_moderation: 'open' });
    const ben = await memberBrowser('Ben Okafor');
    await ben.page.goto(article());
    await ben.page.getByRole('link', { name: 'Reply to Ana Reis' }).click();
    await ben.page.getByRole('heading', { name: 'Reply to Ana Reis' }).waitFor();
    await ben.page.getByLabel('Your comment').fill('They did, in March: https://example.org/minutes');
    await ben.page.getByRole('button', { name: 'Post reply' }).click();
    await ben.page.getByText('Your comment is posted.').waitFor();
    const thread = ben.page.locator('.comment--depth-1', { hasText: 'Ana Reis' });
    const reply = thread.locator('.comments__replies .comment--depth-2');
    assert.match((await reply.textContent()) ?? '', /Ben Okafor[\s\S]*They did, in March/);
    assert.equal(
      await reply.getByRole('link', { name: 'https://example.org/minutes' }).getAttribute('rel'),
      'nofollow ugc noopener',
    );
    assert.deepEqual(await seriousViolations(ben.page), []);
    await ben.page.setViewportSize({ width: 360, height: 800 });
    assert.equal(await horizontalOverflow(ben.page), 0, 'no sideways scrolling on a phone');
    await shoot(ben.page, 'comments-thread');
    await ben.context.close();
  });

  test('a banned member is refused; an author is refused the moderation queue', async () => {
    const cara = await memberBrowser('Carla Mendes');
    await cara.page.goto(`${article()}/comments`);
    await cara.page.getByLabel('Your comment').fill('Buy followers at my shop.');
    await cara.page.getByRole('button', { name: 'Post comment' }).click();
    await cara.page.getByText('Your comment is posted.').waitFor();
    // Her next comment is written, but an editor bans her before she sends it.
    await cara.page.getByLabel('Your comment').fill('And again.');

    const desk = await (await browser.newContext({ bypassCSP: true })).newPage();
    await signIn(desk, siteUrl, 'desk@example.org');
    await desk.goto(`${siteUrl}/admin/comments?status=approved`);
    await desk.getByRole('button', { name: 'Ban Carla Mendes' }).click();
    await desk.getByText('Member banned').first().waitFor();

    await cara.page.getByRole('button', { name: 'Post comment' }).click();
    await cara.page.getByText('Sign in as a member to comment').waitFor();
    await cara.page.goto(`${article()}/comments`);
    assert.equal(await cara.page.getByLabel('Your comment').count(), 0, 'no form for her any more');
    await cara.context.close();
    await desk.context().close();

    const writer = await (await browser.newContext()).newPage();
    await signIn(writer, siteUrl, 'writer@example.org');
    assert.equal(await writer.getByRole('link', { name: /^Comments/ }).count(), 0);
    const refused = await writer.goto(`${siteUrl}/admin/comments`);
    assert.equal(refused?.status(), 403);
    await writer.context().close();
  });

  test('without JavaScript, the article links to the plain comments page, where a member reads, posts and deletes', async () => {
    const dan = await memberBrowser('Dmitri Volkov', { javaScriptEnabled: false });
    await dan.page.goto(article());
    assert.equal(await dan.page.locator('.comments').count(), 0, 'nothing fetched without scripts');
    await dan.page.getByRole('link', { name: 'Comment on this article' }).click();
    await dan.page.waitForURL(`${article()}/comments`);
    await dan.page.locator('.comment__author', { hasText: 'Ana Reis' }).waitFor();
    await dan.page.getByRole('link', { name: 'show newest first' }).click();
    await dan.page.getByLabel('Your comment').fill('Read without scripts, posted without them.');
    await dan.page.getByRole('button', { name: 'Post comment' }).click();
    await dan.page.getByText('Your comment is posted.').waitFor();
    const own = dan.page.locator('.comment', { hasText: 'posted without them' });
    await own.getByRole('link', { name: 'Edit' }).click();
    await dan.page.getByLabel('Your comment').fill('Read without scripts, posted and edited without them.');
    await dan.page.getByRole('button', { name: 'Save' }).click();
    await dan.page.getByText('Your comment is changed.').waitFor();
    await dan.page
      .locator('.comment', { hasText: 'edited without them' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await dan.page.getByText('Your comment is deleted.').waitFor();
    assert.equal(await dan.page.getByText('edited without them').count(), 0);
    await shoot(dan.page, 'comments-no-script');
    await dan.context.close();
    assert.deepEqual(dialogs, [], 'no comment ran script');
  });

  test('a long discussion comes a page at a time: its links lead on with or without JavaScript, and a long thread has its own page', async () => {
    const { article: long } = await saveArticle(
      wiring,
      articleDraft({
        slug: 'long-talks',
        title: 'Long talks',
        bodyMarkdown: 'Everyone had something to say.',
        status: 'published',
        publishedAt: '2026-11-01T00:00:00.000Z',
      }),
      { actor: 'cli' },
    );
    const base = {
      articleId: long.id,
      authorEmail: null,
      authorUrl: null,
      status: 'approved' as const,
      kind: 'comment' as const,
    };
    const at = (day: number, minute: number) => new Date(Date.UTC(2026, 10, day, 0, minute)).toISOString();
    const ids = await wiring.store.comments.insertMany(
      Array.from({ length: 120 }, (_, i) => ({
        ...base,
        parentId: null,
        authorName: `Reader ${i + 1}`,
        body: `Point number ${i + 1} about the harbour.`,
        createdAt: at(2, i),
        sourceId: `long:${i}`,
      })),
    );
    await wiring.store.comments.insertMany(
      Array.from({ length: 26 }, (_, i) => ({
        ...base,
        parentId: ids[0] as number,
        authorName: `Replier ${i + 1}`,
        body: `Answer ${i + 1} to the first point.`,
        createdAt: at(3, i),
        sourceId: `long-reply:${i}`,
      })),
    );
    const url = `${siteUrl}/articles/long-talks`;

    const withScript = await (await browser.newContext({ bypassCSP: true })).newPage();
    await withScript.goto(url);
    await withScript.locator('.comment__author', { hasText: 'Reader 50' }).waitFor();
    assert.equal(await withScript.locator('.comments__list > .comment').count(), 50);
    await withScript.getByRole('link', { name: 'Newer comments' }).click();
    await withScript.waitForURL(/\/articles\/long-talks\/comments\?after=/);
    await withScript.locator('.comment__author', { hasText: 'Reader 51' }).waitFor();
    assert.deepEqual(await seriousViolations(withScript), []);
    await withScript.getByRole('link', { name: 'Older comments' }).click();
    await withScript.getByRole('link', { name: '6 more replies' }).click();
    await withScript.locator('.comment__author', { hasText: 'Replier 26' }).waitFor();
    assert.deepEqual(await seriousViolations(withScript), []);
    await withScript.context().close();

    const noScript = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await noScript.goto(`${url}/comments`);
    assert.equal(await noScript.locator('.comments__list > .comment').count(), 50);
    assert.equal(
      await noScript.locator('.comments__replies > .comment').count(),
      20,
      'a long thread shows its first replies',
    );
    await shoot(noScript, 'comments-paged');
    await noScript.getByRole('link', { name: 'Newer comments' }).click();
    await noScript.getByRole('link', { name: 'Newer comments' }).click();
    await noScript.locator('.comment__author', { hasText: 'Reader 120' }).waitFor();
    assert.equal(await noScript.locator('.comments__list > .comment').count(), 20);
    assert.equal(await noScript.getByRole('link', { name: 'Newer comments' }).count(), 0, 'the last page');
    await noScript.getByRole('link', { name: 'Older comments' }).click();
    await noScript.locator('.comment__author', { hasText: 'Reader 51' }).waitFor();

    await noScript.goto(`${url}/comments`);
    await noScript.getByRole('link', { name: '6 more replies' }).click();
    await noScript.locator('.comment__author', { hasText: 'Replier 26' }).waitFor();
    assert.equal(await noScript.locator('.comments__list > .comment').count(), 1, 'the thread alone');
    assert.equal(await noScript.locator('.comments__replies > .comment').count(), 26);
    await noScript.setViewportSize({ width: 360, height: 800 });
    assert.equal(await horizontalOverflow(noScript), 0, 'no sideways scrolling on a phone');
    await shoot(noScript, 'comments-thread-page');
    await noScript.context().close();
  });
});
