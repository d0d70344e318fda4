import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { toIsoTimestamp } from '../../src/domain/article.ts';
import { findOrCreatePerson } from '../../src/services/people.ts';
import { createUser } from '../../src/services/users.ts';
import { TEST_PASSWORD } from '../helpers/admin.ts';
import { horizontalOverflow, seriousViolations, shoot, signIn } from '../helpers/browser-pages.ts';
import {
  browserSkipReason,
  launchChromium,
  type ReaderServer,
  startReaderServer,
} from '../helpers/reader-server.ts';

const skipReason = browserSkipReason();
const EMAIL = 'details@example.org';

describe('the newsroom’s smaller details, in Chromium', { skip: skipReason ?? false }, () => {
  let server: ReaderServer;
  let browser: Browser;

  before(async () => {
    server = await startReaderServer();
    const wiring = server.testWiring.wiring;
    const user = await createUser(wiring, {
      email: EMAIL,
      name: 'Tove Lindqvist',
      role: 'admin',
      password: TEST_PASSWORD,
    });
    const now = wiring.now();
    const person = await wiring.store.transaction((repos) =>
      findOrCreatePerson(repos, { name: 'Tove Lindqvist' }, now),
    );
    await wiring.store.users.update(user.id, { personId: person.id }, toIsoTimestamp(now));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A signed-in page in a fresh context; axe needs the CSP bypassed. */
  const signedIn = async (options: BrowserContextOptions = {}): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      bypassCSP: true,
      ...options,
    });
    const page = await context.newPage();
    await signIn(page, server.baseUrl, EMAIL);
    return page;
  };

  test('an element with the hidden attribute stays hidden, buttons included, with and without JavaScript', async () => {
    for (const javaScriptEnabled of [false, true]) {
      const page = await signedIn({ javaScriptEnabled });
      try {
        for (const path of ['/admin/articles/new', '/admin/articles', '/admin/people/new']) {
          await page.goto(`${server.baseUrl}${path}`);
          const shown = await page.evaluate(() =>
            [...document.querySelectorAll('[hidden]')]
              .filter((el) => getComputedStyle(el).display !== 'none')
              .map((el) => el.outerHTML.slice(0, 80)),
          );
          assert.deepEqual(shown, [], `${path}, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`);
        }
        if (!javaScriptEnabled) {
          await page.goto(`${server.baseUrl}/admin/articles/new`);
          assert.equal(await page.getByRole('button', { name: 'Choose featured image' }).count(), 0);
        }
      } finally {
        await page.context().close();
      }
    }
  });
});
