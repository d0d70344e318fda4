import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { MEMBER_SESSION_COOKIE } from '../../src/domain/article-access.ts';
import { draftOf, saveArticle } from '../../src/services/articles.ts';
import { addSignedInMember } from '../helpers/member-sessions.ts';
import {
  browserSkipReason,
  launchChromium,
  type ReaderServer,
  startReaderServer,
} from '../helpers/reader-server.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SLUG = 'velmar-basin-water-accounts';
/** Scratch screenshots, looked at by whoever runs the test. */
const SHOTS = process.env.SCREENSHOT_DIR;

const skipReason = browserSkipReason();

describe('an article for members in Chromium, scripts off', { skip: skipReason ?? false }, () => {
  let server: ReaderServer;
  let browser: Browser;
  let token = '';
  let hiddenText = '';

  before(async () => {
    server = await startReaderServer({
      prepare: async (wiring) => {
        const article = await wiring.store.articles.findBySlug(SLUG);
        assert.ok(article);
        const [opening, ...rest] = article.bodyMarkdown.split('\n\n');
        hiddenText = (rest.find((block) => /^[A-Z]/.test(block)) ?? '').slice(0, 40);
        await saveArticle(
          wiring,
          {
            ...draftOf(article),
            visibility: 'members',
            bodyMarkdown: [opening, '<!-- members-only -->', ...rest].join('\n\n'),
          },
          { actor: 'cli', id: article.id, expectedVersion: article.version },
        );
        token = await addSignedInMember(wiring.database.db, {
          email: 'reader@example.org',
          isPaid: false,
          now: wiring.now(),
        });
      },
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function pageAs(options: {
    isMember: boolean;
    width: number;
    colorScheme: 'light' | 'dark';
  }): Promise<BrowserContext> {
    const context = await browser.newContext({
      viewport: { width: options.width, height: 900 },
      colorScheme: options.colorScheme,
      javaScriptEnabled: false,
      bypassCSP: true,
    });
    if (options.isMember)
      await context.addCookies([{ name: MEMBER_SESSION_COOKIE, value: token, url: server.baseUrl }]);
    return context;
  }

  for (const [width, colorScheme] of [
    [1280, 'light'],
    [375, 'dark'],
  ] as const) {
    test(`shows a reader the preview and the way to join, with no axe violations (${width}px, ${colorScheme})`, async () => {
      const context = await pageAs({ isMember: false, width, colorScheme });
      try {
        const page = await context.newPage();
        await page.goto(`${server.baseUrl}/articles/${SLUG}`);
        assert.ok(hiddenText.length > 10);
        assert.equal(await page.getByText(hiddenText).count(), 0, 'the members-only text is not on the page');
        const box = page.getByRole('complementary', { name: 'The rest of this article is for members' });
        await box.getByRole('link', { name: 'Become a member' }).waitFor();
        await box.getByRole('link', { name: 'sign in' }).waitFor();
        // axe needs scripts: it checks the same page, as the same anonymous reader, in a page that runs them.
        const checked = await browser.newPage({
          bypassCSP: true,
          viewport: { width, height: 900 },
          colorScheme,
        });
        await checked.goto(`${server.baseUrl}/articles/${SLUG}`);
        await checked.addScriptTag({ content: AXE_SOURCE });
        const violations = (await checked.evaluate(
          `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`,
        )) as string[];
        assert.deepEqual(violations, []);
        if (SHOTS)
          await page.screenshot({ path: `${SHOTS}/member-visibility-preview-${width}.png`, fullPage: true });
        await checked.close();
      } finally {
        await context.close();
      }
    });
  }

  test('shows a signed-in member the whole article', async () => {
    const context = await pageAs({ isMember: true, width: 1280, colorScheme: 'light' });
    try {
      const page = await context.newPage();
      const response = await page.goto(`${server.baseUrl}/articles/${SLUG}`);
      assert.equal(response?.headers()['cache-control'], 'private, no-store');
      assert.equal(await page.getByText(hiddenText).count(), 1);
      assert.equal(await page.getByText('The rest of this article is for members').count(), 0);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/member-visibility-member.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });
});
